"""A build reuses a stage's output only when the stage's inputs are unchanged, and writes what a build
from scratch writes (pipeline/cache.py; issue 16, item 3).

Each case starts from a build of the project, changes one input and builds again into the same build
directory; the new generation is compared file by file with a build of the changed project into an
empty directory (nothing to reuse there). Which stages were reused is the build's own account of
itself; that their outputs are right is what the comparison checks.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from conftest import copy_project
from mentorgraph import layout
from mentorgraph.pipeline import cache
from mentorgraph.pipeline.build import build


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the project and a build of it (copied again by each test that changes something)."""
    tmp = tmp_path_factory.mktemp("cache")
    root = copy_project(tmp / "project")
    build(root, tmp / "dist")
    return root, tmp / "dist"


@pytest.fixture
def setup(base, tmp_path) -> tuple[Path, Path]:
    root, out = base
    shutil.copytree(out, tmp_path / "dist", symlinks=True)
    return copy_project(tmp_path / "project"), tmp_path / "dist"


def files_of(out: Path) -> dict[str, bytes]:
    """The current generation's files, the stage keys included (the store is RocksDB's own files,
    rebuilt from the N-Quads export every time; its checksums with it)."""
    gen = Path(os.path.realpath(out / layout.CURRENT))
    return {p.name: p.read_bytes() for p in gen.iterdir() if p.is_file() and p.name != layout.CHECKSUMS}


def assert_as_from_scratch(root: Path, out: Path, tmp_path: Path) -> None:
    scratch = build(root, tmp_path / "scratch")
    assert not scratch.reused_stages
    got, expected = files_of(out), files_of(tmp_path / "scratch")
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], name
    assert layout.current_id(out) == layout.current_id(tmp_path / "scratch")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_unchanged_rebuild_reuses_its_generation_and_its_files(setup):
    root, out = setup
    before = files_of(out)
    again = build(root, out)
    assert again.reused
    assert files_of(out) == before


def test_a_changed_definition_is_validated_again_but_not_reasoned_over(setup, tmp_path):
    # skos:definition is an annotation: OWL RL reads none (reason.closure_input), SHACL reads all.
    root, out = setup
    replace(root / "data/populations.yaml", "who are mothers.", "who are mothers (a changed definition).")
    result = build(root, out)
    assert result.reused_stages == ["reason"]
    assert "a changed definition" in (out / layout.CURRENT / layout.TURTLE).read_text(encoding="utf-8")
    assert_as_from_scratch(root, out, tmp_path)


def test_a_changed_value_the_reasoner_reads_reuses_nothing(setup, tmp_path):
    root, out = setup
    # Mothers are women (broader): moving them under the root changes what OWL RL infers (transitivity).
    replace(
        root / "data/populations.yaml",
        "  broader:\n  - women\n  definition: Women in academic medicine who",
        ("  broader:\n  - people-in-academic-medicine\n  definition: Women in academic medicine who"),
    )
    result = build(root, out)
    assert result.reused_stages == []
    assert_as_from_scratch(root, out, tmp_path)


def test_a_changed_query_reuses_every_export(setup, tmp_path):
    root, out = setup
    before = layout.current_id(out)
    with open(root / "queries/types.rq", "a", encoding="utf-8") as fh:
        fh.write("# a comment\n")
    result = build(root, out)
    assert result.reused_stages == list(cache.STAGES)
    assert layout.current_id(out) != before  # a new generation: the queries are part of its id
    assert_as_from_scratch(root, out, tmp_path)


def test_another_version_of_a_library_reuses_nothing(setup, tmp_path, monkeypatch):
    """rdflib writes the Turtle, owlrl infers, pyshacl validates: outputs of another version of one of
    them are not reused, even with every input file unchanged (a new generation, built anew)."""
    root, out = setup
    before = layout.current_id(out)
    versions = layout.library_versions()
    assert b"rdflib==" in versions and b"owlrl==" in versions and b"pyshacl==" in versions
    monkeypatch.setattr(layout, "library_versions", lambda: versions.replace(b"rdflib==", b"rdflib==0.0.0+"))
    result = build(root, out)
    assert result.reused_stages == [] and layout.current_id(out) != before


def test_changed_shapes_are_validated_again(setup, tmp_path):
    root, out = setup
    with open(root / layout.SHAPES_FILE, "a", encoding="utf-8") as fh:
        fh.write("\n# a comment\n")
    result = build(root, out)
    assert result.reused_stages == ["reason"]
    assert_as_from_scratch(root, out, tmp_path)


def test_a_damaged_generation_is_not_reused(setup, tmp_path):
    root, out = setup
    nquads = Path(os.path.realpath(out / layout.CURRENT)) / layout.NQUADS
    nquads.write_bytes(nquads.read_bytes().replace(b"/inferred> .", b"/curation> .", 1))
    replace(root / "data/populations.yaml", "who are mothers.", "who are mothers (a changed definition).")
    result = build(root, out)
    assert result.reused_stages == []
    assert_as_from_scratch(root, out, tmp_path)


def test_a_generation_without_stage_keys_is_not_reused(setup, tmp_path):
    # A generation written by an older version has no .stages.json (nor a checksum for one).
    root, out = setup
    gen = Path(os.path.realpath(out / layout.CURRENT))
    (gen / layout.STAGES).unlink()
    assert cache.previous(out).generation is None
    replace(root / "data/populations.yaml", "who are mothers.", "who are mothers (a changed definition).")
    assert build(root, out).reused_stages == []
    assert_as_from_scratch(root, out, tmp_path)


LIST = "@prefix ex: <https://example.org/> .\nex:s ex:p ( ex:{} ex:{} ) ; ex:q [ ex:r ex:t ] .\n"


def test_the_key_of_triples_does_not_depend_on_blank_node_labels_but_on_the_structure():
    def key(text: str) -> str:
        return cache.triples_key(Graph().parse(data=text, format="turtle"), "code")

    assert key(LIST.format("a", "b")) == key(LIST.format("a", "b"))  # parsed twice: other labels
    assert key(LIST.format("a", "b")) != key(LIST.format("b", "a"))
    assert cache.triples_key([], "code") != cache.triples_key([], "other code")
