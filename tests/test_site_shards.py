"""The site's graph in shards (mentorgraph.site.shards): what a query can read, decided on its parse
tree, and the shards themselves. Expected needs follow from SPARQL 1.1's semantics (§18.4: a triple
pattern matches triples of its own predicate; §9.3 and §18.5: a zero-length path matches every node
of the graph; §13.3: GRAPH ?g enumerates the named graphs), not from the program's output; the last
test checks the rule on every canned question against the whole store.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mentorgraph import iris
from mentorgraph.site.shards import TYPE, covers, needs, shard_key, split

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
MGO = iris.MGO


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * { ?s rdfs:label ?l }", [RDFS + "label"]),
        ("SELECT * { ?s a mgo:Initiative }", [f"{TYPE} {MGO}Initiative"]),
        ("SELECT * { ?s a ?class }", [TYPE]),
        ("SELECT * { ?s rdfs:label/skos:altLabel ?o }", [RDFS + "label", SKOS + "altLabel"]),
        ("SELECT * { ?s ^mgo:sponsor ?o }", [MGO + "sponsor"]),
        ("ASK { FILTER NOT EXISTS { ?s mgo:sponsor ?o } }", [MGO + "sponsor"]),
        # zero length with an end bound by another triple: that triple's quads make it a node
        (
            "SELECT * { ?c a mgo:InitiativeType . ?c rdfs:subClassOf* mgo:Organization }",
            [RDFS + "subClassOf", f"{TYPE} {MGO}InitiativeType"],
        ),
        (
            "SELECT * { ?i mgo:sponsor ?v . ?v mgo:parentOrganization* ?s }",
            [MGO + "parentOrganization", MGO + "sponsor"],
        ),
        ("SELECT * { ?s mgo:parentOrganization+ ?o }", [MGO + "parentOrganization"]),
        ("SELECT * { ?s mgo:hasExample ( ?a ) }", [MGO + "hasExample", RDF + "first", RDF + "rest"]),
        ("SELECT * { GRAPH ?g { ?s rdfs:label ?l } }", [RDFS + "label"]),
    ],
)
def test_needs_are_the_predicates_a_query_can_match(query, expected):
    assert needs(query) == sorted(expected)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p ?o }",  # a variable predicate
        "SELECT * { ?s !rdfs:label ?o }",  # a negated property set
        "DESCRIBE mg:swims",
        "SELECT * { ?a mgo:broaderPopulation* ?b }",  # zero length: every node with itself
        "SELECT * { ?a mgo:broaderPopulation? ?b }",
        "SELECT * { GRAPH ?g { } }",  # the graph names
        "SELECT * { GRAPH ?g { FILTER (true) } }",
        "SELECT * { GRAPH ?g { {} UNION { ?s rdfs:label ?o } } }",
        "SELECT * { GRAPH ?g { ?c rdfs:subClassOf* mgo:Organization } }",  # in every graph there is
        "SELECT * { ?s rdfs:label ?o . { SELECT ?x { ?x ?p ?y } } }",
        # a constant end: matched with itself only where it is a node (test below), whatever shard says so
        "SELECT * { ?c rdfs:subClassOf* mgo:Organization }",
    ],
)
def test_a_query_that_can_read_anything_needs_every_shard(query):
    assert needs(query) is None


def test_a_constant_end_of_a_zero_length_path_matches_only_where_it_is_a_node():
    """Why a constant end reads everything: Oxigraph (the engine of the site and of the build) answers
    `?x p* c` with x = c only in a store where some quad mentions c, here a label, which a shard of
    rdfs:label alone would hold."""
    a, q = ox.NamedNode(MGO + "a"), f"SELECT ?x {{ ?x <{MGO}partOf>* <{MGO}a> }}"
    labelled, other = ox.Store(), ox.Store()
    labelled.add(ox.Quad(a, ox.NamedNode(RDFS + "label"), ox.Literal("a")))
    other.add(ox.Quad(ox.NamedNode(MGO + "b"), ox.NamedNode(RDFS + "label"), ox.Literal("b")))
    assert [s["x"] for s in labelled.query(q)] == [a]
    assert list(other.query(q)) == []


@pytest.fixture(scope="module")
def quads(built) -> list[ox.Quad]:
    return list(ox.parse(path=str(built / "mentorgraph.nq"), format=ox.RdfFormat.N_QUADS))


def test_covers_matches_a_predicate_or_one_of_its_classes():
    assert covers([f"{TYPE} {MGO}Initiative"], [TYPE])
    assert covers([f"{TYPE} {MGO}Initiative"], [f"{TYPE} {MGO}Initiative"])
    assert not covers([f"{TYPE} {MGO}InitiativeType"], [f"{TYPE} {MGO}Initiative"])
    assert not covers([RDFS + "labelled"], [RDFS + "label"])
    assert covers([RDFS + "comment"], None)


def test_every_quad_is_in_one_shard_and_blank_nodes_travel_together(quads):
    parts = split(quads, min_quads=1)
    held = [q for _, group in parts for q in group]
    assert sorted(held, key=str) == sorted(set(quads), key=str)
    blank = [keys for keys, group in parts if any(isinstance(q.subject, ox.BlankNode) for q in group)]
    assert len(blank) == 1, "every quad with a blank node in one shard"
    for keys, group in parts:
        assert {shard_key(q) for q in group} <= set(keys)
    assert split(list(reversed(quads)), min_quads=1) == parts  # the same shards whatever the input order


def test_each_canned_question_answers_from_its_shards_as_from_the_whole_store(mg):
    """Every canned question, for its example values, in a store holding only the shards it needs
    (the finest split) gives the answer of the whole store, row for row as a multiset."""
    from test_site_browser import CONCAT

    whole = mg.engine.store
    parts = split(whole.quads_for_pattern(None, None, None, None), min_quads=1)
    partial = 0
    for name, q in mg.catalogue.items():
        wanted = needs(q.body)
        store = ox.Store()
        for keys, group in parts:
            if covers(keys, wanted):
                store.extend(group)
        partial += len(store) < len(whole)
        text = iris.sparql_prologue() + _bound(mg, q)
        concat = {var for _, var in CONCAT.findall(q.body)}
        assert _rows(store, text, concat) == _rows(whole, text, concat), name
    assert partial >= 20, "most questions read part of the graph"


def _bound(mg, q) -> str:
    """The question's body with its example values, as the site's question pages bind them."""
    body = q.body
    for p in q.params:
        if p.kind == "text":
            term = '"' + p.example.replace("\\", "\\\\").replace('"', '\\"') + '"'
        else:
            (term,) = {f"<{c.iri}>" for c in mg.candidates(p.kind) if p.example in (c.label, *c.names)}
        body = body.replace(f"VALUES ?{p.name} {{ UNDEF }}", f"VALUES ?{p.name} {{ {term} }}")
    return body


def _rows(store: ox.Store, text: str, concat: set[str]):
    answer = store.query(text, use_default_graph_as_union=True)
    if isinstance(answer, bool):
        return answer
    names = [v.value for v in answer.variables]
    rows = []
    for solution in answer:
        row = []
        for name in names:
            term = solution[name]
            value = None if term is None else str(term)
            # GROUP_CONCAT's order is not specified (SPARQL 1.1 §18.5.1.7): its text is compared sorted.
            row.append("".join(sorted(value)) if value is not None and name in concat else value)
        rows.append(tuple(row))
    return sorted(rows, key=repr)
