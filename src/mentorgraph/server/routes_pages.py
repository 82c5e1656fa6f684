"""The web view's pages: the one place that maps the server's URLs to the pages of mentorgraph.web.

Each page is rendered by `ctx.page(route, params)`: the view of mentorgraph.web named `route` (the
route names of web/urls.py) runs in a query process over the generation being served, under the time
limit, and its template renders it there; the front end only passes the bytes on. The same views and
templates write the static site (`mentorgraph site`). The CSP and the other security headers are
added to every response by middleware.py.

To add a page: a view in web/views/, its route in web/urls.py, and a line in PAGES here.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from .. import layout
from . import negotiate, wire
from .context import Context, HTTPError, endpoint

# Server path -> the web view's route (web/urls.py), for the pages that take only the query string.
PAGES = {
    "/": "home",
    "/browse": "browse",
    "/types": "types",
    "/populations": "populations",
    "/organizations": "organizations",
    "/compare": "compare",
    "/find": "find",
    "/find/brief": "find-brief",
    "/questions": "questions",
    "/charts": "charts",
    "/download": "download",
    "/about": "about",
}


def _page(route: str):
    @endpoint
    async def show(ctx: Context) -> Response:
        return await ctx.page(route)

    show.__name__ = show.__qualname__ = f"page_{route.replace('-', '_')}"
    show.__doc__ = f"The web view's {route!r} page."
    return show


@endpoint
async def cite(ctx: Context) -> Response:
    """/cite/<name>: the citation in a reference manager's format (BibTeX, RIS, CSL JSON)."""
    return await ctx.page("cite", {"name": [ctx.request.path_params["name"]]})


@endpoint
async def question(ctx: Context) -> Response:
    """/questions/<name>: a canned question's answer, as a page or a download (format=csv|json|tsv|xml)."""
    from ..problems import closest
    from ..query import formats
    from ..query.catalogue import load_catalogue

    name = ctx.request.path_params["name"]
    fmt_param = ctx.fmt_param()
    fmt = negotiate.choose(negotiate.TABULAR, ctx.accept, fmt_param)
    if fmt is None:
        raise HTTPError(406, "answers are available as HTML, SPARQL JSON/XML, CSV and TSV")
    if fmt == "html":
        query = ctx.request.query_params
        return await ctx.page("question", {**{k: query.getlist(k) for k in query.keys()}, "name": [name]})
    cat = load_catalogue(ctx.config.root / layout.QUERIES_DIR)
    if name not in cat:
        hint = closest(name, cat, n=3)
        raise HTTPError(
            404, f"no canned question named {name!r}" + (f"; did you mean {', '.join(hint)}?" if hint else "")
        )
    q = cat[name]
    values = {p.name: ctx.param(p.name) for p in q.params if ctx.param(p.name) is not None}
    answer = await ctx.run("canned", name=name, params=values, max_rows=ctx.config.max_rows)
    res = wire.result(answer["result"])
    headers = {"Vary": "Accept"}
    if answer["truncated"]:
        headers["Mentorgraph-Truncated"] = f"only the first {ctx.config.max_rows} results are included"
    writer = {"json": formats.to_json, "xml": formats.to_xml, "csv": formats.to_csv, "tsv": formats.to_tsv}[fmt]
    if fmt_param:
        ext = {"json": "srj", "xml": "srx"}.get(fmt, fmt)
        headers["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    media = negotiate.media_type(negotiate.TABULAR, fmt)
    return Response(writer(res).encode("utf-8"), 200, headers, media + "; charset=utf-8")


ROUTES = [
    *(Route(path, _page(route), methods=["GET"]) for path, route in PAGES.items()),
    Route("/cite/{name}", cite, methods=["GET"]),
    Route("/questions/{name}", question, methods=["GET"]),
]
