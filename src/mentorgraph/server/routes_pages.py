"""The web view's pages: the one place that maps URLs to page functions.

Each page is a handler `@endpoint async def name(ctx: Context) -> Response` listed in ROUTES. A handler
fetches what it shows from the generation being served (`await ctx.run(op, **args)`: an operation of
worker.py, run in a query process under the time limit; JSON comes back) and renders it with a page
function (server/pages.py, advise/html.py today; the Jinja2 views of mentorgraph.web later), then
answers `ctx.html(body)`. The CSP and the other security headers are added to every response by
middleware.py; a page with its own <style> element passes csp_allowing_styles(body) as headers.

To add or swap a page, change only this module: a handler and a line in ROUTES.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from .. import layout
from . import negotiate, pages, wire
from .context import Context, HTTPError, csp_allowing_styles, endpoint

# The parameters of the "Find a model" form (mentorgraph.advise.html.person_from_params); others are ignored.
FIND_PARAMS = ("career-stage", "population", "specialty", "mode", "want", "avoid")


def _catalogue(ctx: Context) -> dict:
    from ..query.catalogue import load_catalogue

    return load_catalogue(ctx.config.root / layout.QUERIES_DIR)


async def _candidates(ctx: Context, catalogue: dict) -> dict[str, list[tuple[str, str]]]:
    kinds = sorted({p.kind for q in catalogue.values() for p in q.params if p.kind != "text"})
    return {k: [tuple(c) for c in await ctx.run("candidates", kind=k)] for k in kinds}


@endpoint
async def home(ctx: Context) -> Response:
    """/: Table 1 regenerated from the graph."""
    data = await ctx.run("home")
    data["links"] = {(t, label): iri for t, label, iri in data["links"]}
    return ctx.html(pages.home(data, ctx.served.manifest))


@endpoint
async def browse(ctx: Context) -> Response:
    """/browse: every model type, initiative, organization and population."""
    return ctx.html(pages.browse(wire.rows(await ctx.run("browse"))))


@endpoint
async def find(ctx: Context) -> Response:
    """/find: "Find a model" (mentorgraph.advise.html's page, made in a query process)."""
    query = ctx.request.query_params
    params = {k: query.getlist(k) for k in FIND_PARAMS if k in query}
    answer = await ctx.run("find", params=params)
    body = answer["body"]
    return ctx.html(pages.find(body), answer["status"], csp_allowing_styles(body))


@endpoint
async def about(ctx: Context) -> Response:
    """/about: the limits of this service, as configured."""
    return ctx.html(pages.about(ctx.config.limits()))


@endpoint
async def questions(ctx: Context) -> Response:
    """/questions: every canned question with a form."""
    cat = _catalogue(ctx)
    return ctx.html(pages.questions(cat, await _candidates(ctx, cat)))


@endpoint
async def question(ctx: Context) -> Response:
    """/questions/<name>: a canned question's answer, as a page or a download (format=csv|json|tsv|xml)."""
    from ..problems import closest
    from ..query import formats

    name = ctx.request.path_params["name"]
    cat = _catalogue(ctx)
    if name not in cat:
        hint = closest(name, cat, n=3)
        raise HTTPError(
            404, f"no canned question named {name!r}" + (f"; did you mean {', '.join(hint)}?" if hint else "")
        )
    q = cat[name]
    values = {p.name: ctx.param(p.name) for p in q.params if ctx.param(p.name) is not None}
    fmt_param = ctx.fmt_param()
    fmt = negotiate.choose(negotiate.TABULAR, ctx.accept, fmt_param)
    if fmt is None:
        raise HTTPError(406, "answers are available as HTML, SPARQL JSON/XML, CSV and TSV")
    answer = await ctx.run("canned", name=name, params=values, max_rows=ctx.config.max_rows)
    res = wire.result(answer["result"])
    headers = {"Vary": "Accept"}
    if answer["truncated"]:
        headers["Mentorgraph-Truncated"] = f"only the first {ctx.config.max_rows} results are included"
    if fmt == "html":
        page = pages.question_result(q, values, res, answer["truncated"], await _candidates(ctx, {name: q}))
        return ctx.html(page, headers=headers)
    writer = {"json": formats.to_json, "xml": formats.to_xml, "csv": formats.to_csv, "tsv": formats.to_tsv}[fmt]
    if fmt_param:
        ext = {"json": "srj", "xml": "srx"}.get(fmt, fmt)
        headers["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    media = negotiate.media_type(negotiate.TABULAR, fmt)
    return Response(writer(res).encode("utf-8"), 200, headers, media + "; charset=utf-8")


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/browse", browse, methods=["GET"]),
    Route("/find", find, methods=["GET"]),
    Route("/about", about, methods=["GET"]),
    Route("/questions", questions, methods=["GET"]),
    Route("/questions/{name}", question, methods=["GET"]),
]
