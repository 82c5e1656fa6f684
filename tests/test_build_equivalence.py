"""The build's shortcuts change its speed, never its outputs (issue 16, item 3).

Each shortcut is compared with the plain way of doing the same thing: the exports with rdflib's own
serializers on rdflib's default store, the reduced OWL RL closure with owlrl on the whole input,
SHACL with prepared queries and in place with pyshacl on a copy, the forked stage with the same
function in this process, and a whole build with the second process against one without.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from conftest import ROOT, copy_project
from mentorgraph import iris, layout
from mentorgraph.namespaces import GRAPH, MG, MGO
from mentorgraph.pipeline import build as build_mod
from mentorgraph.pipeline import export, parallel
from mentorgraph.pipeline.load import load_sources
from mentorgraph.pipeline.reason import inert_properties, reason
from mentorgraph.pipeline.validate import load_shapes, validate

EX = "https://example.org/vocab#"


@pytest.fixture(scope="module")
def sources():
    return load_sources(ROOT)


@pytest.fixture(scope="module")
def checked():
    return build_mod.check(ROOT, processes=False)


# -- exports --------------------------------------------------------------------------------------------
def _plain(g: Graph) -> Graph:
    """A copy of `g` on rdflib's default store, the project's prefixes bound."""
    out = export.bind_prefixes(Graph())
    for t in g:
        out.add(t)
    return out


def _canonical(g: Graph) -> Graph:
    return to_canonical_graph(g) if any(isinstance(x, BNode) for t in g for x in t) else g


def _sorted_lines(text: str) -> bytes:
    return ("\n".join(sorted({line for line in text.split("\n") if line.strip()})) + "\n").encode("utf-8")


def plain_exports(ds: Dataset) -> dict[str, bytes]:
    """The triple exports as rdflib writes them from a plain Dataset (how 0.1.0 rendered them)."""
    union = _plain(Graph())
    for name in export.DATA_GRAPHS:
        for t in ds.graph(GRAPH[name]):
            union.add(t)
    canon = Dataset()
    for prefix, ns in iris.PREFIXES.items():
        canon.bind(prefix, ns, override=True, replace=True)
    for name in iris.GRAPH_NAMES:
        target = canon.graph(GRAPH[name])
        for t in _canonical(ds.graph(GRAPH[name])):
            target.add(t)
    trig = ["".join(f"@prefix {p}: <{ns}> .\n" for p, ns in iris.PREFIXES.items())]
    for name in iris.GRAPH_NAMES:
        body = _plain(canon.graph(GRAPH[name])).serialize(format="turtle")
        body = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix")).strip("\n")
        trig.append(f"\n<{iris.GRAPH}{name}> {{\n{body}\n}}\n")
    return {
        layout.TURTLE: union.serialize(format="turtle").encode("utf-8"),
        layout.NTRIPLES: _sorted_lines(union.serialize(format="nt")),
        layout.TRIG: "".join(trig).encode("utf-8"),
        layout.NQUADS: _sorted_lines(canon.serialize(format="nquads")),
    }


def test_every_triple_export_is_what_rdflib_writes_from_a_plain_dataset(checked):
    files = build_mod.render(ROOT, checked)
    expected = plain_exports(checked.sources.dataset)
    for name, data in expected.items():
        assert files[name] == data, name
    # The ontology's OWL lists are blank nodes: the canonical relabelling is exercised.
    assert b"_:" in files[layout.NQUADS]


def test_nquads_rows_are_the_ntriples_rows_with_their_graph(checked):
    files = build_mod.render(ROOT, checked)
    quads = files[layout.NQUADS].decode().splitlines()
    data_graphs = tuple(f" <{iris.GRAPH}{name}> ." for name in export.DATA_GRAPHS)
    from_quads = {q.rsplit(" <", 1)[0] + " ." for q in quads if q.endswith(data_graphs)}
    assert from_quads == set(files[layout.NTRIPLES].decode().splitlines())


def test_a_line_separator_inside_a_literal_stays_inside_its_row():
    # N-Triples escapes only \n and \r (and quotes); U+2028 is written raw and must not split a row.
    ds = Dataset()
    ds.graph(GRAPH.curation).add((MG.x, RDFS.label, Literal("one\u2028two")))
    context = json.loads((ROOT / layout.CONTEXT_FILE).read_text(encoding="utf-8"))
    files = export.render_all(ds, context, b"", Graph())
    assert files[layout.NTRIPLES].decode().count("\n") == 1
    assert files[layout.NQUADS].decode().count("\n") == 1


# -- reasoning ------------------------------------------------------------------------------------------
def test_reduced_reasoning_infers_what_owlrl_infers_from_everything(sources):
    parts = [sources.graph(n) for n in ("ontology", "article", "curation")]
    reduced, full = reason(*parts), reason(*parts, reduce=False)
    assert set(reduced.inferred) == set(full.inferred)
    assert len(reduced.inferred) > 1000
    # ...and the reduction left something out (SKOS mapping properties no axiom mentions).
    inert = inert_properties(t for g in parts for t in g)
    assert URIRef("http://www.w3.org/2004/02/skos/core#exactMatch") in inert
    assert reduced.closure_size < full.closure_size


def test_a_property_with_an_axiom_is_never_inert():
    p, q, r, d = (URIRef(EX + n) for n in ("p", "q", "r", "declared"))
    triples = [
        (p, RDFS.domain, MGO.Initiative),  # p has a domain
        (q, RDFS.subPropertyOf, r),  # q and r are related
        (d, RDF.type, OWL.ObjectProperty),  # d is only declared
        (MG.a, p, MG.b),
        (MG.a, q, MG.b),
        (MG.a, r, MG.b),
        (MG.a, d, MG.b),
    ]
    assert inert_properties(triples) == {d}
    # An axiom about a declaration class itself: no property is treated as inert.
    assert inert_properties([*triples, (OWL.ObjectProperty, RDFS.subClassOf, URIRef(EX + "C"))]) == set()


def test_equality_brings_inert_statements_back():
    # OWL 2 RL, prp-fp then eq-rep-s (OWL 2 Profiles, section 4.3, tables 4 and 5): with f functional,
    # a f b and a f c make b and c equal, so c has every statement b has, inert ones included.
    f, inert = URIRef(EX + "f"), URIRef(EX + "note")
    g = Graph()
    for t in [
        (f, RDF.type, OWL.FunctionalProperty),
        (MG.a, f, MG.b),
        (MG.a, f, MG.c),
        (MG.b, inert, MG.d),
    ]:
        g.add(t)
    assert inert in inert_properties(g)
    inferred = set(reason(g).inferred)
    assert (MG.c, inert, MG.d) in inferred
    assert inferred == set(reason(g, reduce=False).inferred)


# -- SHACL ----------------------------------------------------------------------------------------------
def _plain_report(data: Graph, shapes: Graph) -> tuple[bool, bytes]:
    copy = Graph()
    for prefix, ns in data.namespaces():
        copy.bind(prefix, ns, override=True, replace=True)
    for t in data:
        copy.add(t)
    conforms, results, _ = pyshacl_validate(
        copy, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=False, meta_shacl=False
    )
    return conforms, _sorted_lines(to_canonical_graph(results).serialize(format="nt"))


@pytest.mark.parametrize("damage", ["none", "a source removed", "a model type removed"])
def test_shacl_with_prepared_queries_reports_what_pyshacl_reports(sources, damage):
    data = build_mod.asserted_graph(sources)
    if damage == "a source removed":  # SourcedEvidenceShape, a SPARQL constraint, must report it
        st = next(data.subjects(MGO.evidenceKind, MG["cited-source"]))
        data.remove((st, DCTERMS.source, None))
    elif damage == "a model type removed":
        program = next(data.subjects(MGO.modelType, None))
        data.remove((program, MGO.modelType, None))
    shapes = load_shapes(ROOT)
    conforms, expected = _plain_report(data, shapes)
    report = validate(data, shapes, sources.origins)
    assert report.conforms == conforms == (damage == "none")
    assert _sorted_lines(to_canonical_graph(report.graph).serialize(format="nt")) == expected


# -- the second process ---------------------------------------------------------------------------------
def _pid_and(value):
    return os.getpid(), value


def _fails():
    raise ValueError("stage failed")


def _stuck_in_a_child(parent: int) -> int:
    if os.getpid() != parent:
        time.sleep(60)
    return os.getpid()


def test_a_stage_runs_in_a_child_and_returns_its_value(monkeypatch):
    monkeypatch.delenv(parallel.ENV, raising=False)
    stage = parallel.Stage(_pid_and, {"a": [1, 2]})
    assert stage.forked == parallel.can_fork()
    pid, value = stage.result()
    assert value == {"a": [1, 2]}
    assert (pid != os.getpid()) == parallel.can_fork()


def test_a_stage_raises_its_exception_in_the_caller():
    stage = parallel.Stage(_fails)
    with pytest.raises(ValueError, match="stage failed"):
        stage.result()


def test_a_stage_whose_child_dies_is_run_in_the_caller():
    stage = parallel.Stage(_stuck_in_a_child, os.getpid())
    if stage.forked:
        stage._proc.kill()  # the child dies without an answer
    assert stage.result() == os.getpid()


def test_one_process_when_asked(monkeypatch):
    monkeypatch.setenv(parallel.ENV, "1")
    assert not parallel.can_fork()
    assert parallel.Stage(_pid_and, 2).result() == (os.getpid(), 2)


def test_a_build_with_a_second_process_writes_what_one_process_writes(tmp_path):
    root = copy_project(tmp_path / "p")
    outs = {}
    for processes in (True, False):
        out = tmp_path / f"dist-{processes}"
        checked = build_mod.check(root, processes=processes)
        build_mod.build(root, out, checked=checked)
        outs[processes] = Path(os.path.realpath(out / layout.CURRENT))
    for name in layout.Generation("x", outs[False]).files():
        if name != layout.STORE:
            assert (outs[True] / name).read_bytes() == (outs[False] / name).read_bytes(), name


def test_a_stage_child_dies_with_a_killed_parent(tmp_path):
    """kill -9 of a build cannot end its second process; the child must end itself (PR_SET_PDEATHSIG)
    rather than wait for ever on its pipe (crash injection found 19 such children left behind)."""
    if not parallel.can_fork():
        pytest.skip("no fork on this platform: no second process to leave behind")
    script = (
        "import sys, time\n"
        "from mentorgraph.pipeline import parallel\n"
        "stage = parallel.Stage(time.sleep, 120)\n"
        "print(stage._proc.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    for _ in range(100):  # the kernel delivers the signal at once; allow for a busy machine
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            break
        if state == "Z":
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail(f"the stage's child {child} outlived its killed parent")
