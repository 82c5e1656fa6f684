"""Linked data: every IRI the project mints resolves here by its path, negotiated between HTML and RDF.

`https://w3id.org/mentorgraph/<path>` is `http://<this server>/<path>`: /id/<slug>, /statement/<id>,
/graph/<name>, /ontology (and /ontology.ttl, .jsonld, .nt, .rdf), and the dataset description at
/dataset and /.well-known/void. The answer is direct (200, Vary: Accept); a `format` parameter or a
suffix picks a format explicitly.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from starlette.responses import Response

from .. import iris, mediatypes
from . import negotiate
from .context import Context, HTTPError, endpoint
from .protocol import RDF_TYPES, rdf_document

SLUG = re.compile(r"^[A-Za-z0-9._~-]+$")
EXTENSIONS = mediatypes.IRI_EXTENSIONS


def resource_format(ctx: Context, ext: str | None) -> str:
    """The format asked for by suffix, `format` parameter or Accept header; 406 if none is offered."""
    fmt = EXTENSIONS.get(ext) if ext else None
    fmt = fmt or negotiate.choose(negotiate.GRAPH, ctx.accept, ctx.fmt_param())
    if fmt is None:
        raise HTTPError(406, "this resource is available as text/html, " + ", ".join(RDF_TYPES.values()))
    return fmt


def _split(name: str) -> tuple[str, str | None]:
    for ext in EXTENSIONS:
        if name.endswith(ext):
            return name[: -len(ext)], ext
    return name, None


async def _resource(ctx: Context, prefix: str) -> Response:
    name = ctx.request.path_params["name"]
    stem, ext = _split(name)
    if not SLUG.match(stem or "-/"):
        raise HTTPError(404, f"not an IRI of this dataset: /{prefix}/{name}")
    iri = iris.BASE + prefix + "/" + stem
    fmt = resource_format(ctx, ext)
    headers = {"Vary": "Accept"}
    if prefix == "graph":
        if stem not in iris.GRAPH_NAMES:
            raise HTTPError(404, f"no named graph {stem!r}; the graphs are {', '.join(iris.GRAPH_NAMES)}")
        if fmt == "html":
            return await ctx.page("graph", {"name": [stem]})
        data = await ctx.run("graph", iri=iri, fmt=fmt)
        return Response(data, 200, headers, RDF_TYPES[fmt] + "; charset=utf-8")
    if fmt == "html":
        return await ctx.page("entity", {"iri": [iri]})
    body = await ctx.run("describe", iri=iri, fmt=fmt)
    return Response(body, 200, headers, RDF_TYPES[fmt] + "; charset=utf-8")


@endpoint
async def entity(ctx: Context) -> Response:
    """/id/<slug>: an entity."""
    return await _resource(ctx, "id")


@endpoint
async def statement(ctx: Context) -> Response:
    """/statement/<id>: a reified curated statement with its evidence."""
    return await _resource(ctx, "statement")


@endpoint
async def graph(ctx: Context) -> Response:
    """/graph/<name>: a named graph."""
    return await _resource(ctx, "graph")


@endpoint
async def ontology(ctx: Context) -> Response:
    """/ontology and /ontology.<ext>: the documentation for a browser, the ontology graph for RDF clients."""
    ext = ctx.request.path_params.get("ext")
    if ext is not None and "." + ext not in EXTENSIONS:
        raise HTTPError(404, f"nothing here at /ontology.{ext}; the ontology is at /ontology")
    fmt = resource_format(ctx, "." + ext if ext else None)
    headers = {"Vary": "Accept"}
    if fmt == "html":
        return await ctx.page("ontology", {})
    body = await ctx.run("graph", iri=iris.GRAPH + "ontology", fmt=fmt)
    return Response(body, 200, headers, RDF_TYPES[fmt] + "; charset=utf-8")


@endpoint
async def dataset(ctx: Context) -> Response:
    """/dataset and /.well-known/void: the DCAT/VoID description (mentorgraph.release.dataset) naming
    this server's endpoint and downloads; made once per generation and host name it is reached by."""
    ep = ctx.endpoint_url()
    base = ep[: -len("/sparql")]
    turtle = await ctx.generated(("dataset", base), "dataset", endpoint=ep, base_url=base + "/download")
    triples = [q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]
    return await rdf_document(ctx, triples, "VoID and DCAT description of the dataset")
