"""Load benchmark: `mentorgraph serve` beside Oxigraph's own server on the same store (issue 16's table).

    python benchmarks/bench_serve.py --runs 3 [--out dist] [--duration 10] [--tool wrk|python] [--profile]

Both servers run on 127.0.0.1 over the same store: `mentorgraph serve` with its default settings
(front ends: the number of CPUs; a result cache per generation) on the build directory, and
`oxigraph serve-read-only --union-default-graph` (the `oxigraph` pip package) on a copy of the
generation's store/. --union-default-graph matters: the project's queries read the union of its
named graphs as the default graph, as `mentorgraph serve` does, so without it Oxigraph would answer
them from an empty default graph.

Workloads (GET ?query=..., Accept: application/sparql-results+json, keep-alive connections):
  cached       the canned query type-profile, the same text every time (mentorgraph: cache hits)
  uncached     type-profile with a comment and a LIMIT that change on every request (cache misses)
  aggregate    an aggregate over every triple, the same text every time (mentorgraph: cache hits)
  aggregate-uncached   the aggregate with a changing comment (cache misses)
  uncached at 64 and 256 connections
Each workload runs `--runs` times, mentorgraph and Oxigraph interleaved run by run, with wrk
(Debian package; 2 threads; a Lua script varies the text) or, without wrk, a Python load generator.
Prints each run, then medians, the ratio mentorgraph / Oxigraph, the goals of issue 16 (uncached
>= 0.8x, cached >= 1x, p99 <= 250 ms with 0 socket errors at 256 connections), and every command
it ran. With --profile, also the CPU each server spends per uncached request (from /proc), how often
mentorgraph's processes block and are woken up per request (voluntary context switches: this
count, unlike the CPU figures, hardly moves with other load on the machine), and where a front end
and a query process of mentorgraph spend their time (py-spy samples, idle ones left out).
Nothing is asserted: these are figures for docs/server.md and the README. Other load on the
machine moves them; compare only runs of one invocation.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import re
import shlex
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

AGGREGATE = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) ?p"
# (name, query, text varies per request, connections)
WORKLOADS = [
    ("cached", "type-profile", False, 16),
    ("uncached", "type-profile", True, 16),
    ("aggregate", AGGREGATE, False, 16),
    ("aggregate-uncached", AGGREGATE, True, 16),
    ("uncached", "type-profile", True, 64),
    ("uncached", "type-profile", True, 256),
]
# A different text on every request: a comment naming the thread and the request, and a LIMIT that
# changes (for a query without one), appended to the URL-encoded query. wrk's Lua: one state per thread.
LUA = """
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  n = 0
end
function request()
  n = n + 1
  local suffix = "%0A%23%20t" .. tid .. "r" .. n
  if LIMIT then suffix = suffix .. "%0ALIMIT%20" .. (1000 + n % 97) end
  return wrk.format("GET", PATH .. suffix, {["Accept"] = "application/sparql-results+json"})
end
"""
COMMANDS: list[str] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def query_text(out: Path, query: str) -> str:
    """A canned query's text with its example parameters bound (as the API binds them), or `query`."""
    if " " in query:
        return query
    from mentorgraph.query.api import open_graph
    from mentorgraph.query.catalogue import bind, sparql_iri, sparql_string

    mg = open_graph(out)
    q = mg.get(query)
    terms = {
        p.name: sparql_string(p.example) if p.kind == "text" else sparql_iri(mg.resolve(p.example, p.kind))
        for p in q.params
    }
    return bind(q, terms)


# -- load generation ---------------------------------------------------------------------------------------
def run_wrk(base: str, path: str, vary: bool, limit: bool, connections: int, duration: int, tmp: Path) -> dict:
    script = tmp / "vary.lua"
    # A Lua long string holds the path as it is (URL-encoded, so it has no "]]").
    script.write_text(f"PATH = [[{path}]]\nLIMIT = {'true' if limit else 'false'}\n" + LUA, encoding="utf-8")
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", "10s"]
    cmd += ["-s", str(script)] if vary else ["-H", "Accept: application/sparql-results+json"]
    cmd.append(base + ("" if vary else path))
    COMMANDS.append(shlex.join(cmd) + ("   # vary.lua: PATH + a comment" + (" + a LIMIT" if limit else "")) * vary)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if m is None:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": rps,
        "p50": ms("50%"),
        "p99": ms("99%"),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0,
    }


