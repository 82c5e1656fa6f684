"""Export stage: deterministic serializations of the built dataset.

Every file is rendered in memory; the build writes them into a new generation (layout.py), so an
interrupted build never leaves a truncated or mixed set of files. Rebuilding unchanged inputs gives
byte-identical outputs: line-based formats are sorted, blank nodes (only in the ontology's OWL lists)
are canonically relabelled, JSON-LD nodes and values are sorted.

Each triple is written as an N-Triples row once per graph: the sorted N-Triples export is the
union's rows, the N-Quads export the same rows with their graph's name (rdflib's N-Quads row is its
N-Triples row with the graph name before the final dot). The graphs that are serialized as Turtle
are copied into rdflib's "SimpleMemory" store, which the serializers read faster and which gives
the same bytes (tests/test_build_equivalence.py compares every file with the plain rendering).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph

from .. import iris
from ..layout import CONTEXT, JSONLD, MANIFEST, NQUADS, NTRIPLES, ONTOLOGY, REPORT, TRIG, TURTLE
from ..namespaces import GRAPH

DATA_GRAPHS = ("article", "curation", "evidence", "inferred")

# File name -> what it holds (README, "Exports").
EXPORTS = {
    TURTLE: "Turtle: the knowledge graph (article, curation, evidence and inferred triples)",
    NTRIPLES: "N-Triples, sorted: the same triples",
    JSONLD: "JSON-LD with the compact context inlined: the same triples",
    CONTEXT: "the JSON-LD @context on its own, for web developers",
    TRIG: "TriG: every named graph, the ontology included",
    NQUADS: "N-Quads, sorted: every named graph, the ontology included",
    ONTOLOGY: "the ontology (copy of ontology/mentorgraph.ttl)",
    REPORT: "the SHACL validation report",
    MANIFEST: "triple counts per named graph and the list of files",
}


def bind_prefixes(g: Graph) -> Graph:
    """`g` with the project's prefixes bound (iris.PREFIXES), for readable serializations."""
    for prefix, ns in iris.PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def _canonical(g: Graph) -> Graph:
    """A copy of `g` with blank nodes relabelled canonically (stable across runs)."""
    if not any(isinstance(x, BNode) for t in g for x in t):
        return g
    out = Graph()
    for t in to_canonical_graph(g):
        out.add(t)
    return out


def _copy(triples) -> Graph:
    """A graph holding `triples` with the project's prefixes bound (fast store: see the docstring)."""
    g = bind_prefixes(Graph(store="SimpleMemory"))
    for t in triples:
        g.add(t)
    return g


def data_union(ds: Dataset) -> Graph:
    """The knowledge graph as one graph: every data graph, without the ontology."""
    return _copy(t for name in DATA_GRAPHS for t in ds.graph(GRAPH[name]))


def sorted_lines(text: str) -> bytes:
    """The distinct non-empty lines of `text`, sorted, as UTF-8 bytes (deterministic N-Triples/N-Quads).

    Lines end at "\n" only: N-Triples escapes "\n" and "\r" in literals, not the other characters
    Python's splitlines() would break a row at (U+2028, U+0085, form feed...).
    """
    return _sorted(text.split("\n"))


def _sort_jsonld(value):
    """Sort JSON-LD arrays that are sets (everything but @list) and node objects, recursively."""
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]

        def key(v):
            node_id = v.get("id", v.get("@id", "")) if isinstance(v, dict) else ""
            return (str(node_id), json.dumps(v, sort_keys=True, ensure_ascii=False))

        return sorted(items, key=key)
    if isinstance(value, dict):
        return {k: (v if k == "@list" else _sort_jsonld(v)) for k, v in value.items()}
    return value


