"""The SPARQL 1.1 Protocol at /sparql: query by GET, POST form or POST direct; the service description.

Per request, in the front end: the parameters (Starlette's QueryParams, for the URL and for a form
body), content negotiation (negotiate.py), the generation's result cache, then, on a miss, the one
policy check (checking.check) and one round trip to a query process with the checked text. The
answer's bytes come back serialized (results.py) and go out as they are.
"""

from __future__ import annotations

import asyncio
import binascii
import functools
import re
import urllib.parse

import pyoxigraph as ox
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from .. import iris, mediatypes
from . import negotiate
from .checking import QueryRefused, check, limited
from .context import Context, HTTPError, endpoint
from .results import serialize_graph

# Seconds a request body may take to arrive (a trickling client holds a connection; see http11.py).
BODY_TIMEOUT = 30.0
# Drain at most this much of an oversized body before answering 413, so the client reads the answer.
DRAIN_LIMIT = 32 * 1024 * 1024
READ_ONLY = "SPARQL Update is not accepted: this endpoint is read-only."
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMAT_SPEC = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)
RDF_TYPES = {name: media for name, (media, _ext) in mediatypes.RDF.items()}


_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def _unquote(raw: bytes) -> str:
    """application/x-www-form-urlencoded decoding of one name or value, exactly as urllib.parse's
    unquote_plus (UTF-8, errors replaced), in C: a 1.7 KB query costs 7 us instead of 120 us.

    binascii.a2b_qp decodes "=XX" escapes; a literal "=" is first written as its own escape "=3D",
    then every "%" becomes "=". A "%" not followed by two hex digits is left to urllib.
    """
    b = raw.replace(b"+", b" ")
    if b"%" in b:
        if _BAD_ESCAPE.search(b):
            return urllib.parse.unquote_to_bytes(b).decode("utf-8", "replace")
        b = binascii.a2b_qp(b.replace(b"=", b"=3D").replace(b"%", b"="))
    return b.decode("utf-8", "replace")


def parse_params(raw: bytes) -> QueryParams:
    """A query string or form body as Starlette's QueryParams (blank values kept, like Starlette's)."""
    items = []
    for field in raw.split(b"&"):
        if field:
            name, _, value = field.partition(b"=")
            items.append((_unquote(name), _unquote(value)))
    return QueryParams(items)


