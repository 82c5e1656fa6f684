"""Scale benchmark: mentorgraph's graph plus ROR-shaped organizations, from ~10k to 3M triples.

For each size it builds one N-Quads file (mentorgraph's build + a ROR-shaped graph in its own named
graph, https://w3id.org/mentorgraph/graph/ror, never reasoned over) and measures, each step in a
fresh process so peak memory is the step's own:

- load: rdflib Dataset parse, pyoxigraph bulk load into an on-disk store (as `mentorgraph build`
  does), push to an Oxigraph server over the Graph Store Protocol (as `mentorgraph push` does);
- every canned query (queries/*.rq, bound to its `# param:` example): median latency on rdflib in
  memory, the embedded pyoxigraph store (read-only, as queries open it), and the Oxigraph server;
  plus resolving each parameter kind from scratch (the label lookup a cold query does first);
- cold `mentorgraph query NAME` in a fresh process: wall time and peak RSS, for every canned query.

The organizations come from the ROR sample at $MENTORGRAPH_ROR_SAMPLE (2,000 ROR records, schema v1
and v2), replicated as often as needed. Copy 0 keeps the records' ROR IDs; copy n > 0 lives under
https://example.org/ror-replica/n/ so no invented identifier looks like a real ROR ID.

    python benchmarks/bench_scale.py                      # 10k, 100k, 1M
    python benchmarks/bench_scale.py --sizes 3M --rdflib-max 0 --runs 5

Prints markdown tables (benchmarks/README.md records them) and writes the raw figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Measure this checkout's code, whatever checkout `pip install -e` last pointed at.
sys.path.insert(0, str(ROOT / "src"))
CHILD_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
}
# A JSON Lines file of ROR records (2,000 real ones were used for the published figures).
ROR_SAMPLE = Path(os.environ.get("MENTORGRAPH_ROR_SAMPLE", "ror-sample-dev.jsonl"))
ROR_GRAPH = "https://w3id.org/mentorgraph/graph/ror"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
_IRI_OK = re.compile(r"^https?://[^<>\"{}|^`\\\x00-\x20]+$")
RELATION = {"parent": "parentOrganization", "child": "subOrganization"}


# -- ROR-shaped data ---------------------------------------------------------------------------------
def _lit(value: str, lang: str | None = None) -> str:
    # json.dumps escapes exactly what an N-Triples string literal needs (quote, backslash, controls)
    return json.dumps(value, ensure_ascii=False) + (f"@{lang}" if lang else "")


def record_triples(rec: dict) -> list[tuple[str, str, str]]:
    """(predicate IRI, object in N-Triples, related-record suffix or '') for one ROR record, v1 or v2.

    The related suffix marks objects that name another record, so each copy links within itself.
    """
    out: list[tuple[str, str, str]] = [(RDF_TYPE, f"<{SCHEMA}Organization>", "")]

    def add(p: str, o: str) -> None:
        out.append((p, o, ""))

    if "names" in rec:  # schema v2
        for n in rec["names"]:
            lang = n.get("lang")
            if "ror_display" in n["types"]:
                add(RDFS + "label", _lit(n["value"]))
            elif "acronym" in n["types"]:
                add(SCHEMA + "alternateName", _lit(n["value"]))
            else:
                add(SKOS + "altLabel", _lit(n["value"], lang))
        for loc in rec.get("locations", []):
            g = loc.get("geonames_details") or {}
            if g.get("country_code"):
                add(SCHEMA + "addressCountry", _lit(g["country_code"]))
            if g.get("name"):
                add(SCHEMA + "addressLocality", _lit(g["name"]))
        links = [x["value"] for x in rec.get("links", [])]
        ids = [f"{x['type']}:{v}" for x in rec.get("external_ids", []) for v in x.get("all", [])]
    else:  # schema v1
        add(RDFS + "label", _lit(rec["name"]))
        for a in rec.get("aliases", []):
            add(SKOS + "altLabel", _lit(a))
        for a in rec.get("acronyms", []):
            add(SCHEMA + "alternateName", _lit(a))
        for la in rec.get("labels", []):
            add(SKOS + "altLabel", _lit(la["label"], la.get("iso639")))
        for a in rec.get("addresses", []):
            if a.get("city"):
                add(SCHEMA + "addressLocality", _lit(a["city"]))
        if (rec.get("country") or {}).get("country_code"):
            add(SCHEMA + "addressCountry", _lit(rec["country"]["country_code"]))
        links = rec.get("links", [])
        ids = []
        for scheme, v in (rec.get("external_ids") or {}).items():
            values = v.get("all") if isinstance(v, dict) else v
            ids += [f"{scheme}:{x}" for x in ([values] if isinstance(values, str) else values or [])]
    for t in rec.get("types", []):
        add(SCHEMA + "additionalType", _lit(t))
    if rec.get("established"):
        add(SCHEMA + "foundingDate", f'"{rec["established"]}"^^<{XSD_GYEAR}>')
    add(SCHEMA + "status", _lit(rec.get("status", "")))
    for link in links:
        if link and _IRI_OK.match(link):
            add(SCHEMA + "url", f"<{link}>")
    for i in ids:
        add(SCHEMA + "identifier", _lit(i))
    for rel in rec.get("relationships", []):
        pred = RELATION.get(rel["type"].lower(), "relatedTo")
        out.append((SCHEMA + pred, "", rel["id"].rsplit("/", 1)[-1]))
    return out


def ror_nquads(n_triples: int) -> tuple[bytes, int]:
    """About n_triples ROR-shaped quads (whole records) in the ror graph, and the exact count."""
    records = []
    with ROR_SAMPLE.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            records.append((rec["id"].rsplit("/", 1)[-1], record_triples(rec)))
    graph = f"<{ROR_GRAPH}>"
    lines: list[str] = []
    count, copy = 0, 0
    while count < n_triples:
        base = "https://ror.org/" if copy == 0 else f"https://example.org/ror-replica/{copy}/"
        for suffix, triples in records:
            s = f"<{base}{suffix}>"
            for p, o, rel in triples:
                lines.append(f"{s} <{p}> {o or f'<{base}{rel}>'} {graph} .\n")
            count += len(triples)
            if count >= n_triples:
                break
        copy += 1
    return "".join(lines).encode("utf-8"), count


# -- measuring in fresh processes --------------------------------------------------------------------
def run_child(code: str, *args: str, timeout: float = 1800) -> tuple[dict, int]:
    """Run `code` in a fresh Python; it prints one JSON object last. Returns it and the peak RSS (KiB)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=CHILD_ENV,
        text=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"error": f"timed out after {timeout:.0f}s"}, 0
    if proc.returncode != 0:
        return {"error": err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"}, 0
    data = json.loads(out.strip().splitlines()[-1])
    return data, data.get("maxrss_kib", 0)


CHILD_PRELUDE = """
import json, signal, statistics, sys, time
from pathlib import Path
def maxrss():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec from the (large) parent
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
class Slow(BaseException):  # not an Exception, so engines cannot wrap it as a query error
    pass
def _alarm(signum, frame):
    raise Slow()
signal.signal(signal.SIGALRM, _alarm)
def measure(fn, runs, limit):
    # one warm-up, then `runs` timed runs; a run over `limit` seconds stops the series (rdflib)
    times = []
    for i in range(runs + 1):
        signal.setitimer(signal.ITIMER_REAL, limit)
        t = time.perf_counter()
        try:
            fn()
        except Slow:
            return {"over": limit}
        except Exception as exc:
            return {"error": f"{type(exc).__name__}: {exc}"[:300]}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if i:
            times.append(time.perf_counter() - t)
    return {"median_ms": statistics.median(times) * 1000, "runs": runs}
"""

LOAD_OXIGRAPH = (
    CHILD_PRELUDE
    + """
from mentorgraph import layout
from mentorgraph.pipeline.store import build_store
nq, out = Path(sys.argv[1]), Path(sys.argv[2])
t = time.perf_counter()
with layout.new_generation(out, "scale") as w:
    w.write(layout.MANIFEST, b"{}\n")
    build_store(nq.read_bytes(), w.path / layout.STORE)
print(json.dumps({"seconds": time.perf_counter() - t, "maxrss_kib": maxrss()}))
"""
)

QUERIES = (
    CHILD_PRELUDE
    + """
from mentorgraph.query.api import MentorGraph
from mentorgraph.query.engines import OxigraphEngine, RdflibEngine, RemoteEngine
engine_name, target, queries_json = sys.argv[1:4]
runs, limit = int(sys.argv[4]), float(sys.argv[5])
spec = json.loads(Path(queries_json).read_text())
t = time.perf_counter()
if engine_name == "rdflib":
    from rdflib import Dataset
    ds = Dataset(default_union=True)
    ds.parse(target, format="nquads")
    engine = RdflibEngine(ds)
elif engine_name == "oxigraph":
    from mentorgraph.layout import current_generation
    engine = OxigraphEngine.open(current_generation(Path(target)))
else:
    engine = RemoteEngine(target)
load = time.perf_counter() - t
load_rss = maxrss()
results = {}
for name, text in spec["queries"].items():
    results[name] = measure(lambda: engine.query(text), runs, limit)
for kind, example in spec["resolve"].items():
    # a fresh MentorGraph each run: its label cache is empty, as in a cold `mentorgraph query`
    fresh = lambda: MentorGraph(engine, Path(spec["queries_dir"]))
    results["resolve " + kind] = measure(lambda: fresh().resolve(example, kind),
                                         runs, limit)
print(json.dumps({"load_seconds": load, "load_maxrss_kib": load_rss, "queries": results,
                  "maxrss_kib": maxrss()}))
"""
)


COLD = """
import runpy, sys
sys.argv = sys.argv[1:]
code = 0
try:
    runpy.run_module("mentorgraph.cli", run_name="__main__")
except SystemExit as exc:
    code = exc.code or 0
hwm = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print("VmHWM", hwm, file=sys.stderr)
sys.exit(code)
"""


def cold_query(out: Path, name: str, params: dict[str, str]) -> dict:
    """`mentorgraph query NAME` in a fresh interpreter: wall seconds and its peak RSS (VmHWM)."""
    args = [sys.executable, "-c", COLD, "mentorgraph", "query", name, "--out", str(out), "-f", "csv"]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    t = time.perf_counter()
    proc = subprocess.run(
        args,
        cwd=ROOT,
        env=CHILD_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - t
    hwm = [line.split()[1] for line in proc.stderr.splitlines() if line.startswith("VmHWM ")]
    return {
        "seconds": seconds,
        "maxrss_kib": int(hwm[-1]) if hwm else 0,
        "ok": proc.returncode == 0,
        "stderr": proc.stderr[-300:],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def remote_run(nq: Path, work: Path, spec_path: Path, runs: int, limit: float) -> dict:
    """Start an Oxigraph server, push every graph, run the queries over HTTP, stop the server."""
    from mentorgraph.remote.push import graphs_from_nquads, push

    port = free_port()
    server = subprocess.Popen(
        [
            "oxigraph",
            "serve",
            "--location",
            str(work / "server"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        t = time.perf_counter()
        graphs = graphs_from_nquads(nq.read_bytes())
        split = time.perf_counter() - t
        outcome = push(graphs, base + "/store")
        if outcome.failures:
            return {"error": str(outcome.failures[0])}
        data, _ = run_child(QUERIES, "remote", base + "/query", str(spec_path), str(runs), str(limit))
        data["push_seconds"] = outcome.seconds
        data["split_seconds"] = split
        data["server_maxrss_kib"] = vm_hwm_kib(server.pid)
        return data
    finally:
        server.terminate()
        server.wait(timeout=30)


# -- orchestration -----------------------------------------------------------------------------------
def parse_size(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 10k, 1M)")
    return int(float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()])


def label(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1e3:g}k"


def versions() -> dict:
    import pyoxigraph
    import rdflib

    ox = subprocess.run(["oxigraph", "--version"], check=False, capture_output=True, text=True).stdout.strip()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "python": platform.python_version(),
        "rdflib": rdflib.__version__,
        "pyoxigraph": pyoxigraph.__version__,
        "oxigraph server": ox,
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem) / 2**20, 1),
        "os": platform.platform(),
    }


def bench_size(target: int, base_nq: bytes, base_triples: int, spec: dict, work: Path, args) -> dict:
    ror, ror_count = ror_nquads(max(target - base_triples, 0))
    nq = work / "all.nq"
    nq.write_bytes(base_nq + ror)
    total = base_triples + ror_count
    spec_path = work / "queries.json"
    spec_path.write_text(json.dumps(spec))
    row: dict = {
        "triples": total,
        "ror_triples": ror_count,
        "nq_mb": nq.stat().st_size / 1e6,
        "loadavg_start": os.getloadavg()[0],
    }
    print(f"# {label(target)}: {total} triples", file=sys.stderr, flush=True)

    out = work / "dist"
    data, rss = run_child(LOAD_OXIGRAPH, str(nq), str(out))
    row["oxigraph_load"] = {"seconds": data.get("seconds"), "maxrss_kib": rss, "error": data.get("error")}
    print(f"  oxigraph load {data}", file=sys.stderr, flush=True)
    data, rss = run_child(QUERIES, "oxigraph", str(out), str(spec_path), str(args.runs), str(args.limit))
    row["oxigraph"] = data
    print("  oxigraph queries done", file=sys.stderr, flush=True)

    row["cold"] = {name: cold_query(out, name, spec["params"][name]) for name in spec["queries"]}
    print("  cold queries done", file=sys.stderr, flush=True)

    if args.remote:
        row["remote"] = remote_run(nq, work, spec_path, args.runs, args.limit)
        print("  remote done", file=sys.stderr, flush=True)
    if target <= args.rdflib_max:
        data, rss = run_child(QUERIES, "rdflib", str(nq), str(spec_path), str(args.rdflib_runs), str(args.limit))
        row["rdflib"] = data
        print("  rdflib done", file=sys.stderr, flush=True)
    else:
        row["rdflib"] = {"skipped": f"over --rdflib-max {args.rdflib_max}"}
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(work / "server", ignore_errors=True)
    row["loadavg_end"] = os.getloadavg()[0]
    return row


def query_spec(out: Path) -> dict:
    """Each canned query bound to its example parameters (resolved once on the plain build)."""
    from mentorgraph.query.api import open_graph
    from mentorgraph.query.catalogue import bind, sparql_iri, sparql_string

    mg = open_graph(out, root=ROOT)
    queries, params, resolve = {}, {}, {}
    for name, q in mg.catalogue.items():
        params[name] = {p.name: p.example for p in q.params}
        terms = {
            p.name: sparql_string(p.example) if p.kind == "text" else sparql_iri(mg.resolve(p.example, p.kind))
            for p in q.params
        }
        queries[name] = bind(q, terms)
        for p in q.params:
            if p.kind != "text":
                resolve.setdefault(p.kind, p.example)
    return {"queries": queries, "params": params, "resolve": resolve, "queries_dir": str(ROOT / "queries")}


def fmt_ms(entry: dict | None) -> str:
    if not entry:
        return "–"
    if "error" in entry:
        return "error"
    if "over" in entry:
        return f"> {entry['over'] * 1000:.0f}"
    return f"{entry['median_ms']:.1f}" if entry["median_ms"] < 100 else f"{entry['median_ms']:.0f}"


def mib(kib: int | None) -> str:
    return f"{kib / 1024:.0f} MiB" if kib else "–"


def report(results: list[dict], info: dict) -> str:
    lines = ["Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), ""]
    lines += [
        (
            "| size | triples (ROR) | N-Quads | oxigraph load | rdflib load | push to server | server RSS "
            "| query process RSS (embedded) | cold query, worst (median) | cold RSS, worst | machine load |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ox, rd, rem = r["oxigraph_load"], r.get("rdflib", {}), r.get("remote", {})
        cold = [c for c in r["cold"].values()]
        cold_s = sorted(c["seconds"] for c in cold)
        rd_load = (
            f"{rd['load_seconds']:.1f} s / {mib(rd['load_maxrss_kib'])}"
            if "load_seconds" in rd
            else rd.get("skipped", rd.get("error", "–"))
        )
        rem_push = f"{rem['push_seconds']:.1f} s" if "push_seconds" in rem else rem.get("error", "–")
        failed = [n for n, c in r["cold"].items() if not c["ok"]]
        cold_text = f"{cold_s[-1]:.2f} s ({statistics.median(cold_s):.2f} s)"
        if failed:
            cold_text += " FAILED: " + ", ".join(failed)
        lines.append(
            f"| {label(r['size'])} | {r['triples']:,} ({r['ror_triples']:,}) | {r['nq_mb']:.0f} MB "
            f"| {ox['seconds']:.2f} s / {mib(ox['maxrss_kib'])} | {rd_load} | {rem_push} "
            f"| {mib(rem.get('server_maxrss_kib'))} | {mib(r['oxigraph'].get('maxrss_kib'))} "
            f"| {cold_text} "
            f"| {mib(max(c['maxrss_kib'] for c in cold))} "
            f"| {r['loadavg_start']:.1f}–{r['loadavg_end']:.1f} |"
        )
    lines += [
        "",
        (
            "Median latency in ms (after one warm-up): rdflib in memory / embedded pyoxigraph / "
            "Oxigraph server over HTTP."
        ),
        "",
    ]
    names = list(results[0]["oxigraph"]["queries"])
    head = (
        "| query | "
        + " | ".join(
            f"{label(r['size'])} rdflib | {label(r['size'])} embedded | {label(r['size'])} server" for r in results
        )
        + " |"
    )
    lines += [head, "|---" * (1 + 3 * len(results)) + "|"]
    for name in names:
        cells = []
        for r in results:
            for engine in ("rdflib", "oxigraph", "remote"):
                cells.append(fmt_ms(r.get(engine, {}).get("queries", {}).get(name)))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k,1M", help="comma-separated total sizes (default: 10k,100k,1M)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per query after a warm-up (default: 5)")
    ap.add_argument("--rdflib-runs", type=int, default=3, help="timed runs per query on rdflib (default: 3)")
    ap.add_argument(
        "--rdflib-max",
        type=parse_size,
        default=parse_size("100k"),
        help="largest size run on rdflib (default: 100k; its load alone takes minutes at 1M)",
    )
    ap.add_argument("--limit", type=float, default=20.0, help="seconds after which a query's series stops")
    ap.add_argument("--no-remote", dest="remote", action="store_false", help="skip the Oxigraph server")
    ap.add_argument("--json", type=Path, help="also write the raw figures to this JSON file")
    args = ap.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",")]

    with tempfile.TemporaryDirectory(prefix="mg-bench-") as tmp:
        work = Path(tmp)
        from mentorgraph.pipeline.build import build

        build(ROOT, work / "base")
        base_nq = (work / "base" / "mentorgraph.nq").read_bytes()
        base_triples = base_nq.count(b"\n")
        spec = query_spec(work / "base")
        info = versions()
        results = []
        for size in sizes:
            row = bench_size(size, base_nq, base_triples, spec, work, args)
            row["size"] = size
            results.append(row)
            (work / "all.nq").unlink()
    text = report(results, info)
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
