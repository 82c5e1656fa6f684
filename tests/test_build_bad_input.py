"""Bad input costs what reading it costs (issue 12, "bounded cost"): a YAML nested 250,000 deep and a
damaged store are refused with a message that says where and what, and nothing is read further.

The time and memory these cases take are printed by benchmarks/crash_inject.py (`--damage-only`),
not asserted here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import copy_project
from mentorgraph import layout
from mentorgraph.cli import main

# Issue 12's case: 500 KB of YAML nested 250,000 levels deep.
DEEP = "initiatives: " + "[" * 250_000 + "]" * 250_000 + "\n"


def run(capsys, *argv: str) -> tuple[int, str]:
    rc = main(list(argv))
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return rc, text


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from mentorgraph.pipeline.build import build

    root = copy_project(tmp_path_factory.mktemp("bad-input"))
    build(root, root / "dist")
    return root


def test_a_data_file_nested_250000_deep_fails_the_build_at_its_place(built, tmp_path, capsys):
    root = copy_project(tmp_path / "p")
    (root / "data" / "contributions.yaml").write_text(DEEP, encoding="utf-8")
    assert len(DEEP) > 500_000
    rc, text = run(capsys, "build", "-q", "--root", str(root), "--out", str(root / "dist"))
    assert rc == 1
    assert "data/contributions.yaml:1:" in text and "nested more than 64 levels deep" in text
    assert not (root / "dist" / layout.CURRENT).exists()  # nothing was built


def test_a_contribution_nested_250000_deep_is_refused_at_its_place(built, tmp_path, capsys):
    path = tmp_path / "deep.yaml"
    path.write_text(DEEP, encoding="utf-8")
    before = {f.name: f.read_bytes() for f in (built / "data").glob("*.yaml")}
    rc, text = run(capsys, "import", str(path), "--root", str(built), "--out", str(built / "dist"))
    assert rc == 1
    assert "deep.yaml:1:" in text and "nested more than 64 levels deep" in text
    assert {f.name: f.read_bytes() for f in (built / "data").glob("*.yaml")} == before


def _damage_truncated(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _damage_zeroed(p: Path) -> None:  # the same size: only the content check can see it
    with open(p, "r+b") as fh:
        fh.seek(min(4096, p.stat().st_size // 2))
        fh.write(b"\0" * 64)


def _damage_removed(p: Path) -> None:
    p.unlink()


@pytest.mark.parametrize(
    "damage", [_damage_truncated, _damage_zeroed, _damage_removed], ids=["truncated", "zeroed", "removed"]
)
def test_a_damaged_store_file_is_named_and_the_store_is_never_opened(built, tmp_path, capsys, monkeypatch, damage):
    import pyoxigraph

    out = tmp_path / "dist"
    shutil.copytree(built / "dist", out, symlinks=True)
    store = layout.current_generation(out).store
    victim = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    damage(victim)

    def never(*_a, **_k):
        raise AssertionError("the damaged store was opened")

    monkeypatch.setattr(pyoxigraph.Store, "read_only", never)
    rc, text = run(capsys, "query", "types", "--out", str(out))
    assert rc == 3
    assert "is damaged" in text and victim.name in text and "mentorgraph build" in text


def test_a_damaged_checksum_file_is_reported_not_trusted(built, tmp_path, capsys):
    out = tmp_path / "dist"
    shutil.copytree(built / "dist", out, symlinks=True)
    sums = layout.current_generation(out).path / layout.CHECKSUMS
    sums.write_bytes(sums.read_bytes()[:100])  # no longer JSON
    rc, text = run(capsys, "query", "types", "--out", str(out))
    assert rc == 3 and "is damaged" in text and layout.CHECKSUMS in text
