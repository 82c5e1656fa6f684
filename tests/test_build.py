"""The build: exports readable by an independent parser, deterministic, atomic, and all-or-nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from mentorgraph.pipeline import export
from mentorgraph.cli import main
from conftest import ROOT, copy_project

EXPORT_FILES = sorted(export.EXPORTS)


def snapshot(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def ntriple_set(quads, with_graph: bool) -> set[str]:
    """Normalized N-Triples/N-Quads lines from pyoxigraph terms (xsd:string literals as plain)."""

    def term(t):
        if isinstance(t, ox.Literal) and t.datatype and t.datatype.value.endswith("#string") and not t.language:
            return ox.Literal(t.value).__str__()
        return str(t)

    out = set()
    for q in quads:
        g = f" {q.graph_name}" if with_graph and not isinstance(q.graph_name, ox.DefaultGraph) else ""
        out.add(f"{term(q.subject)} {term(q.predicate)} {term(q.object)}{g}")
    return out


def rdflib_set(g) -> set[str]:
    """The same normalization, parsing rdflib's own N-Triples output with pyoxigraph."""
    data = g.serialize(format="nt").encode()
    return ntriple_set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES), with_graph=False)


def test_every_export_is_written(built):
    for name in EXPORT_FILES:
        assert (built / name).is_file(), name
        assert (built / name).stat().st_size > 0, name
    assert (built / "store").is_dir()


