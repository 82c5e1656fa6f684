"""Benchmark the graph in the browser: the static site (`mentorgraph site`) with the project's graph
and a graph 100x larger in headless Chromium, with and without 4x CPU throttling
(Emulation.setCPUThrottlingRate, a proxy for a phone), over http (the store in a Web Worker) and from
file:// (on the page's thread). The store loads in shards (mentorgraph.site.shards), what a query reads
first. Prints medians, each from navigation start: when a question asked with another value than its
page was written for answered (and how many quads the store held then), when the editor page was
usable (DOMContentLoaded), when an editor example as written answered (its own shards, then the
labels), when a query of the editor's own answered (it waits for the whole graph), when the whole
store was in; the wasm memory and the page's JS heap.

    mentorgraph build && python benchmarks/bench_browser_store.py [--runs 3] [--copies 100] [--no-file-url]
    python benchmarks/bench_browser_store.py --questions [--throttle 4]   # every question with parameters
    python benchmarks/bench_browser_store.py --spike     # the vendored assets' test page (N-Quads, TriG,
                                                         # bulk-load options) instead of the site

The larger graph is the project's, copied with every instance IRI (mg:, mgs:) and blank node renamed
per copy; vocabulary, graph names and literals are kept. Its shards replace the site's in a copy of
the site (the manifest keeps its name), and the question pages' names point at copy 0. The site is
served by a 127.0.0.1 static server (tests/vendor_page.py) under the CSP docs/site.md asks a host for.
CPU throttling applies to the page's thread; whether Chromium throttles a dedicated worker as well is
not documented (a busy loop ran 1.9x slower in a worker at 4x, 3.2x on the page), so the file://
rows (store on the page's thread) are the ones to read for a phone. Wall-clock figures: other
processes show in them.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import urllib.parse
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


def spike_main(args) -> None:
    """The vendored assets' test page (tests/fixtures/web-vendor/): N-Quads, TriG, bulk-load options."""
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


def write_graph(folder: Path, nquads: str) -> int:
    """Replace the site's graph in `folder` by these quads, in shards as mentorgraph.site.data writes
    them: the shard scripts added under static/graph/, the manifest rewritten in place (same name).
    Returns the bytes of the graph's scripts."""
    import pyoxigraph

    from mentorgraph.site.assets import hashed_name
    from mentorgraph.site.data import manifest_script, shard_scripts

    static = folder / "static"
    parts, _ = shard_scripts(pyoxigraph.parse(nquads.encode("utf-8"), format=pyoxigraph.RdfFormat.N_QUADS))
    for old in (static / "graph").glob("*.js"):
        old.unlink()
    entries, size = [], 0
    for n, (keys, count, body) in enumerate(parts):
        name = hashed_name(f"graph/{n:04d}.js", body)
        (static / name).write_bytes(body)
        entries.append((keys, name, count))
        size += len(body)
    manifest = manifest_script(entries)
    next(static.glob("graph.*.js")).write_bytes(manifest)
    return size + len(manifest)


# What a visitor opens: a question asked with another value than its page was written for (only the
# shards it reads must load), an example of the editor as written (likewise), and a query of the
# editor's own (QUERY: it waits for the whole graph).
QUESTION = "questions/programs-by-sponsor.html?sponsor=Endocrine+Society"
EXAMPLE = "types"
WHOLE = "window.mentorgraphSite && (mentorgraphSite.store || /could not/.test(document.body.textContent))"


def rename_candidates(folder: Path) -> None:
    """Point the question pages' names at copy 0 of the larger graph (its IRIs carry a -0 suffix)."""
    path = next((folder / "static").glob("questions-data.*.js"))
    ns = "|".join(re.escape(PREFIXES[p]) for p in ("mg", "mgs"))
    path.write_text(re.sub(rf'"iri":"((?:{ns})[^"]*)"', r'"iri":"\g<1>-0"', path.read_text("utf-8")), "utf-8")


def question_urls(nq: Path) -> dict[str, str]:
    """Each question with parameters, asked with another value than its page was written for."""
    from mentorgraph.query.api import open_graph

    mg = open_graph(nq.resolve().parent, root=ROOT)
    urls = {}
    for name, q in mg.catalogue.items():
        if not q.params:
            continue
        p = q.params[-1]
        if p.kind == "text":
            value = {"search": "women"}.get(name, "GB")
        else:
            value = next(c.label for c in mg.candidates(p.kind) if c.label != p.example)
        urls[name] = f"questions/{name}.html?" + urllib.parse.urlencode({p.name: value})
    return urls


def measure_question(browser, base: str, url: str, throttle: float) -> dict:
    """A question page asked anew: when it answered (from navigation start), what the store held."""
    visit, _ = _visit(browser, base, throttle)
    try:
        page = visit.page
        page.goto(base + url)
        wait_for(page, "mentorgraphSite.runs > 0", 600)
        answer = page.evaluate("mentorgraphSite.last")
        assert answer and answer.get("json"), f"{url} was not answered"
        visit.assert_clean()
        return {
            "answered": page.evaluate("mentorgraphSite.answeredAt"),
            "quads": page.evaluate("mentorgraphSite.answeredQuads"),
            "rows": len(json.loads(answer["json"])["results"]["bindings"]),
        }
    finally:
        visit.close()


