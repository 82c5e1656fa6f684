"""Reason stage: OWL RL closure (owlrl) over the ontology, the article and the curation graphs.

Only meaningful inferences are kept: statements about mentorgraph's own entities (property chains,
inverses, sub-properties, class membership). owlrl's axiomatic noise (every resource owl:sameAs
itself, rdfs:Resource / owl:Thing typing, statements about the vocabulary itself) is dropped.
owlrl reports an inconsistency by adding error triples to the graph rather than raising; this
stage turns those into an exception so the build fails.

Two things keep the closure cheap without changing what it finds (tests/test_reasoning.py compares
both against owlrl on the whole input):

- owlrl works on an rdflib graph backed by the "SimpleMemory" store: the same triples and the same
  rule runs, without the per-triple context bookkeeping of rdflib's default store (half the time).
- triples whose property is *inert* are left out of the closure: a property no triple mentions
  except as a predicate or in a plain declaration (`p a owl:ObjectProperty`). No OWL RL rule of
  the profile (prp-*, cls-*, cax-*, scm-*) matches such a triple, and the ones that match every
  triple (eq-ref, eq-rep-*) only add owl:sameAs noise, or copy it onto an equal resource. So the
  closure of the rest is the same unless owlrl finds two distinct resources equal: then the whole
  input is reasoned over again. Typed literals stay in (owlrl checks their lexical forms).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .. import iris

# Declarations that give a property no semantics of its own under OWL RL (scm-op / scm-dp only make it
# its own sub- and equivalent property).
_DECLARATIONS = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
_VOCABULARY = (str(RDF), str(RDFS), str(OWL))
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
    """What OWL RL added (meaningful triples only) and the size of the closure owlrl computed."""

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


def inert_properties(triples: Iterable[tuple]) -> set:
    """The properties of `triples` no OWL RL rule can use: see the module docstring."""
    triples = list(triples)
    mentioned = set()
    for s, p, o in triples:
        if p == RDF.type and o in _DECLARATIONS:
            continue
        mentioned.update((s, o))
    if any(d in mentioned for d in _DECLARATIONS):
        # An axiom about a declaration class itself (say, a subclass of it): declarations mean more.
        return set()
    return {p for _, p, _ in triples if p not in mentioned and not str(p).startswith(_VOCABULARY)}


def _closure(triples: Iterable[tuple]) -> Graph:
    """The OWL RL closure of `triples` (owlrl), on a graph without per-triple context bookkeeping."""
    import owlrl  # here: a build imports it while its second process starts validating

    g = Graph(store="SimpleMemory")
    for t in triples:
        g.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    return g


def _equates(closure: Graph) -> bool:
    """Whether the closure holds an owl:sameAs between two distinct resources."""
    return any(s != o for s, o in closure.subject_objects(OWL.sameAs))


def closure_input(*graphs: Graph) -> set:
    """The triples of `graphs` the closure can use (annotations left out): all that reasoning reads."""
    return {t for g in graphs for t in g if t[1] not in _ANNOTATIONS}


def reason(*graphs: Graph, reduce: bool = True) -> Reasoned:
    """Return the meaningful triples the OWL RL closure adds to the union of `graphs`.

    `reduce=False` reasons over every triple (annotations aside), without leaving inert ones out.
    """
    before = closure_input(*graphs)
    inert = inert_properties(before) if reduce else set()
    kept = [t for t in before if t[1] not in inert or (isinstance(t[2], Literal) and t[2].datatype is not None)]
    union = _closure(kept)
    if len(kept) < len(before) and _equates(union):
        union = _closure(before)
    from owlrl.Namespaces import ERRNS

    errors = sorted(str(m) for m in union.objects(None, ERRNS.error))
    if errors:
        raise InconsistencyError(errors)
    inferred = Graph()
    for t in union:
        if t not in before and meaningful(*t):
            inferred.add(t)
    return Reasoned(inferred, len(union))
