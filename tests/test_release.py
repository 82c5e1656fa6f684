"""`mentorgraph release`: one version from pyproject.toml, every artifact, checksums that verify,
deterministic bytes, all-or-nothing writes; CITATION.cff and CHANGELOG.md as their formats require."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from rdflib import Graph
from rdflib.compare import isomorphic

from mentorgraph.cli import main
from mentorgraph.release import release as rel
from conftest import ROOT, copy_project

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
# What the issue asks a release to hold: every serialization, the JSON-LD context, the validation report,
# the docs, a CHANGELOG excerpt and SHA-256 checksums; plus the ontology, dataset description, citation.
EXPECTED_FILES = {
    "mentorgraph.ttl",
    "mentorgraph.nt",
    "mentorgraph.jsonld",
    "mentorgraph.trig",
    "mentorgraph.nq",
    "context.jsonld",
    "validation-report.ttl",
    "ontology.ttl",
    "ontology.owl",
    "ontology.html",
    "dataset.ttl",
    "manifest.json",
    "CITATION.cff",
    "RELEASE-NOTES.md",
    "SHA256SUMS",
    # The exports for other systems (issue 18): VIVO, and the tables with their data package.
    "mentorgraph-vivo.ttl",
    "tables/datapackage.json",
    *(
        f"tables/{name}.csv"
        for name in (
            "evidence",
            "funding-mechanisms",
            "identifiers",
            "initiatives",
            "links",
            "model-types",
            "names",
            "organizations",
            "populations",
            "strengths",
            "weaknesses",
        )
    ),
}


def files_under(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    assert main(["release", "--out", str(dist), "--root", str(ROOT), "--quiet"]) == 0
    return dist / f"mentorgraph-{VERSION}"


def test_release_directory_is_named_after_the_pyproject_version(released):
    assert released.is_dir()
    assert released.name == f"mentorgraph-{VERSION}"


def test_release_holds_every_artifact_and_no_local_store(released):
    assert set(files_under(released)) == EXPECTED_FILES
    assert not (released / "store").exists()


def test_sha256sums_verify_with_coreutils_and_cover_every_file(released):
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum (GNU coreutils) is not installed")
    done = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"],
        cwd=released,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    listed = {line.split("  ", 1)[1] for line in (released / "SHA256SUMS").read_text().splitlines()}
    assert listed == EXPECTED_FILES - {"SHA256SUMS"}


def test_release_notes_are_the_changelog_section(released):
    notes = (released / "RELEASE-NOTES.md").read_text(encoding="utf-8")
    name, section = rel.changelog_section((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), VERSION)
    assert section.strip() in notes
    assert f"[{name}]" in notes


def test_ontology_owl_is_the_ontology_in_rdfxml(released):
    assert isomorphic(
        Graph().parse(released / "ontology.owl", format="xml"),
        Graph().parse(ROOT / "ontology" / "mentorgraph.ttl", format="turtle"),
    )


def test_existing_release_is_kept_without_force_and_force_rebuilds_identical_bytes(released):
    before = files_under(released)
    assert main(["release", "--out", str(released.parent), "--root", str(ROOT), "--quiet"]) == 1
    assert files_under(released) == before
    # Again with --force, in another process with another hash seed: the same bytes (no timestamps,
    # no set-order dependence).
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    command = [
        sys.executable,
        "-m",
        "mentorgraph.cli",
        "release",
        "--out",
        str(released.parent),
        "--root",
        str(ROOT),
        "--force",
        "--quiet",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert files_under(released) == before
    assert [p.name for p in released.parent.iterdir()] == [released.name]  # no staging or backup left


def test_failed_release_writes_nothing(tmp_path, monkeypatch):
    real = rel.atomic_write
    calls = {"n": 0}

    def half_build(path, data):
        calls["n"] += 1
        if calls["n"] == 2:  # the second file of the build's exports
            raise RuntimeError("build failed")
        real(path, data)

    monkeypatch.setattr(rel, "atomic_write", half_build)
    dist = tmp_path / "dist"
    with pytest.raises(RuntimeError, match="build failed"):
        rel.make_release(ROOT, dist)
    assert list(dist.iterdir()) == []


@pytest.mark.parametrize(
    "edit, where",
    [
        (
            lambda root: _replace(root / "CITATION.cff", f"version: {VERSION}", "version: 9.9.9"),
            "CITATION.cff",
        ),
        (
            lambda root: _replace(
                root / "ontology" / "mentorgraph.ttl",
                f'owl:versionInfo "{VERSION}"',
                'owl:versionInfo "9.9.9"',
            ),
            "ontology/mentorgraph.ttl",
        ),
        (
            lambda root: _replace(root / "ontology" / "mentorgraph.ttl", f"ontology/{VERSION}>", "ontology/9.9.9>"),
            "ontology/mentorgraph.ttl",
        ),
    ],
)
def test_release_refuses_a_version_stated_differently(tmp_path, edit, where, capsys):
    root = copy_project(tmp_path / "project")
    edit(root)
    dist = tmp_path / "dist"
    assert main(["release", "--out", str(dist), "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert where in err and VERSION in err
    assert not dist.exists() or list(dist.iterdir()) == []


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} no longer contains {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_version_problems_are_none_for_the_checkout():
    assert rel.version_problems(ROOT, VERSION) == []


# -- CHANGELOG.md (Keep a Changelog 1.1.0) -----------------------------------------------------------
SAMPLE = """# Changelog

