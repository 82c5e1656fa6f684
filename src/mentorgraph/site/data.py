"""What the browser needs, exported at site-build time as classic scripts (a page opened from file://
may not fetch(), but may load a script): the graph, the canned questions with the names their
parameters accept, and the site's settings. A stage: the open web Source in, script bytes out.

The graph travels as TriG (the project's prefixes make it about a quarter of N-Quads), gzip-compressed
and base64-encoded inside a JavaScript string; the page decompresses it with DecompressionStream and
hands Oxigraph the bytes. Every script is deterministic: sorted keys, gzip without a time stamp.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

from .. import iris, layout
from ..text import normalize
from ..web.urls import OWN
from ..web.views import Source

GRAPH_FORMAT = "application/trig"


def script(global_name: str, value: Any) -> bytes:
    """`self.<global_name> = <value as JSON>;` (self: a page's window and a worker's global alike)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"self.{global_name} = {text};\n".encode()


def graph_script(source: Source, generation: layout.Generation) -> tuple[bytes, int]:
    """The build's every named graph for in-page Oxigraph, and the uncompressed size in bytes."""
    trig = generation.file(layout.TRIG).read_bytes()
    packed = base64.b64encode(gzip.compress(trig, compresslevel=9, mtime=0)).decode("ascii")
    return script("MentorgraphGraph", {"format": GRAPH_FORMAT, "gzip": packed}), len(trig)


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
