"""Every failure of issue 12's "Tracebacks where a message is promised" ends in one paragraph and its exit code.

Full disks and read-only places are real: a small tmpfs mounted for the test (this machine and CI
run as root), not a monkeypatched write. Without the right to mount, those cases say so and skip;
the others never need it. Each case asserts the exit code (cli/common.py: 3 for an I/O failure), words
of the message, that no traceback was printed, and what was left behind (no partial build that a
query would answer from; the previous generation still whole).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

import pytest

from mentorgraph import layout
from mentorgraph.cli import main
from conftest import copy_project

CSV = (
    "name,mentoring type,evidence/source\n"
    "A failure-test peer group,Formal mentoring programs,https://example.org/source\n"
)


@contextlib.contextmanager
def tmpfs(path: Path, size: str, read_only: bool = False):
    """A tmpfs of `size` mounted at `path` for the block (skips the test when mounting is not allowed)."""
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()}): the full-disk cases need one")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def run(capsys, *argv: str) -> tuple[int, str]:
    rc = main(list(argv))
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return rc, text


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from mentorgraph.pipeline.build import build

    root = copy_project(tmp_path_factory.mktemp("failures"))
    build(root, root / "dist")
    return root


def test_table_before_any_build(built, tmp_path, capsys):
    rc, text = run(capsys, "table", "--out", str(tmp_path / "nothing-here"))
    assert rc == 3 and "no built graph" in text and "run `mentorgraph build` first" in text


def test_build_into_a_file(built, tmp_path, capsys):
    target = tmp_path / "a-file"
    target.write_text("not a directory")
    rc, text = run(capsys, "build", "-q", "--root", str(built), "--out", str(target))
    assert rc == 3 and "a file is in the way" in text and "--out" in text
    assert target.read_text() == "not a directory"


def test_build_into_a_read_only_directory(built, tmp_path, capsys):
    with tmpfs(tmp_path / "ro", "1M", read_only=True) as ro:
        rc, text = run(capsys, "build", "-q", "--root", str(built), "--out", str(ro))
    assert rc == 3 and "read-only" in text


def test_build_onto_a_full_disk_leaves_no_build_to_answer_from(built, tmp_path, capsys):
    with tmpfs(tmp_path / "full", "600k") as full:
        rc, text = run(capsys, "build", "-q", "--root", str(built), "--out", str(full))
        assert rc == 3 and "no space left" in text
        assert layout.current_id(full) is None and layout.generations(full) == []
        assert not [p for p in (full / layout.BUILDS).iterdir()] if (full / layout.BUILDS).exists() else True
        rc, text = run(capsys, "query", "types", "--out", str(full))
        assert rc == 3 and "no built graph" in text


def test_a_full_disk_keeps_the_previous_generation_serving(built, tmp_path, capsys):
    size = sum(p.stat().st_size for p in (built / "dist" / layout.BUILDS).rglob("*") if p.is_file())
    with tmpfs(tmp_path / "tight", f"{size // 1024 + 400}k") as tight:
        shutil.copytree(built / "dist", tight / "dist", symlinks=True)
        before = layout.current_id(tight / "dist")
        project = copy_project(tmp_path / "changed")
        (project / "data" / "contributions.yaml").write_text(
            "initiatives:\n- id: full-disk-group\n  class: Program\n  label: Full disk group\n"
            "  modelType: formal-mentoring-programs\n  evidence: cited-source\n  source: https://example.org/s\n",
            encoding="utf-8",
        )
        rc, text = run(capsys, "build", "-q", "--root", str(project), "--out", str(tight / "dist"))
        assert rc == 3 and "no space left" in text and "the current build included" in text
        assert layout.current_id(tight / "dist") == before
        layout.verify(layout.current_generation(tight / "dist"))  # whole: every file as recorded
        rc, text = run(capsys, "query", "types", "--out", str(tight / "dist"))
        assert rc == 0 and "Formal mentoring programs" in text


def test_docs_into_a_read_only_directory(built, tmp_path, capsys):
    with tmpfs(tmp_path / "ro", "1M", read_only=True) as ro:
        rc, text = run(
            capsys, "docs", "-q", "--root", str(built), "--out", str(built / "dist"), "-o", str(ro / "x.html")
        )
    assert rc == 3 and "read-only" in text.lower() and "x.html" in text


def test_a_damaged_store_is_reported_and_rebuilt(tmp_path, capsys):
    from mentorgraph.pipeline.build import build

    root = copy_project(tmp_path / "p")
    build(root, root / "dist")
    store = layout.current_generation(root / "dist").store
    victim = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    with open(victim, "r+b") as fh:  # 4 KiB zeroed in one store file, as in issue 12
        fh.seek(4096)
        fh.write(b"\0" * 4096)
    rc, text = run(capsys, "query", "types", "--out", str(root / "dist"))
    assert rc == 3 and "is damaged" in text and victim.name in text and "mentorgraph build" in text
    rc, _ = run(capsys, "build", "-q", "--root", str(root), "--out", str(root / "dist"))
    assert rc == 0
    rc, text = run(capsys, "query", "types", "--out", str(root / "dist"))
    assert rc == 0 and "Formal mentoring programs" in text


def test_import_whose_build_hits_a_full_disk(tmp_path, capsys):
    root = copy_project(tmp_path / "p")
    path = tmp_path / "programs.csv"
    path.write_text(CSV, encoding="utf-8")
    with tmpfs(tmp_path / "full", "600k") as full:
        rc, text = run(capsys, "import", str(path), "--root", str(root), "--out", str(full))
        assert rc == 3 and "data/ was updated, but the build failed" in text and "no space left" in text
        assert layout.current_id(full) is None
    assert "A failure-test peer group" in (root / "data" / "contributions.yaml").read_text(encoding="utf-8")


def test_import_into_a_read_only_data_directory(tmp_path, capsys):
    root = copy_project(tmp_path / "p")
    path = tmp_path / "programs.csv"
    path.write_text(CSV, encoding="utf-8")
    saved = tmp_path / "data-copy"
    shutil.copytree(root / "data", saved)
    with tmpfs(root / "data", "4M") as data:
        shutil.copytree(saved, data, dirs_exist_ok=True)
        subprocess.run(["mount", "-o", "remount,ro", str(data)], check=True)
        before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
        rc, text = run(capsys, "import", str(path), "--root", str(root), "--no-build")
        assert rc == 3 and "data/ is as it was" in text
        assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before
