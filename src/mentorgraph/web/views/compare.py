"""Compare: model types side by side, aligned by theme (the logic of `mentorgraph compare`, as data),
or initiatives side by side by the facts of their cards.

/compare?type=A&type=B[&type=C...] takes names as the CLI does (label, alternative label, a word of
it, CURIE, IRI, or the short name in the graph's IRIs); &format=csv|json|markdown downloads the same
comparison. /compare?item=X&item=Y compares initiatives. A name that matches nothing comes back with
the closest names as links and the form.
"""

from __future__ import annotations

import json
from typing import Any

from ... import iris
from ...problems import closest
from ...query.api import AmbiguousValue, ParameterError, UnknownValue
from ...text import normalize
from . import Download, Page, Params, Source, first, ref, slug

FORMATS = {
    "csv": ("text/csv", "csv"),
    "json": ("application/json", "json"),
    "markdown": ("text/markdown", "md"),
}


def _resolve_type(source: Source, value: str):
    from ...advise.comparison import resolve_type

    types = source.model.type_by_iri()
    if iris.MG + value in types:  # the short name links use (formal-mentoring-programs)
        return types[iris.MG + value]
    return resolve_type(source.mg, source.model, value)


def type_suggestions(source: Source, value: str) -> list[dict[str, Any]]:
    """The types whose label, or a word of it, is nearest to `value` (all seven when none is near)."""
    names = {n: t for t in source.model.types for n in (t.label, *normalize(t.label).split())}
    near = list(dict.fromkeys(names[n].iri for n in closest(value, names, n=5)))
    chosen = near or [t.iri for t in source.model.types]
    by_iri = source.model.type_by_iri()
    return [ref(i, by_iri[i].label) for i in chosen]


def compare(source: Source, params: Params) -> Page | Download:
    """/compare: the form, a comparison of types or of initiatives, or its download."""
    if params.get("item"):
        return compare_items(source, params)
    values = [v.strip() for v in params.get("type", []) if v.strip()]
    problems: list[dict[str, Any]] = []
    chosen = []
    for v in values:
        try:
            t = _resolve_type(source, v)
        except ParameterError:
            key = f" {normalize(v)} "
            many = sum(key in f" {normalize(t.label)} " for t in source.model.types) > 1
            problems.append(
                {
                    "value": v,
                    "message": f"“{v}” names more than one type; choose one."
                    if many
                    else f"No model type is called “{v}”.",
                    "suggestions": type_suggestions(source, v),
                }
            )
            continue
        if t not in chosen:
            chosen.append(t)
    context: dict[str, Any] = {
        "current": "compare",
        "mode": "types",
        "problems": problems,
        "types": [{"slug": slug(t.iri), "label": t.label, "position": t.position} for t in source.model.types],
        "chosen": [slug(t.iri) for t in chosen],
        "comparison": None,
        "items_form": _items_form(source, []),
    }
    if problems or len(chosen) < 2:
        if values and not problems:
            context["problems"] = [{"value": "", "message": "Choose at least two different types.", "suggestions": []}]
        return Page("compare.html", "Compare model types", context, status=400 if values else 200)
    from ...advise.comparison import compare as make, render_csv, render_markdown

    c = make(source.model, source.scheme, chosen)
    fmt = first(params, "format")
    if fmt in FORMATS:
        media, ext = FORMATS[fmt]
        body = {
            "csv": render_csv,
            "markdown": render_markdown,
            "json": lambda c: json.dumps(c.as_dict(), ensure_ascii=False, indent=2) + "\n",
        }[fmt](c)
        name = "compare-" + "-".join(slug(t.iri) for t in chosen) + "." + ext
        return Download(media + "; charset=utf-8", name, body)
    context["comparison"] = _table(source, c)
    title = "Compare: " + " / ".join(t.label for t in chosen)
    return Page("compare.html", title, context)


