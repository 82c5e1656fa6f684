"""Check a contribution where it can break: SHACL and OWL RL on its neighbourhood, not the whole graph.

Validating a contribution used to re-run OWL RL and SHACL over the whole graph plus the
contribution (issue 12: 500 rows 11.5 s, 2,000 rows 128 s). The graph without the contribution was
validated when it was built, and a contribution can only add triples about its own entities (the
resolver refuses anything about an existing one), so a new problem must involve the contributed
entities. What is checked instead:

- SHACL (pyshacl, the validator of record, with the project's shapes unchanged) on the
  neighbourhood: the ontology; every asserted triple about a contributed entity; the evidence
  statements (reified rdf:Statement) about those triples; and the classes and names of every entity
  they point at (what sh:class and the evidence checks' SPARQL look up). A result is kept when its
  focus node or its value is a contributed entity or one of its statements; results about the
  neighbours themselves (whose descriptions are partial here) are dropped. tests/test_contrib_scope.py
  shows on a corpus of bad contributions that this finds every violation whole-graph validation
  finds, and no other.
- OWL RL (owlrl, the reasoner of record) on the asserted graph without the contribution plus one
  probe node per distinct class and per distinct (property, target) pair the contribution uses, then
  once more on the classes each contributed entity collects from its probes. Every rule of OWL RL
  that can make this ontology inconsistent concerns one node's classes (disjoint classes), and a
  node's classes follow from its own class and from each of its (property, target) pairs
  separately (domains, ranges, inverses, sub-properties, property chains through the target), so
  the probes decide consistency as the whole-graph closure would, at the cost of the base graph
  plus a few hundred probes instead of thousands of entities.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .. import iris
from ..pipeline.load import Sources
from ..pipeline.validate import Report

# What a neighbour contributes to the neighbourhood: its classes and its names.
_NEIGHBOUR_PREDICATES = (RDF.type, RDFS.label, SKOS.prefLabel)
_ASSERTED = ("article", "curation")


@dataclass
class Neighbourhood:
    """The graph SHACL validates for a contribution, and the nodes whose results count."""

    graph: Graph
    kept: set  # contributed entities and their evidence statements


def _is_entity(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(iris.MG)


def neighbourhood(sources: Sources, contributed: Iterable[URIRef]) -> Neighbourhood:
    """The ontology, the contributed entities, their evidence and their neighbours' classes and names."""
    from ..pipeline.export import bind_prefixes

    entities = set(contributed)
    g = Graph()
    bind_prefixes(g)
    # The class hierarchy is what sh:class and the targets need of the ontology.
    for t in sources.graph("ontology").triples((None, RDFS.subClassOf, None)):
        g.add(t)
    asserted = [sources.graph(name) for name in _ASSERTED]
    evidence = sources.graph("evidence")
    neighbours: set = set()
    statements: set = set()
    for e in entities:
        for graph in asserted:
            for _, p, o in graph.triples((e, None, None)):
                g.add((e, p, o))
                if _is_entity(o) and o not in entities:
                    neighbours.add(o)
        for st in evidence.subjects(RDF.subject, e):
            statements.add(st)
    for st in statements:
        for _, p, o in evidence.triples((st, None, None)):
            g.add((st, p, o))
            if _is_entity(o) and o not in entities:
                neighbours.add(o)
    for n in neighbours:
        for graph in (*asserted, evidence):
            for p in _NEIGHBOUR_PREDICATES:
                for o in graph.objects(n, p):
                    g.add((n, p, o))
    return Neighbourhood(g, entities | statements)


def validate_contribution(sources: Sources, contributed: Iterable[URIRef], shapes: Graph) -> Report:
    """SHACL on the contribution's neighbourhood; only results about the contribution are reported."""
    from ..pipeline.validate import validate

    hood = neighbourhood(sources, contributed)
    return validate(hood.graph, shapes, sources.origins, keep=lambda f, v: f in hood.kept or v in hood.kept)
