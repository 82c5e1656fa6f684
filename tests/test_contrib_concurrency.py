"""Two imports at once never lose a program: the second waits for data/'s lock, then adds its own.

Both run as separate processes (`mentorgraph import --no-build`) on one copy of the project; the
CSVs name different programs. Afterwards data/contributions.yaml holds both, and the run that had
to wait said so (cli/contrib.py's message).
"""

from __future__ import annotations

import subprocess
import sys

import yaml

from conftest import ROOT, copy_project

CSV = "name,mentoring type,evidence/source\n{name},Formal mentoring programs,https://example.org/source\n"


def test_two_imports_at_once_keep_both_programs(tmp_path):
    root = copy_project(tmp_path / "p")
    names = ["Concurrent peer circle one", "Concurrent peer circle two"]
    procs = []
    for i, name in enumerate(names):
        path = tmp_path / f"c{i}.csv"
        path.write_text(CSV.format(name=name), encoding="utf-8")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "mentorgraph.cli", "import", str(path), "--root", str(root), "--no-build"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
            )
        )
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    stored = yaml.safe_load((root / "data" / "contributions.yaml").read_text(encoding="utf-8"))
    assert sorted(r["label"] for r in stored["initiatives"]) == names
    assert not list((root / "data").glob(".*"))  # no staged file or journal left
