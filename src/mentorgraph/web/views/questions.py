"""The canned questions (queries/*.rq): every one with its form, the headline question first; an
answer as a table of links (an IRI column and its label column shown as one), downloads, and messages
in plain words when a value names nothing.
"""

from __future__ import annotations

import re
from typing import Any

from ...query.api import AmbiguousValue, ParameterError, UnknownValue
from ...query.engines import EngineError, Result
from . import Download, NotFound, Page, Params, Source, first

HEADLINE = "underserved-programs"
DOWNLOADS = (("csv", "CSV"), ("json", "SPARQL JSON"), ("tsv", "TSV"), ("xml", "SPARQL XML"))


def heading(meaning: str, name: str) -> str:
    """A column's heading from its meaning in the query's header, without its asides in parentheses:
    'the initiative (IRI)' -> 'Initiative'."""
    text = re.sub(r"\s*\((?:[^()]|\([^()]*\))*\)", "", meaning or name).strip()
    text = re.sub(r"^(the|its|their|that|a|an)\s+", "", text, flags=re.IGNORECASE)
    return (text[:1].upper() + text[1:]) if text else name


def label_columns(variables: list[str]) -> dict[str, str]:
    """IRI column -> the column holding its label: X and XLabel, item and label."""
    out = {}
    for v in variables:
        if f"{v}Label" in variables:
            out[v] = f"{v}Label"
        elif v == "item" and "label" in variables:
            out[v] = "label"
    return out


def results(res: Result, meanings: dict[str, str] | None = None, truncated: bool = False) -> dict[str, Any]:
    """A SELECT or ASK result as the result table shows it: an IRI column and its label column become
    one column of links; headings from the columns' meanings when a canned question gives them."""
    if res.kind == "ask":
        return {"kind": "ask", "boolean": bool(res.boolean), "columns": [], "rows": [], "truncated": False}
    pairs = label_columns(res.variables)
    hidden = set(pairs.values())
    shown = [v for v in res.variables if v not in hidden]
    meanings = meanings or {}
    columns = [{"name": v, "heading": heading(meanings.get(v, ""), v) if meanings else v} for v in shown]
    rows = []
    for row in res.rows:
        cells = []
        for v in shown:
            t = row.get(v)
            if t is None:
                cells.append(None)
                continue
            label = row.get(pairs[v]) if v in pairs else None
            cells.append({"kind": t.kind, "value": t.value, "label": label.value if label else None, "lang": t.lang})
        rows.append(cells)
    return {"kind": "select", "boolean": None, "columns": columns, "rows": rows, "truncated": truncated}


def _candidates(source: Source, catalogue: dict) -> dict[str, list[str]]:
    kinds = sorted({p.kind for q in catalogue.values() for p in q.params if p.kind not in ("text",)})
    return {k: sorted({c.label for c in source.mg.candidates(k)}, key=str.casefold) for k in kinds}


def _form(q, values: dict[str, str], candidates: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "name": q.name,
        "question": q.question,
        "notes": q.notes,
        "fields": [
            {
                "name": p.name,
                "label": p.name.replace("-", " ").capitalize(),
                "meaning": p.meaning,
                "value": values.get(p.name, p.example),
                "options": candidates.get(p.kind, []),
            }
            for p in q.params
        ],
    }


def questions(source: Source, params: Params) -> Page:
    """/questions: every canned question with its form; the headline question first."""
    cat = source.mg.catalogue
    candidates = _candidates(source, cat)
    names = sorted(cat, key=lambda n: (n != HEADLINE, n))
    forms = [_form(cat[n], {}, candidates) for n in names]
    return Page(
        "questions.html",
        "Questions",
        {"current": "questions", "headline": forms[0] if names and names[0] == HEADLINE else None, "forms": forms},
    )


def _problem(exc: ParameterError) -> dict[str, Any]:
    """A parameter error in plain words, with the values to try instead."""
    if isinstance(exc, UnknownValue):
        return {
            "param": exc.param,
            "message": f"Nothing in the graph is called “{exc.value}”"
            + (" here." if not exc.suggestions else ". Did you mean one of these?"),
            "suggestions": exc.suggestions,
        }
    if isinstance(exc, AmbiguousValue):
        return {
            "param": exc.param,
            "message": f"“{exc.value}” names more than one thing; choose one:",
            "suggestions": [label for _, label in exc.candidates],
        }
    return {"param": None, "message": str(exc), "suggestions": []}


def question(source: Source, params: Params) -> Page | Download:
    """/questions/NAME?param=...: the answer as a table with downloads; &format= downloads it."""
    name = first(params, "name") or ""
    cat = source.mg.catalogue
    if name not in cat:
        from ...problems import closest

        near = closest(name, cat, n=3)
        raise NotFound(f"There is no question called “{name}”." + (f" Did you mean {', '.join(near)}?" if near else ""))
    q = cat[name]
    values = {p.name: first(params, p.name) for p in q.params if first(params, p.name) is not None}
    max_rows = int((source.service or {}).get("max_rows", 10000))
    problem = None
    res = None
    missing = [p for p in q.params if p.name not in values]
    if missing:
        problem = {
            "param": missing[0].name,
            "message": f"Fill in “{missing[0].name}”: {missing[0].meaning}.",
            "suggestions": [],
        }
    else:
        try:
            res = source.mg.query(name, **values)
        except ParameterError as exc:
            problem = _problem(exc)
        except EngineError as exc:
            problem = {"param": None, "message": f"The question could not be answered: {exc}", "suggestions": []}
    truncated = bool(res and len(res.rows) > max_rows)
    if res is not None:
        res.rows = res.rows[:max_rows]
    fmt = first(params, "format")
    if fmt and res is not None:
        return _download(res, name, fmt)
    candidates = _candidates(source, {name: q})
    meanings = {c.name: c.meaning for c in q.columns}
    return Page(
        "question.html",
        q.question,
        {
            "current": "questions",
            "form": _form(q, values, candidates),
            "values": values,
            "problem": problem,
            "results": results(res, meanings, truncated) if res is not None else None,
            "columns": [{"name": c.name, "meaning": c.meaning} for c in q.columns],
            "query_text": q.body,
            "downloads": DOWNLOADS,
        },
        status=400 if problem else 200,
    )


def _download(res: Result, name: str, fmt: str) -> Download:
    from ...mediatypes import RESULTS
    from ...query import formats

    # CSV is for spreadsheets here: formula-like cells neutralized (formats.spreadsheet_csv, OWASP).
    writer = {"json": formats.to_json, "xml": formats.to_xml, "csv": formats.to_spreadsheet_csv, "tsv": formats.to_tsv}
    if fmt not in writer:
        raise NotFound(f"no download format {fmt!r}; there are {', '.join(writer)}")
    ext = {"json": "srj", "xml": "srx"}.get(fmt, fmt)
    return Download(RESULTS[fmt] + "; charset=utf-8", f"{name}.{ext}", writer[fmt](res))
