"""The query editor: SPARQL with the project's prefixes predeclared, every canned question as an
example, results as a table with labels and links, downloads and a link to share. An error keeps the
query and says at which line and column (in the user's text, the predeclared prefixes not counted).

The editor itself is the vendored CodeMirror bundle (static/vendor/codemirror), started by
static/editor.js; without JavaScript the page is a plain form that works the same.
"""

from __future__ import annotations

import re
from typing import Any

from ... import iris
from ...query.api import ParameterError
from ...query.catalogue import sparql_iri, sparql_string
from ...query.engines import EngineError, QuerySyntaxError, Result
from ...query.policy import RefusedQuery
from . import Page, Params, Source, first
from .questions import results

START = (
    "SELECT ?type ?label WHERE {\n  ?type a mgo:MentoringModelType ; rdfs:label ?label ; mgo:tablePosition ?row .\n}\n"
    "ORDER BY ?row\n"
)
DOWNLOADS = (("csv", "CSV"), ("json", "SPARQL JSON"), ("tsv", "TSV"), ("xml", "SPARQL XML"))
GRAPH_DOWNLOADS = (("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples"))
POSITION = re.compile(r"line (\d+), column (\d+)")


def examples(source: Source) -> list[dict[str, str]]:
    """Every canned question as runnable text: parameters bound to the question's own example value."""

    def make() -> list[dict[str, str]]:
        from ...query.catalogue import bind

        out = []
        prologue = iris.sparql_prologue()
        for name, q in source.mg.catalogue.items():
            terms = {}
            try:
                for p in q.params:
                    terms[p.name] = (
                        sparql_string(p.example)
                        if p.kind == "text"
                        else sparql_iri(source.mg.resolve(p.example, p.kind, p.name))
                    )
            except ParameterError:
                continue  # an example value the graph does not hold (a ROR-only question): left out
            text = bind(q, terms)[len(prologue) :].lstrip("\n")
            out.append({"name": name, "question": q.question, "text": text})
        out.sort(key=lambda e: (e["name"] != "underserved-programs", e["name"]))
        return out

    return source.once("examples", make)


def run(source: Source, text: str, max_rows: int) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(results, None) or (None, error): the query run read-only with the prefixes predeclared."""
    try:
        res = source.mg.sparql(text)
    except RefusedQuery as exc:
        return None, {"message": f"This query is not allowed here: {exc}", "line": None, "column": None}
    except QuerySyntaxError as exc:
        return None, _error(str(exc))
    except EngineError as exc:
        return None, {"message": f"The query could not be run: {exc}", "line": None, "column": None}
    if res.kind == "graph":
        triples = res.triples or []
        res = Result(
            "select",
            ["subject", "predicate", "object"],
            [dict(zip(("subject", "predicate", "object"), t, strict=True)) for t in triples],
        )
        graph = True
    else:
        graph = False
    truncated = len(res.rows) > max_rows
    res.rows = res.rows[:max_rows]
    table = results(res, truncated=truncated)
    labels = source.labels()
    for row in table["rows"]:
        for cell in row:
            if cell and cell["kind"] == "uri" and not cell["label"]:
                cell["label"] = labels.get(cell["value"])
    table["graph"] = graph
    return table, None


def _error(message: str) -> dict[str, Any]:
    """An error for the page: the message, and the line and column it names (if any)."""
    m = POSITION.search(message)
    return {"message": message, "line": int(m.group(1)) if m else None, "column": int(m.group(2)) if m else None}


def editor(source: Source, params: Params) -> Page:
    """/sparql (for a browser): the editor, and when a query is given, its answer or its error."""
    text = (params.get("query") or [""])[-1]
    example = first(params, "example")
    chosen = next((e for e in examples(source) if e["name"] == example), None)
    if chosen is not None:
        text = chosen["text"]
    res = error = None
    service = source.service or {}
    if text.strip() and chosen is None and "refused" in service:
        # A server checked the query before this view (server/protocol.py) and will not run it.
        error = _error(str(service["refused"]))
    elif text.strip() and chosen is None:
        # On a server, what runs is the text its check approved (canonical: no comment, no escape
        # outside strings), so the query that runs is the query that was checked.
        res, error = run(source, service.get("checked", text), int(service.get("max_rows", 10000)))
    return Page(
        "sparql.html",
        "Query the graph (SPARQL)",
        {
            "current": "sparql",
            "query": text or START,
            "ran": bool(text.strip()) and chosen is None,
            "results": res,
            "error": error,
            "examples": examples(source),
            "example": example,
            "prefixes": list(iris.PREFIXES.items()),
            "downloads": GRAPH_DOWNLOADS if res and res.get("graph") else DOWNLOADS,
        },
        status=400 if error else 200,
    )
