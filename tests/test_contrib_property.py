"""Property: any CSV either imports and round-trips exactly, or is rejected with a report; never a traceback.

Rows are random: names in any script (with formula prefixes, control characters, stray spaces),
Table 1's types or misspellings of them, known and unknown populations, good and bad sources. After
an import, every name must come back unchanged (trimmed of surrounding spaces, as documented) from
data/contributions.yaml and from the graph the build stage loads from it. Reasoning and SHACL are left
out here (`reason_and_shapes=False`) to try many files; the other contrib tests run them.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mentorgraph.contrib import import_files
from mentorgraph.problems import Problem
from conftest import copy_project

TYPES = ["Formal mentoring programs", "Social media", "Grant based", "Programs for trainees"]  # Table 1 rows
POPULATIONS = ["Women", "Residents", "Trainees"]

printable = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30)
wild = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
formula = st.builds(lambda p, t: p + t, st.sampled_from(["=", "+", "-", "@", " ", "“", "Ü"]), printable)
# Mostly plausible input, so that both outcomes are common (hypothesis reports the share of each).
names = st.one_of(printable, printable, formula, wild)
types = st.one_of(
    st.sampled_from(TYPES), st.sampled_from(TYPES).map(str.upper), st.sampled_from(TYPES), st.text(max_size=12)
)
rows = st.fixed_dictionaries(
    {
        "name": names,
        "mentoring type": types,
        "target populations": st.lists(st.one_of(st.sampled_from(POPULATIONS), st.text(max_size=8)), max_size=2).map(
            "; ".join
        ),
        "evidence/source": st.sampled_from(["https://example.org/s", "A citation (2020) — p. 3", "", "https://a b/"]),
        "notes": st.one_of(st.just(""), printable),
    }
)


def fresh_root(base: Path) -> Path:
    if base.exists():
        shutil.rmtree(base)
    return copy_project(base, link=("ontology", "queries"))


# CONTRIB_EXAMPLES=200 tries more files (a few minutes); the suite's default keeps it to seconds.
@settings(
    max_examples=int(os.environ.get("CONTRIB_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(rows, min_size=1, max_size=4))
def test_random_rows_import_exactly_or_are_rejected_with_a_report(tmp_path, data_rows):
    from rdflib import Literal
    from rdflib.namespace import RDFS

    from mentorgraph.namespaces import MG
    from mentorgraph.pipeline.load import load_sources

    root = fresh_root(tmp_path / "project")
    buf = io.StringIO()
    w = csv.DictWriter(buf, list(data_rows[0]), lineterminator="\r\n")
    w.writeheader()
    w.writerows(data_rows)
    path = tmp_path / "rows.csv"
    path.write_bytes(buf.getvalue().encode("utf-8"))
    outcome = import_files(root, [path], root / "dist", rebuild=False, reason_and_shapes=False)
    stored = root / "data" / "contributions.yaml"
    event("imported" if outcome.ok else "rejected")
    if not outcome.ok:
        assert outcome.problems and all(isinstance(p, Problem) and p.file == str(path) for p in outcome.problems)
        assert all(str(p).startswith(str(path)) for p in outcome.problems)
        assert not stored.exists()
        return
    kept = [r for r in data_rows if any(v.strip() for v in r.values())]
    records = yaml.safe_load(stored.read_text(encoding="utf-8"))["initiatives"]
    assert [r["label"] for r in records] == [r["name"].strip() for r in kept]
    graph = load_sources(root).graph("curation")
    for rec in records:
        assert list(graph.objects(MG[rec["id"]], RDFS.label)) == [Literal(rec["label"])]
    # Importing the same file again changes nothing.
    before = stored.read_bytes()
    again = import_files(root, [path], root / "dist", rebuild=False, reason_and_shapes=False)
    assert again.ok and {e["action"] for e in again.entries()} == {"unchanged"}
    assert stored.read_bytes() == before


# Values of every kind, in every field a YAML contribution has (mappings included), hostile ones among them.
anything = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20)
urlish = st.one_of(
    st.builds(lambda t: "https://example.org/" + t, anything),
    st.sampled_from(
        ["https://exa mple.org/", "https://a/%zz", "https://[::1/", "https://w3id.org/mentorgraph/id/elam"]
    ),
)
records = st.fixed_dictionaries(
    {"label": st.one_of(printable, anything), "note": st.one_of(printable, anything)},
    optional={
        "source": st.one_of(urlish, printable),
        "mappings": st.lists(
            st.fixed_dictionaries(
                {"predicate": st.sampled_from(["exactMatch", "closeMatch", "sameAs"]), "iri": urlish},
                optional={"source": st.one_of(urlish, anything), "note": anything},
            ),
            max_size=2,
        ),
    },
)


@settings(
    max_examples=int(os.environ.get("CONTRIB_IMPORT_EXAMPLES", "3")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records)
def test_what_validate_accepts_import_writes_and_the_build_contains(tmp_path, record):
    """Accepted by `validate` => `import` writes it => the rebuilt graph holds it (issue 12, item 5)."""
    import pyoxigraph

    from mentorgraph.contrib import validate_files
    from mentorgraph.layout import current_generation

    root = fresh_root(tmp_path / "project")
    record = {**record, "modelType": "Formal mentoring programs"}
    path = tmp_path / "contribution.yaml"
    path.write_text(yaml.safe_dump({"initiatives": [record]}, allow_unicode=True), encoding="utf-8")
    outcome, _ = validate_files(root, [path])
    event("accepted" if outcome.ok else "refused")
    if not outcome.ok:
        assert outcome.problems or (outcome.report and outcome.report.violations)
        return
    imported = import_files(root, [path], root / "dist")
    assert imported.ok and imported.built, imported.text()
    store = pyoxigraph.Store.read_only(str(current_generation(root / "dist").store))
    label = pyoxigraph.Literal(record["label"].strip())
    assert list(
        store.quads_for_pattern(None, pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), label)
    )
