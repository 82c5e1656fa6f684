"""View functions: the built graph (through the query API) -> plain context dicts for the templates.

A view takes a `Source` (the open graph, the project root, the build) and the request's parameters,
and returns a `Page` (template name, title, context, status) or a `Download` (a file's text). No view
writes HTML: the templates do, escaped. The server runs views in its query workers; the static site
writer runs them directly; both render with web.render and their own URL builder.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import iris
from ...query.api import MentorGraph

Params = dict[str, list[str]]


@dataclass
class Page:
    """A page to render: `template` with `context`; `title` is plain text (the <title> and the <h1>)."""

    template: str
    title: str
    context: dict[str, Any]
    status: int = 200
    # The IRI the page is about, for <link rel="alternate"> to its RDF and the JSON-LD block.
    about: str | None = None


@dataclass
class Download:
    """A file a page offers (CSV, JSON, Markdown, BibTeX ...): its text, media type and file name."""

    media_type: str
    filename: str
    body: str
    status: int = 200


class NotFound(LookupError):
    """The page names nothing in the graph (HTTP 404); the message says what was looked for."""


@dataclass
class Source:
    """What views read: the open graph, the project root (data/themes.yaml, CITATION.cff, queries/),
    the build generation's directory (its files for the download page) and, on a server, its facts
    (`service`: limits and endpoint; None for the static site)."""

    mg: MentorGraph
    root: Path
    out: Path
    service: dict[str, Any] | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def once(self, key: str, make):
        """make() once per Source: the build does not change while it is open."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def rows(self, query: str) -> list[dict[str, Any]]:
        """A SELECT over the graph with the project's prefixes, as plain rows (IRIs and strings as str)."""
        return self.mg.engine.query(iris.sparql_prologue() + query).plain()

    @property
    def model(self):
        """The advice model of mentorgraph.advise: the types, the initiatives, and the concepts a person
        can name (populations, delivery modes) with the broader ones that contain them."""
        from ...advise.model import cached_model

        return cached_model(self.mg)

    def populations(self) -> dict[str, Any]:
        """The concepts of the schemes initiatives take their target populations from, by IRI."""

        def make() -> dict[str, Any]:
            concepts = self.model.concepts
            schemes = {concepts[t].scheme for i in self.model.initiatives for t in i.targets if t in concepts}
            return {c.iri: c for c in concepts.values() if c.scheme in schemes}

        return self.once("populations", make)

    def serves(self, initiative) -> set[str]:
        """What an initiative records (its target populations, its delivery mode) and every concept that
        contains one: a group for mothers serves women (skos:broaderTransitive in the graph)."""
        concepts = self.model.concepts
        return {b for v in initiative.values if v in concepts for b in (v, *concepts[v].broader)}

    @property
    def scheme(self):
        """The themes and facets of data/themes.yaml."""
        from ...pipeline.themes import load_themes

        return self.once("scheme", lambda: load_themes(self.root))

    def labels(self) -> dict[str, str]:
        """Every labelled IRI of the project's graphs and the ontology -> its label (read_labels), once."""
        return self.once("labels", lambda: read_labels(self.mg))

    def names(self) -> dict[str, str]:
        """labels(), with an initiative named as Table 1 lists it where its label alone is ambiguous
        ("American College of Rheumatology (Online)", "CARMA (American College of Rheumatology)")."""
        return self.once("names", lambda: {**self.labels(), **{i.iri: i.display for i in self.model.initiatives}})


def read_labels(mg: MentorGraph) -> dict[str, str]:
    """Every labelled IRI of the ontology, article and curation graphs -> its label (the smallest, when
    several), for naming what a page links to."""
    rows = mg.engine.query(
        iris.sparql_prologue()
        + """SELECT ?s ?label WHERE { VALUES ?g { mgg:ontology mgg:article mgg:curation }
             GRAPH ?g { ?s rdfs:label ?label } FILTER (isIRI(?s)) }"""
    ).plain()
    out: dict[str, str] = {}
    for r in rows:
        if r["s"] not in out or r["label"] < out[r["s"]]:
            out[r["s"]] = r["label"]
    return out


def read_ontology(mg: MentorGraph) -> dict[str, Any]:
    """The ontology graph's sub-property pairs (p -> its direct super-properties) and inverse pairs."""
    q = iris.sparql_prologue()
    supers: dict[str, set[str]] = {}
    for r in mg.engine.query(q + "SELECT ?p ?q WHERE { GRAPH mgg:ontology { ?p rdfs:subPropertyOf ?q } }").plain():
        supers.setdefault(r["p"], set()).add(r["q"])
    inverse: dict[str, str] = {}
    for r in mg.engine.query(q + "SELECT ?p ?q WHERE { GRAPH mgg:ontology { ?p owl:inverseOf ?q } }").plain():
        inverse[r["p"]], inverse[r["q"]] = r["q"], r["p"]
    return {"supers": supers, "inverse": inverse}


def ancestors(p: str, supers: dict[str, set[str]]) -> set[str]:
    """`p` and every property above it (rdfs:subPropertyOf, transitively)."""
    out, todo = {p}, [p]
    while todo:
        for q in supers.get(todo.pop(), ()):
            if q not in out:
                out.add(q)
                todo.append(q)
    return out


def ref(iri: str, label: str | None = None) -> dict[str, str]:
    """A link to an entity as templates take it: {"iri", "label"} (the CURIE when it has no label)."""
    from ...query.formats import curie

    return {"iri": iri, "label": label or curie(iri)}


def slug(iri: str) -> str:
    """The short name of one of the project's IRIs (mg:acr -> "acr"), as URLs carry it."""
    return iri.removeprefix(iris.MG)


def first(params: Params, name: str) -> str | None:
    """The last non-empty value of a parameter (a form may send it empty), or None."""
    values = [v for v in params.get(name, []) if v.strip()]
    return values[-1].strip() if values else None


@functools.lru_cache(maxsize=1)
def view_table() -> dict[str, Any]:
    """Route name (urls.ROUTES) -> view function; imported on first use, each view module on its own."""
    from . import browse, charts, cite, compare, entity, find, home, lists, ontology, questions, sparql

    return {
        "home": home.home,
        "browse": browse.browse,
        "types": lists.types,
        "populations": lists.populations,
        "organizations": lists.organizations,
        "compare": compare.compare,
        "find": find.find,
        "find-brief": find.brief,
        "questions": questions.questions,
        "question": questions.question,
        "sparql": sparql.editor,
        "charts": charts.charts,
        "download": cite.download,
        "cite": cite.citation_file,
        "ontology": ontology.ontology,
        "about": home.about,
        "entity": entity.entity,
        "graph": lists.named_graph,
    }
