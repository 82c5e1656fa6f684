"""Importing contributed programs: what is written, byte-exact text, idempotence, ids that stay, rollback.

Expected ids follow the rule of docs/contributing.md (kebab-case ASCII of the name; a name without
Latin letters gets "initiative-" and the first 10 hex digits of the SHA-256 of its UTF-8 bytes).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
import yaml
from test_contrib import snapshot

from mentorgraph.cli import main
from mentorgraph.contrib import import_files
from conftest import ROOT, copy_project

SOURCE = "https://example.org/source"
# Names the issue asks to survive byte for byte: accents, curly quotes, dashes, CJK.
ACCENTS = "Réseau “Ñandú” — mentorat entre pairs"
DASHES = "Women’s Peer Circle – Ünïcödé"
CJK = "東京同僚メンタリング会"
# Cells a spreadsheet would run as formulas: stored as the text they are.
FORMULAS = ['=HYPERLINK("http://127.0.0.1/","click")', "+SUM(1,2) circle", "-2+3 group", "@cmd group"]


def cjk_id(name: str) -> str:
    return "initiative-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


EXPECTED_IDS = {
    ACCENTS: "reseau-nandu-mentorat-entre-pairs",
    DASHES: "womens-peer-circle-unicode",
    CJK: cjk_id(CJK),
    FORMULAS[0]: "hyperlink-http-127-0-0-1-click",
    FORMULAS[1]: "sum-1-2-circle",
    FORMULAS[2]: "2-3-group",
    FORMULAS[3]: "cmd-group",
}


def contribution_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    fields = [
        "name",
        "mentoring type",
        "kind",
        "sponsor organization",
        "target populations",
        "delivery mode",
        "evidence/source",
        "notes",
        "alternative names",
    ]
    w = csv.DictWriter(buf, fields, lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


ROWS = [
    # Values matched by label, acronym and alternative label, in other cases and accents.
    {
        "name": ACCENTS,
        "mentoring type": "formal MENTORING programs",
        "kind": "peer group",
        "sponsor organization": "ACR",
        "target populations": "women; Residency",
        "delivery mode": "IN-PERSON",
        "evidence/source": SOURCE,
        "alternative names": "Réseau Ñandú",
    },
    {
        "name": DASHES,
        "mentoring type": "Social media",
        "kind": "Online group",
        "delivery mode": "Online",
        # An IRI may hold non-ASCII characters (RFC 3987): they reach the record as written.
        "evidence/source": "https://example.org/réseau/citation—2021",
        "notes": "Quotes ‘single’ and “double”.",
    },
    {"name": CJK, "mentoring type": "Grant based", "notes": "A curator’s note: known from the program office."},
    *({"name": f, "mentoring type": "Programs for trainees", "evidence/source": SOURCE, "notes": f} for f in FORMULAS),
]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A project copy with a built dist/, into which ROWS were imported once."""
    root = copy_project(tmp_path_factory.mktemp("imported"))
    path = root.parent / "programs.csv"
    path.write_text(contribution_csv(ROWS), encoding="utf-8")
    before = (root / "data" / "organizations.yaml").read_bytes()
    rc = main(["import", str(path), "--root", str(root), "--out", str(root / "dist"), "--format", "json"])
    return root, path, rc, before


def stored(root: Path) -> dict[str, dict]:
    doc = yaml.safe_load((root / "data" / "contributions.yaml").read_text(encoding="utf-8"))
    return {r["label"]: r for r in doc["initiatives"]}


def test_import_writes_curated_records_with_derived_ids_and_evidence(imported):
    root, _, rc, orgs_before = imported
    assert rc == 0
    records = stored(root)
    assert {label: r["id"] for label, r in records.items()} == EXPECTED_IDS
    first = records[ACCENTS]
    assert (
        first["class"],
        first["modelType"],
        first["offeredBy"],
        first["targetPopulation"],
        first["deliveryMode"],
    ) == (
        "PeerGroup",
        "formal-mentoring-programs",
        ["american-college-of-rheumatology"],
        ["women", "residents"],
        "in-person",
    )
    assert first["altLabels"] == ["Réseau Ñandú"]
    assert (first["evidence"], first["source"]) == ("cited-source", SOURCE)
    assert (records[CJK]["evidence"], records[CJK]["note"]) == ("curator", ROWS[2]["notes"])
    assert records[DASHES]["source"] == ROWS[1]["evidence/source"]
    # Only contributions.yaml changes; the file is in the canonical form of data/ (tests/test_data_curation.py).
    assert (root / "data" / "organizations.yaml").read_bytes() == orgs_before
    text = (root / "data" / "contributions.yaml").read_text(encoding="utf-8")
    assert text == yaml.safe_dump(yaml.safe_load(text), allow_unicode=True, sort_keys=False, width=4096)


