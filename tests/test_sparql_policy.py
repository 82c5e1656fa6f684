"""mentorgraph.sparql.check: what a CheckedQuery carries, which SERVICE and FROM clauses pass, that
refusals depend on the actual terms even when a cached plan is used, and binding parameters
without parsing."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from mentorgraph.query.catalogue import bind as catalogue_bind
from mentorgraph.query.catalogue import parse_header, sparql_iri, sparql_string
from mentorgraph.iris import GRAPH, MG, PREFIXES
from mentorgraph.sparql import IRI, CheckedQuery, Dataset, Literal, Refused, check, clear_caches, parse
from mentorgraph.sparql import policy

ROOT = Path(__file__).resolve().parents[1]
ARTICLE, CURATION = GRAPH + "article", GRAPH + "curation"
OWN = frozenset({ARTICLE, CURATION})


def checked(text: str, **kw) -> CheckedQuery:
    return check(text, prefixes=PREFIXES, allowed_graphs=kw.pop("allowed_graphs", OWN), **kw)


def test_what_a_checked_query_carries():
    q = checked("SELECT ?s (COUNT(*) AS ?n) FROM mgg:article FROM NAMED mgg:curation { ?s ?p ?o } GROUP BY ?s LIMIT 5")
    assert q.form == "SELECT"
    assert q.variables == ("s", "n")
    assert q.dataset == Dataset(default=(ARTICLE,), named=(CURATION,))
    assert (q.has_limit, q.limit) == (True, 5)
    assert q.text.startswith("SELECT ?s ( COUNT( * ) AS ?n ) FROM <https://w3id.org/mentorgraph/graph/article> ")


def test_select_star_lists_the_in_scope_variables_in_order():
    q = checked(
        "SELECT * { ?a ?b ?c OPTIONAL { ?c ?d ?e } BIND (1 AS ?f) MINUS { ?g ?h ?i } FILTER EXISTS { ?j ?k ?l } }"
    )
    assert q.variables == ("a", "b", "c", "d", "e", "f")  # not MINUS's or EXISTS's (section 18.2.1)


@pytest.mark.parametrize(
    "text, form",
    [("ASK { }", "ASK"), ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"), ("DESCRIBE mg:x", "DESCRIBE")],
)
def test_other_forms_have_no_variables_and_no_dataset(text, form):
    q = checked(text)
    assert (q.form, q.variables, q.dataset, q.has_limit, q.limit) == (form, (), None, False, None)


def test_service_is_refused_unless_its_constant_iri_is_allowed():
    text = "SELECT * { ?s ?p ?o OPTIONAL { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } } }"
    with pytest.raises(Refused) as err:
        checked(text)
    assert (err.value.kind, err.value.line, err.value.column) == ("service", 1, 32)
    assert "<http://127.0.0.1:9/sparql>" in str(err.value)
    ok = checked(text, allowed_services=frozenset({"http://127.0.0.1:9/sparql"}))
    assert "SERVICE <http://127.0.0.1:9/sparql>" in ok.text
    with pytest.raises(Refused, match="a variable endpoint"):
        checked("SELECT * { SERVICE ?e { } }", allowed_services=frozenset({"http://127.0.0.1:9/sparql"}))


def test_from_is_refused_outside_the_allowed_graphs():
    with pytest.raises(Refused) as err:
        checked("SELECT * FROM mgg:article FROM NAMED mgg:inferred { }")
    assert (err.value.kind, err.value.column) == ("dataset", 38)
    assert "FROM NAMED <https://w3id.org/mentorgraph/graph/inferred>" in str(err.value)
    with pytest.raises(Refused):
        checked("ASK FROM mgg:article { }", allowed_graphs=frozenset())


def test_the_policy_uses_the_actual_terms_of_each_text_not_the_cached_plan():
    # Two texts of one shape: the plan made from the first must not carry its verdict to the second.
    allowed = frozenset({"http://127.0.0.1:9/ok"})
    clear_caches()
    checked("SELECT * { SERVICE <http://127.0.0.1:9/ok> { } }", allowed_services=allowed)
    with pytest.raises(Refused, match="http://127.0.0.1:9/evil"):
        checked("SELECT * { SERVICE <http://127.0.0.1:9/evil> { } }", allowed_services=allowed)
    checked("PREFIX x: <http://127.0.0.1:9/> SELECT * { SERVICE x:ok { } }", allowed_services=allowed)
    with pytest.raises(Refused, match="http://127.0.0.1:9/evil"):
        checked("PREFIX x: <http://127.0.0.1:9/> SELECT * { SERVICE x:evil { } }", allowed_services=allowed)
    checked("SELECT * FROM mgg:article { }")
    with pytest.raises(Refused, match="graph/ontology"):
        checked("SELECT * FROM mgg:ontology { }")
    assert policy._PLANS  # the plans were cached, and used


def test_the_same_text_is_judged_again_under_other_allowances():
    text = "SELECT * { SERVICE <http://127.0.0.1:9/ok> { } }"
    checked(text, allowed_services=frozenset({"http://127.0.0.1:9/ok"}))
    with pytest.raises(Refused):
        checked(text)


def test_predeclared_prefixes_change_the_answer():
    text = "SELECT * FROM g:article { }"
    assert check(text, prefixes={"g": GRAPH}, allowed_graphs=OWN).dataset.default == (ARTICLE,)
    with pytest.raises(Refused):
        check(text, prefixes={"g": "http://127.0.0.1:9/"}, allowed_graphs=OWN)


def test_long_texts_are_checked_but_not_cached():
    clear_caches()
    long = "SELECT * { " + "?s ?p ?o . " * 1000 + "}"
    assert len(long) > policy.CACHED_TEXT_CHARS
    checked(long)
    assert policy._cached_instance.cache_info().currsize == 0 and not policy._PLANS


# --- binding ---------------------------------------------------------------------------------


def test_bind_replaces_every_undef_row_of_a_parameter():
    q = checked(
        "SELECT * { { VALUES ?item { UNDEF } ?item ?p ?o } UNION { VALUES ?item { UNDEF } ?o ?p ?item } "
        "VALUES ?x { UNDEF 1 } }"
    )
    assert q.params == ("item",)  # ?x's VALUES has two rows: not a parameter
    bound = q.bind({"item": IRI(MG + "social-media")})
    assert bound.text.count("VALUES ?item { <https://w3id.org/mentorgraph/id/social-media> }") == 2
    assert bound.params == ()
    assert "UNDEF" in bound.text  # ?x's row is untouched
    assert parse(bound.text) == bound.tree


def test_bind_escapes_literals_and_validates_iris():
    q = checked("SELECT * { VALUES ?text { UNDEF } }")
    bound = q.bind({"text": Literal('he said "hi"\n} SERVICE <http://127.0.0.1:9/> {')})
    assert bound.tree.where.items[0].rows == ((Literal('he said "hi"\n} SERVICE <http://127.0.0.1:9/> {'),),)
    assert bound.tree.where.items[0].rows[0][0].value.startswith("he said")
    assert len(bound.tree.where.items) == 1  # the text stayed a literal
    assert q.bind({"text": Literal("x", "en-GB")}).text.endswith('VALUES ?text { "x"@en-GB } }')
    for bad in [IRI("relative"), IRI("http://x/> } SERVICE <http://y/"), IRI("http://x/\n")]:
        with pytest.raises(ValueError, match="not an absolute IRI"):
            q.bind({"text": bad})
    with pytest.raises(ValueError, match="language tag"):
        q.bind({"text": Literal("x", "en GB")})
    with pytest.raises(ValueError, match="not both"):
        q.bind({"text": Literal("x", "en", "http://www.w3.org/2001/XMLSchema#string")})
    with pytest.raises(KeyError, match="no VALUES \\?other"):
        q.bind({"other": Literal("x")})


def test_a_bound_canned_query_answers_as_the_catalogue_bound_text(built):
    # The catalogue binds by replacing text; CheckedQuery.bind replaces the fragment of the checked
    # query. Both must give pyoxigraph the same question.
    store = ox.Store()
    store.bulk_load(path=str(built / "mentorgraph.nq"), format=ox.RdfFormat.N_QUADS)
    for name, terms in [
        ("type-profile", {"type": IRI(MG + "social-media")}),
        ("provenance", {"item": IRI(MG + "grant-based")}),
        ("search", {"text": Literal("women")}),
    ]:
        canned = parse_header(ROOT / "queries" / f"{name}.rq")
        texts = {k: (sparql_iri(v.value) if isinstance(v, IRI) else sparql_string(v.value)) for k, v in terms.items()}
        expected = [
            tuple(map(str, row)) for row in store.query(catalogue_bind(canned, texts), use_default_graph_as_union=True)
        ]
        got = checked(canned.body).bind(terms)
        rows = [tuple(map(str, row)) for row in store.query(got.text, use_default_graph_as_union=True)]
        assert rows == expected and rows, name
