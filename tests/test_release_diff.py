"""`mentorgraph diff OLD NEW`: added, removed and changed entities and statements, with labels, from hand-made
inputs whose differences are known, and from a real curation edit rebuilt from a copy of the project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mentorgraph.cli import main
from conftest import copy_project

MG = "https://w3id.org/mentorgraph/id/"
MGO = "https://w3id.org/mentorgraph/ontology#"
G = "https://w3id.org/mentorgraph/graph/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def nq(*quads: tuple[str, str, str, str]) -> str:
    return "".join(f"{s} {p} {o} <{G}{g}> .\n" for s, p, o, g in quads)


OLD = nq(
    (f"<{MG}a>", f"<{LABEL}>", '"Alpha"', "article"),
    (f"<{MG}a>", f"<{MGO}offeredBy>", f"<{MG}org1>", "curation"),
    (f"<{MG}org1>", f"<{LABEL}>", '"Org One"', "curation"),
    (f"<{MG}org2>", f"<{LABEL}>", '"Org Two"', "curation"),
    (f"<{MG}gone>", f"<{LABEL}>", '"Gone"', "article"),
    (f"<{MGO}offeredBy>", f"<{LABEL}>", '"offered by"@en', "ontology"),
    (f"<{MG}a>", f"<{MGO}servesPopulation>", f"<{MG}women>", "inferred"),
)
NEW = nq(
    (f"<{MG}a>", f"<{LABEL}>", '"Alpha"', "article"),
    (f"<{MG}a>", f"<{MGO}offeredBy>", f"<{MG}org2>", "curation"),
    (f"<{MG}org1>", f"<{LABEL}>", '"Org One"', "curation"),
    (f"<{MG}org2>", f"<{LABEL}>", '"Org Two"', "curation"),
    (f"<{MG}new>", f"<{LABEL}>", '"New one"', "curation"),
    (f"<{MG}new>", f"<{TYPE}>", f"<{MGO}Program>", "curation"),
    (f"<{MGO}offeredBy>", f"<{LABEL}>", '"offered by"@en', "ontology"),
    (f"<{MG}a>", f"<{MGO}servesPopulation>", f"<{MG}faculty>", "inferred"),
)


@pytest.fixture()
def pair(tmp_path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.nq", tmp_path / "new.nq"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return old, new


def run_json(capsys, *args: str) -> dict:
    assert main(["diff", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def by_iri(doc: dict) -> dict[str, dict]:
    return {e["value"]: e for e in doc["entities"]}


def test_entities_are_added_removed_and_changed(pair, capsys):
    doc = run_json(capsys, *map(str, pair))
    entities = by_iri(doc)
    assert set(entities) == {MG + "a", MG + "new", MG + "gone"}
    assert entities[MG + "new"]["status"] == "added"
    assert entities[MG + "gone"]["status"] == "removed"
    assert entities[MG + "a"]["status"] == "changed"
    assert doc["summary"] == {
        "entities_added": 1,
        "entities_removed": 1,
        "entities_changed": 1,
        "statements_added": 3,
        "statements_removed": 2,
    }


def test_changes_name_property_graph_and_labels(pair, capsys):
    (change,) = by_iri(run_json(capsys, *map(str, pair)))[MG + "a"]["changes"]
    assert change["graph"] == "curation"
    assert change["property"]["curie"] == "mgo:offeredBy" and change["property"]["label"] == "offered by"
    assert [(v["curie"], v["label"]) for v in change["removed"]] == [("mg:org1", "Org One")]
    assert [(v["curie"], v["label"]) for v in change["added"]] == [("mg:org2", "Org Two")]


def test_inferred_graph_is_left_out_unless_asked(pair, capsys):
    assert "inferred" not in run_json(capsys, *map(str, pair))["graphs"]
    changes = by_iri(run_json(capsys, *map(str, pair), "--inferred"))[MG + "a"]["changes"]
    assert {c["graph"] for c in changes} == {"curation", "inferred"}


def test_text_output_reads_like_a_review(pair, capsys):
    assert main(["diff", *map(str, pair)]) == 0
    out = capsys.readouterr().out
    assert '~ mg:a "Alpha"' in out
    assert '~ mgo:offeredBy "offered by": mg:org1 "Org One" -> mg:org2 "Org Two"  [curation]' in out
    assert '+ mg:new "New one"  (added)' in out
    assert '- mg:gone "Gone"  (removed)' in out


def test_identical_inputs_have_no_differences_and_exit_code_reports_them(pair, built, capsys):
    assert main(["diff", str(built), str(built), "--exit-code"]) == 0
    assert "no differences" in capsys.readouterr().out
    assert main(["diff", *map(str, pair), "--exit-code"]) == 1


def test_a_turtle_file_is_compared_by_triples(tmp_path, capsys):
    old = tmp_path / "old.ttl"
    old.write_text(f'<{MG}a> <{LABEL}> "Alpha" .\n', encoding="utf-8")
    new = tmp_path / "new.nq"
    new.write_text(
        nq(
            (f"<{MG}a>", f"<{LABEL}>", '"Alpha"', "article"),
            (f"<{MG}a>", f"<{LABEL}>", '"Alpha two"', "article"),
        ),
        encoding="utf-8",
    )
    doc = run_json(capsys, str(old), str(new))
    assert doc["graphs"] == []
    (change,) = by_iri(doc)[MG + "a"]["changes"]
    assert change["graph"] is None and [v["value"] for v in change["added"]] == ["Alpha two"]


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["missing.nq", "missing.nq"], 2, "no such file"),
        (["--graphs", "curaton"], 2, "did you mean 'curation'"),
        (["bad.nq"], 1, "bad.nq"),
        (["notes.txt"], 2, "unknown RDF file type"),
    ],
)
def test_bad_input_is_explained(tmp_path, pair, capsys, args, code, words, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.nq").write_text("<a> <b> .\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    if args[0] == "--graphs":
        args = [*map(str, pair), *args]
    elif len(args) == 1:
        args = [str(pair[0]), *args]
    assert main(["diff", *args]) == code
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_curation_edit_shows_as_that_edit(built, tmp_path, capsys):
    from mentorgraph.pipeline.build import build

    project = copy_project(tmp_path / "project")
    orgs = project / "data" / "organizations.yaml"
    text = orgs.read_text(encoding="utf-8")
    assert "  label: Drexel University\n" in text
    orgs.write_text(
        text.replace("  label: Drexel University\n", "  label: Drexel University (edited)\n"),
        encoding="utf-8",
    )
    build(project, tmp_path / "dist", store=False)
    doc = run_json(capsys, str(built), str(tmp_path / "dist"))
    drexel = by_iri(doc)[MG + "drexel-university"]
    assert drexel["status"] == "changed"
    labels = [c for c in drexel["changes"] if c["property"]["value"] == LABEL]
    assert [([v["value"] for v in c["removed"]], [v["value"] for v in c["added"]]) for c in labels] == [
        (["Drexel University"], ["Drexel University (edited)"])
    ]
    # Nothing else changed but evidence about that label.
    others = [e for e in doc["entities"] if e["value"] != MG + "drexel-university"]
    assert all("Drexel University" in e.get("label", "") for e in others), [e["value"] for e in others]
