"""HTML documentation of the mentorgraph ontology, with examples from the built graph.

One self-contained page (no scripts, no external styles): the ontology header (version, licence,
creators, source article), then every class, object property and data property with its label,
definition, IRI, domain and range, super- and sub-terms, inverse, property chain, characteristics,
alignments to other vocabularies, how often the built graph uses it and a few examples; then every
SKOS concept scheme of the data with its concepts; the named graphs; the prefixes.

The content is the web view's ontology page (mentorgraph.web.views.ontology reads it, the Jinja2
template web/templates/ontology-body.html writes it), here as one file with its styles inline, as a
release ships it; `mentorgraph serve` shows the same in the site's layout. Each term's section has the
term's local name as its id, so https://w3id.org/mentorgraph/ontology#X lands on term X. The output
is deterministic (sorted, no timestamps).

pyLODE, the field's tool, was tried: 3.4.1 (the newest that installs on Python 3.11) fails at import
(its version.py opens a pyproject.toml the wheel does not ship); 3.3.4 runs but documents the
ontology alone, without examples from the data or the data's SKOS concept schemes.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset

from .. import layout

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:62rem;margin:0 auto;padding:0 1rem 4rem;color:#1b1b1b}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ccd;margin-top:3rem}
section.term{border-left:4px solid #7a8cc2;padding:.1rem 0 .1rem 1rem;margin:1.6rem 0}
section.term:target{background:#f3f5fb}
h3 code,.iri{font-size:.85em;color:#555}code{font-family:ui-monospace,monospace}
dl{display:grid;grid-template-columns:11rem 1fr;gap:.2rem 1rem;margin:.4rem 0}dt{font-weight:600;color:#444}
dd{margin:0}.deprecated{color:#a00;font-weight:600}.inferred{color:#666;font-size:.85em}
nav ul{columns:3;list-style:none;padding:0}table{border-collapse:collapse}
td,th{border:1px solid #ccd;padding:.2rem .5rem;text-align:left;vertical-align:top}
"""


def render_docs(root: Path, out: Path, ds: Dataset | None = None) -> bytes:
    """The HTML documentation of root/ontology/mentorgraph.ttl, with examples from the build in `out`:
    the web view's ontology page (mentorgraph.web.views.ontology, templates/ontology-body.html) as one
    self-contained file, its styles inline."""
    from ..web.render import render
    from ..web.urls import StaticUrls
    from ..web.views.ontology import docs_context

    context = docs_context(root, out, ds)
    return render("ontology-standalone.html", {**context, "css": STYLE}, StaticUrls(layout.DOCS)).encode("utf-8")