def questions_main(args) -> None:
    """Every question with parameters, asked anew on the larger graph, CPU 4x, over http (worker)."""
    import shutil

    from playwright.sync_api import sync_playwright

    from mentorgraph.site import build_site

    nquads = args.nq.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        site, big = Path(tmp, "site"), Path(tmp, "big")
        build_site(ROOT, args.nq.resolve().parent, site)
        shutil.copytree(site, big)
        write_graph(big, replicate(nquads, args.copies))
        rename_candidates(big)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        label = f"question ({args.copies}x graph, CPU {args.throttle:g}x, worker)"
        print(f"| {label} | answered ms | quads loaded then | rows |")
        print("|---|---|---|---|")
        with static_server(big, CSP) as base:
            for name, url in question_urls(args.nq).items():
                runs = [measure_question(browser, base, url, args.throttle) for _ in range(args.runs)]
                cells = " | ".join(
                    f"{statistics.median(r[k] for r in runs):,.0f}" for k in ("answered", "quads", "rows")
                )
                print(f"| {name} | {cells} |", flush=True)
        browser.close()


def _visit(browser, origin: str, throttle: float):
    visit = Visit(browser, origin)
    cdp = visit.context.new_cdp_session(visit.page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    cdp.send("Performance.enable")
    return visit, cdp


def measure_site(browser, base: str, origin: str, throttle: float) -> dict:
    """The question page, then the editor (an example, then QUERY): figures in ms and MiB."""
    figures = {}
    visit, _ = _visit(browser, origin, throttle)
    try:
        page = visit.page
        page.goto(base + QUESTION)
        wait_for(page, "mentorgraphSite.runs > 0", 600)
        figures["question"] = page.evaluate("mentorgraphSite.answeredAt")
        figures["question quads"] = page.evaluate("mentorgraphSite.answeredQuads")
        assert page.evaluate("mentorgraphSite.last.json"), "the question was not answered"
        visit.assert_clean()
    finally:
        visit.close()
    visit, cdp = _visit(browser, origin, throttle)
    try:
        page = visit.page
        page.goto(base + "sparql.html")
        figures["usable"] = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        example = page.evaluate(f"JSON.parse(document.getElementById('mg-examples').textContent)[{EXAMPLE!r}]")
        page.evaluate("text => mentorgraphEditor.setValue(text)", example)
        page.get_by_role("button", name="Run query").click()
        wait_for(page, "mentorgraphSite.runs > 0", 600)
        figures["example"] = page.evaluate("mentorgraphSite.answeredAt")
        page.evaluate("text => mentorgraphEditor.setValue(text)", QUERY)
        page.get_by_role("button", name="Run query").click()
        wait_for(page, "mentorgraphSite.runs > 1", 600)
        figures["whole query"] = page.evaluate("mentorgraphSite.answeredAt")
        wait_for(page, WHOLE, 600)
        store = page.evaluate("mentorgraphSite.store")
        heap = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}["JSHeapUsedSize"]
        visit.assert_clean()
        figures.update(quads=store["size"], ready=store["readyAt"], wasm=store["wasmBytes"] / 2**20, heap=heap / 2**20)
        return figures
    finally:
        visit.close()


def site_main(args) -> None:
    """The static site's question and editor pages with the project's graph and with the larger one."""
    import shutil

    from playwright.sync_api import sync_playwright

    from mentorgraph.site import build_site

    nquads = args.nq.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        site, big = Path(tmp, "site"), Path(tmp, "big")
        build_site(ROOT, args.nq.resolve().parent, site)
        shutil.copytree(site, big)
        size = write_graph(big, replicate(nquads, args.copies))
        rename_candidates(big)
        small = sum(p.stat().st_size for p in (site / "static").glob("graph*/*.js"))
        small += next((site / "static").glob("graph.*.js")).stat().st_size
        shards = len(list((big / "static" / "graph").glob("*.js")))
        print(
            f"site: {sum(1 for p in site.rglob('*') if p.is_file())} files, graph scripts {small / 2**10:.0f} KiB; "
            f"{args.copies}x graph scripts {size / 2**20:.1f} MiB in {shards} shards"
        )
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        keys = ("question", "question quads", "usable", "example", "whole query", "ready", "wasm", "heap")
        print(
            "| page, graph, CPU | quads | question answered ms | quads loaded then | editor usable ms | "
            "example answered ms | own query answered ms | whole store ms | wasm MiB | page heap MiB |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")

        def row(label: str, runs: list[dict]) -> None:
            cells = " | ".join(f"{statistics.median(r[k] for r in runs):,.0f}" for k in keys)
            print(f"| {label} | {runs[0]['quads']:,} | {cells} |", flush=True)

        for throttle in (1, 4):
            for name, folder in (("project", site), (f"{args.copies}x", big)):
                with static_server(folder, CSP) as base:
                    runs = [measure_site(browser, base, base, throttle) for _ in range(args.runs)]
                    row(f"http (worker), {name}, CPU {throttle}x", runs)
                if args.file_url:
                    origin = folder.as_uri() + "/"
                    runs = [measure_site(browser, origin, origin, throttle) for _ in range(args.runs)]
                    row(f"file:// (page thread), {name}, CPU {throttle}x", runs)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--nq", type=Path, default=ROOT / "dist" / "mentorgraph.nq")
    parser.add_argument("--spike", action="store_true", help="measure the vendored assets' test page instead")
    parser.add_argument("--questions", action="store_true", help="every question with parameters, asked anew")
    parser.add_argument("--throttle", type=float, default=4, help="CPU slow-down for --questions")
    parser.add_argument("--no-file-url", dest="file_url", action="store_false", help="leave out the file:// rows")
    args = parser.parse_args()
    if not args.nq.is_file():
        sys.exit(f"{args.nq} not found: run `mentorgraph build` first")
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} not found: apt-get install chromium")
    (spike_main if args.spike else questions_main if args.questions else site_main)(args)


if __name__ == "__main__":
    main()
