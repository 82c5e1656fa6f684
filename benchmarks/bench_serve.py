"""Load benchmark: `mentorgraph serve` next to Oxigraph's own server on the same store and query.

    python benchmarks/bench_serve.py [--out dist] [--query types] [--connections 16] [--duration 20] [--runs 3]

Both servers run on 127.0.0.1 over the built store (dist/store): `mentorgraph serve` and
`oxigraph serve-read-only --union-default-graph` (the `oxigraph` pip package), so both see the union
of the named graphs. Each run sends the canned query (its example parameters bound, as the API does)
with GET /sparql?query=... and Accept: application/sparql-results+json for `--duration` seconds from
`--connections` keep-alive connections, with wrk (Debian package) when installed, else a bounded
Python load generator (processes x threads). Prints requests/s, p50 and p99 latency and errors per
run, then the median of the runs. A final probe checks that a long query does not stall other clients.
Nothing is asserted: these are figures for docs/server.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def bound_query(out: Path, name: str) -> str:
    from mentorgraph.query.api import open_graph
    from mentorgraph.query.catalogue import bind, sparql_iri, sparql_string

    mg = open_graph(out)
    q = mg.get(name)
    terms = {
        p.name: sparql_string(p.example) if p.kind == "text" else sparql_iri(mg.resolve(p.example, p.kind))
        for p in q.params
    }
    return bind(q, terms)


# -- load generation -------------------------------------------------------------------------------------
def run_wrk(url: str, connections: int, duration: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--latency",
            "-H",
            "Accept: application/sparql-results+json",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(x) for x in sock.groups()) if sock else 0)
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "errors": errors}


def _client(host: str, port: int, path: str, threads: int, stop_at: float, queue) -> None:
    latencies, errors = [], 0

    def loop() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            latencies.append(time.perf_counter() - t0)
        conn.close()

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put((latencies, errors))


def run_python(url: str, connections: int, duration: int) -> dict:
    split = urllib.parse.urlsplit(url)
    path = split.path + "?" + split.query
    procs = 2
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    stop_at = time.monotonic() + duration
    workers = [
        ctx.Process(target=_client, args=(split.hostname, split.port, path, connections // procs, stop_at, queue))
        for _ in range(procs)
    ]
    for w in workers:
        w.start()
    latencies, errors = [], 0
    for _ in workers:
        lat, err = queue.get()
        latencies += lat
        errors += err
    for w in workers:
        w.join()
    latencies.sort()
    pick = (
        (lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))] * 1000)
        if latencies
        else (lambda f: float("nan"))
    )
    return {"rps": len(latencies) / duration, "p50": pick(0.50), "p99": pick(0.99), "errors": errors}


# -- servers -------------------------------------------------------------------------------------------------
def start_mentorgraph(out: Path, port: int, *options: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mentorgraph.cli", "serve", "--out", str(out), "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(f"http://127.0.0.1:{port}/health")
    return proc


def start_oxigraph(store: Path, port: int) -> subprocess.Popen:
    exe = shutil.which("oxigraph")
    if exe is None:
        raise RuntimeError("the `oxigraph` command is missing: pip install oxigraph")
    proc = subprocess.Popen(
        [exe, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
    return proc


def long_query_probe(port: int) -> str:
    """While a cartesian-product query runs into the time limit, do other clients still get answers?"""
    base = f"http://127.0.0.1:{port}/sparql?query="
    slow = base + urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    result = {}

    def long() -> None:
        t0 = time.perf_counter()
        try:
            urllib.request.urlopen(slow, timeout=60).read()
            result["status"] = 200
        except urllib.error.HTTPError as exc:
            result["status"] = exc.code
        result["seconds"] = time.perf_counter() - t0

    t = threading.Thread(target=long)
    t.start()
    time.sleep(0.2)
    quick = []
    while t.is_alive() and len(quick) < 200:
        t0 = time.perf_counter()
        # A different text each time (the comment), so a worker answers and not the result cache.
        probe = f"ASK {{ ?s ?p ?o }} # probe {len(quick)}"
        urllib.request.urlopen(base + urllib.parse.quote(probe), timeout=60).read()
        quick.append((time.perf_counter() - t0) * 1000)
    t.join()
    return (
        f"long query: HTTP {result['status']} after {result['seconds']:.1f} s; meanwhile {len(quick)} other "
        f"queries answered, median {statistics.median(quick):.1f} ms, max {max(quick):.1f} ms"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="dist", help="the build directory (default: dist)")
    ap.add_argument("--query", default="types", help="the canned query to run (default: types)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--duration", type=int, default=20, help="seconds per run (default: 20)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    args = ap.parse_args()
    out = Path(args.out).resolve()
    tool = ("wrk" if shutil.which("wrk") else "python") if args.tool == "auto" else args.tool
    text = bound_query(out, args.query)
    qs = "query=" + urllib.parse.quote(text)
    print(
        f"query {args.query!r} ({len(text)} chars), {args.connections} connections x {args.duration} s, "
        f"{args.runs} runs, load tool: {tool}"
    )
    # Oxigraph's server holds the store open while it runs; give it a copy so both read the same bytes.
    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    # "no cache": every request runs the query in a worker; the default keeps answers to repeated queries.
    results: dict[str, list[dict]] = {
        "mentorgraph serve": [],
        "mentorgraph serve, no cache": [],
        "oxigraph serve-read-only": [],
    }
    try:
        shutil.copytree(out / "store", tmp / "store")
        for run in range(args.runs):
            for name, runs in results.items():
                port = free_port()
                if name.startswith("mentorgraph"):
                    proc = start_mentorgraph(out, port, *(["--cache-size", "0"] if "no cache" in name else []))
                else:
                    proc = start_oxigraph(tmp / "store", port)
                path = "/sparql" if name.startswith("mentorgraph") else "/query"
                try:
                    url = f"http://127.0.0.1:{port}{path}?{qs}"
                    r = (
                        run_wrk(url, args.connections, args.duration)
                        if tool == "wrk"
                        else run_python(url, args.connections, args.duration)
                    )
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
                runs.append(r)
                print(
                    f"  run {run + 1} {name:28} {r['rps']:8.0f} req/s  p50 {r['p50']:6.2f} ms  "
                    f"p99 {r['p99']:7.2f} ms  errors {r['errors']}",
                    flush=True,
                )
        print("\nmedian of runs:")
        summary = {}
        for name, rs in results.items():
            summary[name] = {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50", "p99")}
            summary[name]["errors"] = sum(r["errors"] for r in rs)
            s = summary[name]
            print(
                f"  {name:28} {s['rps']:8.0f} req/s  p50 {s['p50']:6.2f} ms  p99 {s['p99']:7.2f} ms  "
                f"errors {s['errors']}"
            )
        for name in ("mentorgraph serve", "mentorgraph serve, no cache"):
            ratio = summary[name]["rps"] / summary["oxigraph serve-read-only"]["rps"]
            print(f"  throughput ratio ({name}) / oxigraph: {ratio:.2f}")
        port = free_port()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mentorgraph.cli",
                "serve",
                "--out",
                str(out),
                "--port",
                str(port),
                "--timeout",
                "3",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_ready(f"http://127.0.0.1:{port}/health")
            print("\n" + long_query_probe(port))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        print(json.dumps({"query": args.query, "tool": tool, "summary": summary}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
