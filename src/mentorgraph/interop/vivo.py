"""`mentorgraph export vivo`: the programs, their organizations and links in VIVO-ISF terms (profile v1).

The mapping is a CONSTRUCT query, ontology/vivo-profile.rq; the result must conform to the profile's
SHACL shapes, ontology/vivo-profile-shapes.ttl (closed shapes: nothing outside the documented subset
gets through), or the export fails and writes nothing. docs/vivo.md describes the profile and how a
VIVO site ingests the file.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef

from .. import iris
from .store import ExportError, open_nquads, run

PROFILE_QUERY = "ontology/vivo-profile.rq"
PROFILE_SHAPES = "ontology/vivo-profile-shapes.ttl"
VIVO_FILE = "mentorgraph-vivo.ttl"
VIVO = Namespace("http://vivoweb.org/ontology/core#")
OBO = Namespace("http://purl.obolibrary.org/obo/")
PREFIXES = {
    "mg": iris.MG,
    "vivo": str(VIVO),
    "obo": str(OBO),
    "foaf": iris.PREFIXES["foaf"],
    "rdfs": iris.PREFIXES["rdfs"],
}
HEADER = (
    "# mentorgraph in VIVO-ISF terms (profile mentorgraph-vivo v1, VIVO 1.16): programs, the organizations\n"
    "# that offer, fund or are affiliated with them, and their links. Written by `mentorgraph export vivo`\n"
    "# from the build; checked against ontology/vivo-profile-shapes.ttl. How to load it: docs/vivo.md.\n"
)


def _term(t):
    """A pyoxigraph term as an rdflib term (the export has IRIs and plain literals only)."""
    import pyoxigraph as ox

    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.Literal):
        return Literal(t.value, lang=t.language) if t.language else Literal(t.value)
    raise ExportError(f"the VIVO profile produced a blank node ({t}); the profile writes IRIs only")


def vivo_graph(nquads: bytes, root: Path) -> Graph:
    """The VIVO profile's triples for a build's N-Quads (not yet validated)."""
    store = open_nquads(nquads)
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    for t in run(store, (root / PROFILE_QUERY).read_text(encoding="utf-8")):
        g.add((_term(t.subject), _term(t.predicate), _term(t.object)))
    return g


def validate_vivo(g: Graph, root: Path) -> tuple[bool, str]:
    """(conforms, report text) of `g` against the profile's SHACL shapes."""
    from pyshacl import validate

    shapes = Graph().parse(root / PROFILE_SHAPES, format="turtle")
    conforms, _report, text = validate(g, shacl_graph=shapes, inference="none", advanced=True)
    return bool(conforms), str(text)


def render_vivo(nquads: bytes, root: Path) -> bytes:
    """The VIVO export as Turtle bytes (deterministic), or ExportError if it does not fit its shapes."""
    g = vivo_graph(nquads, root)
    conforms, text = validate_vivo(g, root)
    if not conforms:
        raise ExportError("the VIVO export does not conform to " + PROFILE_SHAPES + "; nothing was written:\n" + text)
    return HEADER.encode("utf-8") + b"\n" + g.serialize(format="turtle").encode("utf-8")