@pytest.mark.parametrize(
    "name,fmt",
    [
        ("mentorgraph.ttl", ox.RdfFormat.TURTLE),
        ("mentorgraph.nt", ox.RdfFormat.N_TRIPLES),
        ("mentorgraph.jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_triple_exports_parse_independently_and_match(built, name, fmt):
    """pyoxigraph (not rdflib) reads each export; all three hold the same triples as the N-Triples file."""
    ours = ntriple_set(ox.parse(path=str(built / name), format=fmt), with_graph=False)
    reference = ntriple_set(ox.parse(path=str(built / "mentorgraph.nt"), format=ox.RdfFormat.N_TRIPLES), False)
    assert ours == reference
    # and the reference is the built graph: the union of the data graphs in the N-Quads dataset
    ds = Dataset()
    ds.parse(built / "mentorgraph.nq", format="nquads")
    union = Graph()
    for name_ in ("article", "curation", "evidence", "inferred"):
        for t in ds.graph(f"https://w3id.org/mentorgraph/graph/{name_}"):
            union.add(t)
    assert reference == rdflib_set(union)


@pytest.mark.parametrize(
    "name,fmt", [("mentorgraph.trig", ox.RdfFormat.TRIG), ("mentorgraph.nq", ox.RdfFormat.N_QUADS)]
)
def test_dataset_exports_keep_named_graphs(built, name, fmt):
    quads = list(ox.parse(path=str(built / name), format=fmt))
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert graphs == {
        f"https://w3id.org/mentorgraph/graph/{g}"
        for g in ("ontology", "article", "curation", "evidence", "inferred", "alignments")
    }
    manifest = json.loads((built / "manifest.json").read_text())
    for g, info in manifest["graphs"].items():
        assert sum(1 for q in quads if q.graph_name.value == g) == info["triples"], g


def test_trig_and_nquads_are_isomorphic(built):
    a, b = Dataset(), Dataset()
    a.parse(built / "mentorgraph.trig", format="trig")
    b.parse(built / "mentorgraph.nq", format="nquads")
    from rdflib.compare import isomorphic

    for g in a.graphs():
        if len(g):
            assert isomorphic(g, b.graph(g.identifier)), g.identifier


def test_context_ships_as_its_own_file(built, root):
    shipped = json.loads((built / "context.jsonld").read_text())
    assert shipped == json.loads((root / "ontology" / "context.jsonld").read_text())
    doc = json.loads((built / "mentorgraph.jsonld").read_text())
    assert doc["@context"] == shipped["@context"]
    # friendly terms for web developers: plain keys, not full IRIs
    swims = next(n for n in doc["@graph"] if n.get("id") == "mg:swims")
    assert swims["label"] == "SWIMS: Supporting Women in the Medical Sciences"
    assert "mg:women" in json.dumps(swims["targetPopulation"])


def test_context_covers_every_ontology_property(root):
    ctx = json.loads((root / "ontology" / "context.jsonld").read_text())["@context"]
    from mentorgraph.namespaces import ONTOLOGY_TERMS

    missing = [t for t in ONTOLOGY_TERMS if t[0].islower() and t not in ctx]
    assert not missing, missing


def test_rebuild_is_byte_identical_across_processes(tmp_path):
    """Two builds in fresh processes with different hash seeds give byte-identical files."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"dist{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "mentorgraph.cli", "build", "--quiet", "--root", str(ROOT), "--out", str(out)],
            check=True,
            env=env,
        )
        outs.append(out)
    for name in EXPORT_FILES:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_shacl_violation_fails_the_build_and_writes_nothing(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    cur = project / "data" / "curation.yaml"
    cur.write_text(
        cur.read_text(encoding="utf-8")
        + (
            "- subject: swims\n  predicate: modelType\n  object: social-media\n  evidence: curator\n"
            "  note: a second type, which the shapes forbid\n"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    out.mkdir()
    (out / "mentorgraph.ttl").write_text("previous build\n")
    before = snapshot(out)
    assert main(["build", "--root", str(project), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "SHACL validation failed" in err
    assert "'SWIMS: Supporting Women in the Medical Sciences'" in err
    assert "https://w3id.org/mentorgraph/id/swims" in err
    assert "mgo:modelType" in err and "exactly one mentoring model type" in err
    assert "data/table1.yaml:" in err  # where the entity is defined
    assert snapshot(out) == before


def test_owl_inconsistency_fails_the_build(tmp_path, capsys):
    """owlrl reports inconsistency as triples; the build turns them into a failure."""
    project = copy_project(tmp_path / "project")
    cur = project / "data" / "curation.yaml"
    cur.write_text(
        cur.read_text(encoding="utf-8")
        + (
            "- subject: women\n  predicate: partOf\n  object: swims\n  evidence: curator\n"
            "  note: makes a population an initiative, which the ontology declares disjoint\n"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    assert main(["build", "--root", str(project), "--out", str(out)]) == 1
    assert "inconsistent" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


def test_bad_reference_reports_file_line_and_suggestion(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    cur = project / "data" / "curation.yaml"
    text = cur.read_text(encoding="utf-8")
    cur.write_text(
        text.replace("object: racial-and-ethnic-minorities", "object: racial-and-ethnic-minority", 1), encoding="utf-8"
    )
    line = text[: text.index("object: racial-and-ethnic-minorities")].count("\n") + 1
    assert main(["build", "--root", str(project), "--out", str(tmp_path / "dist")]) == 1
    err = capsys.readouterr().err
    assert f"data/curation.yaml:{line}" in err
    assert "unknown id 'racial-and-ethnic-minority'" in err
    assert "did you mean 'racial-and-ethnic-minorities'?" in err


def test_interrupted_write_leaves_previous_files_whole(tmp_path, monkeypatch):
    """A crash while writing one file of a generation leaves every file old and whole, and no temp files."""
    from mentorgraph import layout

    out = tmp_path / "dist"
    old = {name: f"old {name}\n".encode() for name in EXPORT_FILES}
    with layout.new_generation(out, "old") as w:
        for name, data in old.items():
            w.write(name, data)
    files = {name: f"new {name}\n".encode() for name in EXPORT_FILES}
    real_write = layout.GenerationWriter.write
    calls = {"n": 0}

    def crashing_write(self, name, data):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed mid-build")
        return real_write(self, name, data)

    monkeypatch.setattr(layout.GenerationWriter, "write", crashing_write)
    with pytest.raises(KeyboardInterrupt):
        with layout.new_generation(out, "new") as w:
            for name, data in files.items():
                w.write(name, data)
    for name in EXPORT_FILES:
        assert (out / name).read_bytes() in (old[name], files[name]), name
        assert (out / name).read_bytes() == old[name], name  # the switch never happened
    assert layout.current_id(out) == "old"
    left = [p for p in (out / layout.BUILDS).iterdir() if p.name.startswith(".tmp") or p.name.endswith(".tmp")]
    assert not left, "temporary files left behind"


def test_table_json_matches_the_published_columns(built, table1, footnote, capsys):
    assert main(["table", "--format", "json", "--out", str(built)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["title", "rows", "footnote"]
    assert doc["title"] == "Examples of peer mentoring models"
    assert doc["footnote"] == footnote
    assert len(doc["rows"]) == 7
    for row, ref in zip(doc["rows"], table1, strict=True):
        assert list(row) == ["type", "examples", "strengths", "weaknesses"]
        assert row["type"] == ref["type"]
        assert [(e["label"], [c["label"] for c in e["children"]]) for e in row["examples"]] == ref["examples"]
        assert all(c["children"] == [] for e in row["examples"] for c in e["children"])
        assert row["strengths"] == ref["strengths"]
        assert row["weaknesses"] == ref["weaknesses"]


def test_table_text_reproduces_table1_txt_byte_for_byte(built, root, capsysbinary):
    assert main(["table", "--format", "text", "--out", str(built)]) == 0
    out = capsysbinary.readouterr().out
    assert out == (root / "data" / "source" / "table1.txt").read_bytes()


def test_table_text_bullets_in_order(built, root, capsys):
    """The issue's check, bullet by bullet: every bullet of table1.txt, in order, byte for byte."""
    main(["table", "--format", "text", "--out", str(built)])
    ours = [line for line in capsys.readouterr().out.splitlines() if "\u2022" in line]
    ref = [
        line
        for line in (root / "data" / "source" / "table1.txt").read_text(encoding="utf-8").splitlines()
        if "\u2022" in line
    ]
    assert len(ref) == 113  # 112 bullets and the footnote
    assert ours == ref


def test_table_markdown_lists_every_bullet(built, table1, capsys):
    main(["table", "--format", "markdown", "--out", str(built)])
    md = capsys.readouterr().out
    for row in table1:
        assert f"## {table1.index(row) + 1}. {row['type']}" in md
        for label in row["strengths"] + row["weaknesses"]:
            assert f"- {label}\n" in md
        for label, children in row["examples"]:
            assert f"- {label}\n" in md
            for child in children:
                assert f"  - {child}\n" in md


def test_table_is_the_same_on_rdflib(built, capsys):
    main(["table", "--format", "json", "--out", str(built)])
    a = capsys.readouterr().out
    main(["table", "--format", "json", "--out", str(built), "--engine", "rdflib"])
    assert capsys.readouterr().out == a
