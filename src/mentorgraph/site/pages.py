"""Which pages the static site holds: every route of the web view that needs no server, each entity's
card, the canned questions answered for their example values, and the parametrized pages the other
pages link to (web.linked_pages). A stage: the open web Source in, a list of pages to render out.

A page is (route, params, file): rendered with `web.respond(source, route, params, StaticUrls(file))`.
Routes with no file in web.urls.FILES (about: a server's limits) are left out, and StaticUrls makes
every link to them plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import iris
from ..web import linked_pages
from ..web.urls import FILES, static_name
from ..web.views import Params, Source

# Routes with a file of their own and no parameters; the others are listed with theirs below. The
# brief of "Find a model" exists only for an answer (the site answers in the browser).
PLAIN = (
    "home",
    "browse",
    "types",
    "populations",
    "organizations",
    "compare",
    "find",
    "questions",
    "sparql",
    "charts",
    "download",
    "ontology",
)
# Formats of the RDF beside every entity page (web.urls.RDF_EXTENSIONS), as entity.html links them.
RDF_FORMATS = ("turtle", "jsonld", "ntriples", "rdfxml")
QUESTION_DOWNLOADS = ("csv", "json", "tsv", "xml")


@dataclass(frozen=True)
class PageJob:
    """One file of the site made by the web view: `route` with `params`, written as `file`."""

    route: str
    params: Params = field(hash=False)
    file: str


def entity_iris(source: Source) -> list[str]:
    """Every IRI of the project's entity and statement spaces the graph mentions (subject or object),
    sorted: each gets a card, since some page may link to it."""
    rows = source.rows(
        f"""SELECT DISTINCT ?s WHERE {{
          {{ GRAPH ?g {{ ?s ?p ?o }} }} UNION {{ GRAPH ?g {{ ?x ?p ?s }} }}
          FILTER (isIRI(?s) && (STRSTARTS(STR(?s), "{iris.MG}") || STRSTARTS(STR(?s), "{iris.STATEMENT}")))
        }}"""
    )
    return sorted({r["s"] for r in rows if r["s"] not in (iris.MG, iris.STATEMENT)})


def entity_file(iri: str) -> str:
    """The card's file of an entity or statement IRI: id/acr.html, statement/s1.html."""
    for prefix, path in ((iris.MG, "id/"), (iris.STATEMENT, "statement/")):
        if iri.startswith(prefix):
            return f"{path}{iri[len(prefix) :]}.html"
    raise ValueError(f"not one of the project's entity IRIs: {iri}")


def question_values(source: Source, name: str) -> Params:
    """The parameters a canned question is answered for on the site: each one's example value."""
    q = source.mg.catalogue[name]
    return {p.name: [p.example] for p in q.params}


def plan(source: Source) -> list[PageJob]:
    """Every page the site writes, in a stable order."""
    jobs = [PageJob(route, {}, FILES[route]) for route in PLAIN]
    # "Find a model" asks each view's question (joining a program, designing one) on a page of its own.
    jobs += [PageJob("find", {"view": [v.id]}, f"find-{v.id}.html") for v in source.scheme.views[1:]]
    for name in sorted(source.mg.catalogue):
        values = question_values(source, name)
        jobs.append(PageJob("question", {"name": [name], **values}, f"questions/{name}.html"))
        for fmt in QUESTION_DOWNLOADS:
            ext = {"json": "srj", "xml": "srx"}.get(fmt, fmt)
            jobs.append(PageJob("question", {"name": [name], "format": [fmt], **values}, f"questions/{name}.{ext}"))
    jobs += [PageJob(route, params, file) for route, params, file in linked_pages(source)]
    jobs += [PageJob("graph", {"name": [g]}, f"graph/{g}.html") for g in iris.GRAPH_NAMES]
    jobs += [PageJob("cite", {"name": [n]}, f"cite/{n}") for n in citation_names()]
    jobs += [PageJob("entity", {"iri": [iri]}, entity_file(iri)) for iri in entity_iris(source)]
    return jobs


def citation_names() -> list[str]:
    """The citation files (CITATION.cff, BibTeX) the download page offers."""
    from ..web.views.cite import CITATION_FILES

    return sorted(CITATION_FILES)


def page_map(jobs: list[PageJob]) -> dict[str, str]:
    """StaticUrls' `pages`: each parametrized page's key (web.urls.static_name) -> its file."""
    out = {}
    for job in jobs:
        params = {k: v for k, v in job.params.items() if k not in ("name", "iri")}
        if params:
            out[static_name(job.route, {**_named(job), **params})] = job.file
    return out


def _named(job: PageJob) -> dict[str, list[str]]:
    """The path parameter of a route with one ({name}), which StaticUrls keys parametrized pages by."""
    return {"name": job.params["name"]} if "name" in job.params and "{name}" in FILES.get(job.route, "") else {}
