"""Benchmark the foundation and the query layer: build time, cold and warm canned queries, and the
naive path (parse sources + reason + query in one process), side by side. Prints medians.

    python benchmarks/bench_core.py [--runs 5]

Figures are wall-clock on this machine; other processes on the machine will show in them.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:9.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="runs per process-level measurement (default 5)")
    ap.add_argument("--calls", type=int, default=200, help="calls per warm query measurement (default 200)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mg-bench-"))
    exe = [sys.executable, "-m", "mentorgraph.cli"]
    try:
        out = tmp / "dist"
        build = timed(
            lambda: subprocess.run(exe + ["build", "-q", "--root", str(ROOT), "--out", str(out)], check=True), args.runs
        )
        cold = timed(
            lambda: subprocess.run(
                exe + ["query", "types", "--out", str(out)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT
            ),
            max(args.runs, 10),
        )
        table = timed(
            lambda: subprocess.run(exe + ["table", "--out", str(out)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT),
            args.runs,
        )

        from mentorgraph.query.api import open_graph
        from mentorgraph.pipeline.reason import reason
        from mentorgraph.pipeline.load import load_sources

        def naive():
            from rdflib import Dataset

            s = load_sources(ROOT)
            inferred = reason(s.graph("ontology"), s.graph("article"), s.graph("curation")).inferred
            ds = Dataset(default_union=True)
            for t in inferred:
                ds.graph("urn:x:inferred").add(t)
            for name in ("ontology", "article", "curation", "evidence"):
                for t in s.graph(name):
                    ds.graph(f"urn:x:{name}").add(t)
            list(ds.query(open_graph(out, root=ROOT).catalogue["types"].text.replace("GRAPH mgg:article", "")))

        naive_t = timed(naive, 3)
        print(
            f"machine: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, "
            f"Python {sys.version.split()[0]}"
        )
        print(f"{'measurement':58s} {'median':>12s}")
        print(f"{'mentorgraph build (fresh process, load+reason+validate+export)':58s} {median_ms(build)}")
        print(f"{'mentorgraph query types (fresh process, cold)':58s} {median_ms(cold)}")
        print(f"{'mentorgraph table (fresh process, cold)':58s} {median_ms(table)}")
        print(f"{'naive path: parse sources + reason + query types':58s} {median_ms(naive_t)}")
        print()
        print(f"{'warm canned query (Python API)':34s} {'oxigraph':>12s} {'rdflib':>12s}")
        ox = open_graph(out, root=ROOT)
        rd = open_graph(out, engine="rdflib", root=ROOT)
        for name, q in ox.catalogue.items():
            params = {p.name: p.example for p in q.params}
            ox.query(name, **params)
            rd.query(name, **params)
            a = timed(lambda n=name, p=params: ox.query(n, **p), args.calls)
            b = timed(lambda n=name, p=params: rd.query(n, **p), max(3, args.calls // 20))
            print(f"{name:34s} {median_ms(a)} {median_ms(b)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
