"""OWL 2 profile checks for the ontology: the OWL 2 DL global restrictions and the OWL 2 RL syntax.

owlrl computes the OWL 2 RL closure, which is complete only for ontologies inside the OWL 2 RL
profile; HermiT (tests/test_owl_dl.py) needs an OWL 2 DL ontology. This module checks the syntactic
conditions of both on the RDF graph of the ontology, citing the specification section each rule comes
from:

- DL, OWL 2 Structural Specification §5.8.1 (typing): every class and property an axiom uses is
  declared, and no IRI is declared as two kinds of property.
- DL, §11.1 (simple properties): properties that are transitive, defined by a chain, or above either
  (non-simple) are not used in cardinality restrictions, self restrictions, or functional,
  inverse-functional, irreflexive, asymmetric and disjointness axioms.
- DL, §11.2 (regularity): some strict order on properties makes every property chain regular.
- RL, OWL 2 Profiles §4.2: which class expressions may stand on the subclass side, the superclass
  side and in equivalences, which axioms exist (no disjoint unions, no reflexive properties) and
  which datatypes (§4.2, Table 9; owl:real and owl:rational are not RL).

The RL syntax is checked in profile_rl.py; `hermit.hermit()` runs the real DL reasoner (HermiT, bundled with
owlready2, on the machine's Java).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .. import iris

DL_TYPING = "OWL 2 Structural Specification §5.8.1"
DL_SIMPLE = "OWL 2 Structural Specification §11.1"
DL_REGULAR = "OWL 2 Structural Specification §11.2"
RL_SYNTAX = "OWL 2 Profiles §4.2"

# Annotation properties every OWL 2 ontology may use undeclared (Structural Specification §5.5).
BUILTIN_ANNOTATIONS = {
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
    OWL.versionInfo,
    OWL.deprecated,
    OWL.priorVersion,
    OWL.backwardCompatibleWith,
    OWL.incompatibleWith,
}
# Predicates that belong to the RDF mapping of OWL axioms, not to annotations (Mapping to RDF §2).
STRUCTURAL = {
    RDF.type,
    RDF.first,
    RDF.rest,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.disjointWith,
    OWL.inverseOf,
    OWL.propertyChainAxiom,
    OWL.members,
    OWL.onProperty,
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.hasValue,
    OWL.hasSelf,
    OWL.cardinality,
    OWL.minCardinality,
    OWL.maxCardinality,
    OWL.qualifiedCardinality,
    OWL.minQualifiedCardinality,
    OWL.maxQualifiedCardinality,
    OWL.onClass,
    OWL.onDataRange,
    OWL.intersectionOf,
    OWL.unionOf,
    OWL.complementOf,
    OWL.oneOf,
    OWL.disjointUnionOf,
    OWL.propertyDisjointWith,
    OWL.hasKey,
    OWL.imports,
    OWL.versionIRI,
    OWL.sameAs,
    OWL.differentFrom,
    OWL.distinctMembers,
    OWL.onDatatype,
    OWL.withRestrictions,
}
CARDINALITIES = (
    OWL.cardinality,
    OWL.minCardinality,
    OWL.maxCardinality,
    OWL.qualifiedCardinality,
    OWL.minQualifiedCardinality,
    OWL.maxQualifiedCardinality,
)
KINDS = {
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "data property",
    OWL.AnnotationProperty: "annotation property",
}


@dataclass(frozen=True, order=True)
class Violation:
    """One place where the ontology leaves a profile."""

    profile: str  # "OWL 2 DL" or "OWL 2 RL"
    term: str  # the CURIE of the term or the axiom's subject
    message: str
    spec: str

    def __str__(self) -> str:
        return f"{self.profile}: {self.term}: {self.message} ({self.spec})"


def curie(term) -> str:
    """A term as a CURIE where a project prefix fits, else <iri> (or the literal)."""
    if isinstance(term, BNode):
        return "_:" + str(term)
    text = str(term)
    for prefix, ns in sorted(iris.PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns) :]}"
    for prefix, ns in (("owl", str(OWL)), ("rdfs", str(RDFS)), ("rdf", str(RDF)), ("xsd", str(XSD))):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return f"<{text}>"


def _article(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _list(g: Graph, node) -> list:
    return list(Collection(g, node)) if node is not None else []


class _Ontology:
    """The parts of an ontology graph the checks need: declarations, property hierarchy, chains."""

    def __init__(self, g: Graph):
        self.g = g
        self.classes = set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDF.type, RDFS.Class))
        self.kinds: dict = {}
        for kind in KINDS:
            for p in g.subjects(RDF.type, kind):
                self.kinds.setdefault(p, set()).add(kind)
        self.datatypes = set(g.subjects(RDF.type, RDFS.Datatype))
        self.object_properties = {p for p, k in self.kinds.items() if OWL.ObjectProperty in k}
        self.chains = [(p, _list(g, lst)) for p, lst in g.subject_objects(OWL.propertyChainAxiom)]
        self.inverse = {}
        for a, b in g.subject_objects(OWL.inverseOf):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                self.inverse[a], self.inverse[b] = b, a
        # The hierarchy relation -> over named properties, ignoring direction (§11.2: an axiom
        # InverseObjectProperties(P Q) makes P and INV(Q) equivalent, so P and Q are one node).
        self.up: dict = {}
        for a, b in g.subject_objects(RDFS.subPropertyOf):
            self.up.setdefault(a, set()).add(b)
        for a, b in g.subject_objects(OWL.equivalentProperty):
            self.up.setdefault(a, set()).add(b)
            self.up.setdefault(b, set()).add(a)

    def node(self, p):
        """One representative for a property and its declared inverse."""
        q = self.inverse.get(p)
        return min(p, q) if q is not None else p

    def supers(self, p) -> set:
        """Every property p ->* reaches (reflexive), over representatives."""
        seen, todo = set(), [self.node(p)]
        while todo:
            x = todo.pop()
            if x in seen:
                continue
            seen.add(x)
            for member in {x, self.inverse.get(x)} - {None}:
                todo.extend(self.node(y) for y in self.up.get(member, ()))
        return seen

    def non_simple(self) -> set:
        """Transitive and chain-defined properties, their super-properties and inverses (§11.1)."""
        roots = set(self.g.subjects(RDF.type, OWL.TransitiveProperty)) | {p for p, _ in self.chains}
        out = set()
        for r in roots:
            out |= self.supers(r)
        return out


def _class_uses(g: Graph) -> Iterator[tuple]:
    """(node, role) for every class expression in an axiom; role is 'sub', 'super' or 'equiv'."""
    for s, o in g.subject_objects(RDFS.subClassOf):
        yield s, "sub"
        yield o, "super"
    for s, o in g.subject_objects(OWL.equivalentClass):
        yield s, "equiv"
        yield o, "equiv"
    for s, o in g.subject_objects(OWL.disjointWith):
        yield s, "sub"
        yield o, "sub"
    for axiom in g.subjects(RDF.type, OWL.AllDisjointClasses):
        for m in _list(g, g.value(axiom, OWL.members)):
            yield m, "sub"
    for _s, lst in g.subject_objects(OWL.disjointUnionOf):
        for m in _list(g, lst):
            yield m, "sub"
    for o in g.objects(None, RDFS.domain):
        yield o, "super"
    for p, o in g.subject_objects(RDFS.range):
        if (p, RDF.type, OWL.DatatypeProperty) not in g:
            yield o, "super"
    for s, _o in g.subject_objects(OWL.hasKey):
        yield s, "sub"
    for o in g.objects(None, RDF.type):
        if isinstance(o, BNode):
            yield o, "super"


def _named_classes(g: Graph, node) -> Iterator:
    """The named classes inside a class expression."""
    if isinstance(node, URIRef):
        yield node
        return
    for p in (OWL.intersectionOf, OWL.unionOf):
        for lst in g.objects(node, p):
            for m in _list(g, lst):
                yield from _named_classes(g, m)
    for p in (OWL.complementOf, OWL.someValuesFrom, OWL.allValuesFrom, OWL.onClass):
        for m in g.objects(node, p):
            if (node, OWL.onProperty, None) in g and p != OWL.complementOf:
                prop = g.value(node, OWL.onProperty)
                if (prop, RDF.type, OWL.DatatypeProperty) in g:
                    continue
            yield from _named_classes(g, m)


def check_dl(g: Graph) -> list[Violation]:
    """Where the ontology graph `g` breaks the OWL 2 DL typing, simplicity or regularity rules."""
    onto = _Ontology(g)
    out: list[Violation] = []

    def flag(term, message, spec):
        out.append(Violation("OWL 2 DL", curie(term), message, spec))

    # §5.8.1: an IRI is at most one kind of property, and every entity an axiom uses is declared.
    for p, kinds in onto.kinds.items():
        if len(kinds) > 1:
            flag(p, "declared as " + " and ".join(sorted(KINDS[k] for k in kinds)), DL_TYPING)
    used_classes = {c for node, _role in _class_uses(g) for c in _named_classes(g, node)}
    for c in sorted(used_classes - onto.classes - {OWL.Thing, OWL.Nothing}):
        flag(c, "used as a class but not declared (add `a owl:Class`)", DL_TYPING)
    used_props: dict = {}
    for a, b in g.subject_objects(RDFS.subPropertyOf):
        for p in (a, b):
            used_props.setdefault(p, set())
        used_props[b] |= onto.kinds.get(a, set())
    for a, b in g.subject_objects(OWL.inverseOf):
        used_props.setdefault(a, set()).add(OWL.ObjectProperty)
        used_props.setdefault(b, set()).add(OWL.ObjectProperty)
    for _p, chain in onto.chains:
        for m in chain:
            used_props.setdefault(m, set()).add(OWL.ObjectProperty)
    for r in g.objects(None, OWL.onProperty):
        used_props.setdefault(r, set())
    for p, needed in sorted(used_props.items()):
        declared = onto.kinds.get(p, set())
        if not declared:
            kind = " or ".join(sorted(KINDS[k] for k in needed)) or "property"
            add = " or ".join(f"`a {curie(k)}`" for k in sorted(needed)) or "a property type"
            flag(p, f"used as {_article(kind)} but not declared (add {add})", DL_TYPING)
        elif needed and not needed & declared:
            flag(
                p,
                f"declared as {', '.join(sorted(KINDS[k] for k in declared))} but related by "
                f"rdfs:subPropertyOf to a {', '.join(sorted(KINDS[k] for k in needed))}",
                DL_TYPING,
            )
    for a, b in g.subject_objects(RDFS.subPropertyOf):
        ka, kb = onto.kinds.get(a, set()), onto.kinds.get(b, set())
        if ka and kb and not ka & kb:
            flag(
                a,
                f"a {'/'.join(sorted(KINDS[k] for k in ka))} cannot be a sub-property of "
                f"{curie(b)}, a {'/'.join(sorted(KINDS[k] for k in kb))}",
                DL_TYPING,
            )
    for s, p, _o in g:
        if p in STRUCTURAL or p in BUILTIN_ANNOTATIONS or p in onto.kinds or str(p).startswith((str(RDF), str(OWL))):
            continue
        if isinstance(s, URIRef):
            flag(
                p,
                "used as an annotation property but not declared (add `a owl:AnnotationProperty`)",
                DL_TYPING,
            )
    # §11.1: non-simple properties only where simple ones are not required.
    non_simple = onto.non_simple()
    restricted = {
        OWL.FunctionalProperty: "functional",
        OWL.InverseFunctionalProperty: "inverse-functional",
        OWL.IrreflexiveProperty: "irreflexive",
        OWL.AsymmetricProperty: "asymmetric",
    }
    for kind, what in restricted.items():
        for p in g.subjects(RDF.type, kind):
            if onto.node(p) in non_simple:
                flag(
                    p,
                    f"is non-simple (transitive, chain-defined or above one) and so cannot be {what}",
                    DL_SIMPLE,
                )
    for r in g.subjects(RDF.type, OWL.Restriction):
        p = g.value(r, OWL.onProperty)
        counted = (r, OWL.hasSelf, None) in g or any((r, c, None) in g for c in CARDINALITIES)
        if p is not None and counted and onto.node(p) in non_simple:
            flag(p, "is non-simple and so cannot be used in a cardinality or self restriction", DL_SIMPLE)
    for a, b in g.subject_objects(OWL.propertyDisjointWith):
        for p in (a, b):
            if onto.node(p) in non_simple:
                flag(p, "is non-simple and so cannot be declared disjoint", DL_SIMPLE)
    # §11.2: the order each chain needs (its members below the property) must be a strict partial
    # order that never puts a property below one of its own sub-properties.
    below: dict = {}
    for p, chain in onto.chains:
        n = onto.node(p)
        members = [onto.node(m) for m in chain]
        if len(members) == 2 and members[0] == members[1] == n:
            continue  # transitivity
        if members[0] == n:
            members = members[1:]
        elif members[-1] == n:
            members = members[:-1]
        for m in members:
            below.setdefault(m, set()).add((n, p))
    for start in sorted(below):
        reach, todo = {}, [start]
        while todo:
            for n, p in below.get(todo.pop(), ()):
                if n not in reach:
                    reach[n] = p
                    todo.append(n)
        for n, p in sorted(reach.items()):
            if n == start:
                flag(
                    p,
                    f"its property chain needs {curie(start)} below itself, and the chains make that "
                    f"order cyclic (the property hierarchy is not regular)",
                    DL_REGULAR,
                )
            elif start in onto.supers(n):
                flag(
                    p,
                    f"its property chain needs {curie(start)} below {curie(n)}, but {curie(n)} is a "
                    f"sub-property of {curie(start)} (the property hierarchy is not regular)",
                    DL_REGULAR,
                )
    return sorted(set(out))
