"""Benchmark the vendored Oxigraph WebAssembly build in headless Chromium: compiling the wasm, fetching
and loading the project's N-Quads (dist/mentorgraph.nq) and a graph 100x larger, then one query, with
and without 4x CPU throttling (Emulation.setCPUThrottlingRate, a proxy for a phone); the larger graph
also with Oxigraph's bulk-load options, as bytes rather than a string, and as TriG. Prints medians.

    mentorgraph build && python benchmarks/bench_browser_store.py [--runs 3] [--copies 100]

The larger graph is the project's, copied with every instance IRI (mg:, mgs:) and blank node renamed
per copy; vocabulary, graph names and literals are kept. The page is tests/fixtures/web-vendor/page.html
served by a 127.0.0.1 static server (tests/vendor_page.py) under the CSP the web view needs; the file://
variant (wasm inside a classic script) is timed on the project graph. Wall-clock figures: other
processes on the machine show in them.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from mentorgraph.iris import PREFIXES  # noqa: E402 - after the path set-up above
from vendor_page import CHROMIUM, CSP, FLAGS, Visit, render_page, static_server, wait_for  # noqa: E402

QUERY = (
    "SELECT ?label (COUNT(?i) AS ?n) WHERE { ?type a mgo:MentoringModelType ; rdfs:label ?label . "
    "OPTIONAL { ?i mgo:modelType ?type } } GROUP BY ?label ORDER BY DESC(?n)"
)


def replicate(nquads: str, copies: int) -> str:
    """`copies` renamed copies of the N-Quads: instance IRIs and blank node labels get a -k suffix."""
    instance = re.compile("<((?:" + "|".join(re.escape(PREFIXES[p]) for p in ("mg", "mgs")) + r")[^>]*)>")
    blank = re.compile(r"(?<![\"\w])_:(\w+)")
    out = []
    for k in range(copies):
        text = instance.sub(rf"<\g<1>-{k}>", nquads)
        out.append(blank.sub(rf"_:\g<1>x{k}", text))
    return "".join(out)


def as_trig(nquads: str) -> bytes:
    """The same quads as TriG with the project's prefixes (about a quarter of the bytes)."""
    import pyoxigraph

    quads = pyoxigraph.parse(nquads.encode("utf-8"), format=pyoxigraph.RdfFormat.N_QUADS)
    return pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.TRIG, prefixes=PREFIXES)


def measure(browser, url: str, origin: str, throttle: float) -> dict:
    """Open the page (graph loaded), run QUERY once; the page's timings in ms, wasm memory in MiB."""
    visit = Visit(browser, origin)
    try:
        cdp = visit.context.new_cdp_session(visit.page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        page = visit.open(url)
        page.evaluate("text => spike.editor.setValue(text)", QUERY)
        page.get_by_role("button", name="Run query").click()
        wait_for(page, "spike.runs > 0")
        figures = page.evaluate("spike.timings")
        figures["wasm MiB"] = page.evaluate("spike.wasmBytes") / 2**20
        visit.assert_clean()
        return figures
    finally:
        visit.close()


def report(label: str, runs: list[dict]) -> None:
    keys = ("wasm", "fetch", "load", "query", "total", "wasm MiB")
    medians = {k: statistics.median(r[k] for r in runs) for k in keys}
    cells = " | ".join(f"{medians[k]:.0f}" for k in keys)
    print(f"| {label} | {runs[0]['quads']:,} | {cells} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--nq", type=Path, default=ROOT / "dist" / "mentorgraph.nq")
    args = parser.parse_args()
    if not args.nq.is_file():
        sys.exit(f"{args.nq} not found: run `mentorgraph build` first")
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} not found: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    nquads = args.nq.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        site, file_site = Path(tmp, "http"), Path(tmp, "file")
        site.mkdir()
        file_site.mkdir()
        render_page(site, "http", PREFIXES)
        (site / "graph.nq").write_text(nquads, encoding="utf-8")
        big = replicate(nquads, args.copies)
        (site / "big.nq").write_text(big, encoding="utf-8")
        (site / "big.trig").write_bytes(as_trig(big))
        render_page(file_site, "file", PREFIXES, nquads=nquads, csp_meta=CSP)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        print("| page, graph, CPU | quads | wasm ms | fetch ms | load ms | query ms | total ms | wasm MiB |")
        print("|---|---|---|---|---|---|---|---|")
        with static_server(site, CSP) as base:
            n = args.copies
            cases = [("http, project", "graph.nq", ""), (f"http, {n}x", "big.nq", "")]
            cases.append((f"http, {n}x, bulk load", "big.nq", "&bulk=1"))
            cases.append((f"http, {n}x, bulk load of bytes", "big.nq", "&bulk=1&bytes=1"))
            cases.append((f"http, {n}x as TriG, bulk load of bytes", "big.trig", "&bulk=1&bytes=1"))
            for throttle in (1, 4):
                for label, data, extra in cases:
                    url = f"{base}page.html?data={data}{extra}"
                    runs = [measure(browser, url, base, throttle) for _ in range(args.runs)]
                    report(f"{label}, CPU {throttle}x", runs)
        for throttle in (1, 4):
            url, origin = (file_site / "page.html").as_uri(), file_site.as_uri() + "/"
            report(
                f"file://, project, CPU {throttle}x",
                [measure(browser, url, origin, throttle) for _ in range(args.runs)],
            )
        browser.close()


if __name__ == "__main__":
    main()
