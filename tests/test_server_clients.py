"""Real SPARQL clients against `mentorgraph serve`: SPARQLWrapper and rdflib's SPARQLStore run every
canned question (with its documented example parameters) and get the answers the API / CLI give.
"""

from __future__ import annotations

import pytest

from mentorgraph.query.catalogue import bind, sparql_iri, sparql_string
from w3c.serverproc import ServerProcess

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@pytest.fixture(scope="module")
def server(built, root, tmp_path_factory):
    proc = ServerProcess(built, root, tmp_path_factory.mktemp("serve"), "--timeout", "10", "--workers", "2")
    yield proc
    assert proc.stop() == 0


def canned_cases(mg) -> list[tuple[str, str, dict]]:
    """(name, bound query text, example parameters) for every canned question of the catalogue."""
    cases = []
    for q in mg.catalogue.values():
        params = {p.name: p.example for p in q.params}
        terms = {
            p.name: sparql_string(p.example) if p.kind == "text" else sparql_iri(mg.resolve(p.example, p.kind))
            for p in q.params
        }
        cases.append((q.name, bind(q, terms), params))
    return cases


def api_rows(mg, name: str, params: dict) -> list[tuple]:
    res = mg.query(name, **params)
    return sorted(
        tuple((t.kind, t.value) if t is not None else None for t in (row.get(v) for v in res.variables))
        for row in res.rows
    )


def test_sparqlwrapper_gets_the_api_answers(server, mg):
    from SPARQLWrapper import JSON, SPARQLWrapper

    cases = canned_cases(mg)
    assert len(cases) >= 2  # the catalogue is read, not a fixed list
    for name, text, params in cases:
        client = SPARQLWrapper(f"{server.url}/sparql")
        client.setQuery(text)
        client.setReturnFormat(JSON)
        data = client.query().convert()
        variables = data["head"]["vars"]
        got = sorted(
            tuple(
                (b[v]["type"].replace("typed-literal", "literal"), b[v]["value"]) if v in b else None for v in variables
            )
            for b in data["results"]["bindings"]
        )
        assert got == api_rows(mg, name, params), name


def test_rdflib_sparqlstore_gets_the_api_answers(server, mg):
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    def plain(t):
        if t is None:
            return None
        kind = "uri" if isinstance(t, URIRef) else "bnode" if isinstance(t, BNode) else "literal"
        assert isinstance(t, URIRef | BNode | Literal)
        return kind, str(t)

    # context_aware=False: the store then sends no default-graph-uri, and the endpoint's default graph
    # (the union of the named graphs) answers, as for the API.
    graph = Graph(store=SPARQLStore(f"{server.url}/sparql", context_aware=False, returnFormat="xml"))
    for name, text, params in canned_cases(mg):
        res = graph.query(text)
        got = sorted(tuple(plain(row[i]) for i in range(len(res.vars))) for row in res)
        assert got == api_rows(mg, name, params), name


def test_sparqlwrapper_construct_as_turtle(server, table1):
    from rdflib import Graph
    from rdflib.namespace import RDFS
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(
        "CONSTRUCT { ?t <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { "
        "?t a <https://w3id.org/mentorgraph/ontology#MentoringModelType> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    client.setReturnFormat(TURTLE)
    g = Graph().parse(data=client.query().convert(), format="turtle")
    assert sorted(str(o) for o in g.objects(None, RDFS.label)) == sorted(r["type"] for r in table1)
