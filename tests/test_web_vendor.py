"""The vendored front-end assets (src/mentorgraph/web/static/vendor/, built by web-assets/build.mjs).

Without a browser: VENDORED.json lists exactly the files there with their sizes and SHA-256, the
versions and npm integrity of web-assets/package-lock.json, and a licence text beside each asset; the
file:// variant of Oxigraph carries the same wasm as the npm package.

In a real browser (Playwright driving Debian's /usr/bin/chromium; no browser download): the SPARQL
editor bundle and Oxigraph's WebAssembly build on a test page (tests/fixtures/web-vendor/), over http
from a 127.0.0.1 static server with the CSP header, and from file:// with the classic-script variants
and a <meta> CSP. The page's console errors and CSP violations are collected and must be none, and no
request may leave the test's origin. Screenshots go to tests/artifacts/web-vendor/ (git-ignored).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from contextlib import ExitStack
from pathlib import Path

import pytest

from vendor_page import (
    CSP,
    CSP_WITHOUT_WASM,
    FIXTURES,
    ROOT,
    VENDOR,
    Visit,
    launch_browser,
    render_page,
    static_server,
    wait_for,
)

WEB_ASSETS = ROOT / "web-assets"
SAMPLE_PREFIXES = {"ex": "http://example.org/vocab/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


def manifest() -> dict:
    return json.loads((VENDOR / "VENDORED.json").read_text(encoding="utf-8"))


def test_manifest_lists_every_vendored_file_with_its_size_and_sha256():
    listed = {f["path"]: f for asset in manifest()["assets"] for f in asset["files"]}
    present = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()} - {"VENDORED.json"}
    assert sorted(present) == sorted(listed)
    for path, entry in listed.items():
        data = (VENDOR / path).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["bytes"], entry["sha256"]), path


def test_manifest_packages_are_the_locked_ones_with_licence_texts():
    lock = json.loads((WEB_ASSETS / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    direct = json.loads((WEB_ASSETS / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in direct.values()), "package.json pins exact versions"
    for asset in manifest()["assets"]:
        files = {Path(f["path"]).name for f in asset["files"]}
        assert "VERSION" in files and any(name.startswith("LICENSE") for name in files), asset["name"]
        for package in asset["packages"]:
            locked = lock[f"node_modules/{package['name']}"]
            assert (package["version"], package["integrity"]) == (locked["version"], locked["integrity"])
            assert package["license"] == locked["license"], package["name"]
    bundled = {p["name"] for asset in manifest()["assets"] for p in asset["packages"]}
    assert set(direct) <= bundled, "every dependency of web-assets/package.json is vendored"


def test_file_url_variant_carries_the_npm_packages_wasm():
    source = (VENDOR / "oxigraph" / "oxigraph-inline.js").read_text(encoding="ascii")
    embedded = max(re.findall(r'"([A-Za-z0-9+/=]{1000,})"', source), key=len)
    assert gzip.decompress(base64.b64decode(embedded)) == (VENDOR / "oxigraph" / "web_bg.wasm").read_bytes()


# --- in the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


@pytest.fixture
def visit(browser):
    opened = []

    def make(origin: str, width: int = 1000) -> Visit:
        opened.append(Visit(browser, origin, width))
        return opened[-1]

    yield make
    for v in opened:
        v.close()


@pytest.fixture
def http_page(visit, tmp_path):
    """Open the test page over http (once per test): http_page(query, csp=..., prefixes=..., width=...,
    files={name: target}) renders it into tmp_path, serves it, and returns the Visit, graph loaded."""
    with ExitStack() as stack:

        def open_page(query="data=sample.nq", csp=CSP, prefixes=SAMPLE_PREFIXES, width=1000, files=None):
            render_page(tmp_path, "http", prefixes)
            for name, target in (files or {}).items():
                (tmp_path / name).symlink_to(target)
            base = stack.enter_context(static_server(tmp_path, csp))
            v = visit(base, width)
            v.open(f"{base}page.html?{query}")
            return v

        yield open_page


def result_rows(page) -> list[list[str]]:
    return page.eval_on_selector_all("#results tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")


def run_and_wait(page, press: str | None = None):
    """Run the editor's query with the button, or with a key chord in the editor; wait for the answer."""
    runs = page.evaluate("spike.runs")
    if press:
        page.locator(".sparql-editor .cm-content").press(press)
    else:
        page.get_by_role("button", name="Run query").click()
    wait_for(page, f"spike.runs > {runs}")


