"""Benchmark validating contributed CSV rows (issue 12: 5,000 rows in under 30 s, 500 in under 5 s).

    python benchmarks/bench_validate.py [--rows 500,1000,5000] [--runs 1]

The CSV is bench_import.py's (deterministic, from the project's own vocabulary). Each figure is one
`validate_files` call on a fresh copy of the project: reading, resolving names, loading with data/,
OWL RL probes and SHACL on the contribution's neighbourhood (contrib/neighbourhood.py), SHACL in a
second process (pipeline/parallel.py). Prints wall and CPU seconds (CPU: this process and the
second one together); other processes on the machine show in the wall figures.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import copy_project, programs_csv


def cpu_seconds() -> float:
    """User + system time of this process and of its children that have ended."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    from mentorgraph.contrib import validate_files

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", default="500,1000,5000", help="row counts, comma-separated")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    for n in [int(x) for x in args.rows.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "programs.csv"
            path.write_text(programs_csv(n), encoding="utf-8")
            for run in range(args.runs):
                root = copy_project(Path(tmp) / f"run{run}")
                wall, cpu = time.perf_counter(), cpu_seconds()
                outcome, _ = validate_files(root, [path])
                wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
                assert outcome.ok, outcome.text()[:2000]
                print(f"{n:6} rows  validate {wall:7.2f} s wall  {cpu:7.2f} s CPU", flush=True)


if __name__ == "__main__":
    main()
