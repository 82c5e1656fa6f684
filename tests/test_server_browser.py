"""A real browser on the web view served by `mentorgraph serve`: Playwright driving Debian's
/usr/bin/chromium (no browser download; tests/vendor_page.py launches it and records console errors,
CSP violations and any request leaving the server's origin, which it refuses).

It loads the home page, follows a program link, opens the questions page, fills in and submits a
canned question's form and sees the answer's rows; and, in another page, a script on a different
origin reads the endpoint with fetch() (a POST of application/sparql-query, so the browser sends a
CORS preflight first). Screenshots at phone and desktop width go to tests/artifacts/server/
(git-ignored). Skipped, saying so, when chromium is not installed.
"""

from __future__ import annotations

import json

import pytest

from vendor_page import ROOT, Visit, launch_browser, static_server, wait_for
from w3c.serverproc import ServerProcess

ARTIFACTS = ROOT / "tests" / "artifacts" / "server"
TYPES_QUERY = (
    "SELECT ?label WHERE { ?t a <https://w3id.org/mentorgraph/ontology#MentoringModelType> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
)


@pytest.fixture(scope="module")
def server(built, root, tmp_path_factory):
    proc = ServerProcess(built, root, tmp_path_factory.mktemp("serve"), "--workers", "2")
    yield proc
    assert proc.stop() == 0


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


def screenshot(visit: Visit, name: str, width: int, height: int = 844) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    visit.page.set_viewport_size({"width": width, "height": height})
    visit.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_browse_home_program_and_questions(server, browser, table1, mg):
    visit = Visit(browser, server.url, width=390)
    try:
        page = visit.page
        # Home page: Table 1's seven rows, in the table's order.
        page.goto(server.url + "/")
        rows = page.eval_on_selector_all("table.table1 tbody th", "ths => ths.map(th => th.textContent)")
        assert [r.split(". ", 1)[1] for r in rows] == [r["type"] for r in table1]
        # The page fits a phone-width screen: no horizontal scrolling of the page itself.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(visit, "home-phone", 390)
        screenshot(visit, "home-desktop", 1280, 900)

        # A program page, reached by its link on the home page (the first example of the first row).
        example = table1[0]["examples"][0][0]
        page.get_by_role("link", name=example, exact=True).first.click()
        page.wait_for_load_state()
        assert page.text_content("h1") == example
        assert page.locator(".graph.g-article").count() > 0
        screenshot(visit, "program-phone", 390)

        # The questions page: fill in a canned question's form, submit it, see its rows.
        q = next(q for q in mg.catalogue.values() if q.params and q.params[0].kind != "text")
        expected = mg.query(q.name, **{p.name: p.example for p in q.params})
        page.goto(server.url + "/questions")
        form = page.locator(f'form[action="/questions/{q.name}"]')
        for p in q.params:
            form.locator(f'input[name="{p.name}"]').fill(p.example)
        form.locator("button").click()
        page.wait_for_url(f"**/questions/{q.name}?**")
        assert page.locator("table.results tbody tr").count() == len(expected.rows) > 0
        first = page.text_content("table.results tbody tr")
        assert any(t is not None and t.kind == "literal" and t.value in first for t in expected.rows[0].values())
        screenshot(visit, "question-phone", 390)
        visit.assert_clean()  # no console error, no CSP violation, nothing fetched from elsewhere
    finally:
        visit.close()


def test_a_script_on_another_origin_reads_the_endpoint(server, browser, table1, tmp_path):
    """fetch() from a page served by another 127.0.0.1 server: the browser itself enforces CORS, so the
    preflight for a POST of application/sparql-query must be answered correctly for the rows to arrive."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<!DOCTYPE html><title>client</title><script src="client.js"></script>')
    (site / "client.js").write_text(
        f"""window.outcome = null;
fetch({json.dumps(server.url + "/sparql")}, {{method: "POST",
  headers: {{"Content-Type": "application/sparql-query", "Accept": "application/json"}},
  body: {json.dumps(TYPES_QUERY)}}})
  .then(r => r.json().then(j => window.outcome = {{status: r.status,
    generation: r.headers.get("X-Mentorgraph-Generation"),
    labels: j.results.bindings.map(b => b.label.value)}}))
  .catch(e => window.outcome = {{error: String(e)}});
"""
    )
    csp = f"default-src 'self'; connect-src {server.url}"
    with static_server(site, csp) as origin:
        visit = Visit(browser, "http://127.0.0.1")  # both servers are on 127.0.0.1, on different ports
        try:
            visit.page.goto(origin + "index.html")
            wait_for(visit.page, "window.outcome !== null")
            outcome = visit.page.evaluate("window.outcome")
            assert outcome.get("error") is None, outcome
            assert outcome["status"] == 200 and outcome["generation"]
            assert sorted(outcome["labels"]) == sorted(r["type"] for r in table1)
            assert any(r.startswith(server.url) for r in visit.requests)
            visit.assert_clean()
        finally:
            visit.close()
