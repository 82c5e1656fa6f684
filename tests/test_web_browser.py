"""The web view in a real browser: Playwright driving the system's Chromium (/usr/bin/chromium, no
browser download) against `mentorgraph serve` on 127.0.0.1.

Every page, at desktop width and at 390 px: no console error, no CSP violation, no request leaving the
server, no sideways scroll, an axe-core check (vendored; no serious or critical violation), the footer's
citation on paper; screenshots in tests/artifacts/web/ (git-ignored). Then each persona's path end to
end: the faculty-development officer (find -> compare -> entity -> download), the researcher (question
form -> results -> CSV), the data librarian (editor -> run -> share link; an error marked in place).
Expected answers come from the API (tested against the sources elsewhere), the build's files and
Table 1; the browser is tested for showing them and for getting there.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re

import pytest

from conftest import ROOT
from test_web_vendor import browser  # noqa: F401  (the module's Chromium, shared)
from vendor_page import VENDOR, Visit, wait_for
from w3c.serverproc import ServerProcess

ARTIFACTS = ROOT / "tests" / "artifacts" / "web"
PAGES = {
    "home": "/",
    "find": "/find",
    "find-answer": "/find?population=Women&career-stage=Early-career+faculty&want=confidentiality&avoid=travel",
    "find-brief": "/find/brief?population=Women&want=confidentiality&avoid=travel",
    "find-designing": "/find?view=designing",
    "compare": "/compare?type=formal&type=committed",
    "compare-error": "/compare?type=formal&type=socail",
    "compare-items": "/compare?item=SWIMS&item=ASPIRE",
    "browse": "/browse",
    "browse-filtered": "/browse?population=women&q=leadership",
    "types": "/types",
    "populations": "/populations",
    "organizations": "/organizations",
    "program": "/id/swims",
    "type": "/id/formal-mentoring-programs",
    "organization": "/id/american-college-of-rheumatology",
    "population": "/id/women",
    "questions": "/questions",
    "question": "/questions/underserved-programs",
    "sparql": "/sparql",
    "sparql-result": "/sparql?query=SELECT+%3Fs+%3Fl+WHERE+%7B+%3Fs+a+mgo%3ASeminar+%3B+rdfs%3Alabel+%3Fl+%7D",
    "charts": "/charts",
    "download": "/download",
    "ontology": "/ontology",
    "about": "/about",
    "not-found": "/id/no-such-thing",
}
AXE = (VENDOR / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def server(built, root, tmp_path_factory):
    proc = ServerProcess(built, root, tmp_path_factory.mktemp("serve"), "--timeout", "20", "--workers", "2")
    yield proc
    proc.stop()


@pytest.fixture
def visit(browser, server):  # noqa: F811
    opened = []

    def make(width: int = 1280) -> Visit:
        opened.append(Visit(browser, server.url, width))
        return opened[-1]

    yield make
    for v in opened:
        v.close()


def shoot(v: Visit, name: str, most: int = 6000) -> None:
    """A screenshot of the whole page, or of its first `most` pixels for a very long one (the
    ontology's documentation is 60,000 px tall at phone width)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width, height = v.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, most)}
    v.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, clip=clip)


def assert_clean(v: Visit, status: int = 200) -> None:
    """Visit.assert_clean, except the browser's own note of an error page's status (a 400 or 404 page
    is meant: the answer says what was wrong); any other console message still fails."""
    note = f"Failed to load resource: the server responded with a status of {status} "
    v.errors[:] = [e for e in v.errors if not (status >= 400 and e.startswith(note))]
    v.assert_clean()


