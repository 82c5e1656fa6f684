"""What the browser needs, exported at site-build time as classic scripts (a page opened from file://
may not fetch(), but may load a script): the graph, the canned questions with the names their
parameters accept, and the site's settings. A stage: the open web Source in, script bytes out.

The graph travels in shards (site/shards.py: one per predicate, rdf:type one per class), each its
N-Quads gzip-compressed and base64-encoded inside a JavaScript string, listed by one manifest script;
the page decompresses each with DecompressionStream and hands Oxigraph the bytes, loading first the
shards the asked query reads. Every script is deterministic: sorted keys, gzip without a time stamp.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable, Iterable
from typing import Any

import pyoxigraph as ox

from .. import iris
from ..text import normalize
from ..web.urls import OWN
from ..web.views import Source
from . import shards

GRAPH_FORMAT = "application/n-quads"


def script(global_name: str, value: Any) -> bytes:
    """`self.<global_name> = <value as JSON>;` (self: a page's window and a worker's global alike)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"self.{global_name} = {text};\n".encode()


def shard_scripts(quads: Iterable[ox.Quad]) -> tuple[list[tuple[list[str], int, bytes]], int]:
    """The graph's shards as scripts: (keys, quads, script) in shards.split's order, and the N-Quads
    size in bytes. The n-th script sets self.MentorgraphShards[n]."""
    out, size = [], 0
    for n, (keys, group) in enumerate(shards.split(quads)):
        nquads = ox.serialize(group, format=ox.RdfFormat.N_QUADS) or b""
        size += len(nquads)
        packed = base64.b64encode(gzip.compress(nquads, compresslevel=9, mtime=0)).decode("ascii")
        entry = f"{n}] = " + json.dumps(packed)
        out.append((keys, len(group), f"(self.MentorgraphShards = self.MentorgraphShards || {{}})[{entry};\n".encode()))
    return out, size


def manifest_script(entries: list[tuple[list[str], str, int]]) -> bytes:
    """The list of shards (keys, file under static/, quads) the store loads: self.MentorgraphGraph."""
    total = sum(n for _, _, n in entries)
    return script("MentorgraphGraph", {"format": GRAPH_FORMAT, "quads": total, "shards": [list(e) for e in entries]})


def graph_scripts(source: Source, add: Callable[[str, bytes], str]) -> tuple[bytes, int]:
    """The build's every named graph for in-page Oxigraph: each shard given to `add(name, bytes)`
    (which returns the name it is written under), the manifest returned, with the N-Quads size."""
    store = source.mg.engine.store
    parts, size = shard_scripts(store.quads_for_pattern(None, None, None, None))
    entries = [(keys, add(f"graph/{n:04d}.js", body), count) for n, (keys, count, body) in enumerate(parts)]
    return manifest_script(entries), size


def questions_script(source: Source) -> bytes:
    """The canned questions as the question pages run them in the browser: the body with its
    `VALUES ?p { UNDEF }` lines, the parameters, the columns' meanings, and for each kind of parameter
    the entities it may name with all their names, folded as mentorgraph.text.normalize folds them."""
    cat = source.mg.catalogue
    questions = {
        name: {
            "body": q.body,
            "params": [{"name": p.name, "kind": p.kind} for p in q.params],
            "meanings": {c.name: c.meaning for c in q.columns},
            "needs": shards.needs(q.body),
        }
        for name, q in cat.items()
    }
    kinds = sorted({p.kind for q in cat.values() for p in q.params if p.kind != "text"})
    candidates = {
        kind: [
            {"iri": c.iri, "label": c.label, "names": sorted({normalize(n) for n in c.names})}
            for c in source.mg.candidates(kind)
        ]
        for kind in kinds
    }
    return script("MentorgraphQuestions", {"questions": questions, "candidates": candidates})


def settings_script(assets: dict[str, str], compare: dict[str, str]) -> bytes:
    """The site's settings: the static files' names (relative to static/), the project's prefixes,
    where the pages of the project's IRIs are (the same answer as web.urls.StaticUrls.iri), and the
    comparisons the site holds by their sorted query string (the compare form's answers)."""
    own = [[iris.MGO, "ontology.html#", ""]] + [[prefix, path, ".html"] for prefix, path in OWN]
    return script(
        "MentorgraphSite",
        {
            "assets": assets,
            "prefixes": iris.PREFIXES,
            "prologue": iris.sparql_prologue(),
            "own": own,
            "compare": compare,
        },
    )


def advice_script(source: Source) -> bytes:
    """The recommender's inputs for static/site-find.js (site/advice.py)."""
    from .advice import advice_data

    return script("MentorgraphAdvice", advice_data(source))
