"""The build directory (layout.py): the one --out rule, generations switched atomically, readers that
resolve one generation, linked datasets as files of a generation (issue 14; issue 12, item 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT
from mentorgraph import layout
from mentorgraph.cli import main
from mentorgraph.query.api import open_graph
from test_linking_queries import fixture_records

ROR_COUNT = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH mgg:ror { ?s a schema:Organization } }"


def copy_build(built: Path, dest: Path) -> Path:
    """A copy of a built directory with its generations and links (links are relative)."""
    subprocess.run(["cp", "-a", str(built), str(dest)], check=True)
    return dest


# -- the one --out rule -----------------------------------------------------------------------------
def test_a_given_out_is_relative_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert layout.resolve_out("build", ROOT) == tmp_path / "build"
    assert layout.resolve_out(tmp_path / "x", ROOT) == tmp_path / "x"


def test_no_out_means_the_projects_dist(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert layout.resolve_out(None, ROOT) == ROOT / "dist"


def test_the_api_and_the_cli_follow_the_same_rule(built, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    copy_build(built, tmp_path / "mine")
    assert main(["query", "types", "--out", "mine", "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + 7
    assert len(open_graph("mine", root=ROOT).query("types").rows) == 7
    assert main(["query", "types", "--out", "missing"]) == 3
    assert "no built graph at " + str(tmp_path / "missing") in capsys.readouterr().err


# -- generations ----------------------------------------------------------------------------------------
def test_a_build_is_a_generation_that_current_points_at(built):
    gen = layout.current_generation(built)
    assert os.readlink(built / layout.CURRENT) == f"{layout.BUILDS}/{gen.id}"
    assert gen.path == built / layout.BUILDS / gen.id
    for name in (layout.TURTLE, layout.NQUADS, layout.MANIFEST, layout.STORE):
        assert (built / name).is_symlink() and os.readlink(built / name) == f"{layout.CURRENT}/{name}"
        assert (built / name).resolve() == (gen.path / name).resolve()
    assert json.loads((built / layout.MANIFEST).read_text())["triples"] > 0


def test_an_unchanged_rebuild_reuses_its_generation(built, tmp_path):
    from mentorgraph.pipeline.build import build

    out = copy_build(built, tmp_path / "dist")
    before = layout.current_id(out)
    result = build(ROOT, out)
    assert result.reused and result.generation.id == before == layout.current_id(out)


def test_a_changed_input_makes_a_new_generation_and_keeps_the_previous(built, project, tmp_path):
    from mentorgraph.pipeline.build import build

    out = tmp_path / "dist"
    first = build(project, out).generation.id
    cur = project / "data" / "curation.yaml"
    cur.write_text(
        cur.read_text(encoding="utf-8")
        + "- subject: swims\n  predicate: targetPopulation\n  object: fellows\n  evidence: curator\n"
        "  note: a test edit\n",
        encoding="utf-8",
    )
    second = build(project, out).generation.id
    assert second != first and layout.current_id(out) == second
    assert layout.generations(out) == sorted([first, second])
    cur.write_text(cur.read_text(encoding="utf-8").replace("note: a test edit", "note: another edit"), "utf-8")
    third = build(project, out).generation.id
    # current and previous are kept; the oldest is removed
    assert layout.generations(out) == sorted([second, third])


def test_a_reader_keeps_the_generation_it_opened(built, project, tmp_path):
    from mentorgraph.pipeline.build import build

    out = tmp_path / "dist"
    build(project, out)
    mg = open_graph(out, root=project)
    n = len(mg.query("underserved-programs").rows)
    cur = project / "data" / "curation.yaml"
    cur.write_text(cur.read_text(encoding="utf-8").replace("object: racial-and-ethnic-minorities", "object: women"))
    build(project, out)
    assert len(mg.query("underserved-programs").rows) == n  # still the generation it resolved


def test_a_killed_build_leaves_the_previous_generation_serving(built, tmp_path):
    """kill -9 in the middle of writing a generation: current and every file are the previous build's."""
    out = copy_build(built, tmp_path / "dist")
    before = {name: (out / name).read_bytes() for name in (layout.TURTLE, layout.NQUADS, layout.MANIFEST)}
    gen = layout.current_id(out)
    script = f"""
import os
from mentorgraph import layout
calls = [0]
real = layout.GenerationWriter.write
def write(self, name, data):
    calls[0] += 1
    if calls[0] == 3:
        os.kill(os.getpid(), 9)
    return real(self, name, data)
layout.GenerationWriter.write = write
from mentorgraph.pipeline.build import build
build(layout.Path({str(ROOT)!r}), layout.Path({str(out)!r}), linked={{"ror": b""}})
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9, proc.stderr.decode()
    assert layout.current_id(out) == gen
    assert {name: (out / name).read_bytes() for name in before} == before
    assert any(p.name.startswith(".tmp-") for p in (out / layout.BUILDS).iterdir()), "the killed build's leftovers"
    # the next build cleans what the killed one left
    from mentorgraph.pipeline.build import build

    build(ROOT, out)
    assert not any(p.name.startswith(".") for p in (out / layout.BUILDS).iterdir())


def test_one_build_at_a_time_a_second_waits_and_says_so(built, tmp_path):
    out = copy_build(built, tmp_path / "dist")
    waited = threading.Event()
    done = []

    def second() -> None:
        with layout.new_generation(out, "second", on_wait=waited.set) as w:
            w.write(layout.MANIFEST, b"{}\n")
        done.append(True)

    with layout.build_lock(out):
        t = threading.Thread(target=second)
        t.start()
        assert waited.wait(60), "the second build did not report that it waits"
        assert not done and layout.current_id(out) != "second"
    t.join(60)
    assert done and layout.current_id(out) == "second"


def test_no_build_is_a_clear_error(tmp_path):
    with pytest.raises(layout.NoBuild, match="run `mentorgraph build` first"):
        layout.current_generation(tmp_path)


# -- linked datasets are files of the generation ------------------------------------------------------------
def test_ror_counts_the_same_on_both_engines_after_load_then_build(built, tmp_path, capsys):
    """The bug of issue 14: `link load-ror` then `build` gave 7 ROR triples on rdflib and 0 on oxigraph."""
    out = copy_build(built, tmp_path / "dist")
    dump = tmp_path / "r.jsonl"
    records = fixture_records()
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["link", "load-ror", str(dump), "--out", str(out), "-q"]) == 0
    assert main(["build", "--root", str(ROOT), "--out", str(out), "-q"]) == 0
    counts = {}
    for engine in ("oxigraph", "rdflib"):
        assert main(["sparql", ROR_COUNT, "--out", str(out), "--engine", engine, "--format", "csv"]) == 0
        counts[engine] = int(capsys.readouterr().out.splitlines()[1])
    assert counts == {"oxigraph": len(records), "rdflib": len(records)}
    assert layout.LINKED["ror"] in layout.current_generation(out).files()
    # and dropping it drops it on both
    assert main(["build", "--root", str(ROOT), "--out", str(out), "--without", "ror", "-q"]) == 0
    for engine in ("oxigraph", "rdflib"):
        assert main(["sparql", ROR_COUNT, "--out", str(out), "--engine", engine, "--format", "csv"]) == 0
        assert capsys.readouterr().out.splitlines()[1] == "0"
    assert not (out / layout.LINKED["ror"]).exists()