def _client(host, port, path, vary, limit, threads, stop_at, queue) -> None:
    latencies, errors = [], [0, 0]

    def loop(tid: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            p = path + (f"%0A%23%20t{tid}r{n}" + (f"%0ALIMIT%20{1000 + n % 97}" if limit else "")) * vary
            t0 = time.perf_counter()
            try:
                conn.request("GET", p, headers={"Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                resp.read()
                errors[0] += resp.status != 200
            except (OSError, http.client.HTTPException):
                errors[1] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            latencies.append(time.perf_counter() - t0)
        conn.close()

    pool = [threading.Thread(target=loop, args=(id(object()) + i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put((latencies, errors))


def run_python(base: str, path: str, vary: bool, limit: bool, connections: int, duration: int, tmp: Path) -> dict:
    split = urllib.parse.urlsplit(base)
    procs = 2
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    stop_at = time.monotonic() + duration
    args = (split.hostname, split.port, path, vary, limit, max(connections // procs, 1), stop_at, queue)
    workers = [ctx.Process(target=_client, args=args) for _ in range(procs)]
    COMMANDS.append(f"python load generator: {procs} processes x {connections // procs} threads, {duration} s")
    for w in workers:
        w.start()
    latencies, non2xx, sock = [], 0, 0
    for _ in workers:
        lat, (bad, err) = queue.get()
        latencies += lat
        non2xx += bad
        sock += err
    for w in workers:
        w.join()
    latencies.sort()

    def pick(f: float) -> float:
        return latencies[min(len(latencies) - 1, int(f * len(latencies)))] * 1000 if latencies else float("nan")

    return {
        "rps": len(latencies) / duration,
        "p50": pick(0.5),
        "p99": pick(0.99),
        "non2xx": non2xx,
        "socket_errors": sock,
    }


# -- servers ---------------------------------------------------------------------------------------------------
def start(cmd: list[str], ready: str) -> subprocess.Popen:
    COMMANDS.append(shlex.join(cmd))
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(ready)
    return proc


def long_query_probe(port: int) -> str:
    """While a cartesian-product query runs into the time limit, do other clients still get answers?"""
    base = f"http://127.0.0.1:{port}/sparql?query="
    slow = base + urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    result: dict = {}

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
        probe = f"ASK {{ ?s ?p ?o }} # probe {len(quick)}"  # a new text each time: not from the cache
        urllib.request.urlopen(base + urllib.parse.quote(probe), timeout=60).read()
        quick.append((time.perf_counter() - t0) * 1000)
    t.join()
    return (
        f"long query: HTTP {result['status']} after {result['seconds']:.1f} s; meanwhile {len(quick)} other "
        f"queries answered, median {statistics.median(quick):.1f} ms, max {max(quick):.1f} ms"
    )


# -- the per-request profile ------------------------------------------------------------------------------------
# Samples that are waiting, not working: the event loop's poll, a query process's recv, uvicorn's
# health-check thread.
IDLE = ("Runner.run (asyncio/runners.py", "FrameReader.read (mentorgraph/server/wire.py", "Connection._recv")
PARTS = (
    ("policy check (mentorgraph.sparql)", "mentorgraph/sparql/"),
    ("HTTP (uvicorn, httptools; the answer's socket write)", ("uvicorn/", "server/http11.py")),
    ("framework (starlette)", "starlette/"),
    ("frames and JSON", ("mentorgraph/server/wire.py", "json/")),
    ("to and from the query processes (socket writes, wake-ups)", ("server/process.py", "server/pool.py")),
    ("serve: routing, negotiation, cache, pool", "mentorgraph/server/"),
    ("event loop (asyncio)", "asyncio/"),
)


def descendants(pid: int) -> dict[int, str]:
    """Every process under `pid` (from /proc), with its command line."""
    parents, cmds = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmds[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return {p: cmds.get(p, "") for p in found | {pid}}


def cpu_seconds(pids) -> float:
    import os

    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def wakeups(pids) -> int:
    """Voluntary context switches of `pids` so far (a process that blocks and is woken up again)."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += int(status.split("voluntary_ctxt_switches:")[1].split()[0])
    return total


def busy_samples(raw: Path) -> dict[str, int]:
    """py-spy's raw stacks -> leaf frame -> samples, without the idle ones."""
    out: dict[str, int] = {}
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        leaf = stack.split(";")[-1]
        if any(i in stack for i in IDLE[2:]) or any(leaf.startswith(i) for i in IDLE[:2]):
            continue
        out[leaf] = out.get(leaf, 0) + int(n)
    return out


def profile(servers: dict, bases: dict, out: Path, duration: int, tmp: Path) -> None:
    """CPU per request of each server's processes (from /proc) on the uncached workload, and where a
    front end and a query process of mentorgraph spend it (py-spy, busy samples only)."""
    pyspy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    text = query_text(out, "type-profile")
    path_qs = "?query=" + urllib.parse.quote(text)
    print("\nper-request profile (uncached type-profile, 16 connections):")
    for name, proc in servers.items():
        tree = descendants(proc.pid)
        base, path = bases[name]
        before = {pid: cpu_seconds([pid]) for pid in tree}
        woken = {pid: wakeups([pid]) for pid in tree}
        spies = []
        if name == "mentorgraph" and pyspy:
            front = next(p for p, c in tree.items() if "multiprocessing.spawn" in c)
            query = next(p for p, c in tree.items() if "mentorgraph.server.worker" in c and f" {front}" in c)
            for role, pid in (("front end", front), ("query process", query)):
                raw = tmp / f"{role.replace(' ', '-')}.txt"
                cmd = [pyspy, "record", "-d", str(max(duration - 2, 2)), "-r", "200", "-p", str(pid)]
                cmd += ["--format", "raw", "-o", str(raw)]
                COMMANDS.append(shlex.join(cmd))
                spies.append((role, raw, subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
        res = (run_wrk if shutil.which("wrk") else run_python)(base, path + path_qs, True, True, 16, duration, tmp)
        n = max(res["rps"] * duration, 1)
        kinds: dict[str, float] = {}
        blocks: dict[str, int] = {}
        for pid, cmd in tree.items():
            kind = "query processes" if "server.worker" in cmd else "front ends" if "spawn" in cmd else "the rest"
            kinds[kind] = kinds.get(kind, 0.0) + cpu_seconds([pid]) - before[pid]
            blocks[kind] = blocks.get(kind, 0) + wakeups([pid]) - woken[pid]
        split = ", ".join(f"{k} {v / n * 1e6:.0f}" for k, v in kinds.items()) if name == "mentorgraph" else ""
        used = sum(kinds.values())
        print(f"  {name}: {used / n * 1e6:.0f} us CPU per request ({res['rps']:.0f} req/s) {split}")
        if name == "mentorgraph":  # Oxigraph's threads are not in /proc/PID/status; its count would mislead
            woke = ", ".join(f"{k} {v / n:.2f}" for k, v in blocks.items() if k != "the rest")
            print(f"    voluntary context switches (block, then wake up) per request: {woke}")
        for role, raw, spy in spies:
            spy.wait(timeout=60)
            samples = busy_samples(raw) if raw.exists() else {}
            total = sum(samples.values()) or 1
            shares: dict[str, int] = {}
            for leaf, count in samples.items():
                part = next(
                    (p for p, keys in PARTS if any(k in leaf for k in ((keys,) if isinstance(keys, str) else keys))),
                    "other",
                )
                if role == "query process" and "results.py" in leaf:
                    part = "pyoxigraph: query and serialization (Rust, called from results.py)"
                shares[part] = shares.get(part, 0) + count
            print(f"    {role} (busy samples {total}):")
            for part, count in sorted(shares.items(), key=lambda kv: -kv[1]):
                print(f"      {100 * count / total:5.1f}%  {part}")
            for leaf, count in sorted(samples.items(), key=lambda kv: -kv[1])[:8]:
                print(f"             {100 * count / total:5.1f}%  {leaf}")
    if not pyspy:
        print("  (py-spy is not installed: pip install py-spy, for where the time goes)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="dist", help="the build directory (default: dist)")
    ap.add_argument("--duration", type=int, default=10, help="seconds per run (default: 10)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument("--only", help="run only the workloads whose name contains this")
    ap.add_argument("--profile", action="store_true", help="also print the per-request profile (py-spy, /proc)")
    args = ap.parse_args()
    out = Path(args.out).resolve()
    tool = ("wrk" if shutil.which("wrk") else "python") if args.tool == "auto" else args.tool
    load = run_wrk if tool == "wrk" else run_python
    exe = shutil.which("oxigraph")
    if exe is None:
        raise SystemExit("the `oxigraph` command is missing: pip install oxigraph")
    from mentorgraph.layout import current_generation

    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    workloads = [w for w in WORKLOADS if not args.only or args.only in w[0]]
    print(f"{len(workloads)} workloads x {args.runs} runs x {args.duration} s, interleaved; load tool: {tool}")
    servers = {}
    try:
        # Oxigraph's server holds the store open while it runs; a copy, so both read the same bytes.
        shutil.copytree(current_generation(out).store, tmp / "store")
        mg_port, ox_port = free_port(), free_port()
        servers["mentorgraph"] = start(
            [sys.executable, "-m", "mentorgraph.cli", "serve", "--out", str(out), "--port", str(mg_port)],
            f"http://127.0.0.1:{mg_port}/health",
        )
        servers["oxigraph"] = start(
            [exe, "serve-read-only", "--location", str(tmp / "store"), "--bind", f"127.0.0.1:{ox_port}"]
            + ["--union-default-graph"],
            f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D",
        )
        bases = {
            "mentorgraph": (f"http://127.0.0.1:{mg_port}", "/sparql"),
            "oxigraph": (f"http://127.0.0.1:{ox_port}", "/query"),
        }
        rows = []
        for name, query, vary, conns in workloads:
            text = query_text(out, query)
            qs = "?query=" + urllib.parse.quote(text)
            limit = vary and "LIMIT" not in text.upper().split("}")[-1]
            runs: dict[str, list[dict]] = {"mentorgraph": [], "oxigraph": []}
            for r in range(args.runs):
                for server, (base, path) in bases.items():
                    res = load(base, path + qs, vary, limit, conns, args.duration, tmp)
                    runs[server].append(res)
                    print(
                        f"  {name:19} c={conns:<3} run {r + 1} {server:11} {res['rps']:8.0f} req/s  p50 "
                        f"{res['p50']:7.2f} ms  p99 {res['p99']:7.2f} ms  non-2xx {res['non2xx']}  "
                        f"socket errors {res['socket_errors']}",
                        flush=True,
                    )
            med = {s: {k: statistics.median(x[k] for x in rs) for k in ("rps", "p50", "p99")} for s, rs in runs.items()}
            for s, rs in runs.items():
                med[s]["errors"] = sum(x["non2xx"] + x["socket_errors"] for x in rs)
            rows.append((name, conns, med))
        print("\nmedians (mentorgraph | oxigraph serve-read-only --union-default-graph):")
        print("| workload | connections | mentorgraph req/s, p99 | oxigraph req/s, p99 | ratio | errors |")
        print("|---|---|---|---|---|---|")
        for name, conns, med in rows:
            m, o = med["mentorgraph"], med["oxigraph"]
            print(
                f"| {name} | {conns} | {m['rps']:.0f}, {m['p99']:.0f} ms | {o['rps']:.0f}, {o['p99']:.0f} ms | "
                f"{m['rps'] / o['rps']:.2f}x | {m['errors']} / {o['errors']} |"
            )
        print("\ngoals (issue 16):")
        for name, conns, med in rows:
            m, o = med["mentorgraph"], med["oxigraph"]
            ratio = m["rps"] / o["rps"]
            if "uncached" in name and conns == 16:
                print(f"  {name}: {ratio:.2f}x Oxigraph (goal >= 0.8x): {'met' if ratio >= 0.8 else 'NOT met'}")
            elif conns == 16:
                print(f"  {name}: {ratio:.2f}x Oxigraph (goal >= 1x): {'met' if ratio >= 1 else 'NOT met'}")
            if conns == 256:
                ok = m["p99"] <= 250 and m["errors"] == 0
                verdict = "met" if ok else "NOT met"
                print(f"  256 connections: p99 {m['p99']:.0f} ms, {m['errors']} errors (goal <= 250 ms, 0): {verdict}")
        if args.profile:
            profile(servers, bases, out, args.duration, tmp)
        print("\n" + long_query_probe(mg_port))
        print("\ncommands:")
        for c in dict.fromkeys(COMMANDS):
            print("  " + c)
    finally:
        for proc in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
