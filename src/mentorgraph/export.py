"""Export stage: deterministic serializations of the built dataset, written atomically.

Every file is rendered in memory first, written to a temporary file beside its target and renamed
into place (os.replace is atomic on POSIX), so an interrupted build never leaves a truncated file.
Rebuilding unchanged inputs gives byte-identical outputs: line-based formats are sorted, blank nodes
(only in the ontology's OWL lists) are canonically relabelled, JSON-LD nodes and values are sorted.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph

from . import iris
from .namespaces import GRAPH

DATA_GRAPHS = ("article", "curation", "evidence", "inferred")

# File name -> what it holds (README, "Exports").
EXPORTS = {
    "mentorgraph.ttl": "Turtle: the knowledge graph (article, curation, evidence and inferred triples)",
    "mentorgraph.nt": "N-Triples, sorted: the same triples",
    "mentorgraph.jsonld": "JSON-LD with the compact context inlined: the same triples",
    "context.jsonld": "the JSON-LD @context on its own, for web developers",
    "mentorgraph.trig": "TriG: every named graph, the ontology included",
    "mentorgraph.nq": "N-Quads, sorted: every named graph, the ontology included",
    "ontology.ttl": "the ontology (copy of ontology/mentorgraph.ttl)",
    "validation-report.ttl": "the SHACL validation report",
    "manifest.json": "triple counts per named graph and the list of files",
}


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same directory and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _bind(g: Graph) -> Graph:
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


def data_union(ds: Dataset) -> Graph:
    """The knowledge graph as one graph: every data graph, without the ontology."""
    g = _bind(Graph())
    for name in DATA_GRAPHS:
        for t in ds.graph(GRAPH[name]):
            g.add(t)
    return g


def sorted_lines(text: str) -> bytes:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


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
    raw = g.serialize(format="json-ld", context=dict(context), auto_compact=True)
    doc = json.loads(raw)
    body = {k: v for k, v in doc.items() if k != "@context"}
    out = {"@context": dict(context)}
    out.update(_sort_jsonld(body))
    return (json.dumps(out, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def canonical_dataset(ds: Dataset) -> Dataset:
    out = Dataset()
    for prefix, ns in iris.PREFIXES.items():
        out.bind(prefix, ns, override=True, replace=True)
    for name in iris.GRAPH_NAMES:
        target = out.graph(GRAPH[name])
        for t in _canonical(ds.graph(GRAPH[name])):
            target.add(t)
    return out


def render_trig(ds: Dataset) -> bytes:
    """TriG with the named graphs in a fixed order, each body written by the Turtle serializer."""
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in iris.PREFIXES.items())
    parts = [prefixes]
    for name in iris.GRAPH_NAMES:
        g = _bind(Graph())
        for t in ds.graph(GRAPH[name]):
            g.add(t)
        body = g.serialize(format="turtle")
        body = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix")).strip("\n")
        parts.append(f"\n<{iris.GRAPH}{name}> {{\n{body}\n}}\n")
    return "".join(parts).encode("utf-8")


def render_all(ds: Dataset, context: Mapping, ontology_text: bytes, report: Graph) -> dict[str, bytes]:
    """Every export file's bytes, keyed by file name."""
    union = data_union(ds)
    canon = canonical_dataset(ds)
    files = {
        "mentorgraph.ttl": union.serialize(format="turtle").encode("utf-8"),
        "mentorgraph.nt": sorted_lines(union.serialize(format="nt")),
        "mentorgraph.jsonld": render_jsonld(union, context["@context"]),
        "context.jsonld": (json.dumps(context, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        "mentorgraph.trig": render_trig(canon),
        "mentorgraph.nq": sorted_lines(canon.serialize(format="nquads")),
        "ontology.ttl": ontology_text,
        "validation-report.ttl": _bind(_canonical(report)).serialize(format="turtle").encode("utf-8"),
    }
    counts = {name: len(ds.graph(GRAPH[name])) for name in iris.GRAPH_NAMES}
    manifest = {
        "graphs": {iris.GRAPH + name: {"triples": counts[name]} for name in iris.GRAPH_NAMES},
        "files": {name: EXPORTS[name] for name in sorted(files)},
        "triples": len(union),
    }
    files["manifest.json"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    return files


def write_all(files: dict[str, bytes], out: Path) -> list[Path]:
    """Write every rendered file atomically; return the paths written."""
    written = []
    for name in sorted(files):
        path = out / name
        atomic_write(path, files[name])
        written.append(path)
    return written
