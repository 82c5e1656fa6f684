"""The test page of the vendored front-end assets (tests/fixtures/web-vendor/) in a real browser:
written into a folder, served by a 127.0.0.1 static server with a CSP header (or opened from
file://), and watched by Playwright for console errors, CSP violations and requests leaving the page's
origin. Used by tests/test_web_vendor.py and benchmarks/bench_browser_store.py.
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
import time
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "mentorgraph" / "web" / "static" / "vendor"
FIXTURES = ROOT / "tests" / "fixtures" / "web-vendor"
ARTIFACTS = ROOT / "tests" / "artifacts" / "web-vendor"
CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, launched by Playwright (no browser download); nothing in the background goes out.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
# What a page using the editor and in-page Oxigraph must be sent: compiling WebAssembly is script
# evaluation to CSP, refused unless script-src allows the 'wasm-unsafe-eval' keyword of CSP Level 3.
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'"
CSP_WITHOUT_WASM = "default-src 'self'; script-src 'self'; style-src 'self'"
# Collects securitypolicyviolation events; Playwright's init scripts run before the page's and are not
# subject to its CSP.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  {directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber}), true);
"""
# Over http the ES modules; from file:// (where Chromium refuses module scripts) the classic scripts.
SCRIPTS = {
    "http": '<script src="spike.js" defer></script>\n<script type="module" src="http-start.mjs"></script>',
    "file": "\n".join(
        f'<script src="{src}" defer></script>'
        for src in (
            "vendor/codemirror/sparql-editor.js",
            "vendor/oxigraph/oxigraph-inline.js",
            "spike.js",
            "file-start.js",
        )
    ),
}


def render_page(site: Path, mode: str, prefixes: dict, nquads: str = "", csp_meta: str | None = None) -> None:
    """Write the test page and its scripts into `site`, with the vendored assets as site/vendor.

    `mode` is "http" or "file"; `nquads` goes into the page's N-Quads data block (for file://, where
    fetch() is refused), `csp_meta` into a <meta> CSP (file:// has no response headers)."""
    for name in ("spike.js", "http-start.mjs", "file-start.js", "page.css", "favicon.svg", "sample.nq"):
        shutil.copy(FIXTURES / name, site / name)
    (site / "vendor").symlink_to(VENDOR, target_is_directory=True)
    blocks = json.dumps(prefixes) + nquads
    if "</script" in blocks.lower() or "<!--" in blocks:
        raise ValueError("text with '</script' or '<!--' cannot sit in an HTML data block")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp_meta}">' if csp_meta else ""
    page = (FIXTURES / "page.html").read_text(encoding="utf-8")
    fills = {"csp": meta, "scripts": SCRIPTS[mode], "prefixes": json.dumps(prefixes), "nquads": nquads}
    for marker, value in fills.items():
        page = page.replace(f"<!--{marker}-->", value)
    (site / "page.html").write_text(page, encoding="utf-8")


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".nq": "application/n-quads",
    }

    def end_headers(self):
        self.send_header("Content-Security-Policy", self.server.csp)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):
        pass


@contextmanager
def static_server(site: Path, csp: str):
    """A threaded static file server on 127.0.0.1 sending `csp` on every response; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    server.csp = csp
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def launch_browser():
    """Debian's Chromium under Playwright (no browser download), for a module-scoped fixture to
    `yield from`; the test is skipped, saying why, when /usr/bin/chromium is missing."""
    import pytest

    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


def wait_for(page, expression: str, seconds: float = 120.0):
    """Poll a JavaScript expression until it is truthy. (Playwright's wait_for_function compiles its
    predicate with eval() in the page, which the page's CSP refuses; evaluate() goes over the DevTools
    protocol.) The bound only stops a broken page from hanging the caller."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {seconds} s: {expression}")
        page.wait_for_timeout(25)


class Visit:
    """A page in a fresh browser context that records console errors, page errors and every request,
    and refuses (and records) any request outside `origin`."""

    def __init__(self, browser, origin: str, width: int = 1000):
        self.context = browser.new_context(viewport={"width": width, "height": 800})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.refused: list[str] = []
        self.origin = origin
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.add_init_script(CSP_LISTENER)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def _route(self, route):
        if route.request.url.startswith(self.origin):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def open(self, url: str):
        """Go to the test page; return once its graph is loaded (or failed to load)."""
        self.page.goto(url)
        wait_for(
            self.page,
            "window.spike && (spike.timings || /Could not/.test(document.getElementById('status').textContent))",
        )
        return self.page

    def csp_violations(self) -> list[dict]:
        return self.page.evaluate("window.__csp")

    def assert_clean(self):
        """No console or page error, no CSP violation, and no request outside the origin."""
        assert self.errors == [] and self.csp_violations() == []
        assert self.refused == [] and all(url.startswith(self.origin) for url in self.requests), self.requests

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self):
        self.context.close()
