"""The URL builder of the web view: absolute routes for the server, relative file paths for a static
site that must work from any sub-path and from file:// (RFC 3986 §5.2 resolves each against its page)."""

from __future__ import annotations

import posixpath
import urllib.parse

import pytest

from mentorgraph import iris
from mentorgraph.web.urls import FILES, ROUTES, ServerUrls, StaticUrls, static_name


def test_server_routes_fill_path_parameters_and_encode_the_rest():
    u = ServerUrls()
    assert u.page("home") == "/"
    assert u.page("question", name="programs-by-sponsor", sponsor="A&B Society") == (
        "/questions/programs-by-sponsor?sponsor=A%26B+Society"
    )
    assert (
        u.page("compare", type=["formal", "social-media"], format="csv")
        == "/compare?type=formal&type=social-media&format=csv"
    )
    assert u.page("browse", q="", type=None) == "/browse"  # empty values are dropped
    assert ServerUrls("/mg/").page("types") == "/mg/types"


def test_server_links_own_iris_to_their_pages_and_others_as_they_are():
    u = ServerUrls()
    assert u.iri(iris.MG + "acr") == "/id/acr"
    assert u.iri(iris.MGO + "Program") == "/ontology#Program"
    assert u.iri(iris.STATEMENT + "abc") == "/statement/abc"
    assert u.iri(iris.GRAPH + "article") == "/graph/article"
    assert u.iri("https://ror.org/05pjxvx20") == "https://ror.org/05pjxvx20"
    assert u.iri("urn:isbn:123") is None  # not a link a browser follows
    assert u.rdf(iris.MG + "acr", "turtle") == "/id/acr.ttl"
    assert u.rdf(iris.ONTOLOGY, "turtle") == "/ontology.ttl"


@pytest.mark.parametrize("here", ["index.html", "id/acr.html", "questions/types.html"])
def test_static_links_resolve_to_the_same_files_from_every_page(here):
    u = StaticUrls(here)
    base = "file:///srv/site/sub/" + here  # any sub-path: the links never leave it
    for target, link in [
        ("types.html", u.page("types")),
        ("id/women.html", u.iri(iris.MG + "women")),
        ("static/site.css", u.static("site.css")),
        ("download/mentorgraph.ttl", u.file("mentorgraph.ttl")),
        ("id/women.ttl", u.rdf(iris.MG + "women", "turtle")),
        ("questions/types.html", u.page("question", name="types")),
    ]:
        assert not link.startswith("/"), link
        assert urllib.parse.urljoin(base, link) == "file:///srv/site/sub/" + target


def test_static_anchor_on_the_same_page_and_content_addressed_assets():
    assert StaticUrls("ontology.html").iri(iris.MGO + "Program") == "ontology.html#Program"
    assert StaticUrls("id/x.html").iri(iris.MGO + "Program") == "../ontology.html#Program"
    u = StaticUrls("id/x.html", assets={"site.css": "site.3f2a.css"})
    assert u.static("site.css") == "../static/site.3f2a.css"


def test_static_pages_with_parameters_exist_only_when_the_site_wrote_them():
    key = static_name("compare", {"type": ["social-media", "formal"]})
    u = StaticUrls("types.html", pages={key: "compare/formal--social-media.html"})
    assert u.page("compare", type=["formal", "social-media"]) == "compare/formal--social-media.html"
    assert u.page("compare", type=["formal", "grant-based"]) is None
    assert u.page("find", want="cost") is None and u.page("about") is None


def test_every_static_file_name_is_a_route():
    assert set(FILES) <= set(ROUTES)
    assert all(posixpath.normpath(f) == f for f in FILES.values())


def test_the_static_site_holds_the_comparisons_the_types_page_links(mg, built):
    """linked_pages names a file for every comparison /types links to; rendered with them, the static
    /types page links only to files the site writes."""
    from conftest import ROOT
    from mentorgraph.web import linked_pages, respond
    from web_html import Html, make_source

    source = make_source(built, ROOT, mg)
    pages = {static_name(route, params): path for route, params, path in linked_pages(source)}
    html = Html(respond(source, "types", {}, StaticUrls("types.html", pages=pages)).body)
    compares = [h for h in html.hrefs() if h.startswith("compare/")]
    assert len(compares) == 21 + 1  # every pair of the seven types, and all seven
    assert set(compares) <= set(pages.values())