def exercise_editor(page):
    """Type a query, run it with Ctrl-Enter, see the rows; then a syntax error marked at its place."""
    content = page.locator(".sparql-editor .cm-content")
    content.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    query = "SELECT ?label WHERE { ?item ex:position ?p ; rdfs:label ?label } ORDER BY ?p"
    page.keyboard.type(query)  # closeBrackets adds the "}" at "{"; typing "}" steps over it
    assert page.evaluate("spike.editor.getValue()") == query == page.eval_on_selector("#query", "t => t.value")
    run_and_wait(page, press="Control+Enter")
    # sample.nq: three items with a position, in both named graphs (the union is queried); \u00e9 decoded.
    assert result_rows(page) == [["Dyad"], ["Group (équipe)"], ["Peer"]]

    # Highlighting: the keyword is coloured unlike plain text; line numbers; bracket matching.
    colours = page.evaluate("""() => {
      const root = document.querySelector(".sparql-editor").shadowRoot;
      const line = root.querySelector(".cm-line");
      const keyword = [...line.querySelectorAll("span")].find(s => s.textContent === "SELECT");
      return [getComputedStyle(keyword).color, getComputedStyle(line).color];
    }""")
    assert colours[0] != colours[1]
    page.evaluate("spike.editor.view.dispatch({selection: {anchor: spike.editor.getValue().indexOf('{') + 1}})")
    assert page.locator(".sparql-editor .cm-matchingBracket").count() == 2

    # A syntax error (SPARQL 1.1 §19.8: LIMIT takes an INTEGER) on line 4, column 7 of the user's text,
    # which is line 5 for the engine (the predeclared prefixes are one line): marked, query kept.
    bad = "SELECT ?x WHERE {\n  ?x ?p ?o .\n}\nLIMIT x"
    page.evaluate("text => spike.editor.setValue(text)", bad)
    assert page.locator(".sparql-editor .cm-lineNumbers .cm-gutterElement", has_text="4").count() == 1
    run_and_wait(page)
    assert page.locator("#status").text_content().startswith("Line 4, column 7: error at 5:7")
    assert page.locator(".sparql-editor .cm-lintRange-error").text_content() == "x"
    assert page.evaluate("spike.editor.getValue()") == bad


def test_editor_and_oxigraph_over_http_under_csp(http_page):
    v = http_page()
    page = v.page
    assert page.evaluate("spike.timings.quads") == 7
    exercise_editor(page)
    # style-mod put CodeMirror's styles in a constructed stylesheet of the shadow root, not a <style>.
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert page.evaluate("document.querySelector('.sparql-editor').shadowRoot.adoptedStyleSheets.length") >= 1
    v.screenshot("http-editor-error")
    v.assert_clean()


def test_editor_and_oxigraph_from_file_url(visit, tmp_path):
    nquads = (FIXTURES / "sample.nq").read_text(encoding="utf-8")
    render_page(tmp_path, "file", SAMPLE_PREFIXES, nquads=nquads, csp_meta=CSP)
    v = visit(tmp_path.as_uri() + "/")
    page = v.open((tmp_path / "page.html").as_uri())
    assert page.evaluate("spike.timings.quads") == 7
    exercise_editor(page)
    v.screenshot("file-editor-error")
    v.assert_clean()


def test_webassembly_is_refused_without_wasm_unsafe_eval(http_page):
    """Why CSP carries 'wasm-unsafe-eval': a plain script-src 'self' refuses to compile the wasm."""
    v = http_page(csp=CSP_WITHOUT_WASM)
    assert v.page.locator("#status").text_content().startswith("Could not load the graph")
    assert {"directive": "script-src", "blocked": "wasm-eval"}.items() <= v.csp_violations()[0].items()


@pytest.mark.parametrize("nonce", [None, "c3Bpa2Utbm9uY2U"])
def test_editor_outside_a_shadow_root_needs_a_style_nonce(http_page, nonce):
    """With {shadow: false} CodeMirror adds a <style> element: refused by style-src 'self', accepted
    when the server sends a nonce and the page passes the same one (EditorView.cspNonce)."""
    if nonce:
        v = http_page(f"data=sample.nq&shadow=0&nonce={nonce}", csp=f"{CSP} 'nonce-{nonce}'")
        assert v.page.evaluate("document.querySelector('style').nonce") == nonce
        v.assert_clean()
    else:
        v = http_page("data=sample.nq&shadow=0")
        assert [c["directive"] for c in v.csp_violations()] == ["style-src-elem"]


def test_built_graph_answers_a_query_without_prefix_lines(http_page, built, table1):
    """dist/mentorgraph.nq in the page; the README's style of query, the project's prefixes predeclared."""
    from mentorgraph.iris import PREFIXES

    v = http_page("data=graph.nq", prefixes=PREFIXES, width=390, files={"graph.nq": built / "mentorgraph.nq"})
    page = v.page
    query = (
        "SELECT ?label WHERE { ?type a mgo:MentoringModelType ; mgo:tablePosition ?p .\n"
        "  GRAPH mgg:article { ?type rdfs:label ?label } } ORDER BY ?p"
    )
    page.evaluate("text => spike.editor.setValue(text)", query)
    run_and_wait(page)
    assert result_rows(page) == [[row["type"]] for row in table1]
    print("timings (ms) and wasm memory (bytes):", page.evaluate("spike.timings"), page.evaluate("spike.wasmBytes"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    v.screenshot("built-graph-phone")
    v.assert_clean()


def test_axe_core_finds_no_serious_violation_on_the_editor_page(http_page):
    v = http_page()
    page = v.page
    run_and_wait(page)
    # Evaluated over the DevTools protocol, so the page's CSP does not apply to the vendored axe-core.
    page.evaluate((VENDOR / "axe-core" / "axe.min.js").read_text(encoding="utf-8"))
    report = page.evaluate(
        "axe.run(document).then(r => ({passes: r.passes.map(x => x.id), violations: r.violations.map(x => "
        "({id: x.id, impact: x.impact, help: x.help, nodes: x.nodes.map(n => n.target.join(' '))}))}))"
    )
    print(f"axe-core: {len(report['passes'])} rules passed, violations: {report['violations']}")
    # axe reached the editor's textbox inside the shadow root and found its accessible name.
    assert "aria-input-field-name" in report["passes"]
    assert [x for x in report["violations"] if x["impact"] in ("serious", "critical")] == []
    v.assert_clean()
