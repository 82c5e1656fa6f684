"""`mentorgraph compare`, recommend's errors and rule, and the "Find a model" page pieces (the web view's).

Expected bullets and counts come from Table 1 (the `table1` fixture) and the memberships written in
data/themes.yaml.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

FORMAL = "Formal mentoring programs"
COMMITTED = "Committed purposeful academic peer mentoring"


def _row(table1, label):
    return next(r for r in table1 if r["type"] == label)


def _data(name: str):
    import yaml

    from conftest import ROOT

    return yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8"))


def _examples(row) -> int:
    """The entries of the row's examples column, and the initiatives the curators added as named by one
    of its bullets (data/entities.yaml, with their model type in data/curation.yaml; issue 13: a bullet
    naming two initiatives)."""
    added = {i["id"] for i in _data("entities.yaml").get("initiatives", [])}
    types = {t["label"]: t["id"] for t in _data("table1.yaml")["types"]}
    named = [
        s["subject"]
        for s in _data("curation.yaml")["statements"]
        if s["subject"] in added and s["predicate"] == "modelType" and s["object"] == types[row["type"]]
    ]
    return len(row["examples"]) + sum(len(children) for _, children in row["examples"]) + len(named)


@pytest.fixture(scope="module")
def model(mg):
    from mentorgraph.advise.model import load_model

    return load_model(mg)


def test_compare_aligns_time_commitment(mg, model, root):
    """The issue's example: "Travel and time commitment" beside "Time commitment"."""
    from mentorgraph.advise.comparison import compare, resolve_type
    from mentorgraph.pipeline.themes import load_themes

    c = compare(model, load_themes(root), [resolve_type(mg, model, "formal"), resolve_type(mg, model, "committed")])
    row = next(r for r in c.rows if r["theme"] == "Time commitment")
    assert row["cells"][0]["weaknesses"] == ["Travel and time commitment"]
    assert row["cells"][1]["weaknesses"] == ["Time commitment"]


def test_compare_example_counts_and_main_examples(mg, model, root, table1):
    from mentorgraph.advise.comparison import compare, resolve_type
    from mentorgraph.pipeline.themes import load_themes

    types = [resolve_type(mg, model, v) for v in (FORMAL, "grant", "mg:committed-purposeful-peer-mentoring")]
    c = compare(model, load_themes(root), types)
    for k, label in enumerate([FORMAL, "Grant based", COMMITTED]):
        row = _row(table1, label)
        assert c.example_counts[k] == _examples(row)
        assert c.main_examples[k] == [e for e, _ in row["examples"]][: len(c.main_examples[k])]


