"""The web view: view functions, Jinja2 templates and static files shared by `serve` and the static site.

One set of templates, two renderers. Both call `respond` with a route name (urls.ROUTES, plus "entity"
with `iri=`), the request's parameters and their URL builder:

    from mentorgraph.web import Source, respond, ServerUrls, StaticUrls
    source = Source(mg, root, generation_dir)                     # once per open graph
    out = respond(source, "types", {}, ServerUrls())              # a server: absolute routes
    out = respond(source, "entity", {"iri": [iri]}, StaticUrls("id/acr.html"))   # a static file
    out.status, out.media_type, out.body, out.filename

views/ holds the view functions (graph -> plain dicts, no HTML), templates/ the pages, static/ the
stylesheet, scripts and favicon (static/vendor/ is built by web-assets/). `entity_jsonld(mg, iri)` is the
JSON-LD of one entity, for the server's linked data and the site's pages alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .urls import ServerUrls, StaticUrls, Urls
from .views import Download, NotFound, Page, Params, Source

__all__ = [
    "Output",
    "Source",
    "ServerUrls",
    "StaticUrls",
    "Urls",
    "respond",
    "render_page",
    "error_page",
    "entity_jsonld",
    "linked_pages",
    "STATIC",
    "CSP",
]

# What every page of the web view is written to run under: no inline script or style, nothing from
# elsewhere. The editor page adds 'wasm-unsafe-eval' only on the static site (in-page Oxigraph).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@dataclass
class Output:
    """A rendered answer: HTML for a page, the file's text for a download (`filename` set)."""

    status: int
    media_type: str
    body: str
    filename: str | None = None


def respond(source: Source, route: str, params: Params, urls: Urls, extra: dict | None = None) -> Output:
    """Run the view of `route` with `params` (name -> values) and render it with `urls`.

    A name the graph does not hold is a 404 page with the closest names; a bad parameter value is the
    page's own business (its form comes back with the message and a 400). `extra` is what a renderer
    adds to every page: "csp_meta" (a Content-Security-Policy for a <meta> element, for pages opened
    from file://, which have no response headers) and "scripts" (static files to load, such as the
    static site's in-browser query runner)."""
    from .views import view_table

    view = view_table()[route]
    try:
        result = view(source, params)
    except NotFound as exc:
        return error_page(source.root, 404, str(exc), urls)
    if isinstance(result, Download):
        return Output(result.status, result.media_type, result.body, result.filename)
    return Output(result.status, "text/html; charset=utf-8", render_page(source, result, urls, extra))


def render_page(source: Source, page: Page, urls: Urls, extra: dict | None = None) -> str:
    """A Page in the site's layout (navigation, citation footer), rendered with `urls` (see respond
    for `extra`)."""
    return _render(source.root, page, urls, extra)


def _render(root: Path, page: Page, urls: Urls, extra: dict | None = None) -> str:
    from .render import render
    from .views.cite import site_facts

    context = {
        "current": None,
        "csp_meta": None,
        "scripts": [],
        **page.context,
        **(extra or {}),
        "title": page.title,
        "site": site_facts(root),
        "about": page.about,
    }
    return render(page.template, context, urls)


def error_page(root: Path, status: int, message: str, urls: Urls) -> Output:
    """An error in the site's layout: the status in words, then the message in full. Needs only the
    project root (the citation comes from CITATION.cff), so a server renders it without the graph."""
    page = Page("error.html", ERROR_TITLES.get(status, "Something went wrong"), {"status": status, "message": message})
    return Output(status, "text/html; charset=utf-8", _render(root, page, urls))


ERROR_TITLES = {
    400: "That request could not be used",
    403: "Not allowed here",
    404: "Nothing here by that name",
    405: "Not allowed here",
    406: "Not available in that format",
    413: "That request is too large",
    500: "Something went wrong on this server",
    503: "The server is busy",
}


def linked_pages(source: Source) -> list[tuple[str, Params, str]]:
    """The pages with parameters that the pages link to and a static site can hold: (route, params,
    file). Every pair of model types and all seven compared (from /types and each type's card), and
    their downloads. A site writer renders each with `respond(source, route, params, StaticUrls(file,
    pages=...))`, passing `pages={urls.static_name(route, params): file for route, params, file in ...}`
    to every page so that their links point at these files."""
    from .views import slug

    types = [slug(t.iri) for t in source.model.types]
    sets = [[a, b] for i, a in enumerate(types) for b in types[i + 1 :]] + [types]
    out = []
    for chosen in sets:
        name = "compare/" + ("all" if chosen == types else "--".join(chosen))
        out.append(("compare", {"type": chosen}, name + ".html"))
        for fmt, ext in (("csv", "csv"), ("json", "json"), ("markdown", "md")):
            out.append(("compare", {"type": chosen, "format": [fmt]}, f"{name}.{ext}"))
    return out


def entity_jsonld(mg, iri: str) -> dict:
    """The JSON-LD of one entity: full IRIs as values, keys from the shipped context, labels embedded
    for linked entities, numbers typed (see web/jsonld.py)."""
    from .jsonld import entity_jsonld as make

    return make(mg, iri)


def __getattr__(name: str):
    if name == "STATIC":
        from .render import STATIC

        return STATIC
    raise AttributeError(name)
