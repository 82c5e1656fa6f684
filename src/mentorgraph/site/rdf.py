"""The RDF beside the pages: for each entity and statement its triples (every graph, and those that point
at it) as Turtle, N-Triples and RDF/XML, and its JSON-LD as the page embeds it (web.entity_jsonld); each
named graph whole; the ontology. The same documents `serve` answers at /id/acr.ttl and so on. A stage:
the open web Source in, (file, bytes) out, deterministic (triples sorted, the project's prefixes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyoxigraph as ox

from .. import iris
from ..web.urls import RDF_EXTENSIONS
from ..web.views import Source

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}


def serialize(triples: list[ox.Triple], fmt: str) -> bytes:
    """Triples, sorted, in one of FORMATS or as JSON-LD (pyoxigraph's writer, with the prefixes)."""
    ordered = sorted(set(triples), key=str)
    if fmt == "jsonld":
        return ox.serialize(ordered, format=ox.RdfFormat.JSON_LD, prefixes=iris.PREFIXES) or b""
    prefixes = iris.PREFIXES if fmt == "turtle" else None
    return ox.serialize(ordered, format=FORMATS[fmt], prefixes=prefixes) or b""


def about(store: ox.Store, iri: str) -> list[ox.Triple]:
    """Every triple with `iri` as subject or object, in any graph."""
    node = ox.NamedNode(iri)
    found = [q.triple for q in store.quads_for_pattern(node, None, None, None)]
    return found + [q.triple for q in store.quads_for_pattern(None, None, node, None)]


def entity_files(source: Source, iri: str, stem: str) -> Iterator[tuple[str, bytes]]:
    """The RDF documents of one entity or statement: `stem` + .ttl, .nt, .rdf and .jsonld."""
    triples = about(source.mg.engine.store, iri)
    for fmt in FORMATS:
        yield stem + RDF_EXTENSIONS[fmt], serialize(triples, fmt)
    from ..web.jsonld import entity_jsonld, load_context

    # As the page embeds it (views.entity): the shipped context inlined, the labels read once.
    jsonld = entity_jsonld(source.mg, iri, load_context(source.root), labels=source.labels())
    doc = json.dumps(jsonld, ensure_ascii=False, indent=1) + "\n"
    yield stem + RDF_EXTENSIONS["jsonld"], doc.encode("utf-8")


def graph_files(source: Source) -> Iterator[tuple[str, bytes]]:
    """Each named graph whole (graph/NAME.ttl, .jsonld, .nt, .rdf), and the ontology as ontology.*."""
    store = source.mg.engine.store
    for name in iris.GRAPH_NAMES:
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iris.GRAPH + name))]
        stems = [f"graph/{name}"] + (["ontology"] if name == "ontology" else [])
        for stem in stems:
            for fmt in (*FORMATS, "jsonld"):
                yield stem + RDF_EXTENSIONS[fmt], serialize(triples, fmt)
