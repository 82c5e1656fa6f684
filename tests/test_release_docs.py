"""`mentorgraph docs`: every ontology term documented with its label, definition, domain and range; links
that resolve; examples and concept schemes from the built graph, checked against Table 1."""

from __future__ import annotations

import re
from html import escape, unescape
from html.parser import HTMLParser

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from mentorgraph.cli import main
from mentorgraph.release.docs import render_docs
from conftest import ROOT

MGO = "https://w3id.org/mentorgraph/ontology#"


class Page(HTMLParser):
    """The ids, in-page links and unclosed elements of an HTML page."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr"})

    def __init__(self, text: str):
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.stack: list[str] = []
        self.mismatched: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.mismatched.append(tag)


@pytest.fixture(scope="module")
def html(built) -> str:
    return render_docs(ROOT, built).decode("utf-8")


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ROOT / "ontology" / "mentorgraph.ttl", format="turtle")


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


def terms(onto: Graph, kind) -> list[URIRef]:
    return sorted(s for s in onto.subjects(RDF.type, kind) if str(s).startswith(MGO))


def test_page_is_well_formed_with_unique_ids_and_resolving_links(html):
    page = Page(html)
    assert page.mismatched == [] and page.stack == []
    assert len(page.ids) == len(set(page.ids))
    missing = sorted({h[1:] for h in page.hrefs if h.startswith("#")} - set(page.ids))
    assert missing == []


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty])
def test_every_term_has_a_section_with_its_label_and_definition(html, onto, kind):
    assert terms(onto, kind)
    for term in terms(onto, kind):
        name = str(term)[len(MGO) :]
        text = unescape(section(html, name))
        assert str(onto.value(term, RDFS.label)) in text, name
        assert str(onto.value(term, SKOS.definition)) in text, name
        assert str(term) in text, name


def test_domains_ranges_and_superclasses_link_to_their_sections(html, onto):
    for p in terms(onto, OWL.ObjectProperty) + terms(onto, OWL.DatatypeProperty):
        text = section(html, str(p)[len(MGO) :])
        for rel in (RDFS.domain, RDFS.range):
            for target in onto.objects(p, rel):
                expected = f'href="#{str(target)[len(MGO) :]}"' if str(target).startswith(MGO) else str(target)
                assert expected in text, (p, rel, target)
    for c in terms(onto, OWL.Class):
        for sup in onto.objects(c, RDFS.subClassOf):
            expected = f'href="#{str(sup)[len(MGO) :]}"' if str(sup).startswith(MGO) else f'href="{sup}"'
            assert expected in section(html, str(c)[len(MGO) :]), (c, sup)


def test_alignments_name_the_external_vocabularies(html):
    assert 'href="https://schema.org/Organization"' in section(html, "Organization")
    assert 'href="http://www.w3.org/ns/org#subOrganizationOf"' in section(html, "parentOrganization")


def test_property_chains_are_shown(html):
    text = section(html, "servesPopulation")
    assert re.search(r'href="#servesPopulation">[^<]*</a> &#8728; <a href="#broaderPopulation"', text)


def test_model_type_scheme_lists_table_1_rows_in_order(html, table1):
    text = section(html, "scheme-mentoring-model-types")
    assert re.findall(r"<strong>(.*?)</strong>", text) == [escape(row["type"]) for row in table1]


def test_usage_counts_come_from_the_built_graph(html, table1):
    strengths = sum(len(row["strengths"]) for row in table1)
    weaknesses = sum(len(row["weaknesses"]) for row in table1)
    assert f"{strengths} statements in the built graph" in section(html, "hasStrength")
    assert f"{weaknesses} statements in the built graph" in section(html, "hasWeakness")
    assert f"{len(table1)} in the built graph" in section(html, "MentoringModelType")


def test_header_states_version_licence_and_source(html, onto):
    header = html[: html.index("</header>")]
    assert str(onto.value(URIRef(MGO[:-1]), OWL.versionInfo)) in header
    assert "https://creativecommons.org/licenses/by/4.0/" in header
    assert "https://doi.org/10.1136/jim-2020-001391" in header


def test_docs_command_writes_the_page_and_needs_a_build(built, tmp_path, capsys):
    target = tmp_path / "site" / "index.html"
    assert main(["docs", "--out", str(built), "--root", str(ROOT), "-o", str(target), "-q"]) == 0
    assert target.read_bytes() == render_docs(ROOT, built)
    assert main(["docs", "--out", str(tmp_path / "nothing"), "--root", str(ROOT)]) == 3
    assert "mentorgraph build" in capsys.readouterr().err
