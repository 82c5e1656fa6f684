"""Every media type and file extension mentorgraph reads or writes, in one table.

Registrations: IANA media types (text/turtle RFC, application/n-triples, application/n-quads,
application/trig, application/ld+json, application/rdf+xml), the SPARQL 1.1 Query Results formats
(application/sparql-results+json / +xml, text/csv, text/tab-separated-values). The server's
negotiation, its downloads and static files, the dataset description (dcat:mediaType) and the
contribution readers all ask this module.
"""

from __future__ import annotations

from pathlib import PurePath

# Graph serializations: internal name -> (media type, file extension).
RDF = {
    "turtle": ("text/turtle", ".ttl"),
    "ntriples": ("application/n-triples", ".nt"),
    "jsonld": ("application/ld+json", ".jsonld"),
    "rdfxml": ("application/rdf+xml", ".rdf"),
}
# Dataset serializations (named graphs).
QUADS = {
    "nquads": ("application/n-quads", ".nq"),
    "trig": ("application/trig", ".trig"),
}
# SPARQL 1.1 query results: internal name -> media type.
RESULTS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
HTML = "text/html"
JSON = "application/json"
PLAIN = "text/plain"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

# What the server offers for each kind of answer, media type -> internal format name, in its order of
# preference; aliases that clients send (application/json, text/xml, application/x-turtle) included.
TABULAR_OFFERS = [
    (HTML, "html"),
    (RESULTS["json"], "json"),
    (JSON, "json"),
    (RESULTS["xml"], "xml"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
    (RESULTS["csv"], "csv"),
    (RESULTS["tsv"], "tsv"),
]
GRAPH_OFFERS = [
    (HTML, "html"),
    (RDF["turtle"][0], "turtle"),
    ("application/x-turtle", "turtle"),
    (RDF["jsonld"][0], "jsonld"),
    (RDF["ntriples"][0], "ntriples"),
    (PLAIN, "ntriples"),
    (RDF["rdfxml"][0], "rdfxml"),
]

# File extension -> media type, for every file a build, a release or the server hands out.
BY_EXTENSION = {
    **{ext: media for media, ext in RDF.values()},
    **{ext: media for media, ext in QUADS.values()},
    ".owl": "application/rdf+xml",
    ".json": JSON,
    ".csv": RESULTS["csv"],
    ".html": HTML,
    ".md": "text/markdown",
    ".cff": "application/x-yaml",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
# File extensions a contribution may have -> the reader that reads it (contrib.readers).
CONTRIBUTION_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
    ".jsonld": "jsonld",
    ".json": "jsonld",
}
# File extensions of linked-data IRIs (/id/x.ttl) -> graph format; .html asks for the page.
IRI_EXTENSIONS = {".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples", ".rdf": "rdfxml", ".html": "html"}


def of_file(name: str) -> str | None:
    """The media type of a file by its extension, or None when it is not one of ours."""
    return BY_EXTENSION.get(PurePath(name).suffix)