def render_jsonld(g: Graph, context: Mapping) -> bytes:
    """`g` as JSON-LD compacted with `context`, nodes and values sorted (stable bytes)."""
    raw = g.serialize(format="json-ld", context=dict(context), auto_compact=True)
    doc = json.loads(raw)
    body = {k: v for k, v in doc.items() if k != "@context"}
    out = {"@context": dict(context)}
    out.update(_sort_jsonld(body))
    return (json.dumps(out, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _trig_part(name: str, g: Graph) -> str:
    """One named graph of the TriG export, its body written by the Turtle serializer."""
    body = _copy(g).serialize(format="turtle")
    body = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix")).strip("\n")
    return f"\n<{iris.GRAPH}{name}> {{\n{body}\n}}\n"


def _prefixes() -> str:
    """The TriG export's @prefix lines."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in iris.PREFIXES.items())


def _rows(g: Graph) -> list[str]:
    """`g`'s N-Triples rows (each ends with " ."; see sorted_lines for why "\n" alone ends one)."""
    return [row for row in g.serialize(format="nt").split("\n") if row.strip()]


def _quad_rows(name: str, rows: list[str]) -> list[str]:
    """N-Triples rows as N-Quads rows of the named graph `name`."""
    graph = f" <{iris.GRAPH}{name}> ."
    return [row[:-2] + graph for row in rows]


def _sorted(lines: Iterable[str]) -> bytes:
    """Distinct non-empty lines, sorted, as UTF-8 bytes."""
    return ("\n".join(sorted({line for line in lines if line.strip()})) + "\n").encode("utf-8")


@dataclass
class GraphText:
    """One named graph's share of the exports: its N-Triples rows, N-Quads rows and TriG part.

    A graph's share depends on that graph alone, so the build renders the graphs reasoning does not
    change in its second process, beside the OWL RL closure (build.py).
    """

    rows: list[str]
    quads: list[str]
    trig: str


def render_graph(name: str, g: Graph) -> GraphText:
    """The named graph `name`'s share: N-Triples rows as the graph has them; N-Quads rows and TriG
    part with blank nodes relabelled canonically."""
    canon = _canonical(g)
    rows = _rows(g)
    canon_rows = rows if canon is g else _rows(canon)
    return GraphText(rows, _quad_rows(name, canon_rows), _trig_part(name, canon))


def render_report(report: Graph) -> bytes:
    """The SHACL validation report as Turtle (blank nodes relabelled canonically)."""
    return bind_prefixes(_canonical(report)).serialize(format="turtle").encode("utf-8")


def render_union(ds: Dataset, context: Mapping) -> tuple[dict[str, bytes], int]:
    """The exports of the knowledge graph as one graph (Turtle, JSON-LD) and its number of triples."""
    union = data_union(ds)
    files = {
        TURTLE: union.serialize(format="turtle").encode("utf-8"),
        JSONLD: render_jsonld(union, context["@context"]),
    }
    return files, len(union)


def render_all(
    ds: Dataset,
    context: Mapping,
    ontology_text: bytes,
    report: Graph | bytes,
    parts: Mapping[str, GraphText] | None = None,
    union: tuple[dict[str, bytes], int] | None = None,
) -> dict[str, bytes]:
    """Every export file's bytes, keyed by file name.

    `report` is the SHACL report graph or its rendering (render_report); `parts` holds graphs already
    rendered (render_graph) and `union` render_union's value, if already computed; the rest is
    rendered here.
    """
    graphs = {name: ds.graph(GRAPH[name]) for name in iris.GRAPH_NAMES}
    parts = {name: (parts or {}).get(name) or render_graph(name, g) for name, g in graphs.items()}
    union_files, union_size = union or render_union(ds, context)
    files = {
        **union_files,
        NTRIPLES: _sorted(row for name in DATA_GRAPHS for row in parts[name].rows),
        CONTEXT: (json.dumps(context, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        # TriG with the named graphs in a fixed order (iris.GRAPH_NAMES).
        TRIG: "".join([_prefixes()] + [parts[name].trig for name in iris.GRAPH_NAMES]).encode("utf-8"),
        NQUADS: _sorted(q for name in iris.GRAPH_NAMES for q in parts[name].quads),
        ONTOLOGY: ontology_text,
        REPORT: report if isinstance(report, bytes) else render_report(report),
    }
    counts = {name: len(g) for name, g in graphs.items()}
    manifest = {
        "graphs": {iris.GRAPH + name: {"triples": counts[name]} for name in iris.GRAPH_NAMES},
        "files": {name: EXPORTS[name] for name in sorted(files)},
        "triples": union_size,
    }
    files[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    return files
