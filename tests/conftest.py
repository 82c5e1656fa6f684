"""Shared fixtures: the project root, one build of the graph per test session, engines over it,
and Table 1 as published (data/source/table1-columns.md), parsed independently of the data files
so that expected answers come from the source, not from the program.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

# The one project root every test uses (import it: `from conftest import ROOT`).
ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# What a copy of the project needs to build and release: the inputs, and the files naming the version.
PROJECT_DIRS = ("ontology", "data", "queries")
PROJECT_FILES = ("pyproject.toml", "CHANGELOG.md", "CITATION.cff")


def copy_project(dest: Path, link: tuple[str, ...] = ()) -> Path:
    """A copy of the project in `dest` that a test may change: ontology/, data/, queries/ and the
    version files copied; the directories in `link` symlinked to the real ones instead (read-only use)."""
    dest.mkdir(parents=True, exist_ok=True)
    for d in PROJECT_DIRS:
        if d in link:
            (dest / d).symlink_to(ROOT / d)
        else:
            shutil.copytree(ROOT / d, dest / d)
    for f in PROJECT_FILES:
        shutil.copyfile(ROOT / f, dest / f)
    return dest


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh copy of the project for one test (see copy_project)."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The graph built once from the checked-in sources into a temporary dist/."""
    from mentorgraph.pipeline.build import build

    out = tmp_path_factory.mktemp("dist")
    build(ROOT, out)
    return out


@pytest.fixture(scope="session")
def mg(built):
    from mentorgraph.query.api import open_graph

    return open_graph(built, engine="oxigraph", root=ROOT)


@pytest.fixture(scope="session")
def mg_rdflib(built):
    from mentorgraph.query.api import open_graph

    return open_graph(built, engine="rdflib", root=ROOT)


def parse_columns(path: Path) -> list[dict]:
    """Table 1 from table1-columns.md: [{type, examples: [(label, [children])], strengths, weaknesses}]."""
    text = path.read_text(encoding="utf-8")
    rows = []
    for section in re.split(r"^## \d\. ", text, flags=re.M)[1:]:
        lines = section.split("\n")
        row = {"type": lines[0].strip(), "examples": [], "strengths": [], "weaknesses": []}
        column = None
        for line in lines[1:]:
            if line.startswith("## "):
                break
            if line in ("Examples:", "Strengths:", "Weaknesses:"):
                column = line[:-1].lower()
                continue
            m = re.match(r"^( *)- (.*)$", line)
            if not m or column is None:
                continue
            label = re.sub(r"  \(close call:.*\)$", "", m.group(2))
            if column == "examples":
                if m.group(1):
                    row["examples"][-1][1].append(label)
                else:
                    row["examples"].append((label, []))
            else:
                row[column].append(label)
        rows.append(row)
    return rows


@pytest.fixture(scope="session")
def table1() -> list[dict]:
    return parse_columns(ROOT / "data" / "source" / "table1-columns.md")


@pytest.fixture(scope="session")
def footnote() -> str:
    text = (ROOT / "data" / "source" / "table1-columns.md").read_text(encoding="utf-8")
    return text.split("## Footnote", 1)[1].strip().split("\n")[0]
