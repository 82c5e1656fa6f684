"""`mentorgraph site` without a browser: what the static site holds, its links, its RDF, determinism and
the all-or-nothing write. (tests/test_site_browser.py opens it in Chromium.)

Expected contents come from the build's N-Quads export (parsed here with pyoxigraph, not through the
site's code), the query catalogue (queries/*.rq) and the sitemaps.org 0.9 protocol.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import ROOT

BASE_URL = "https://example.org/mentorgraph/"
MG = "https://w3id.org/mentorgraph/id/"
MGS = "https://w3id.org/mentorgraph/statement/"


@functools.lru_cache(maxsize=2)
def write_site(built: Path, target: Path, base_url: str | None = BASE_URL) -> Path:
    """The site of the test session's build, written once per target (shared with the browser tests)."""
    from mentorgraph.site import build_site

    build_site(ROOT, built, target, base_url)
    return target


@pytest.fixture(scope="module")
def site(built, tmp_path_factory) -> Path:
    return write_site(built, tmp_path_factory.getbasetemp() / "site")


def tree_digest(path: Path) -> dict[str, str]:
    return {
        p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


class Links(HTMLParser):
    """Every URL a page names: (tag, attribute, value, rel)."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str, str]] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for attr in ("href", "src", "action"):
            if a.get(attr) is not None:
                self.urls.append((tag, attr, a[attr], a.get("rel") or ""))
        self._in_jsonld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(data)

    def handle_endtag(self, tag):
        self._in_jsonld = False


def links(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def quads(built) -> list[ox.Quad]:
    return list(ox.parse(path=str(built / "mentorgraph.nq"), format=ox.RdfFormat.N_QUADS))


def test_every_entity_and_statement_of_the_graph_has_a_card_with_its_rdf(site, quads):
    named = {
        t.value
        for q in quads
        for t in (q.subject, q.object)
        if isinstance(t, ox.NamedNode) and t.value.startswith((MG, MGS)) and t.value not in (MG, MGS)
    }
    assert len(named) > 500
    for iri in named:
        stem = ("id/" + iri[len(MG) :]) if iri.startswith(MG) else ("statement/" + iri[len(MGS) :])
        for ext in (".html", ".ttl", ".jsonld", ".nt", ".rdf"):
            assert (site / (stem + ext)).is_file(), stem + ext


def test_an_entitys_turtle_holds_its_triples_and_its_page_embeds_its_json_ld(site, quads):
    iri = MG + "swims"
    expected = {q.triple for q in quads if iri in (q.subject.value, getattr(q.object, "value", None))}
    got = {q.triple for q in ox.parse(path=str(site / "id/swims.ttl"), format=ox.RdfFormat.TURTLE)}
    assert got == expected and len(expected) > 10
    page = links(site / "id/swims.html")
    assert len(page.jsonld) == 1
    embedded = json.loads("".join(page.jsonld))
    assert embedded == json.loads((site / "id/swims.jsonld").read_text(encoding="utf-8"))
    assert embedded["id"] == iri and embedded["@context"]["id"] == "@id"  # the shipped context aliases @id
    alternates = {(tag, value) for tag, attr, value, rel in page.urls if rel == "alternate"}
    assert alternates == {("link", "swims.ttl"), ("link", "swims.jsonld")}


def test_links_are_relative_and_every_one_resolves(site, quads):
    """No page names a URL starting with "/"; what a page loads (scripts, styles, icons, alternates,
    forms) is a file of the site; a link out (an <a>) goes to an IRI the graph holds (a source, an
    identifier, a vocabulary term) or to the citation's licences (spdx.org), nothing else."""
    iris = {t.value for q in quads for t in (q.subject, q.predicate, q.object, q.graph_name) if hasattr(t, "value")}
    pages = sorted(site.rglob("*.html"))
    outside = set()
    for page in pages:
        for tag, _attr, value, _ in links(page).urls:
            assert not value.startswith("/"), (page, value)
            if value.startswith(("http://", "https://")):
                assert tag == "a", f"{page} loads {value} from elsewhere"
                outside.add(value)
                continue
            if value.startswith(("#", "mailto:")):
                continue
            path = urllib.parse.unquote(urllib.parse.urlsplit(value).path)
            assert (page.parent / path).resolve().is_file() or path == "", (page.relative_to(site), value)
    stray = {u for u in outside if u not in iris and not u.startswith("https://spdx.org/licenses/")}
    assert stray == set()
    assert any(u.startswith("https://doi.org/10.1136/jim-2020-001391") for u in outside), "the article is cited"


def test_static_files_are_content_addressed(site):
    names = re.compile(r"^(?P<stem>[^.]+)\.(?P<hash>[0-9a-f]{10})\.(?P<ext>[a-z]+)$")
    static = [p for p in (site / "static").rglob("*") if p.is_file()]
    addressed = [p for p in static if names.match(p.name)]
    assert {p.name.split(".")[0] for p in addressed} >= {"site", "graph", "sparql-editor", "oxigraph-inline", "favicon"}
    for p in addressed:
        assert names.match(p.name)["hash"] == hashlib.sha256(p.read_bytes()).hexdigest()[:10], p
    # The rest are the vendored code's licence texts and versions, shipped beside it as they are named.
    assert {p.name for p in static if p not in addressed} <= {"LICENSE", "LICENSE-MIT", "LICENSE-APACHE", "VERSION"}


def test_every_canned_question_is_answered_for_its_example_values(site, mg):
    for name, q in mg.catalogue.items():
        page = (site / "questions" / f"{name}.html").read_text(encoding="utf-8")
        try:
            rows = mg.query(name, **{p.name: p.example for p in q.params}).rows
        except Exception:  # an example only a linked dataset (ROR) answers: the page says so instead
            assert 'class="error"' in page, name
            continue
        if q.params or rows:
            assert f'<p class="count">{len(rows)} row' in page, name
            assert (site / "questions" / f"{name}.csv").is_file()


def test_sitemap_lists_every_page_at_the_base_url(site):
    tree = ET.parse(site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in tree.getroot().findall("s:url/s:loc", ns)]
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert sorted(locs) == sorted(BASE_URL if p == "index.html" else BASE_URL + p for p in pages)
    dataset = ox.Store()
    dataset.load(path=str(site / "dataset.ttl"), format=ox.RdfFormat.TURTLE)
    assert any(q.object.value.startswith(BASE_URL + "download/") for q in dataset if isinstance(q.object, ox.NamedNode))


def test_written_twice_the_site_is_byte_identical(site, built, tmp_path):
    again = write_site(built, tmp_path / "again")
    assert tree_digest(again) == tree_digest(site)


def test_a_failed_run_leaves_the_previous_site_whole(built, tmp_path, monkeypatch):
    from mentorgraph.site import build as site_build

    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("the previous site")
    (tmp_path / ".site.tmp-99999").mkdir()  # what a killed run left
    before = tree_digest(target)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) > 5:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    real = site_build.respond
    monkeypatch.setattr(site_build, "respond", failing)
    with pytest.raises(OSError):
        site_build.build_site(ROOT, built, target)
    assert tree_digest(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "the temporary directories are gone"


def test_cli_says_to_build_first_and_checks_the_base_url(tmp_path, capsys):
    from mentorgraph.cli import main

    assert main(["site", "--out", str(tmp_path / "nothing")]) == 3
    assert "run `mentorgraph build` first" in capsys.readouterr().err
    assert main(["site", "--out", str(tmp_path), "--base-url", "ftp://example.org/"]) == 2
    assert "--base-url" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()