def test_compare_lists_every_bullet_of_each_type(mg, model, root, table1):
    from mentorgraph.advise.comparison import compare, resolve_type
    from mentorgraph.pipeline.themes import load_themes

    c = compare(model, load_themes(root), [resolve_type(mg, model, "social"), resolve_type(mg, model, "ad hoc")])
    for k, label in enumerate(["Social media", "Ad hoc peer mentoring relationships"]):
        row = _row(table1, label)
        shown_s = {s for r in c.rows for s in r["cells"][k]["strengths"]}
        shown_w = {w for r in c.rows for w in r["cells"][k]["weaknesses"]}
        assert shown_s == set(row["strengths"]) and shown_w == set(row["weaknesses"])


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "html"])
def test_compare_cli_formats(fmt, built, capsys):
    from mentorgraph.cli import main

    assert main(["compare", "formal", "committed", "--out", str(built), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "Travel and time commitment" in out and "Time commitment" in out and "Small group" in out
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == ["theme", FORMAL, COMMITTED]
        time_row = next(r for r in rows if r[0] == "Time commitment")
        # spreadsheet-safe: a cell starting with "-" would run as a formula, so it starts with ' (OWASP)
        assert time_row[1:] == ["'- Travel and time commitment", "'- Time commitment"]
    if fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and "<script" not in out


def test_compare_escapes_html(model, root):
    from mentorgraph.advise.comparison import compare, render_html_table
    from mentorgraph.advise.model import ModelType
    from mentorgraph.pipeline.themes import load_themes

    t = model.types[0]
    evil = ModelType(t.iri, "<b>x</b> & y", t.position, t.strengths, t.weaknesses)
    html = render_html_table(compare(model, load_themes(root), [evil, model.types[1]]))
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt; &amp; y" in html


@pytest.mark.parametrize(
    "argv,message",
    [
        (["compare", "formal"], "at least two types"),
        (["compare", "formal", "socal"], "'Social media'"),
        (["compare", "formal", "programs"], "ambiguous"),
        (["recommend", "--want", "confidentialty"], "'Confidentiality and safe space'"),
        (["recommend", "--avoid", "mentoring"], "ambiguous"),
        (["recommend", "--population", "wimen"], "'Women'"),
        (["recommend", "--career-stage", "women"], "not a career stage"),
        (["recommend", "--specialty", "fellows"], "not a specialty"),
    ],
)
def test_usage_errors_exit_2_with_closest(argv, message, built, capsys):
    from mentorgraph.cli import main

    assert main(argv + ["--out", str(built)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_graph_exits_3(tmp_path, capsys):
    from mentorgraph.cli import main

    assert main(["recommend", "--out", str(tmp_path / "nothing"), "--want", "cost"]) == 3
    assert "Traceback" not in capsys.readouterr().err


def test_no_theme_keeps_table_order(mg, root, table1):
    from mentorgraph.advise.ranking import Person, recommend

    rec = recommend(mg, Person(), root)
    assert [t.label for t in rec.types] == [r["type"] for r in table1]
    assert {t.score for t in rec.types} == {0} and {t.rank for t in rec.types} == {1}
    assert any("No theme named" in n for n in rec.notes)


def test_each_bullet_counts_once(mg, root):
    """'Travel and time commitment' is in both Travel and Time commitment: avoiding both costs -1 once."""
    from mentorgraph.advise.ranking import Person, recommend

    rec = recommend(mg, Person(avoid=["travel", "time"]), root)
    formal = next(t for t in rec.types if t.label == FORMAL)
    assert formal.score == -1


def test_avoiding_a_theme_without_weaknesses_is_noted(mg, root):
    from mentorgraph.advise.ranking import Person, recommend

    rec = recommend(mg, Person(avoid=["cost"]), root)
    assert {t.score for t in rec.types} == {0}
    # Table 1 lists "Free" (social media) and nothing against cost.
    assert any("nothing that counts against Cost" in n for n in rec.notes)


def test_rdflib_engine_gives_the_same_ranking(mg, mg_rdflib, root):
    from mentorgraph.advise.ranking import Person, recommend

    person = Person(facets={"career-stage": ["fellows"], "population": ["women"]}, want=["personal"], avoid=["time"])
    a, b = recommend(mg, person, root).as_dict(), recommend(mg_rdflib, person, root).as_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_matrix_marks_strengths_and_weaknesses(request):
    """The find page's types x themes table: Programs within professional organizations (type 2) has four
    strengths in Visibility and reputation (data/themes.yaml), and the wanted theme is marked."""
    from mentorgraph.pipeline.themes import load_themes
    from test_advise_personas import find_page
    from web_html import Html

    label = next(
        t.label for t in load_themes(request.getfixturevalue("root")).themes if t.id == "visibility-and-reputation"
    )
    html = Html(find_page(request, {"want": ["visibility-and-reputation"]}).body)
    table = html.one("table", class_="matrix")
    rows = [r for r in html.within(table, "tr") if r["attrs"].get("class") in ("wanted", "avoided")]
    assert [(r["attrs"]["class"], " ".join(html.within(r, "th")[0]["text"].split())) for r in rows] == [
        ("wanted", f"{label} (you want it)")
    ]
    cells = html.within(rows[0], "td")
    assert cells[1]["attrs"]["title"] == (
        "+ Meet leaders in the field; + Gain a national reputation; + National representation; "
        "+ Well positioned at national meeting"
    )
    assert " ".join(cells[1]["text"].split()) == "+4"
    assert not html.within(table, "script") and not [e for e in html.within(table) if "href" in e["attrs"]]


def test_find_page_reports_bad_values_as_400_escaped(request):
    from test_advise_personas import find_page

    out = find_page(request, {"want": ["<script>alert(1)</script>"]})
    assert out.status == 400 and "<script>alert" not in out.body and "&lt;script&gt;" in out.body
    out = find_page(request, {"mode": ["by pigeon"]})
    assert out.status == 400 and "by pigeon" in out.body


def test_find_page_without_parameters_shows_form_and_matrix(request):
    from test_advise_personas import find_page

    out = find_page(request, {})
    assert out.status == 200
    assert '<form method="get" action="/find" class="find-form"' in out.body
    assert 'name="want"' in out.body and 'name="avoid"' in out.body and 'class="matrix"' in out.body


@pytest.mark.parametrize(
    "value",
    [
        "early-career-faculty",
        "Early-career faculty",
        "early career faculty",
        "EARLY-CAREER",
        "early-career",
        "junior faculty",
        "Early Career",
        "mg:early-career-faculty",
        "https://w3id.org/mentorgraph/id/early-career-faculty",
    ],
)
def test_populations_accept_id_label_alt_label_and_curie(mg, root, value):
    """data/populations.yaml: early-career-faculty, labelled Early-career faculty, also called Junior faculty."""
    from mentorgraph.advise.ranking import Person, recommend

    rec = recommend(mg, Person(facets={"career-stage": [value]}), root)
    assert rec.person == ["career stage: Early-career faculty"]


@pytest.mark.parametrize("value", ["in person", "In-Person", "in-person", "mg:in-person", "IN PERSON"])
def test_delivery_modes_accept_obvious_spellings(mg, root, value):
    """data/vocabularies.yaml: the delivery mode in-person, labelled In-person in Table 1's heading."""
    from mentorgraph.advise.ranking import Person, recommend

    rec = recommend(mg, Person(facets={"mode": [value]}), root)
    assert rec.person == ["delivery mode: In-person"]


@pytest.mark.parametrize(
    "facets,message",
    [
        ({"career-stage": ["women"]}, "names Women, which is a population, not a career stage"),
        ({"specialty": ["fellows"]}, "names Fellows, which is a career stage, not a specialty"),
        ({"population": ["people in academic medicine"]}, "broader than every population"),
        ({"mode": ["by pigeon"]}, "unknown delivery mode 'by pigeon'"),
        ({"age": ["40"]}, "unknown facet 'age'"),
    ],
)
def test_values_of_the_wrong_facet_say_what_they_name(mg, root, facets, message):
    from mentorgraph.advise.ranking import Person, recommend
    from mentorgraph.advise.words import AdviceError

    with pytest.raises(AdviceError) as exc:
        recommend(mg, Person(facets=facets), root)
    assert message in str(exc.value) and "--" not in str(exc.value), "plain words, no command-line options"