@functools.lru_cache(maxsize=256)
def formats(accept: str | None, fmt: str | None) -> tuple[str | None, str | None]:
    """(SELECT/ASK format, CONSTRUCT/DESCRIBE format) for an Accept header and a format parameter."""
    return negotiate.choose(negotiate.TABULAR, accept, fmt), negotiate.choose(negotiate.GRAPH, accept, fmt)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, at most `limit` bytes as it arrives (Content-Length or chunked), else 413;
    a body that takes over BODY_TIMEOUT seconds to arrive is answered 408."""
    try:
        async with asyncio.timeout(BODY_TIMEOUT):
            return await _read_body(request, limit)
    except TimeoutError:
        raise HTTPError(408, f"the request body did not arrive within {BODY_TIMEOUT:g} s") from None


async def _read_body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and not length.isdigit():
        raise HTTPError(400, "Content-Length is not a number")
    chunks, total = [], 0
    too_long = length is not None and int(length) > limit
    if not too_long:
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit:
                too_long = True
                break
            chunks.append(chunk)
    if too_long:
        size = int(length) if length is not None else None
        drained = total
        if size is None or size <= DRAIN_LIMIT:
            async for chunk in request.stream():
                drained += len(chunk)
                if drained > DRAIN_LIMIT:
                    break
        shown = f"{size} bytes" if size is not None else f"over {limit} bytes"
        raise HTTPError(413, f"the request body is {shown}; this server accepts at most {limit} bytes")
    return b"".join(chunks)


async def _params(ctx: Context) -> QueryParams:
    """The protocol parameters: the URL's, and for a POST the body's (form fields or the query)."""
    request = ctx.request
    url_params = parse_params(request.scope["query_string"])
    if request.method != "POST":
        return url_params
    body = await read_body(request, ctx.config.max_body)
    raw_type = request.headers.get("content-type")
    if not raw_type:
        raise HTTPError(
            400, "a POST to /sparql needs a Content-Type: application/sparql-query or application/x-www-form-urlencoded"
        )
    ctype, _, rest = raw_type.partition(";")
    ctype = ctype.strip().lower()
    for part in rest.split(";"):
        key, _, value = part.partition("=")
        charset = value.strip().strip('"').lower()
        if key.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise HTTPError(415, f"the body must be UTF-8 (SPARQL 1.1 Protocol 2.1), not {charset}")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, "the body is not valid UTF-8") from None
    items = list(url_params.multi_items())
    if ctype == mediatypes.FORM:
        return QueryParams(items + parse_params(body).multi_items())
    if ctype == mediatypes.SPARQL_QUERY:
        if "query" in url_params:
            raise HTTPError(400, "a query in both the body and the URL")
        return QueryParams([*items, ("query", text)])
    if ctype == mediatypes.SPARQL_UPDATE:
        raise HTTPError(403, READ_ONLY + " Change data by editing data/*.yaml and rebuilding.")
    raise HTTPError(
        415, f"unsupported Content-Type {ctype}: use application/sparql-query or application/x-www-form-urlencoded"
    )


@endpoint
async def sparql(ctx: Context) -> Response:
    """GET, HEAD or POST /sparql: a query, or without one the service description (or the editor)."""
    params = await _params(ctx)
    if "update" in params:
        raise HTTPError(403, READ_ONLY)
    queries = params.getlist("query")
    if not queries:
        if ctx.request.method == "POST":
            raise HTTPError(400, "no query: send it as the body (application/sparql-query) or a query= field")
        return await service_description(ctx)
    if len(queries) > 1:
        raise HTTPError(400, "more than one query parameter; send exactly one query")
    text = queries[0]
    config = ctx.config
    # (UTF-8 takes at most 4 bytes a character: only a long text needs encoding to be measured.)
    if len(text) * 4 > config.max_body and len(text.encode("utf-8")) > config.max_body:
        raise HTTPError(413, f"the query is longer than this server's limit of {config.max_body} bytes")
    fmt = params.get("format") or params.get("output")
    result_fmt, graph_fmt = formats(ctx.accept, fmt)
    if result_fmt is None and graph_fmt is None:
        raise HTTPError(
            406,
            "no acceptable result format; this endpoint answers "
            + ", ".join(m for m, _ in negotiate.TABULAR + negotiate.GRAPH),
        )
    defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    base = ctx.endpoint_url()
    if result_fmt == "html":
        # A browser's query: the editor with the answer, or with the error and the query kept. It is
        # checked here like any other; the editor's view runs the checked, canonical text.
        try:
            verdict = {"checked": check(text, ctx.served.graphs, config.services, base).text}
        except QueryRefused as exc:
            verdict = {"refused": str(exc)}
        return await ctx.page("sparql", {"query": [text]}, verdict)
    key = (text, tuple(defaults), tuple(named), result_fmt, graph_fmt, base)
    served = ctx.served
    answer = served.cache.get(key)
    if answer is None:
        try:
            checked = check(text, served.graphs, config.services, base)
        except QueryRefused as exc:
            raise HTTPError(exc.status, str(exc)) from None
        clamped, exact = limited(checked, config.max_rows)
        answer = await ctx.request_raw(
            "sparql",
            text=checked.text,
            clamped=clamped,
            exact=exact,
            default_graphs=defaults if defaults or named else None,
            named_graphs=named if defaults or named else None,
            result_fmt=key[3],
            graph_fmt=graph_fmt,
            max_rows=config.max_rows,
            base_iri=base,
        )
        served.cache.put(key, answer)
    header, body = answer
    headers = {"Vary": "Accept"}
    if header.get("truncated"):
        headers["Mentorgraph-Truncated"] = f"only the first {config.max_rows} results are included"
    return Response(body, 200, headers, header["ctype"] + "; charset=utf-8")


# -- the service description -----------------------------------------------------------------------------
@functools.lru_cache(maxsize=16)
def description(
    endpoint_url: str, graphs: tuple[tuple[str, int | None], ...], limits: str, federated: bool
) -> tuple[ox.Triple, ...]:
    """The SPARQL 1.1 Service Description of this endpoint as RDF triples."""

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    ep, sd = n(endpoint_url), SD
    out = [
        ox.Triple(ep, RDF_TYPE, n(sd + "Service")),
        ox.Triple(ep, n(sd + "endpoint"), ep),
        ox.Triple(ep, n(sd + "supportedLanguage"), n(sd + "SPARQL11Query")),
        ox.Triple(ep, n(sd + "feature"), n(sd + "UnionDefaultGraph")),
        ox.Triple(ep, n(DCTERMS + "description"), ox.Literal(limits)),
    ]
    if federated:
        out.append(ox.Triple(ep, n(sd + "feature"), n(sd + "BasicFederatedQuery")))
    out += [ox.Triple(ep, n(sd + "resultFormat"), n(FORMAT_SPEC + f)) for f in RESULT_FORMATS]
    dataset, default = ox.BlankNode(), ox.BlankNode()
    out += [
        ox.Triple(ep, n(sd + "defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, n(sd + "Dataset")),
        ox.Triple(dataset, n(DCTERMS + "source"), n(iris.DATASET)),
        ox.Triple(dataset, n(sd + "defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, n(sd + "Graph")),
        ox.Triple(default, n(DCTERMS + "description"), ox.Literal("the union of the named graphs")),
    ]
    counts = [c for _, c in graphs if c is not None]
    if counts:
        out.append(ox.Triple(default, n(VOID + "triples"), ox.Literal(str(sum(counts)), datatype=n(XSD_INTEGER))))
    for name, count in graphs:
        named, graph = ox.BlankNode(), ox.BlankNode()
        out += [
            ox.Triple(dataset, n(sd + "namedGraph"), named),
            ox.Triple(named, RDF_TYPE, n(sd + "NamedGraph")),
            ox.Triple(named, n(sd + "name"), n(name)),
            ox.Triple(named, n(sd + "graph"), graph),
            ox.Triple(graph, RDF_TYPE, n(sd + "Graph")),
        ]
        if count is not None:
            out.append(ox.Triple(graph, n(VOID + "triples"), ox.Literal(str(count), datatype=n(XSD_INTEGER))))
    return tuple(out)


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


async def service_description(ctx: Context) -> Response:
    """GET /sparql without a query: the service description, or the query editor for a browser."""
    fmt = negotiate.choose(negotiate.GRAPH, ctx.accept, ctx.fmt_param())
    if fmt == "html":
        return await ctx.page("sparql")
    c = ctx.config
    counts = {g: int(i.get("triples", 0)) for g, i in ctx.served.manifest.get("graphs", {}).items()}
    limits = (
        "Read-only. SPARQL Update, LOAD, FROM of a foreign graph and SERVICE (unless configured) are refused. "
        f"Time limit {c.timeout:g} s, at most {c.max_rows} results, request bodies up to {c.max_body} bytes."
    )
    graphs = tuple((g, counts.get(g)) for g in sorted(ctx.served.graphs))
    triples = description(ctx.endpoint_url(), graphs, limits, bool(c.allowed_services))
    return await rdf_document(ctx, list(triples), "service description", fmt)


async def rdf_document(ctx: Context, triples: list, what: str, fmt: str | None = None) -> Response:
    """Triples as the negotiated RDF format (or, for a browser, a page showing them as Turtle)."""
    fmt = fmt or negotiate.choose(negotiate.GRAPH, ctx.accept, ctx.fmt_param())
    if fmt is None:
        raise HTTPError(406, f"the {what} is available as " + ", ".join(RDF_TYPES.values()))
    headers = {"Vary": "Accept"}
    if fmt == "html":
        # A browser gets the download-and-cite page, which links this description in every format.
        return await ctx.page("download", {})
    body = serialize_graph(triples, fmt, _context(ctx))
    return Response(body, 200, headers, RDF_TYPES[fmt] + "; charset=utf-8")


def _context(ctx: Context):
    """A loader of the generation's JSON-LD context (read only when JSON-LD is written)."""
    import json

    from .. import layout

    def load() -> dict:
        path = ctx.served.generation.context
        if not path.is_file():
            path = ctx.config.root / layout.CONTEXT_FILE
        return json.loads(path.read_text(encoding="utf-8"))["@context"]

    return load