def test_text_survives_byte_for_byte_through_exports_and_queries(imported):
    from rdflib import Graph, Literal

    from mentorgraph.query.api import open_graph

    root, *_ = imported
    names = [ACCENTS, DASHES, CJK, *FORMULAS]
    raw = (root / "data" / "contributions.yaml").read_bytes()
    assert all(n.encode("utf-8") in raw for n in names)
    for engine in ("oxigraph", "rdflib"):
        mg = open_graph(root / "dist", engine=engine, root=root)
        for name in names:
            rows = mg.sparql(f"SELECT ?l WHERE {{ mg:{EXPECTED_IDS[name]} rdfs:label ?l }}").plain()
            assert [r["l"] for r in rows] == [name]
    # Every export format parses and holds the same text.
    for file, fmt in (("mentorgraph.nt", "nt"), ("mentorgraph.ttl", "turtle"), ("mentorgraph.jsonld", "json-ld")):
        g = Graph().parse(root / "dist" / file, format=fmt)
        for name in names:
            assert (None, None, Literal(name)) in g, (file, name)
    doc = json.loads((root / "dist" / "mentorgraph.jsonld").read_text(encoding="utf-8"))
    assert CJK in json.dumps(doc, ensure_ascii=False)


def test_query_layer_finds_contributions_by_name(imported):
    from mentorgraph.query.api import open_graph

    root, *_ = imported
    mg = open_graph(root / "dist", root=root)
    assert mg.resolve("reseau “nandu” — mentorat entre pairs", "mgo:Initiative").endswith(EXPECTED_IDS[ACCENTS])


def test_reimport_changes_nothing(imported, capsys):
    root, path, *_ = imported
    before = snapshot(root)
    rc = main(["import", str(path), "--root", str(root), "--out", str(root / "dist")])
    text = capsys.readouterr().out
    assert rc == 0
    assert f"valid: {len(ROWS)} unchanged." in text
    assert snapshot(root) == before


def test_changed_row_updates_the_record_and_keeps_its_id(tmp_path):
    root = copy_project(tmp_path / "p")
    path = tmp_path / "one.csv"
    row = {"name": DASHES, "mentoring type": "Social media", "evidence/source": SOURCE}
    path.write_text(contribution_csv([row]), encoding="utf-8")
    # Reasoning and SHACL are skipped here (they are the same stages as in the other tests): this is about ids.
    first = import_files(root, [path], root / "dist", rebuild=False, reason_and_shapes=False)
    assert first.ok and [e["action"] for e in first.entries()] == ["add"]
    path.write_text(
        contribution_csv([{**row, "name": DASHES.upper(), "target populations": "Women"}]), encoding="utf-8"
    )
    second = import_files(root, [path], root / "dist", rebuild=False, reason_and_shapes=False)
    assert second.ok and [e["action"] for e in second.entries()] == ["update"]
    [record] = stored(root).values()
    assert (record["id"], record["label"], record["targetPopulation"]) == (
        EXPECTED_IDS[DASHES],
        DASHES.upper(),
        ["women"],
    )


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_or_interrupted_rebuild_leaves_data_new_and_dist_as_it_was(tmp_path, monkeypatch, failure):
    """Issue 12, item 4: import writes data/ first, then builds, so dist/ is never ahead of data/. A build
    that fails after the write leaves data/ exactly as a build-less import writes it, dist/ untouched."""
    import mentorgraph.pipeline.build

    path = tmp_path / "one.csv"
    path.write_text(
        contribution_csv(
            [{"name": "A brand-new peer group", "mentoring type": "Social media", "evidence/source": SOURCE}]
        ),
        encoding="utf-8",
    )
    expected = copy_project(tmp_path / "expected")
    import_files(expected, [path], expected / "dist", rebuild=False, reason_and_shapes=False)
    root = copy_project(tmp_path / "p")
    before = snapshot(root)

    def broken(*_args, **_kw):
        raise failure

    monkeypatch.setattr(mentorgraph.pipeline.build, "build", broken)
    # A failure is reported as a failed build after data/ was written (the CLI says so and exits 3);
    # an interrupt passes through as itself.
    from mentorgraph.contrib.core import BuildAfterImport

    expected_error = BuildAfterImport if isinstance(failure, Exception) else type(failure)
    with pytest.raises(expected_error) as raised:
        import_files(root, [path], root / "dist", reason_and_shapes=False)
    if expected_error is BuildAfterImport:
        assert raised.value.cause is failure
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k.startswith("dist")} == {
        k: v for k, v in before.items() if k.startswith("dist")
    }
    data = {k: v for k, v in after.items() if k.startswith("data")}
    assert data == {k: v for k, v in snapshot(expected).items() if k.startswith("data")}
    assert data != {k: v for k, v in before.items() if k.startswith("data")}


