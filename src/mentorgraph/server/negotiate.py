"""Content negotiation: the Accept header with q-values (RFC 9110, 12.5.1) or a `format` parameter.

Each response kind offers media types in the server's order of preference; the best acceptable one
wins, ties going to the server's order. A `format` (or `output`, as SPARQLWrapper sends) parameter
overrides the Accept header; it may be a short name (json, xml, csv, tsv, turtle, ntriples, jsonld,
rdfxml, html) or a media type.
"""

from __future__ import annotations

from .. import mediatypes

# Offered media types -> internal format names, in preference order (the table is in mediatypes.py).
# A browser script asking for plain JSON (Accept: application/json) gets SPARQL JSON results, or JSON-LD
# for a graph.
TABULAR = mediatypes.TABULAR_OFFERS
GRAPH = [*mediatypes.GRAPH_OFFERS, (mediatypes.JSON, "jsonld")]

SHORT_NAMES = {
    "json": "json",
    "srj": "json",
    "xml": "xml",
    "srx": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "turtle",
    "ttl": "turtle",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "rdfxml": "rdfxml",
    "rdf": "rdfxml",
    "xml-rdf": "rdfxml",
    "html": "html",
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """[(media range, q)] from an Accept header; a missing or empty header accepts everything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    out = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            k, _, v = f.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(v)))
                except ValueError:
                    q = 0.0
        out.append((media, q))
    return out


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range that matches `media` (0 when none does).

    HTML is only chosen when asked for by name: a client sending no Accept header or */* (curl, most
    SPARQL libraries) wants data, while browsers name text/html explicitly.
    """
    major = media.split("/")[0]
    best, best_spec = 0.0, -1
    for rng, q in ranges:
        if rng == media:
            spec = 2
        elif media == "text/html":
            continue
        elif rng == f"{major}/*":
            spec = 1
        elif rng == "*/*":
            spec = 0
        else:
            continue
        if spec > best_spec:
            best, best_spec = q, spec
    return best


def choose(offers: list[tuple[str, str]], accept: str | None, fmt: str | None = None) -> str | None:
    """The internal format to answer with, or None when nothing offered is acceptable."""
    names = {name for _, name in offers}
    if fmt:
        fmt = fmt.strip().lower()
        name = SHORT_NAMES.get(fmt) or dict(offers).get(fmt.split(";")[0].strip())
        if name not in names:
            # A client asking for "xml" or "json" from a CONSTRUCT means the RDF flavour of it.
            name = {"xml": "rdfxml", "json": "jsonld"}.get(name or "")
        return name if name in names else None
    ranges = parse_accept(accept)
    best_name, best_q = None, 0.0
    for media, name in offers:
        q = _quality(media, ranges)
        if q > best_q:
            best_name, best_q = name, q
    return best_name


def media_type(offers: list[tuple[str, str]], name: str) -> str:
    """The canonical media type of an internal format name (the first offer carrying it)."""
    return next(media for media, n in offers if n == name)
