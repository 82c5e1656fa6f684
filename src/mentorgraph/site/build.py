"""The orchestrator of `mentorgraph site`: the current build in, a static website out.

    from mentorgraph.site import build_site
    report = build_site(root, out)            # out: the build directory (layout.resolve_out)
    report.path, report.files, report.bytes

Stages: pages.plan (which pages), assets (static files, content-addressed), data (what the browser
needs: the graph, the questions, the advice model), rdf (the documents beside the pages), then every
page rendered by the web view itself (web.respond with web.StaticUrls), and write.site_directory puts
the whole in place at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from .. import layout
from ..web import CSP, Source, StaticUrls, respond
from . import assets as assets_mod
from . import data, pages, rdf
from .write import site_directory, write_file

# Pages whose scripts run Oxigraph's WebAssembly in the page: their CSP allows compiling it.
WASM_ROUTES = ("sparql", "question")
# The site's own scripts on each page that needs one (after the page's own, in this order).
SCRIPTS = {
    "sparql": ["site-data.js", "questions-data.js", "site.js"],
    "question": ["site-data.js", "questions-data.js", "site-find.js", "site.js"],
    "compare": ["site-data.js", "site.js"],
    "find": ["site-data.js", "advice-data.js", "site-find.js"],
}
Progress = Callable[[int, int, str], None]


@dataclass
class SiteReport:
    """What was written: the site's directory, its files and bytes, the pages, the graph's size."""

    path: Path
    files: int = 0
    bytes: int = 0
    pages: int = 0
    graph_bytes: int = 0
    sitemap: bool = False
    skipped: list[str] = field(default_factory=list)  # pages the web view could not render (404)


def meta_csp(wasm: bool) -> str:
    """The web view's policy for a <meta> element: frame-ancestors dropped (a <meta> policy may not
    carry it, and browsers say so in the console), 'wasm-unsafe-eval' added where Oxigraph runs."""
    out = []
    for directive in CSP.split(";"):
        words = directive.split()
        if not words or words[0] == "frame-ancestors":
            continue
        if words[0] == "script-src" and wasm:
            words.append("'wasm-unsafe-eval'")
        out.append(" ".join(words))
    return "; ".join(out)


def build_site(
    root: Path,
    out: Path,
    target: Path | None = None,
    base_url: str | None = None,
    progress: Progress | None = None,
    on_wait: Callable[[], None] | None = None,
) -> SiteReport:
    """Write the static site of the current build in `out` to `target` (default layout.site_path(out)).

    `base_url` (the address the site will be published at) adds sitemap.xml and download URLs to the
    dataset description. Raises layout.NoBuild when there is no build."""
    from ..query.api import open_graph

    generation = layout.current_generation(out)
    target = Path(target) if target is not None else layout.site_path(out)
    base = base_url.rstrip("/") + "/" if base_url else None
    mg = open_graph(generation.path, root=root)
    source = Source(mg, Path(root), generation.path)
    report = SiteReport(target)
    tick = progress or (lambda done, total, note: None)

    static = assets_mod.static_assets()
    graph, report.graph_bytes = data.graph_scripts(source, static.add)
    browser = {
        "graph.js": graph,
        "questions-data.js": data.questions_script(source),
        "advice-data.js": data.advice_script(source),
    }
    for name, body in browser.items():
        static.add(name, body)
    static.add("site-data.js", data.settings_script(static.names, _compare_pages(source)))

    jobs = pages.plan(source)
    linked = pages.page_map(jobs)
    total = len(jobs) + 2
    with site_directory(target, on_wait) as tmp:
        written: list[str] = []

        def put(name: str, body: bytes) -> None:
            write_file(tmp, name, body)
            written.append(name)
            report.bytes += len(body)

        for name, body in sorted(static.files.items()):
            put(f"static/{name}", body)
        tick(0, total, "static files")
        for n, job in enumerate(jobs, 1):
            urls = StaticUrls(job.file, static.names, linked)
            extra = {"csp_meta": meta_csp(job.route in WASM_ROUTES), "scripts": SCRIPTS.get(job.route, [])}
            answer = respond(source, job.route, dict(job.params), urls, extra)
            if answer.status == 404:
                report.skipped.append(job.file)
                continue
            put(job.file, answer.body.encode("utf-8"))
            if job.route == "entity":
                for name, body in rdf.entity_files(source, job.params["iri"][0], job.file.removesuffix(".html")):
                    put(name, body)
            if n % 25 == 0 or n == len(jobs):
                tick(n, total, job.file)
        for name, body in rdf.graph_files(source):
            put(name, body)
        for row in _download_files(source):
            put(f"download/{row}", (generation.path / row).read_bytes())
        put("dataset.ttl", _dataset(generation, root, base))
        tick(len(jobs) + 1, total, "downloads")
        put(".nojekyll", b"")  # GitHub Pages: publish the files as they are
        if base:
            put("sitemap.xml", sitemap(base, [w for w in written if w.endswith(".html")]))
            report.sitemap = True
        report.pages = sum(1 for w in written if w.endswith(".html"))
        report.files = len(written)
        tick(total, total, "done")
    return report


def _compare_pages(source: Source) -> dict[str, str]:
    """The comparisons the site holds, by their sorted query string (for the compare form's answer)."""
    from ..web import linked_pages
    from ..web.urls import static_name

    return {
        static_name(route, params).partition("?")[2]: file
        for route, params, file in linked_pages(source)
        if file.endswith(".html")
    }


def _download_files(source: Source) -> list[str]:
    """The build's files the download page links (web.views.cite.files)."""
    from ..web.views.cite import files

    return [row["name"] for row in files(source)]


def _dataset(generation: layout.Generation, root: Path, base: str | None) -> bytes:
    """The DCAT/VoID description of the build, with download URLs when the site's address is known."""
    from ..release.dataset import describe, render

    return render(describe(generation.path, root, base_url=base + "download" if base else None))


def sitemap(base: str, files: list[str]) -> bytes:
    """sitemap.xml (sitemaps.org 0.9): every page's absolute URL, sorted; no lastmod (deterministic)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for f in sorted(files):
        loc = base if f == "index.html" else base + f
        lines.append(f"<url><loc>{escape(loc)}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
