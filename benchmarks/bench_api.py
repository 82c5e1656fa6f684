"""Benchmark the Python API against raw pyoxigraph, per canned query (issue 16, item 2: within 1.15x).

    python benchmarks/bench_api.py [--out DIST] [--rounds 40] [--clock wall|thread] [--only NAME ...]

For each canned query (with its example parameters) two calls are timed, interleaved round by round
(which goes first alternates), and their medians printed with the ratio:
  api   mg.query(name, **params), iterating every row and reading every term's value;
  raw   the same final SPARQL text (mg.prepare(name, **params).text: parameters bound, canonical)
        on the same pyoxigraph store with the same dataset option, iterating every solution and
        reading every term's value.
The API call includes what a caller pays for: parameter checks and resolution (after the first
call, from the index), binding, the run, streaming and term conversion. Canned questions run in
the calling process (query/api.py; docs/security.md, section 3). Figures are wall-clock by default; other
processes show in them, so compare only the ratios of one interleaved run. On a busy machine,
`--clock thread` times the CPU of the calling thread instead (pyoxigraph evaluates in it), which
other processes disturb far less.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from _build import ROOT, build_dir


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="an existing build (default: build into a temporary directory)")
    ap.add_argument("--rounds", type=int, default=40, help="interleaved rounds per query (default 40)")
    ap.add_argument("--only", nargs="*", metavar="NAME", help="only these canned queries")
    ap.add_argument(
        "--clock", choices=["wall", "thread"], default="wall", help="wall-clock (default) or thread CPU time"
    )
    args = ap.parse_args()

    import pyoxigraph as ox

    from mentorgraph.query.api import open_graph
    from mentorgraph.query.engines import dataset_kwargs

    with build_dir(args.out, "mg-bench-api-") as out:
        mg = open_graph(out, root=ROOT)
        store = mg.engine.store

        def api(name: str, params: dict) -> int:
            n = 0
            for row in mg.query(name, **params):
                for t in row.values():
                    if t is not None:
                        t.value  # noqa: B018 - reading the value is the work measured
                n += 1
            return n

        def raw(text: str, kwargs: dict) -> int:
            n = 0
            res = store.query(text, **kwargs)
            if isinstance(res, ox.QueryBoolean):
                return int(bool(res))
            for sol in res:
                for t in sol:
                    if t is not None:
                        t.value  # noqa: B018
                n += 1
            return n

        clock = time.perf_counter if args.clock == "wall" else time.thread_time
        print(
            f"machine: {sys.platform}, Python {sys.version.split()[0]}, pyoxigraph {ox.__version__}, {args.clock} clock"
        )
        print(f"{'canned query':32s} {'rows':>5s} {'api':>10s} {'raw':>10s} {'ratio':>6s}")
        ratios = []
        for name, q in mg.catalogue.items():
            if args.only and name not in args.only:
                continue
            params = {p.name: p.example for p in q.params}
            approved = mg.prepare(name, **params)
            kwargs = dataset_kwargs(approved.default_graphs, approved.named_graphs)
            rows = api(name, params)
            if raw(approved.text, kwargs) != rows:
                raise SystemExit(f"{name}: the API and raw pyoxigraph disagree on the number of rows")
            a, b = [], []
            for i in range(args.rounds):
                for first in (0, 1) if i % 2 == 0 else (1, 0):
                    t0 = clock()
                    if first == 0:
                        api(name, params)
                    else:
                        raw(approved.text, kwargs)
                    (a if first == 0 else b).append(clock() - t0)
            ma, mb = statistics.median(a), statistics.median(b)
            ratios.append(ma / mb)
            print(f"{name:32s} {rows:5d} {ma * 1e3:8.3f}ms {mb * 1e3:8.3f}ms {ma / mb:6.2f}")
        if ratios:
            print(f"{'median ratio':32s} {'':5s} {'':10s} {'':10s} {statistics.median(ratios):6.2f}")
            print(f"{'worst ratio':32s} {'':5s} {'':10s} {'':10s} {max(ratios):6.2f}")
        mg.close()


if __name__ == "__main__":
    main()
