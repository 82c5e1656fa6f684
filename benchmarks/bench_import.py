"""Benchmark importing a realistic contribution: a CSV of 200 programs (target: under 10 s).

    python benchmarks/bench_import.py [--programs 200] [--runs 3]

The CSV is generated deterministically from the project's own vocabulary (model types, organizations,
populations, delivery modes, read from the loaded graph), with non-ASCII names, several populations
per row and a source per row. Each run imports it into a fresh copy of the project: validation (load,
reason, SHACL), the atomic write of data/contributions.yaml and the rebuild of dist/. Prints medians;
wall-clock figures, so other processes on the machine show in them.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "Peer",
    "Mentoring",
    "Circle",
    "Network",
    "Collective",
    "Leadership",
    "Academy",
    "Faculty",
    "Women’s",
    "Scholars",
    "Forum",
    "Writing",
    "Research",
    "Early-Career",
    "Clinician–Educator",
    "Résidents",
    "Équipe",
]


def vocabulary() -> dict[str, list[str]]:
    """Names of the graph's types, organizations, populations and delivery modes (never hard-coded)."""
    from mentorgraph.contrib.resolve import Index
    from mentorgraph.pipeline.load import load_sources

    index = Index(load_sources(ROOT))

    def labels(cls: str) -> list[str]:
        return sorted({e.label for e in index.entities.values() if cls in e.classes})

    return {
        "types": labels("MentoringModelType"),
        "orgs": labels("Organization"),
        "populations": labels("Population"),
        "modes": labels("DeliveryMode"),
    }


def programs_csv(n: int) -> str:
    vocab = vocabulary()
    rng = random.Random(20200601)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(
        [
            "name",
            "mentoring type",
            "sponsor organization",
            "target populations",
            "delivery mode",
            "website",
            "evidence/source",
            "notes",
        ]
    )
    for i in range(1, n + 1):
        name = " ".join(rng.sample(WORDS, 3)) + f" {i:03d}"
        w.writerow(
            [
                name,
                rng.choice(vocab["types"]),
                rng.choice(vocab["orgs"]),
                "; ".join(rng.sample(vocab["populations"], rng.randint(1, 3))),
                rng.choice(vocab["modes"]),
                f"https://example.org/programs/{i}",
                f"https://example.org/sources/{i}",
                "Generated for the import benchmark.",
            ]
        )
    return buf.getvalue()


def copy_project(dest: Path) -> Path:
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, dest / name)
    return dest


def main() -> None:
    from mentorgraph.contrib import import_files, validate_files

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--programs", type=int, default=200, help="programs in the CSV (default 200)")
    ap.add_argument("--runs", type=int, default=3, help="runs (default 3)")
    args = ap.parse_args()
    validate_s, import_s, reimport_s = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "programs.csv"
        path.write_text(programs_csv(args.programs), encoding="utf-8")
        print(f"{args.programs} programs, {path.stat().st_size:,} bytes of CSV; {args.runs} runs")
        for run in range(args.runs):
            root = copy_project(Path(tmp) / f"run{run}")
            t0 = time.perf_counter()
            outcome, _ = validate_files(root, [path])
            validate_s.append(time.perf_counter() - t0)
            assert outcome.ok, outcome.text()
            t0 = time.perf_counter()
            outcome = import_files(root, [path], root / "dist")
            import_s.append(time.perf_counter() - t0)
            assert outcome.ok and outcome.built, outcome.text()
            t0 = time.perf_counter()
            outcome = import_files(root, [path], root / "dist")
            reimport_s.append(time.perf_counter() - t0)
            assert {e["action"] for e in outcome.entries()} == {"unchanged"}
    for what, samples in (
        ("validate", validate_s),
        ("import (validate + write + rebuild)", import_s),
        ("re-import (nothing to do)", reimport_s),
    ):
        print(
            f"  {what:38} median {statistics.median(samples):6.2f} s   (runs: "
            + ", ".join(f"{s:.2f}" for s in samples)
            + ")"
        )


if __name__ == "__main__":
    main()
