"""The canned questions as plain JSON for browser clients (issue 15, item 8).

    GET /api/questions                      the catalogue: each question, its parameters and columns
    GET /api/questions/NAME?param=value     one question's answer

An answer is one object: `columns` (name and meaning, from the query's header), `rows` (one object
per row, keyed by column), `truncated`. A cell is JSON of its own kind: an IRI is
`{"iri": ..., "label": ...}` (the label the graph gives it, or null), a number is a number, a
boolean a boolean, other literals strings, an unbound cell null. A parameter takes what the CLI's
`--param` takes (a label, alternative label, id or IRI). A bad request is answered with
`{"error": ..., "parameter": ..., "suggestions": [...]}` and status 400, an unknown question with
status 404 and the closest names.
"""

from __future__ import annotations

import math
from typing import Any

from ..problems import closest
from ..query.api import AmbiguousValue, ParameterError, UnknownValue
from ..query.engines import Result, Term
from .views import Source


def catalogue(source: Source, base: str = "/api/questions/") -> dict[str, Any]:
    """Every canned question with its parameters (name, kind, meaning, example) and columns."""
    out = []
    for name, q in sorted(source.mg.catalogue.items()):
        out.append(
            {
                "name": name,
                "question": q.question,
                "url": base + name,
                "parameters": [
                    {"name": p.name, "kind": p.kind, "meaning": p.meaning, "example": p.example} for p in q.params
                ],
                "columns": [{"name": c.name, "meaning": c.meaning} for c in q.columns],
            }
        )
    return {"questions": out}


def answer(source: Source, name: str, params: dict[str, str], max_rows: int) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for one question with its parameters: the answer, or the error in words."""
    cat = source.mg.catalogue
    if name not in cat:
        return 404, {"error": f"no question named {name!r}", "suggestions": closest(name, cat, n=3)}
    q = cat[name]
    known = [p.name for p in q.params]
    for given in params:
        if given not in known:
            return 400, {
                "error": f"the question {name!r} has no parameter {given!r}",
                "parameter": given,
                "suggestions": known,
            }
    for p in q.params:
        if p.name not in params:
            return 400, {
                "error": f"the question {name!r} needs the parameter {p.name!r} ({p.meaning}), e.g. {p.example!r}",
                "parameter": p.name,
                "suggestions": [p.example],
            }
    try:
        res = source.mg.query(name, **params)
    except UnknownValue as exc:
        return 400, {"error": str(exc), "parameter": exc.param, "suggestions": exc.suggestions}
    except AmbiguousValue as exc:
        return 400, {"error": str(exc), "parameter": exc.param, "suggestions": [iri for iri, _ in exc.candidates]}
    except ParameterError as exc:
        return 400, {"error": str(exc), "parameter": None, "suggestions": []}
    return 200, {
        "name": name,
        "question": q.question,
        "parameters": params,
        **rows_json(res, q, source.labels(), max_rows),
    }


def rows_json(res: Result, q, labels: dict[str, str], max_rows: int) -> dict[str, Any]:
    """A result's columns and rows (at most `max_rows`) as plain JSON values, IRIs with their labels."""
    meaning = {c.name: c.meaning for c in q.columns}
    columns = [{"name": v, "meaning": meaning.get(v)} for v in res.variables]
    rows = [{v: cell(row.get(v), labels) for v in res.variables} for row in res.rows[:max_rows]]
    return {"columns": columns, "rows": rows, "truncated": len(res.rows) > max_rows}


def cell(term: Term | None, labels: dict[str, str]) -> Any:
    """One cell as JSON: {"iri", "label"} for an IRI, a number or boolean for typed literals, else text."""
    if term is None:
        return None
    if term.kind == "uri":
        return {"iri": term.value, "label": labels.get(term.value)}
    if term.kind == "bnode":
        return {"bnode": term.value}
    value = term.python()
    if isinstance(value, float) and not math.isfinite(value):
        return term.value  # INF, -INF and NaN have no JSON number
    return value if isinstance(value, bool | int | float | str) else term.value
