"""OWL 2 RL syntax (OWL 2 Profiles §4.2) on top of the DL rules of profile.py: which class expressions may
stand on each side of an axiom, which axioms exist, which datatypes."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .profile import CARDINALITIES, RL_SYNTAX, Violation, _class_uses, _list, check_dl, curie

# OWL 2 RL datatypes (Profiles §4.2, Table 9): the OWL 2 datatype map without owl:real and owl:rational.
RL_DATATYPES = {RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal} | {
    XSD[n]
    for n in (
        "decimal",
        "integer",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "double",
        "float",
        "string",
        "normalizedString",
        "token",
        "language",
        "Name",
        "NCName",
        "NMTOKEN",
        "boolean",
        "hexBinary",
        "base64Binary",
        "anyURI",
        "dateTime",
        "dateTimeStamp",
    )
}


def _rl_reason(g: Graph, node, role: str) -> str | None:
    """Why `node` may not stand in `role` in OWL 2 RL (Profiles §4.2), or None if it may."""
    if isinstance(node, URIRef):
        if node == OWL.Thing and role != "super":
            return "owl:Thing is not allowed as a subclass or equivalent-class expression"
        return None
    restriction = (node, RDF.type, OWL.Restriction) in g
    if (lst := g.value(node, OWL.intersectionOf)) is not None:
        for m in _list(g, lst):
            if (why := _rl_reason(g, m, role)) is not None:
                return why
        return None
    if (lst := g.value(node, OWL.unionOf)) is not None:
        if role != "sub":
            return "owl:unionOf is allowed only on the subclass side"
        for m in _list(g, lst):
            if (why := _rl_reason(g, m, "sub")) is not None:
                return why
        return None
    if (c := g.value(node, OWL.complementOf)) is not None:
        if role != "super":
            return "owl:complementOf is allowed only on the superclass side"
        return _rl_reason(g, c, "sub")
    if (node, OWL.oneOf, None) in g:
        return None if role == "sub" else "owl:oneOf is allowed only on the subclass side"
    if not restriction:
        return None
    if (node, OWL.hasValue, None) in g:
        return None
    if (filler := g.value(node, OWL.someValuesFrom)) is not None:
        if role != "sub":
            return "owl:someValuesFrom (existential) is allowed only on the subclass side"
        return None if filler == OWL.Thing else _rl_reason(g, filler, "sub")
    if (filler := g.value(node, OWL.allValuesFrom)) is not None:
        if role != "super":
            return "owl:allValuesFrom (universal) is allowed only on the superclass side"
        return _rl_reason(g, filler, "super")
    if (node, OWL.hasSelf, None) in g:
        return "owl:hasSelf is not in OWL 2 RL"
    for p in CARDINALITIES:
        if (n := g.value(node, p)) is not None:
            if role == "super" and p in (OWL.maxCardinality, OWL.maxQualifiedCardinality) and str(n) in "01":
                filler = g.value(node, OWL.onClass)
                return None if filler in (None, OWL.Thing) else _rl_reason(g, filler, "sub")
            return f"{curie(p)} {n} is not allowed here (only max 0 or 1 on the superclass side)"
    return None


def check_rl(g: Graph) -> list[Violation]:
    """Where the ontology graph `g` leaves OWL 2 RL: the DL rules plus the RL syntax (Profiles §4.2)."""
    out = list(check_dl(g))
    for node, role in _class_uses(g):
        if (why := _rl_reason(g, node, role)) is not None:
            subject = next(iter(g.subjects(RDFS.subClassOf, node)), None) or node
            out.append(Violation("OWL 2 RL", curie(subject), why, RL_SYNTAX))
    for s in g.subjects(OWL.disjointUnionOf, None):
        out.append(Violation("OWL 2 RL", curie(s), "owl:disjointUnionOf is not in OWL 2 RL", RL_SYNTAX))
    for s in g.subjects(RDF.type, OWL.ReflexiveProperty):
        out.append(Violation("OWL 2 RL", curie(s), "owl:ReflexiveProperty is not in OWL 2 RL", RL_SYNTAX))
    for p, o in g.subject_objects(RDFS.range):
        if (p, RDF.type, OWL.DatatypeProperty) in g and isinstance(o, URIRef) and o not in RL_DATATYPES:
            out.append(Violation("OWL 2 RL", curie(p), f"range {curie(o)} is not an OWL 2 RL datatype", RL_SYNTAX))
    return sorted(set(out))