## [Unreleased]

### Added
- next thing

## [0.2.0] - 2027-01-02

### Changed
- second

## [0.1.0] - 2026-12-01

### Added
- first

[0.2.0]: https://example.org/compare/0.1.0...0.2.0
"""


def test_changelog_section_picks_the_version():
    name, text = rel.changelog_section(SAMPLE, "0.2.0")
    assert name == "0.2.0"
    assert "- second" in text and "- first" not in text and "next thing" not in text


def test_changelog_section_drops_link_references():
    _name, text = rel.changelog_section(SAMPLE, "0.1.0")
    assert "- first" in text and "example.org" not in text


def test_changelog_section_falls_back_to_unreleased():
    name, text = rel.changelog_section(SAMPLE, "0.3.0")
    assert name == "Unreleased" and "next thing" in text


def test_changelog_without_section_is_refused():
    with pytest.raises(rel.ReleaseError, match="no section for version 0.3.0"):
        rel.changelog_section("# Changelog\n\n## [0.1.0] - 2026-12-01\n- x\n", "0.3.0")


def test_changelog_follows_keep_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    heads = re.findall(r"^## (.*)$", text, flags=re.MULTILINE)
    assert heads, "no version sections"
    for head in heads:
        assert re.fullmatch(r"\[Unreleased\]|\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}( \[YANKED\])?", head), head
    kinds = set(re.findall(r"^### (.*)$", text, flags=re.MULTILINE))
    assert kinds <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
    name, _ = rel.changelog_section(text, VERSION)
    assert name in (VERSION, "Unreleased")


# -- CITATION.cff ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def article_citation() -> str:
    """The article's citation as data/source/README.md gives it."""
    text = " ".join((ROOT / "data" / "source" / "README.md").read_text(encoding="utf-8").split())
    return text.split("Published in: ", 1)[1].split(" The authors", 1)[0]


def test_citation_cff_states_the_pyproject_version(cff):
    assert str(cff["version"]) == VERSION


def test_citation_cff_credits_the_contributors_and_invents_no_identifier(cff):
    assert cff["cff-version"] == "1.2.0"
    assert cff["authors"] == [{"name": "The mentorgraph contributors"}]
    assert {"MIT", "CC-BY-4.0"} <= set(cff["license"])
    for key in ("doi", "identifiers", "repository-code", "url", "repository"):
        assert key not in cff, f"{key} would be an invented identifier: mentorgraph has none yet"


def test_citation_cff_cites_the_source_article(cff):
    citation = article_citation()
    (article,) = [r for r in cff["references"] if r.get("doi") == "10.1136/jim-2020-001391"]
    assert article["type"] == "article"
    assert article["title"] in citation
    names = [f"{a['family-names']} {a['given-names']}" for a in article["authors"]]
    assert ", ".join(names) == citation.split(". ", 1)[0]
    assert (
        f"{article['journal']}. {article['year']};{article['volume']}({article['issue']}):"
        f"{article['start']}-{article['end']}" in citation
    )
