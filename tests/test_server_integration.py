"""The parts mounted into `mentorgraph serve`: the "Find a model" page at /find (issue 8), the ontology
documentation at the ontology IRI and the release's DCAT/VoID description at /dataset (issue 9).

The personas and their hand-worked expectations are those of test_advise_personas.py (written from
Table 1 and data/themes.yaml), asserted here through a real server on 127.0.0.1. The documentation and
the dataset description are compared with what their generators (mentorgraph.release) make.
"""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.parse

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, OWL, RDF, VOID

from mentorgraph import iris
from test_advise_personas import PERSONAS, RankedTypes, _check, form_args
from w3c.serverproc import ServerProcess, request
from conftest import copy_project

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def server(built, root, tmp_path_factory):
    proc = ServerProcess(built, root, tmp_path_factory.mktemp("serve"), "--workers", "2")
    yield proc
    assert proc.stop() == 0


def find_url(server, args: dict[str, list[str]]) -> str:
    return f"{server.url}/find?" + urllib.parse.urlencode(args, doseq=True)


def style_hash(css: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode() + "'"


# -- "Find a model" -------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.name)
def test_find_page_over_http_meets_each_persona(server, persona):
    status, headers, body = request(find_url(server, form_args(persona)), headers=HTML)
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = body.decode("utf-8")
    parser = RankedTypes()
    parser.feed(page)
    for t in parser.types:
        t["type"] = t["type"].strip()
    _check(persona, parser.types)
    # Every initiative links to its page on this server, not to the w3id IRI.
    assert parser.links and all(href.startswith("/id/") for href in parser.links)


def test_find_page_is_in_the_site_layout_and_navigation(server):
    status, headers, body = request(find_url(server, form_args(PERSONAS[0])), headers=HTML)
    page = body.decode("utf-8")
    assert status == 200
    assert '<a href="/find" aria-current="page">' in page and '<link rel="stylesheet" href="/static/site.css">' in page
    assert len(re.findall(r"<h1[ >]", page)) == 1, "one page heading"
    assert 'class="matrix"' in page and "<script" not in page.lower()
    # No style element or attribute: the site's stylesheet says everything (mentorgraph.web).
    assert "<style" not in page and " style=" not in page
    csp = headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    _, _, home = request(f"{server.url}/", headers=HTML)
    assert b'<a href="/find">Find a model</a>' in home


def test_find_links_resolve_on_this_server(server):
    _, _, body = request(find_url(server, form_args(PERSONAS[1])), headers=HTML)
    parser = RankedTypes()
    parser.feed(body.decode("utf-8"))
    for href in sorted(set(parser.links))[:3]:
        status, _, page = request(server.url + href, headers=HTML)
        assert status == 200, href


def test_find_without_values_ranks_all_seven_types(server, table1):
    # Nothing named yet: the form, then (once anything is asked) every type; with only a population
    # named, every score is 0 and Table 1's order is kept.
    status, _, body = request(f"{server.url}/find", headers=HTML)
    assert status == 200 and b'<form method="get" action="/find"' in body
    status, _, body = request(find_url(server, {"population": ["Women"]}), headers=HTML)
    parser = RankedTypes()
    parser.feed(body.decode("utf-8"))
    assert [t["type"].strip() for t in parser.types] == [r["type"] for r in table1]
    assert {t["score"] for t in parser.types} == {0}


def test_unknown_values_are_400_escaped_with_the_closest_ones(server, root):
    from mentorgraph.pipeline.themes import load_themes

    visibility = next(t.label for t in load_themes(root).themes if "visibility" in t.label.lower())
    status, headers, body = request(find_url(server, {"want": ["visibilty<script>alert(1)</script>"]}), headers=HTML)
    page = body.decode("utf-8")
    assert status == 400 and headers["content-type"].startswith("text/html")
    assert "<script" not in page.lower() and "&lt;script&gt;" in page
    assert "visibilty" in page and visibility in page, "the error lists the closest themes"
    status, _, body = request(find_url(server, {"mode": ["teleport"]}), headers=HTML)
    assert status == 400
    assert all(m in body.decode("utf-8").lower() for m in ("online", "in-person", "hybrid"))


def test_invalid_themes_file_is_500(built, root, tmp_path):
    # A project directory like root, whose data/themes.yaml is not a theme scheme.
    proj = copy_project(tmp_path / "proj", link=("ontology", "queries"))
    (proj / "data" / "themes.yaml").write_text("themes: 42\n", encoding="utf-8")
    proc = ServerProcess(built, proj, tmp_path, "--workers", "1")
    try:
        status, _, body = request(f"{proc.url}/find", headers=HTML)
    finally:
        assert proc.stop() == 0
    assert status == 500 and b"themes.yaml" in body


# -- the ontology IRI and the dataset description -------------------------------------------------------
def test_ontology_iri_gives_browsers_the_release_docs(server, built, root):
    from mentorgraph.release.docs import render_docs

    status, headers, body = request(f"{server.url}/ontology", headers=HTML)
    assert status == 200 and headers["content-type"].startswith("text/html")
    # The same documentation as the release's, in the site's layout (its navigation, no <style>).
    ids = lambda page: re.findall(r' id="([A-Za-z][\w-]*)"', page)  # noqa: E731
    docs = render_docs(root, built).decode("utf-8")
    assert set(ids(docs)) - {"classes"} <= set(ids(body.decode("utf-8")))
    assert b'aria-label="Site"' in body and b"<style" not in body
    assert "Accept" in headers["vary"]
    # RDF clients still get the ontology graph; the docs' alternate link (ontology.ttl) resolves.
    for url, hdrs in ((f"{server.url}/ontology", {"Accept": "text/turtle"}), (f"{server.url}/ontology.ttl", {})):
        status, headers, body = request(url, headers=hdrs)
        assert status == 200 and headers["content-type"].startswith("text/turtle"), url
        assert (URIRef(iris.ONTOLOGY), RDF.type, OWL.Ontology) in Graph().parse(data=body, format="turtle")
    status, headers, body = request(f"{server.url}/ontology", headers={"Accept": "application/ld+json"})
    assert status == 200 and (URIRef(iris.ONTOLOGY), RDF.type, OWL.Ontology) in Graph().parse(
        data=body, format="json-ld"
    )


def test_dataset_description_is_the_release_description(server, built, root):
    from mentorgraph.release.dataset import describe

    expected = describe(built, root, endpoint=f"{server.url}/sparql", base_url=f"{server.url}/download")
    for path in ("/.well-known/void", "/dataset"):
        status, _, body = request(f"{server.url}{path}", headers={"Accept": "text/turtle"})
        assert status == 200
        got = Graph().parse(data=body, format="turtle")
        assert isomorphic(got, expected), path
    ds = URIRef(iris.DATASET)
    assert (ds, RDF.type, DCAT.Dataset) in got and (ds, VOID.sparqlEndpoint, URIRef(f"{server.url}/sparql")) in got
    # Every download the description names is served.
    urls = set(got.objects(None, DCAT.downloadURL))
    assert urls
    for url in sorted(urls):
        status, _, _ = request(str(url), method="HEAD")
        assert status == 200, url
    status, headers, body = request(f"{server.url}/dataset", headers={"Accept": "application/n-triples"})
    assert status == 200 and isomorphic(Graph().parse(data=body, format="nt"), expected)


# -- a real browser at phone width and in print ---------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    from vendor_page import launch_browser

    yield from launch_browser()


def test_find_page_fits_a_phone_and_prints(server, browser):
    from test_server_browser import screenshot
    from vendor_page import Visit

    visit = Visit(browser, server.url, width=360)
    try:
        page = visit.page
        page.set_viewport_size({"width": 360, "height": 800})
        page.goto(find_url(server, form_args(PERSONAS[0])))
        # The site's stylesheet applied: the theme checkboxes' labels are inline-block.
        assert page.evaluate("getComputedStyle(document.querySelector('.checks label')).display") == "inline-block"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "no sideways scroll"
        assert page.evaluate("document.querySelector('table.matrix').getBoundingClientRect().width") > 200
        screenshot(visit, "find-phone", 360, 800)
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('form.find-form')).display") == "none"
        assert page.evaluate("getComputedStyle(document.querySelector('header')).display") == "none"
        assert page.locator("li.mg-type").count() == 7
        # The ontology documentation is in the site's layout too, with no console error or CSP violation.
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1280, "height": 900})
        errors = len(visit.errors)
        page.goto(f"{server.url}/ontology")
        assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == "1152px"
        assert visit.errors[errors:] == [] and visit.csp_violations() == [] and visit.refused == []
    finally:
        visit.close()