YAML_WITH_ORGANIZATION = (
    "organizations:\n- label: Société d’exemple de mentorat\n  class: ProfessionalSociety\n  acronyms: [SEM]\n"
    f"  source: {SOURCE}\n"
    "initiatives:\n- label: Cercle SEM\n  modelType: Programs within professional organizations\n"
    "  offeredBy: sem\n  targetPopulation: [Women, Residents]\n  note: Known to the curator from the program.\n"
)


def test_a_failed_second_write_restores_the_first(tmp_path, monkeypatch):
    """A failure while the second file is staged leaves data/ exactly old (nothing was committed)."""
    import mentorgraph.datafiles

    root = copy_project(tmp_path / "p")
    before = snapshot(root)
    real = mentorgraph.datafiles.os.fsync
    calls = {"n": 0}

    def failing(fd):
        calls["n"] += 1
        if calls["n"] == 2:  # the second staged file (data/organizations.yaml)
            raise OSError(5, "Input/output error")
        real(fd)

    monkeypatch.setattr(mentorgraph.datafiles.os, "fsync", failing)
    path = tmp_path / "c.yaml"
    path.write_text(YAML_WITH_ORGANIZATION, encoding="utf-8")
    with pytest.raises(OSError, match="Input/output error.*data/ is as it was"):
        import_files(root, [path], root / "dist", rebuild=False, reason_and_shapes=False)
    monkeypatch.setattr(mentorgraph.datafiles.os, "fsync", real)
    assert snapshot(root) == before


def test_yaml_may_add_an_organization_that_its_programs_name(tmp_path):
    root = copy_project(tmp_path / "p")
    orgs_before = (root / "data" / "organizations.yaml").read_bytes()
    path = tmp_path / "c.yaml"
    path.write_text(YAML_WITH_ORGANIZATION, encoding="utf-8")
    outcome = import_files(root, [path], root / "dist", rebuild=False, reason_and_shapes=False)
    assert outcome.ok, outcome.text()
    orgs_after = (root / "data" / "organizations.yaml").read_bytes()
    assert orgs_after.startswith(orgs_before)
    added = yaml.safe_load(orgs_after[len(orgs_before) :].decode("utf-8"))
    assert added == [
        {
            "id": "societe-dexemple-de-mentorat",
            "class": "ProfessionalSociety",
            "label": "Société d’exemple de mentorat",
            "acronyms": ["SEM"],
            "evidence": "cited-source",
            "source": SOURCE,
        }
    ]
    assert stored(root)["Cercle SEM"]["offeredBy"] == ["societe-dexemple-de-mentorat"]