def axe(page) -> list[dict]:
    """axe-core's serious and critical violations on the page (run over the DevTools protocol, so the
    page's CSP does not apply to it)."""
    page.evaluate(AXE)
    report = page.evaluate(
        "axe.run(document).then(r => r.violations.map(x => ({id: x.id, impact: x.impact, help: x.help, "
        "nodes: x.nodes.slice(0, 5).map(n => n.target.join(' '))})))"
    )
    return [x for x in report if x["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_clean_fits_a_phone_prints_the_citation_and_passes_axe(visit, server, name):
    expected_status = 404 if name == "not-found" else 400 if name == "compare-error" else 200
    for width in (1280, 390):
        v = visit(width)
        response = v.page.goto(server.url + PAGES[name])
        assert response.status == expected_status
        v.page.wait_for_load_state("load")
        if name.startswith("sparql"):
            wait_for(v.page, "document.querySelector('.sparql-editor') !== null", 30)
        assert v.page.evaluate("document.documentElement.scrollWidth") <= width, name
        shoot(v, f"{name}-{width}")
        if width == 1280:
            assert axe(v.page) == [], name
        assert_clean(v, expected_status)
    # On paper: no navigation or forms, the citation in the footer.
    v.page.emulate_media(media="print")
    assert v.page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "none"
    cite = v.page.locator("footer.site .cite")
    assert cite.is_visible() and "doi.org/10.1136/jim-2020-001391" in cite.inner_text()


def test_faculty_development_officer_finds_compares_reads_and_downloads(visit, server, mg, built):
    """find -> compare -> entity -> download, by clicking as a person does."""
    from mentorgraph.advise import choices, person_from_params, recommend
    from mentorgraph.layout import current_generation

    v = visit(1280)
    page = v.page
    page.goto(server.url + "/")
    page.get_by_role("link", name="Find a model").first.click()
    page.get_by_label("Population").select_option("Women")
    page.get_by_label("Career stage").select_option("Early-career faculty")
    page.locator("fieldset", has_text="What matters to you?").get_by_label("Confidentiality and safe space").check()
    page.locator("fieldset", has_text="rather avoid").get_by_label("Travel").check()
    page.get_by_role("button", name="Find a model").click()
    page.wait_for_load_state("load")
    params = {
        "population": ["Women"],
        "career-stage": ["Early-career faculty"],
        "want": ["confidentiality-and-safety"],
        "avoid": ["travel"],
    }
    rec = recommend(mg, person_from_params(params, choices(mg, ROOT)), ROOT)
    headings = page.locator("li.mg-type h3 a").all_inner_texts()
    assert headings == [t.label for t in rec.types]
    shoot(v, "persona-officer-1-ranking")

    page.locator("#compare-top").click()
    page.wait_for_load_state("load")
    columns = page.locator("table.compare thead th").all_inner_texts()[1:]
    assert [re.sub(r"^\d+\.\s*", "", c) for c in columns] == [t.label for t in rec.types[:3]]
    shoot(v, "persona-officer-2-compare")

    page.locator("table.compare thead th a").first.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == rec.types[0].label
    example = rec.types[0].fits[0].label
    page.get_by_role("link", name=example, exact=True).first.click()
    page.wait_for_load_state("load")
    title = page.locator("h1").inner_text()
    assert title and (example.startswith(title) or title.startswith(example)), (title, example)
    assert page.locator(".where").count() > 0  # every fact says where it comes from
    shoot(v, "persona-officer-3-entity")

    page.get_by_role("link", name="Download & cite").click()
    page.wait_for_load_state("load")
    row = page.locator("table.files tr", has_text="mentorgraph.ttl").first
    listed = row.locator("code.sha").inner_text()
    with page.expect_download() as info:
        row.get_by_role("link", name="mentorgraph.ttl").click()
    body = open(info.value.path(), "rb").read()
    assert hashlib.sha256(body).hexdigest() == listed
    assert body == (current_generation(built).path / "mentorgraph.ttl").read_bytes()
    shoot(v, "persona-officer-4-download")
    v.assert_clean()


def test_the_brief_prints_on_one_page_with_the_citation(visit, server):
    v = visit(1280)
    v.page.goto(server.url + PAGES["find-brief"])
    pdf = v.page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    v.page.emulate_media(media="print")
    assert "Cree-Green" in v.page.locator("footer.site").inner_text()


def test_researcher_asks_the_headline_question_and_downloads_csv(visit, server, mg):
    """question form -> results -> CSV."""
    expected = mg.query("underserved-programs").plain()
    v = visit(1280)
    page = v.page
    page.goto(server.url + "/questions")
    headline = page.locator("section.headline")
    assert "underserved" in headline.locator("h2").inner_text()
    headline.get_by_role("button").click()
    page.wait_for_load_state("load")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == len(expected)
    assert page.locator("table.results thead th").all_inner_texts().count("Label") == 0
    shoot(v, "persona-researcher-1-results")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    text = open(info.value.path(), encoding="utf-8").read()
    got = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["item"] for r in got) == sorted(r["item"] for r in expected)
    v.assert_clean()


def test_data_librarian_runs_an_example_in_the_editor_and_shares_it(visit, server, mg):
    """editor -> example -> run (Ctrl-Enter) -> results -> share link; an error stays marked in place."""
    v = visit(1280)
    page = v.page
    page.goto(server.url + "/sparql")
    wait_for(page, "window.mentorgraphEditor !== undefined", 30)
    page.get_by_label("Start from an example").select_option("types")
    text = page.evaluate("mentorgraphEditor.getValue()")
    assert "mgo:MentoringModelType" in text and "PREFIX" not in text
    page.locator(".sparql-editor .cm-content").press("Control+Enter")
    page.wait_for_url(re.compile(r"/sparql\?query="))
    page.wait_for_load_state("load")
    expected = mg.query("types").plain()
    assert page.locator("table.results tbody tr").count() == len(expected) == 7
    share = page.locator("#share-link").get_attribute("href")
    shoot(v, "persona-librarian-1-results")

    other = visit(390)
    other.page.goto(server.url + share)
    assert other.page.locator("table.results tbody tr").count() == 7
    assert other.page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(other, "persona-librarian-2-shared-390")
    other.assert_clean()

    bad = "SELECT ?x WHERE {\n  ?x ?p ?o .\n}\nLIMIT x"
    wait_for(page, "window.mentorgraphEditor !== undefined", 30)
    page.evaluate("text => mentorgraphEditor.setValue(text)", bad)
    page.locator(".sparql-editor .cm-content").press("Control+Enter")
    page.wait_for_load_state("load")
    wait_for(page, "window.mentorgraphEditor !== undefined", 30)
    assert page.evaluate("mentorgraphEditor.getValue()") == bad
    assert page.locator("#query-error").get_attribute("data-line") == "4"
    assert page.locator(".sparql-editor .cm-lintRange-error").text_content() == "x"
    shoot(v, "persona-librarian-3-error")
    assert_clean(v, 400)
