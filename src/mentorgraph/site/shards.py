"""The site's graph in shards, and which shards a query can read: so that a page's question is answered
as soon as the quads it can match are in the browser's store, while the rest streams in after.

A shard holds every quad of its keys: a key is a predicate, or for rdf:type its predicate and class
(the largest predicate by far; `?x a mgo:Program` reads one class's shard); small keys share a
shard. A query's *needs* are derived from its parse tree (mentorgraph.sparql, the project's own
parser, never its text): each constant predicate of a triple pattern or property path, narrowed to
the named classes for `rdf:type`. A key matches a need when it equals it or starts with it and a
space (`rdf:type` matches every class). `None` means "every shard": a variable predicate, a negated
property set, DESCRIBE, a zero-length path (`*`, `?`) between two unanchored variables (it matches
every node of the graph), or a GRAPH pattern that may match without a triple (it enumerates graph
names). Sound by construction: a
triple pattern only ever matches quads of its own predicate, so a store holding every shard a query
needs gives the answer the whole store gives (tests/test_site_browser.py checks each canned question).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from .. import iris
from ..sparql import parse
from ..sparql import tree as t

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
TYPE = RDF + "type"
LIST = (RDF + "first", RDF + "rest")  # what a `( ... )` collection in a pattern reads
MIN_QUADS = 2000  # a shard smaller than this is joined to the next: a file's fixed cost outweighs it


def shard_key(quad: ox.Quad) -> str:
    """The shard a quad belongs to: its predicate IRI, or `rdf:type <class>` for a typing quad."""
    p = quad.predicate.value
    if p == TYPE:
        return f"{p} {quad.object.value if isinstance(quad.object, ox.NamedNode) else '_'}"
    return p


def split(quads: Iterable[ox.Quad], min_quads: int = MIN_QUADS) -> list[tuple[list[str], list[ox.Quad]]]:
    """The quads in shards: (the keys a shard holds, its quads), keys and quads sorted (deterministic
    bytes for the same graph). Every quad with a blank node goes in one shard, first: a blank node's
    label names it only within one document, so its quads must load in one piece. Shards of fewer than
    `min_quads` quads are joined to the next in key order (each file costs a request and a load)."""
    by_key: dict[str, set[ox.Quad]] = defaultdict(set)
    blank: set[ox.Quad] = set()
    for q in quads:
        if any(isinstance(term, ox.BlankNode) for term in (q.subject, q.object, q.graph_name)):
            blank.add(q)
        else:
            by_key[shard_key(q)].add(q)
    out: list[tuple[list[str], list[ox.Quad]]] = []
    if blank:
        out.append((sorted({shard_key(q) for q in blank}), sorted(blank, key=str)))
    keys: list[str] = []
    group: list[ox.Quad] = []
    for k in sorted(by_key):
        keys.append(k)
        group.extend(sorted(by_key[k], key=str))
        if len(group) >= min_quads:
            out.append((keys, group))
            keys, group = [], []
    if keys:
        out.append((keys, group))
    return out


def needs(text: str) -> list[str] | None:
    """The shard keys (or predicate prefixes of keys) a query can read, sorted; None: every shard."""
    found: set[str] = set()
    return sorted(found) if _walk(parse(text, prefixes=iris.PREFIXES), found, False) else None


def _path(p: object, found: set[str]) -> bool | None:
    """Add a verb's predicates; False: it reads every predicate; None: it may match zero edges."""
    if isinstance(p, t.IRI):
        found.add(p.value)
        return True
    if isinstance(p, t.PathInv):
        return _path(p.path, found)
    if isinstance(p, t.PathAlt):
        parts = [_path(i, found) for i in p.items]
        return False if False in parts else None if None in parts else True
    if isinstance(p, t.PathSeq):
        parts = [_path(i, found) for i in p.items]
        return False if False in parts else True if True in parts else None
    if isinstance(p, t.PathMod):
        inner = _path(p.path, found)
        return inner if inner is False or p.mod == "+" else None
    return False  # a variable or a negated property set


def _anchored(block: t.TriplesBlock) -> set[str]:
    """Variables a triple of the block binds to a node of a loaded quad (a plain IRI predicate)."""
    out = set()
    for triple in block.triples:
        for verb, objects in triple.props:
            if isinstance(verb, t.IRI):
                out.update(x.name for x in (triple.subject, *objects) if isinstance(x, t.Var))
    return out


def _held(end: object, anchored: set[str], in_var_graph: bool) -> bool:
    """Whether a zero-length path's end is bound to a loaded node by another triple of the block.

    A constant end is not enough: Oxigraph matches `?x p* c` with x = c only when c is a node of the
    store, and the quads that make it one may sit in shards the query does not otherwise read."""
    del in_var_graph  # (GRAPH ?g: an anchored variable is a loaded node in every graph it is matched in)
    return isinstance(end, t.Var) and end.name in anchored


def _block(block: t.TriplesBlock, found: set[str], in_var_graph: bool) -> bool:
    anchored = _anchored(block)
    for triple in block.triples:
        for verb, objects in triple.props:
            if isinstance(verb, t.IRI) and verb.value == TYPE and all(isinstance(o, t.IRI) for o in objects):
                found.update(f"{TYPE} {o.value}" for o in objects)
                continue
            step = _path(verb, found)
            if step is False:
                return False
            # A path that may match zero edges matches every node of the graph with itself (a constant
            # end too, when it is a node): unless one end is a variable another triple of the block
            # binds to a loaded node, it reads everything.
            if step is None and not all(
                _held(triple.subject, anchored, in_var_graph) or _held(o, anchored, in_var_graph) for o in objects
            ):
                return False
    return _walk(block.triples, found, in_var_graph)


def _matches_a_triple(group: t.Group) -> bool:
    """Whether every solution of the group matched at least one triple (so a graph has quads)."""
    for item in group.items:
        if isinstance(item, t.TriplesBlock) and item.triples:
            return True
        if isinstance(item, t.Group) and _matches_a_triple(item):
            return True
        if isinstance(item, t.UnionPattern) and all(_matches_a_triple(g) for g in item.groups):
            return True
    return False


def _walk(node: object, found: set[str], in_var_graph: bool) -> bool:
    """Collect the needs of every pattern under `node`; False as soon as one reads everything."""
    if isinstance(node, t.Describe):
        return False
    if isinstance(node, t.Collection):
        found.update(LIST)
    if isinstance(node, t.TriplesBlock):
        return _block(node, found, in_var_graph)
    if isinstance(node, t.BNodePropertyList):
        for verb, _ in node.props:
            if _path(verb, found) is not True:
                return False
    if isinstance(node, t.GraphPattern):
        if not _matches_a_triple(node.group):
            return False
        return _walk(node.group, found, in_var_graph or isinstance(node.name, t.Var))
    if isinstance(node, tuple):
        return all(_walk(i, found, in_var_graph) for i in node)
    if dataclasses.is_dataclass(node):
        return all(_walk(getattr(node, f.name), found, in_var_graph) for f in dataclasses.fields(node))
    return True


def covers(keys: list[str], wanted: list[str] | None) -> bool:
    """Whether a shard holding these keys has quads a query with these needs can read (as
    site-worker.js decides)."""
    return wanted is None or any(k == w or k.startswith(w + " ") for k in keys for w in wanted)