def test_turtle_and_jsonld_contributions_validate(tmp_path, capsys):
    ttl = tmp_path / "c.ttl"
    ttl.write_text(
        f'mg:groupe-ttl a mgo:PeerGroup ;\n  rdfs:label "{ACCENTS}" ;\n'
        '  mgo:modelType "Committed purposeful academic peer mentoring" ;\n'
        '  mgo:targetPopulation mg:women , "Residents" ;\n  dcterms:source <https://example.org/s> .\n'
        '[] a mgo:Program ; rdfs:label "Blank node program" ; mgo:modelType mg:grant-based ;\n'
        '  mgo:curationNote "Known to the curator." .\n',
        encoding="utf-8",
    )
    jsonld = tmp_path / "c.jsonld"
    jsonld.write_text(
        json.dumps(
            {
                "@graph": [
                    {
                        "id": "mg:json-program",
                        "type": "mgo:Program",
                        "label": CJK,
                        "modelType": "Social media",
                        "source": "https://example.org/j",
                        "targetPopulation": ["Women", "mg:residents"],
                    }
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    rc = main(["validate", str(ttl), str(jsonld), "--root", str(ROOT), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert rc == 0, report
    got = {(e["id"], e["label"], e["action"]) for e in report["entries"]}
    assert got == {
        ("groupe-ttl", ACCENTS, "add"),
        ("blank-node-program", "Blank node program", "add"),
        ("json-program", CJK, "add"),
    }


def test_shacl_violations_name_the_contributed_row(tmp_path, capsys):
    root = copy_project(tmp_path / "p")
    with (root / "ontology" / "shapes.ttl").open("a", encoding="utf-8") as fh:
        fh.write(
            "\nmgsh:ContributorTestShape a sh:NodeShape ; sh:targetSubjectsOf dcterms:contributor ;\n"
            '    sh:property [ sh:path dcterms:contributor ; sh:pattern "^[A-Z]" ;\n'
            '        sh:message "A contributor name starts with a capital letter." ] .\n'
        )
    path = tmp_path / "c.csv"
    path.write_text(
        f"name,mentoring type,evidence/source,contributor\nA new circle,Social media,{SOURCE},lowercase name\n",
        encoding="utf-8",
    )
    before = snapshot(root)
    rc = main(["import", str(path), "--root", str(root), "--no-build"])
    err = capsys.readouterr().err
    assert rc == 1
    assert "A contributor name starts with a capital letter." in err
    assert f"'A new circle' <https://w3id.org/mentorgraph/id/a-new-circle> ({path}:2)" in err
    assert snapshot(root) == before


def test_probable_duplicates_may_be_accepted_as_notes(capsys, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "name,mentoring type,evidence/source\nExecutive Leadership in Academic Medicine,"
        f"Formal mentoring programs,{SOURCE}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path), "--root", str(ROOT)]) == 1
    assert "already in the graph under another spelling" in capsys.readouterr().err
    assert main(["validate", str(path), "--root", str(ROOT), "--accept-duplicates"]) == 0
    assert "note:" in capsys.readouterr().out


def test_template_sample_and_docs_agree(capsys):
    from mentorgraph.contrib import COLUMNS

    assert main(["template"]) == 0
    header = next(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert header == [c.header for c in COLUMNS]
    # The columns, in words a non-RDF user understands.
    for words in (
        "name",
        "mentoring type",
        "sponsor organization",
        "parent program",
        "target populations",
        "delivery mode",
        "website",
        "evidence/source",
        "notes",
    ):
        assert words in header
    docs = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    assert all(f"`{h}`" in docs for h in header)
    sample = ROOT / "data" / "samples" / "programs-sample.csv"
    assert main(["validate", str(sample), "--root", str(ROOT)]) == 0, capsys.readouterr().err


def test_the_examples_in_the_docs_validate(tmp_path):
    import re

    from mentorgraph.contrib import validate_files

    docs = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(yaml|turtle|json)\n(.*?)```", docs, flags=re.S)
    assert [lang for lang, _ in blocks] == ["yaml", "turtle", "json"]
    for i, (lang, text) in enumerate(blocks):
        path = tmp_path / f"example{i}.{ {'yaml': 'yaml', 'turtle': 'ttl', 'json': 'jsonld'}[lang] }"
        path.write_text(text, encoding="utf-8")
        outcome, _ = validate_files(ROOT, [path], reason_and_shapes=False)
        assert outcome.ok, outcome.text()
