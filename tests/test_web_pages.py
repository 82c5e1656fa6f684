"""The web view's pages (mentorgraph.web), rendered from the built graph without a server.

Expected answers come from the sources: Table 1 as published (data/source/table1-columns.md, the
`table1` fixture), the curated data files (data/*.yaml), CITATION.cff, the build's own files, the
SPARQL grammar. Every page is checked for what every page must hold (layout, citation, favicon, no
inline style, well-formed), then each page for what it is for.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from html import escape, unescape

import pytest
import yaml

from conftest import ROOT
from mentorgraph import iris
from mentorgraph.web import ServerUrls, StaticUrls, respond
from web_html import Html, make_source

URLS = ServerUrls()
ROUTES_WITHOUT_PARAMETERS = (
    "home",
    "browse",
    "types",
    "populations",
    "organizations",
    "compare",
    "find",
    "questions",
    "sparql",
    "charts",
    "download",
    "ontology",
)


@pytest.fixture(scope="module")
def source(built, mg):
    return make_source(built, ROOT, mg, {"max_rows": 10000, "limits": {"Time limit per query": "10 s"}})


def page(source, route: str, urls=URLS, **params):
    """(status, parsed page, HTML text) of `route` with `params` (a value or a list of values)."""
    values = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    out = respond(source, route, values, urls)
    assert out.media_type.startswith("text/html"), out.media_type
    return out.status, Html(out.body), out.body


def data(name: str):
    return yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8"))


def records(name: str) -> list[dict]:
    """The records of a data file whose top level is one list under a key (or the list itself)."""
    value = data(name)
    return value if isinstance(value, list) else next(v for v in value.values() if isinstance(v, list))


def words(text: str) -> str:
    return " ".join(text.split())


# -- what every page holds ------------------------------------------------------------------------------
@pytest.mark.parametrize("route", ROUTES_WITHOUT_PARAMETERS)
def test_every_page_has_the_layout_citation_and_favicon_and_no_inline_style(source, route):
    status, html, text = page(source, route)
    assert status == 200
    assert html.mismatched == [] and html.stack == [], (html.mismatched, [e["tag"] for e in html.stack])
    assert len(html.all("h1")) == 1
    assert len(set(html.ids())) == len(html.ids())
    # Site navigation, the favicon, the one stylesheet.
    assert html.all("nav", aria_label="Site")
    assert [e["attrs"]["href"] for e in html.all("link", rel="icon")] == ["/static/favicon.svg"]
    assert [e["attrs"]["href"] for e in html.all("link", rel="stylesheet")] == ["/static/site.css"]
    # The footer cites the dataset and the article (CITATION.cff), on screen and on paper.
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    footer = words(html.one("footer")["text"])
    assert cff["title"] in footer and cff["version"] in footer
    assert "https://doi.org/" + cff["references"][0]["doi"] in footer
    # CSP style-src 'self': no style attribute, no <style> element; scripts only from this site.
    assert not [e for e in html.elements if "style" in e["attrs"]] and not html.all("style")
    for script in html.all("script"):
        assert script["attrs"].get("src", "/static/").startswith("/static/") or script["attrs"].get("type") in (
            "application/json",
            "application/ld+json",
        )


def test_pages_never_speak_cli(source):
    """No command-line option or command on a page a visitor reads (issue 15)."""
    for route, params in [
        ("find", {}),
        ("find", {"want": "confidentiality"}),
        ("find", {"career-stage": "Women"}),
        ("find", {"want": "nonsense"}),
        ("questions", {}),
        ("question", {"name": "programs-by-population", "population": "Wmen"}),
        ("compare", {"type": ["formal", "zzz"]}),
    ]:
        _, html, _ = page(source, route, **params)
        visible = words(html.one("main")["text"])
        assert not re.search(r"(?<![\w-])--[a-z]", visible), (route, params, re.findall(r"--[a-z-]+", visible))
        assert "mentorgraph themes" not in visible and "`" not in visible, (route, params)


# -- Table 1 ----------------------------------------------------------------------------------------------
def test_home_is_table_1_in_table_order(source, table1, footnote):
    status, html, text = page(source, "home")
    assert text.count('<tr><th scope="row">') == len(table1) == 7
    rows = html.text_of("th", scope="row")
    assert [re.sub(r"^\d+\.\s*", "", r) for r in rows] == [r["type"] for r in table1]
    for r in table1:
        for bullet in r["strengths"] + r["weaknesses"] + [label for label, _ in r["examples"]]:
            assert escape(bullet) in text, bullet
    assert escape(footnote) in text


# -- entity cards -----------------------------------------------------------------------------------------
def test_program_card_says_what_who_for_and_where_each_fact_comes_from(source, table1):
    st = next(s for s in data("curation.yaml")["statements"] if s["predicate"] == "targetPopulation" and s.get("quote"))
    status, html, text = page(source, "entity", iri=iris.MG + st["subject"])
    assert status == 200
    section = words(html.by_id("card-for")["text"])
    population = next(p for p in records("populations.yaml") if p["id"] == st["object"])
    assert population["label"] in section
    # The fact's source: its evidence kind and the quote the curators took from the entry's name.
    assert f"<q>{escape(st['quote'])}</q>" in text and st["quote"] in section
    assert f'href="/id/{st["object"]}"' in text
    # The full statement table is one click away (a closed <details>).
    assert html.by_id("statements")["tag"] == "details" and "open" not in html.by_id("statements")["attrs"]


def test_program_card_shows_its_types_strengths_and_weaknesses_in_table_order(source, table1):
    row = table1[6]  # Committed purposeful academic peer mentoring; SWIMS is one of its examples
    assert any(label.startswith("SWIMS") for label, _ in row["examples"])
    status, html, _ = page(source, "entity", iri=iris.MG + "swims")
    box = html.one("aside", class_="type-box")
    assert row["type"] in box["text"]
    strengths = [words(li["text"]) for li in html.within(html.one("ol", class_="strengths"), "li")]
    weaknesses = [words(li["text"]) for li in html.within(html.one("ol", class_="weaknesses"), "li")]
    assert strengths == row["strengths"] and weaknesses == row["weaknesses"]


def test_organization_card_links_its_identifiers_and_their_source(source):
    org = next(
        o
        for o in records("organizations.yaml")
        if any(m["iri"].startswith("https://ror.org/") for m in o.get("mappings", []))
    )
    ror = next(m["iri"] for m in org["mappings"] if m["iri"].startswith("https://ror.org/"))
    status, html, text = page(source, "entity", iri=iris.MG + org["id"])
    ids = html.by_id("card-identifiers")
    links = [e for e in html.elements if e["tag"] == "a" and e["attrs"].get("href") == ror]
    assert links and "ROR" in words(ids["text"]) and ror.rsplit("/", 1)[1] in words(ids["text"])
    # What the organization offers comes from the inverse statements of the data (offeredBy).
    offered = [
        s["subject"]
        for s in data("curation.yaml")["statements"]
        if s["predicate"] == "offeredBy" and s.get("object") == org["id"]
    ]
    for subject in offered:
        assert f'href="/id/{subject}"' in text


def test_property_labels_are_readable_words(source):
    _, html, _ = page(source, "entity", iri=iris.MG + "american-college-of-rheumatology")
    labels = html.text_of("span", class_="plabel") + html.text_of("dt")
    assert "acronym" in labels and "the same as" in labels
    assert not [x for x in labels if ":" in x or re.search(r"[a-z][A-Z]", x)], labels


def test_stylesheet_never_breaks_words_in_labels():
    css = (ROOT / "src/mentorgraph/web/static/site.css").read_text(encoding="utf-8")
    for rule in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        selector, body = rule
        if re.search(r"overflow-wrap:\s*anywhere|word-break:\s*break-all", body):
            assert all(s.strip().split()[-1] in ("code", "pre") for s in selector.split(",")), selector


def test_unknown_entity_is_a_404_page_saying_what_was_asked(source):
    status, html, text = page(source, "entity", iri=iris.MG + "no-such-thing")
    assert status == 404 and iris.MG + "no-such-thing" in words(html.one("main")["text"])


def test_entity_page_embeds_its_json_ld_and_links_its_rdf(source):
    _, html, _ = page(source, "entity", iri=iris.MG + "swims")
    block = html.one("script", type="application/ld+json")
    doc = json.loads(block["text"])
    assert doc["id"] == iris.MG + "swims"
    alternates = {e["attrs"]["type"]: e["attrs"]["href"] for e in html.all("link", rel="alternate")}
    assert alternates == {"text/turtle": "/id/swims.ttl", "application/ld+json": "/id/swims.jsonld"}


# -- compare ----------------------------------------------------------------------------------------------
def themes_of(attribute_id: str) -> list[str]:
    return [m["theme"] for m in data("themes.yaml")["memberships"] if m["attribute"] == attribute_id]


def test_compare_aligns_bullets_by_theme(source):
    """Each theme row holds exactly the bullets data/themes.yaml groups under it, per type."""
    types = {t["id"]: t for t in data("table1.yaml")["types"]}
    a, b = "formal-mentoring-programs", "committed-purposeful-peer-mentoring"
    status, html, text = page(source, "compare", type=["formal", "committed"])  # words of the labels, as the CLI
    assert status == 200
    themes = {t["id"]: t["label"] for t in data("themes.yaml")["themes"]}
    expected = {}
    for t in (a, b):
        for kind in ("strengths", "weaknesses"):
            for bullet in types[t][kind]:
                for th in themes_of(bullet["id"]):
                    expected.setdefault(themes[th], {a: [], b: []})[t].append(bullet["label"])
    got = {}
    for theme, row in re.findall(r'<tr data-theme="([^"]*)">(.*?)</tr>', text, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        got[unescape(theme)] = [
            sorted(unescape(b) for b in re.findall(r'<li class="(?:strength|weakness)">.*?<a [^>]*>(.*?)</a>', c, re.S))
            for c in cells
        ]
    assert got == {k: [sorted(v[a]), sorted(v[b])] for k, v in expected.items()}


def test_compare_downloads_as_csv_json_markdown(source):
    types = ["formal-mentoring-programs", "social-media"]
    labels = [t["label"] for t in data("table1.yaml")["types"] if t["id"] in types]
    outs = {
        fmt: respond(source, "compare", {"type": types, "format": [fmt]}, URLS) for fmt in ("csv", "json", "markdown")
    }
    assert next(csv.reader(io.StringIO(outs["csv"].body))) == ["theme", *labels]
    assert [t["type"] for t in json.loads(outs["json"].body)["types"]] == labels
    assert outs["markdown"].body.startswith(f"| Theme | {labels[0]} | {labels[1]} |")
    assert outs["csv"].filename.endswith(".csv") and outs["csv"].media_type.startswith("text/csv")
    _, html, _ = page(source, "compare", type=types)
    downloads = [e["attrs"]["href"] for e in html.all("a") if "download" in e["attrs"]]
    assert "/compare?type=formal-mentoring-programs&type=social-media&format=csv" in downloads


def test_compare_unknown_name_suggests_the_closest_and_keeps_the_form(source):
    status, html, text = page(source, "compare", type=["formal", "socail media"])
    assert status == 400
    alert = words(html.one("div", class_="error")["text"])
    assert "socail media" in alert and "Social media" in alert
    assert "/compare?type=formal-mentoring-programs&amp;type=social-media" in text
    assert html.all("input", type="checkbox", name="type")


def test_compare_programs_side_by_side(source):
    st = data("curation.yaml")["statements"]
    targets = {s["subject"]: s["object"] for s in st if s["predicate"] == "targetPopulation"}
    a, b = sorted(targets)[:2]
    status, html, text = page(source, "compare", item=[a, b])
    assert status == 200 and len(html.all("th", scope="col")) == 3
    for subject in (a, b):
        assert f'href="/id/{subject}"' in text
    assert "Target population" in text or "target population" in text


# -- find a model -----------------------------------------------------------------------------------------
def test_find_shows_the_recommendation_with_reasons(source, mg):
    """The page shows what advise.recommend returns for the submitted form: every type in rank order with
    its score, and under it each initiative in the list of its verdict, with why."""
    from mentorgraph.advise import choices, person_from_params, recommend

    params = {
        "population": ["Women"],
        "career-stage": ["Early-career faculty"],
        "want": ["confidentiality"],
        "avoid": ["travel"],
    }
    status, html, text = page(source, "find", **params)
    assert status == 200
    rec = recommend(mg, person_from_params(params, choices(mg, ROOT)), ROOT)
    ranked = html.all("li", class_="mg-type")
    assert [int(li["attrs"]["data-score"]) for li in ranked] == [t.score for t in rec.types]
    assert [int(li["attrs"]["value"]) for li in ranked] == [t.rank for t in rec.types]
    for li, t in zip(ranked, rec.types, strict=True):
        assert t.label in li["text"]
        reasons = [words(e["text"]) for e in html.within(li, "ul") if e["attrs"].get("class") == "mg-reasons"]
        assert all(words(m.reason()) in reasons[0] for m in t.matches) if t.matches else not reasons
        for css, listed in (("mg-fit", t.fits), ("mg-maybe", t.maybe), ("mg-excluded", t.excluded)):
            lists = [e for e in html.within(li, "ul") if e["attrs"].get("class") == css]
            shown = [words(a["text"]) for ul in lists for a in html.within(ul, "a")]
            assert shown == [words(p.label) for p in listed], (t.label, css)
            for p in listed:
                assert all(escape(w, quote=False) in text for w in p.why)
    # The brief: the same first types, and the citation in the footer.
    _, brief, _ = page(source, "find-brief", **params)
    assert rec.types[0].label in words(brief.one("main")["text"])


def test_find_form_asks_each_facet_and_the_views_themes_in_plain_words(source):
    """One field per facet of data/themes.yaml, named by its id and labelled with its label; the themes of
    the view "Joining a program" to want and to avoid; the view itself as a field."""
    themes = data("themes.yaml")
    status, html, text = page(source, "find")
    assert status == 200
    form = html.one("form", class_="find-form")
    inside = html.within(form)
    selects = [e["attrs"]["name"] for e in inside if e["tag"] == "select"]
    assert selects == [f["id"] for f in themes["facets"]]
    for f in themes["facets"]:
        label = next(e for e in inside if e["tag"] == "label" and e["attrs"].get("for") == f"find-{f['id']}")
        assert words(label["text"]) == f["label"]
    joining = next(v for v in themes["views"] if v["id"] == "joining")
    for name in ("want", "avoid"):
        boxes = [e["attrs"]["value"] for e in inside if e["tag"] == "input" and e["attrs"].get("name") == name]
        assert boxes == joining["themes"]
    assert [e["attrs"]["value"] for e in inside if e["attrs"].get("name") == "view"] == ["joining"]


def test_find_keeps_every_value_of_a_facet_a_person_holds_several_of(source):
    """data/themes.yaml: a person may be in several populations at once (a woman and a mother)."""
    _, html, _ = page(source, "find", population=["women", "mothers"])
    select = html.one("select", name="population")
    chosen = [words(o["text"]) for o in html.within(select, "option") if "selected" in o["attrs"]]
    labels = {p["id"]: p["label"] for p in records("populations.yaml")}
    assert "multiple" in select["attrs"] and chosen == sorted([labels["women"], labels["mothers"]])


def test_find_designing_view_ranks_types_for_an_organizer_and_offers_nothing_to_join(source):
    themes = data("themes.yaml")
    designing = next(v for v in themes["views"] if v["id"] == "designing")
    status, html, text = page(source, "find", view="designing")
    assert status == 200
    assert html.one("section", class_="mg-results")["attrs"]["data-view"] == "designing"
    assert len(html.all("li", class_="mg-type")) == len(data("table1.yaml")["types"])
    assert not [e for e in html.elements if e["attrs"].get("class", "").startswith(("mg-fit", "mg-maybe"))]
    form = html.within(html.one("form", class_="find-form"))
    assert not [e for e in form if e["tag"] == "select"], "an organizer is not matched to initiatives"
    boxes = [e["attrs"]["value"] for e in form if e["tag"] == "input" and e["attrs"].get("name") == "want"]
    assert boxes == designing["themes"]
    # With no theme named, every theme of the view counts as wanted (themes.yaml: wantAllByDefault).
    ticked = [e["attrs"]["value"] for e in form if e["tag"] == "input" and "checked" in e["attrs"]]
    assert designing.get("wantAllByDefault") and ticked == designing["themes"]
    # The way back to the person joining a program.
    assert "/find" in [a["attrs"].get("href") for a in html.all("a") if words(a["text"]) == "Joining a program"]


def test_find_bad_value_is_a_400_with_the_form(source):
    status, html, _ = page(source, "find", **{"career-stage": "Women"})
    assert status == 400 and html.one("p", class_="error") and html.all("select")
    alert = words(html.one("p", class_="error")["text"])
    assert "population" in alert and "career stage" in alert  # Women is a population, not a career stage


@pytest.mark.parametrize(
    "params,closest",
    [({"career-stage": "felows"}, "Fellows"), ({"population": "wimen"}, "Women"), ({"want": "confidentiallity"}, "")],
)
def test_find_unknown_value_names_the_closest_ones(source, params, closest):
    status, html, _ = page(source, "find", **params)
    alert = words(html.one("p", class_="error")["text"])
    expected = closest or next(
        t["label"] for t in data("themes.yaml")["themes"] if t["id"] == "confidentiality-and-safety"
    )
    value = next(iter(params.values()))
    assert status == 400 and value in alert and expected in alert, alert


# -- questions --------------------------------------------------------------------------------------------
def test_questions_page_has_the_headline_first_and_a_form_per_question(source):
    status, html, text = page(source, "questions")
    forms = [e["attrs"]["action"] for e in html.all("form", class_="question")]
    assert forms[0] == "/questions/underserved-programs"
    assert sorted(forms) == sorted(f"/questions/{p.stem}" for p in (ROOT / "queries").glob("*.rq"))


def test_question_results_merge_iri_and_label_columns(source, mg):
    status, html, text = page(source, "question", name="underserved-programs")
    headings = html.text_of("th", scope="col")
    # The query's header names its columns; an IRI column and its label column (X and XLabel, item and
    # label) make one column of links.
    names = re.findall(r"^# column: *(\w+) *\|", (ROOT / "queries/underserved-programs.rq").read_text(), re.M)
    assert "item" not in headings and "label" not in headings
    labels = {"label"} | {n for n in names if n.endswith("Label") and n[: -len("Label")] in names}
    assert len(headings) == len(names) - len(labels)
    assert not [h for h in headings if "(" in h], "asides in parentheses stay out of the headings"
    expected = mg.query("underserved-programs").plain()
    assert len(html.all("tr")) - 1 == len(expected)
    for r in expected:
        assert f'href="/id/{r["item"].removeprefix(iris.MG)}"' in text
    downloads = [e["attrs"]["href"] for e in html.all("a") if "download" in e["attrs"]]
    assert "/questions/underserved-programs?format=csv" in downloads
    out = respond(source, "question", {"name": ["underserved-programs"], "format": ["csv"]}, URLS)
    rows = list(csv.DictReader(io.StringIO(out.body)))
    assert len(rows) == len(expected) and out.filename == "underserved-programs.csv"


def test_question_unknown_value_in_plain_words_with_suggestions(source):
    status, html, text = page(source, "question", name="programs-by-population", population="Wmen")
    assert status == 400
    alert = words(html.one("div", class_="error")["text"])
    assert "Nothing in the graph is called “Wmen”" in alert and "Women" in alert
    assert "/questions/programs-by-population?population=Women" in text


# -- the query editor -------------------------------------------------------------------------------------
def test_editor_runs_a_query_without_prefix_lines(source, table1):
    query = (
        "SELECT ?label WHERE { ?t a mgo:MentoringModelType ; mgo:tablePosition ?p .\n"
        "  GRAPH mgg:article { ?t rdfs:label ?label } } ORDER BY ?p"
    )
    status, html, text = page(source, "sparql", query=query)
    assert status == 200
    cells = [words(td["text"]) for td in html.within(html.one("table", class_="results"), "td")]
    assert cells == [r["type"] for r in table1]
    assert html.one("textarea")["text"] == query
    assert "/sparql?query=SELECT" in html.by_id("share-link")["attrs"]["href"]


def test_editor_error_keeps_the_query_and_points_at_line_and_column(source):
    # SPARQL 1.1 §19.8: LIMIT takes an INTEGER; "x" is at line 4, column 7 of the text as typed.
    bad = "SELECT ?x WHERE {\n  ?x ?p ?o .\n}\nLIMIT x"
    status, html, text = page(source, "sparql", query=bad)
    assert status == 400
    err = html.by_id("query-error")
    assert (err["attrs"]["data-line"], err["attrs"]["data-column"]) == ("4", "7")
    assert html.one("textarea")["text"] == bad


def test_editor_offers_every_question_as_an_example(source):
    _, html, _ = page(source, "sparql")
    options = [e["attrs"]["value"] for e in html.all("option") if e["attrs"].get("value")]
    data_block = json.loads(html.by_id("mg-examples")["text"])
    assert options == list(data_block) and options[0] == "underserved-programs"
    # Examples whose parameter values the graph holds: all but those that need ROR records.
    names = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    assert set(options) <= names and len(options) >= len(names) - 1


# -- pictures ---------------------------------------------------------------------------------------------
def test_charts_are_accessible_svg_with_their_numbers(source, built):
    from rdflib import Dataset, URIRef

    ds = Dataset(default_union=True)
    ds.parse(built / "mentorgraph.nq", format="nquads")
    mgo = iris.MGO
    status, html, text = page(source, "charts")
    svgs = html.all("svg")
    assert len(svgs) == 3
    for svg in svgs:
        assert svg["attrs"]["role"] == "group" and svg["attrs"]["aria-labelledby"]
    # The first chart's table: initiatives per type, counted here from the N-Quads export.
    for t in data("table1.yaml")["types"]:
        n = len(
            {
                s
                for s in ds.subjects(URIRef(mgo + "modelType"), URIRef(iris.MG + t["id"]))
                if (s, URIRef(iris.PREFIXES["rdf"] + "type"), URIRef(mgo + "Initiative")) in ds
            }
        )
        assert re.search(rf"{re.escape(escape(t['label']))}</a></th><td>{n}</td>", text), (t["label"], n)


def test_entity_picture_is_the_graph_around_it(source):
    _, html, text = page(source, "entity", iri=iris.MG + "swims")
    svg = html.one("svg", class_="neighbourhood")
    desc = words(html.one("desc")["text"])
    assert "target population Women" in desc
    assert "/id/women" in [a["attrs"].get("href") for a in html.within(svg, "a")]


# -- download and cite ------------------------------------------------------------------------------------
def test_download_page_lists_every_file_with_size_and_sha256(source, built):
    from mentorgraph.layout import current_generation

    gen = current_generation(built).path
    manifest = json.loads((gen / "manifest.json").read_text())
    status, html, text = page(source, "download")
    for name in [*manifest["files"], "manifest.json"]:
        body = (gen / name).read_bytes()
        assert f'href="/download/{name}"' in text
        assert hashlib.sha256(body).hexdigest() in text and f'title="{len(body)} bytes"' in text
    assert "@prefix" not in text  # the VoID/DCAT description is linked, not dumped
    assert "/dataset?format=turtle" in text


def test_citation_as_text_bibtex_and_cff(source):
    cff_text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    cff = yaml.safe_load(cff_text)
    _, html, text = page(source, "download")
    assert cff_text in [e["text"] for e in html.all("pre")]
    bib = respond(source, "cite", {"name": ["mentorgraph.bib"]}, URLS)
    art = cff["references"][0]
    assert f"doi = {{{art['doi']}}}" in bib.body and f"version = {{{cff['version']}}}" in bib.body
    assert "@software{mentorgraph," in bib.body and bib.body.count("@") == 2
    assert respond(source, "cite", {"name": ["CITATION.cff"]}, URLS).body == cff_text


# -- ontology docs ----------------------------------------------------------------------------------------
def test_ontology_page_is_in_the_site_layout(source):
    _, html, text = page(source, "ontology")
    assert html.all("nav", aria_label="Site") and 'id="MentoringModelType"' in text


# -- browse -----------------------------------------------------------------------------------------------
def test_browse_facets_count_and_filter(source):
    status, html, text = page(source, "browse")
    n_all = len(html.within(html.one("ul", class_="hits"), "li"))
    status, html2, _ = page(source, "browse", type="social-media")
    n_social = len(html2.within(html2.one("ul", class_="hits"), "li"))
    social = next(t for t in data("table1.yaml")["types"] if t["id"] == "social-media")
    assert 0 < n_social < n_all
    # The facet's count on the unfiltered page is the length of the filtered list.
    link = next(e for e in html.all("a") if e["attrs"].get("href") == "/browse?type=social-media")
    count = next(e for e in html.elements[link["index"] :] if e["tag"] == "span" and e["attrs"].get("class") == "n")
    assert words(count["text"]) == f"({n_social})" and social["label"] in link["text"]


def test_browse_search_ignores_case_and_accents(source):
    # A name with an accent or not, typed in any case: "SWIMS" matches the program named so.
    for q in ("swims", "SWIMS", "Swíms"):
        _, html, text = page(source, "browse", q=q)
        assert 'href="/id/swims"' in text, q
    _, html, text = page(source, "browse", q="zzzz-nothing")
    assert html.one("p", class_="message")


def test_browse_population_facet_counts_narrower_populations(source):
    """An initiative for mothers is found under women (data/populations.yaml: mothers under women)."""
    pops = {p["id"]: p for p in records("populations.yaml")}
    assert "women" in pops["mothers"].get("broader", [pops["mothers"].get("broader")])
    st = data("curation.yaml")["statements"]
    mothers = {s["subject"] for s in st if s["predicate"] == "targetPopulation" and s.get("object") == "mothers"}
    _, html, text = page(source, "browse", population="women")
    for subject in mothers:
        assert f'href="/id/{subject}"' in text


# -- one set of templates, two renderers --------------------------------------------------------------------
def test_static_renderer_writes_relative_links_only(source):
    out = respond(source, "entity", {"iri": [iris.MG + "swims"]}, StaticUrls("id/swims.html"))
    html = Html(out.body)
    for href in html.hrefs():
        assert not href.startswith("/") and not href.startswith("http://127.0.0.1"), href
    assert "../static/site.css" in html.hrefs() and "women.html" in html.hrefs()
    assert "../ontology.html#PeerGroup" in html.hrefs()


def test_browse_country_facet_comes_from_ror_where_linked(built, tmp_path, mg):
    """With ROR records loaded beside the graph (the fixture of test_linking_queries: one sponsor's
    record in Canada), the country facet appears and filters by the sponsors' ROR addresses."""
    from mentorgraph.linking.rdf import load_ror
    from mentorgraph.linking.ror import parse_record
    from mentorgraph.query.api import open_graph
    from test_linking_queries import FOREIGN, _copy_build, fixture_records

    out = _copy_build(built, tmp_path / "dist")
    load_ror(out, (parse_record(r) for r in fixture_records()))
    with_ror = make_source(out, ROOT, open_graph(out, engine="oxigraph", root=ROOT))
    expected = {
        r["i"].value for r in mg.sparql(f"SELECT ?i WHERE {{ ?i a mgo:Initiative ; mgo:sponsor mg:{FOREIGN} }}").rows
    }
    _, html, text = page(with_ror, "browse", country="CA")
    assert html.by_id("facet-country")
    hits = {a["attrs"]["href"] for a in html.within(html.one("ul", class_="hits"), "a")}
    assert expected and hits == {"/id/" + i.removeprefix(iris.MG) for i in expected}
    _, plain, _ = page(make_source(built, ROOT, mg), "browse")
    assert 'id="facet-country"' not in plain.by_id("main")["text"] and not [
        e for e in plain.ids() if e == "facet-country"
    ]


def test_a_renderer_adds_its_csp_meta_and_scripts(source):
    """What the static site adds to a page opened from file:// (no response headers there)."""
    csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'"
    out = respond(source, "sparql", {}, StaticUrls("sparql.html"), {"csp_meta": csp, "scripts": ["run.js"]})
    html = Html(out.body)
    assert html.one("meta", http_equiv="Content-Security-Policy")["attrs"]["content"] == csp
    assert "static/run.js" in [s["attrs"].get("src") for s in html.all("script")]
