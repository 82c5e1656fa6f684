"""Reason stage: OWL RL closure (owlrl) over the ontology, the article and the curation graphs.

Only meaningful inferences are kept: statements about mentorgraph's own entities (property chains,
inverses, sub-properties, class membership). owlrl's axiomatic noise (every resource owl:sameAs
itself, rdfs:Resource / owl:Thing typing, statements about the vocabulary itself) is dropped.
owlrl reports an inconsistency by adding error triples to the graph rather than raising; this
stage turns those into an exception so the build fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .. import iris

# Types that say nothing about an entity (every resource has them under OWL RL).
_NOISE_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}
_NOISE_PREDICATES = {OWL.sameAs, OWL.differentFrom}
# Annotations no axiom of the ontology reasons with; leaving them out of the closure halves its cost.
_ANNOTATIONS = {
    RDFS.label,
    RDFS.comment,
    RDFS.isDefinedBy,
    RDFS.seeAlso,
    SKOS.prefLabel,
    SKOS.definition,
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.bibliographicCitation,
    DCTERMS.license,
    DCTERMS.creator,
    OWL.versionInfo,
}


class InconsistencyError(Exception):
    """The ontology plus data is inconsistent under OWL RL."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("OWL RL found the graph inconsistent:\n" + "\n".join(f"  - {m}" for m in messages))


@dataclass
class Reasoned:
    """What OWL RL added (meaningful triples only) and the size of the closure."""

    inferred: Graph
    closure_size: int


def meaningful(s, p, o) -> bool:
    """Keep an inferred triple only if it tells a user something about a mentorgraph entity."""
    if not isinstance(s, URIRef) or not str(s).startswith(iris.MG):
        return False
    if p in _NOISE_PREDICATES:
        return False
    if p == RDF.type and o in _NOISE_TYPES:
        return False
    return not isinstance(o, Literal) or p != RDF.type


def reason(*graphs: Graph) -> Reasoned:
    """Return the meaningful triples the OWL RL closure adds to the union of `graphs`."""
    union = Graph()
    for g in graphs:
        for t in g:
            if t[1] not in _ANNOTATIONS:
                union.add(t)
    before = set(union)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(union)
    errors = sorted(str(m) for m in union.objects(None, ERRNS.error))
    if errors:
        raise InconsistencyError(errors)
    inferred = Graph()
    for t in union:
        if t not in before and meaningful(*t):
            inferred.add(t)
    return Reasoned(inferred, len(union))