def _table(source: Source, c) -> dict[str, Any]:
    """The comparison with each bullet linked and its sources: Table 1 for the bullet, the curator's
    reason for the theme it is grouped under (data/themes.yaml)."""
    from .home import table1

    article = table1(source)["source"]
    reasons = {(mb.attribute, mb.theme): mb.rationale for mb in source.scheme.memberships}
    themes = {t.label: t for t in source.scheme.themes}
    columns = []
    for k, t in enumerate(c.types):
        columns.append(
            {
                "ref": ref(t.iri, t.label),
                "position": t.position,
                "examples": c.example_counts[k],
                "main": c.main_examples[k],
                "more": c.more_examples[k],
            }
        )
    rows = []
    for r in c.rows:
        theme = themes.get(r["theme"])
        cells = []
        for t, cell in zip(c.types, r["cells"], strict=True):
            by_label = {a.label: a for a in t.attributes}
            bullets = [
                {
                    "kind": kind,
                    "ref": ref(by_label[label].iri, label),
                    "reason": reasons.get((by_label[label].id, theme.id)) if theme else None,
                }
                for kind, key in (("strength", "strengths"), ("weakness", "weaknesses"))
                for label in cell[key]
            ]
            cells.append(bullets)
        rows.append(
            {"theme": r["theme"], "definition": r["definition"], "iri": theme.iri if theme else None, "cells": cells}
        )
    return {"columns": columns, "rows": rows, "article": article}


def _items_form(source: Source, chosen: list[str]) -> dict[str, Any]:
    labels = sorted({i.display for i in source.model.initiatives}, key=str.casefold)
    return {"options": labels, "values": (chosen + ["", ""])[: max(2, len(chosen))]}


def compare_items(source: Source, params: Params) -> Page:
    """/compare?item=X&item=Y: initiatives side by side, one row per fact of their cards."""
    from .entity import Facts, load

    values = [v.strip() for v in params.get("item", []) if v.strip()]
    problems, chosen = [], []
    for v in values:
        try:
            iri = iris.MG + v if iris.MG + v in source.labels() else source.mg.resolve(v, "mgo:Initiative", "item")
        except UnknownValue as exc:
            suggestions = [ref(c.iri, c.label) for s in exc.suggestions for c in _candidates(source, s)]
            problems.append({"value": v, "message": f"No initiative is called “{v}”.", "suggestions": suggestions})
            continue
        except AmbiguousValue as exc:
            suggestions = [ref(i, label) for i, label in exc.candidates]
            problems.append(
                {"value": v, "message": f"“{v}” names more than one initiative:", "suggestions": suggestions}
            )
            continue
        if iri not in chosen:
            chosen.append(iri)
    labels = source.labels()
    context: dict[str, Any] = {
        "current": "compare",
        "mode": "items",
        "problems": problems,
        "types": [{"slug": slug(t.iri), "label": t.label, "position": t.position} for t in source.model.types],
        "chosen": [],
        "comparison": None,
        "items_form": _items_form(source, [labels.get(i, i) for i in chosen] if not problems else values),
    }
    if problems or len(chosen) < 2:
        return Page("compare.html", "Compare initiatives", context, status=400 if problems else 200)
    cards = [Facts(source, iri, load(source, iri)).card() for iri in chosen]
    # One row per (section, property), in the card's order; a cell lists that item's values.
    order: list[tuple[str, str, str]] = []
    cells: dict[tuple[str, str], list[list[dict]]] = {}
    for k, sections in enumerate(cards):
        for s in sections:
            for g in s["groups"]:
                key = (s["id"], g["property"])
                if key not in cells:
                    order.append((s["id"], s["heading"], g["property"]))
                    cells[key] = [[] for _ in chosen]
                cells[key][k] = g["facts"]
    rows = [{"section": heading, "property": prop, "cells": cells[(sid, prop)]} for sid, heading, prop in order]
    context["comparison"] = {"columns": [ref(i, labels.get(i)) for i in chosen], "rows": rows}
    title = "Compare: " + " / ".join(labels.get(i, i) for i in chosen)
    return Page("compare-items.html", title, context)


def _candidates(source: Source, name: str):
    """The initiatives one of UnknownValue's suggested names belongs to."""
    return [c for c in source.mg.candidates("mgo:Initiative") if name in c.names]
