"""Scale benchmark for `mentorgraph link ror`: 100,000 ROR records, wall time and peak memory.

Issue 5's target: 100,000 ROR records reconciled in under 60 s and under 2 GB RAM on the 2-core
machine. The records are the ROR sample ($MENTORGRAPH_ROR_SAMPLE) (2,000 real records, schema v1 and
v2 mixed) replicated with fresh IDs, plus the 26 Table 1 and near-miss records of tests/fixtures/linking
once each, so the run also finds its matches. Copy n of a sample record gets the ID
https://example.org/ror-replica/n/<suffix>, so no invented identifier looks like a real ROR ID.

Each run is a fresh `mentorgraph link ror` process (peak RSS is that process's own, from
getrusage of the waited-for child); the median of --runs runs is printed, for JSON Lines and for
one JSON array (the layout of ROR's published dump). `--load` also times `link load-ror` into a
copy of dist/.

    python benchmarks/bench_link.py                  # 100,000 records, 3 runs
    python benchmarks/bench_link.py --records 200000 --runs 5 --load
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The verified records (copied into the repository with their provenance) and the 2,000-record ROR
# sample, which is not: its path comes from $MENTORGRAPH_ROR_SAMPLE (a JSON Lines file of ROR records).
FIXTURES = ROOT / "tests" / "fixtures" / "linking"
SAMPLE = Path(os.environ.get("MENTORGRAPH_ROR_SAMPLE", "ror-sample-dev.jsonl"))


def make_input(n: int, dest: Path) -> tuple[Path, Path]:
    sample = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")]
    real = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((FIXTURES / "ror").glob("*.json")) + sorted((FIXTURES / "ror-related").glob("*.json"))
    ]
    jsonl, array = dest / "ror-100k.jsonl", dest / "ror-100k.json"
    with jsonl.open("w", encoding="utf-8") as fh:
        for rec in real:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        for i in range(n - len(real)):
            rec = dict(sample[i % len(sample)])
            copy = i // len(sample)
            if copy:
                rec["id"] = f"https://example.org/ror-replica/{copy}/{rec['id'].rsplit('/', 1)[-1]}"
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with jsonl.open(encoding="utf-8") as src, array.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for k, line in enumerate(src):
            out.write(("," if k else "") + line)
        out.write("]\n")
    return jsonl, array


def run(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB of this child, stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    # ru_maxrss of children is the maximum over all children so far: exact when it grows, a bound otherwise.
    return wall, max(before, after) / 1024, proc.stderr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--load", action="store_true", help="also time `link load-ror` into a copy of dist/")
    args = ap.parse_args()
    if not SAMPLE.exists():
        sys.exit(f"needs the ROR sample at {SAMPLE} (set MENTORGRAPH_ROR_SAMPLE)")
    exe = [sys.executable, "-m", "mentorgraph.cli"]
    with tempfile.TemporaryDirectory(prefix="bench-link-") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        jsonl, array = make_input(args.records, tmp)
        print(
            f"input: {args.records:,} records, JSON Lines {jsonl.stat().st_size / 2**20:.0f} MiB, "
            f"made in {time.perf_counter() - t0:.1f}s; {os.cpu_count()} CPUs; median of {args.runs} runs"
        )
        print("\n| step | median wall (s) | peak RSS (MiB) | target |\n|---|---|---|---|")
        for label, path in (("link ror, JSON Lines", jsonl), ("link ror, JSON array", array)):
            walls, peak, err = [], 0.0, ""
            for _ in range(args.runs):
                wall, rss, err = run(
                    exe
                    + [
                        "link",
                        "ror",
                        str(path),
                        "--root",
                        str(ROOT),
                        "--country",
                        "US",
                        "--output",
                        str(tmp / "out.sssom.tsv"),
                        "--review",
                        str(tmp / "review.sssom.tsv"),
                    ]
                )
                walls.append(wall)
                peak = max(peak, rss)
            print(f"| {label} | {statistics.median(walls):.1f} | {peak:.0f} | < 60 s, < 2048 MiB |")
        summary = err.strip().splitlines()[-1] if err.strip() else ""
        if args.load:
            dist = tmp / "dist"
            subprocess.run(exe + ["build", "--out", str(dist), "-q"], check=True, cwd=ROOT)
            walls, peak = [], 0.0
            for _ in range(args.runs):
                wall, rss, _ = run(exe + ["link", "load-ror", str(jsonl), "--out", str(dist), "-q"])
                walls.append(wall)
                peak = max(peak, rss)
            print(f"| link load-ror, JSON Lines | {statistics.median(walls):.1f} | {peak:.0f} | — |")
            shutil.rmtree(dist, ignore_errors=True)
        print(f"\nlast run said: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
