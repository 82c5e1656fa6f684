"""ROR records as RDF: a named graph beside the built graph, for questions neither answers alone.

ROR publishes JSON, not RDF, so the records are described here with schema.org, which the graph's
ontology already aligns to (mgo:Organization is a schema:Organization):

    <https://ror.org/01cwqze88> a schema:Organization ;
        schema:name "National Institutes of Health" ; schema:alternateName "NIH" ;
        schema:address _:a01cwqze88 ; schema:location <https://sws.geonames.org/4348599/> ;
        schema:url <https://www.nih.gov> ; schema:subOrganization <https://ror.org/00adh9b73> ;
        schema:sameAs <http://www.wikidata.org/entity/Q390551> , <https://doi.org/10.13039/100000002> .
    _:a01cwqze88 a schema:PostalAddress ; schema:addressLocality "Bethesda" ; schema:addressCountry "US" .

Withdrawn and inactive records keep only their name and dcterms:isReplacedBy their successor. The
graph is https://w3id.org/mentorgraph/graph/ror; the graph's own organizations reach it through
their curated skos:exactMatch links (queries/ror-*.rq).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from .. import iris
from ..layout import LINKED
from .ror import RorRecord

GRAPH_NAME = "ror"
ROR_GRAPH = iris.GRAPH + GRAPH_NAME
ROR_FILE = LINKED[GRAPH_NAME]

_S = iris.PREFIXES["schema"]
_RDF_TYPE = ox.NamedNode(iris.PREFIXES["rdf"] + "type")
_DCT = iris.PREFIXES["dcterms"]
# How external identifiers become IRIs (the forms issue 5 asks for).
ID_IRIS = {
    "wikidata": lambda v: iris.PREFIXES["wd"] + v,
    "isni": lambda v: "https://isni.org/isni/" + v.replace(" ", ""),
    "fundref": lambda v: "https://doi.org/10.13039/" + v,
}


def _p(local: str) -> ox.NamedNode:
    return ox.NamedNode(_S + local)


def _iri(value: str) -> ox.NamedNode | None:
    """A NamedNode, or None for a malformed IRI (some ROR links contain spaces)."""
    try:
        return ox.NamedNode(value.strip())
    except ValueError:
        return None


def _address_label(ror_id: str) -> str:
    """A deterministic blank node label for a record's address: a + ROR ID suffix (or a hash of the IRI)."""
    suffix = ror_id.removeprefix(iris.PREFIXES["ror"])
    return "a" + (suffix if suffix.isalnum() and suffix.isascii() else hashlib.sha256(ror_id.encode()).hexdigest()[:20])


def record_quads(rec: RorRecord) -> Iterator[ox.Quad]:
    """The quads describing one record in the ROR graph."""
    g = ox.NamedNode(ROR_GRAPH)
    s = _iri(rec.id)
    if s is None:
        return
    yield ox.Quad(s, _RDF_TYPE, _p("Organization"), g)
    yield ox.Quad(s, _p("name"), ox.Literal(rec.name.strip()), g)
    if rec.status != "active":
        for succ in rec.related("successor"):
            target = _iri(succ)
            if target is not None:
                yield ox.Quad(s, ox.NamedNode(_DCT + "isReplacedBy"), target, g)
        return
    for alt in dict.fromkeys(a.strip() for a in rec.aliases + rec.labels + rec.acronyms if a.strip()):
        yield ox.Quad(s, _p("alternateName"), ox.Literal(alt), g)
    if rec.city or rec.country_code:
        addr = ox.BlankNode(_address_label(rec.id))
        yield ox.Quad(s, _p("address"), addr, g)
        yield ox.Quad(addr, _RDF_TYPE, _p("PostalAddress"), g)
        if rec.city:
            yield ox.Quad(addr, _p("addressLocality"), ox.Literal(rec.city), g)
        if rec.country_code:
            yield ox.Quad(addr, _p("addressCountry"), ox.Literal(rec.country_code), g)
    if rec.geonames_id:
        yield ox.Quad(s, _p("location"), ox.NamedNode(f"https://sws.geonames.org/{int(rec.geonames_id)}/"), g)
    for link in rec.links:
        target = _iri(link)
        if target is not None:
            yield ox.Quad(s, _p("url"), target, g)
    for kind, prop in (("parent", "parentOrganization"), ("child", "subOrganization")):
        for rel in rec.related(kind):
            target = _iri(rel)
            if target is not None:
                yield ox.Quad(s, _p(prop), target, g)
    for scheme, make in ID_IRIS.items():
        for value in rec.external_ids.get(scheme, []):
            target = _iri(make(value.strip()))
            if target is not None:
                yield ox.Quad(s, _p("sameAs"), target, g)


def ror_nquads(records: Iterable[RorRecord]) -> bytes:
    """N-Quads of the ROR graph for `records`, in input order (the same input gives the same bytes)."""
    quads = (q for rec in records for q in record_quads(rec))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def load_ror(out: Path, records: Iterable[RorRecord]) -> tuple[Path, int]:
    """A new generation of `out`: the current one with the ROR graph as its linked dataset `ror`.

    Returns (the generation's ror.nq, quads). The store is rebuilt with the ROR graph and the switch is
    atomic (pipeline.build.relink), so an interrupted load leaves the previous generation serving.
    Later builds carry the ROR graph over, so both engines keep seeing it. Raises layout.NoBuild
    when there is no build yet.
    """
    from ..layout import current_generation
    from ..pipeline.build import relink

    current_generation(out)  # no build yet: say so before reading a large dump
    nq = ror_nquads(records)
    result = relink(out, {GRAPH_NAME: nq})
    return result.generation.linked[GRAPH_NAME], nq.count(b"\n")
