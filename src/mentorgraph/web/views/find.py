"""Find a model: a person says who it is for and what matters; the seven types come back ranked by the
recommender's rule (mentorgraph.advise.recommend), each with why, and under each the initiatives that
fit, may fit, or are excluded, with the reason. /find/brief is the same answer on one printable page.

Everything is said in plain words: the page never names a command-line option. The form's fields are
the facets of data/themes.yaml (career stage, specialty, population), the delivery modes the graph
records, and the themes to want or avoid.
"""

from __future__ import annotations

import re
from typing import Any

from ...problems import InputError
from ...query.api import ParameterError
from . import Page, Params, Source, ref, slug

# The recommender's messages still name its command-line options and commands (issue 15: not on a web
# page); until it gives its reasons as data, the page drops "(--option)" and "`mentorgraph x` ...",
# and says "--career-stage" as "career stage".
_OPTION = re.compile(r"\s*\((?:--[a-z-]+)\)")
_COMMAND = re.compile(r";?\s*`mentorgraph [^`]*`[^;)]*")
_FLAG = re.compile(r"--([a-z]+(?:-[a-z]+)*)")
BRIEF_TYPES = 3  # types a brief details (the rest are listed by name)
BRIEF_PROGRAMS = 6


def _plain(text: str) -> str:
    """A recommender message without command-line words."""
    text = _COMMAND.sub("", _OPTION.sub("", text))
    return _FLAG.sub(lambda m: m.group(1).replace("-", " "), text).replace(" ()", "")


def form(source: Source, params: Params) -> dict[str, Any]:
    """The form's choices, with what `params` has chosen."""
    from ...advise.recommend import facet_of

    model, scheme = source.model, source.scheme
    by_facet: dict[str, list[dict[str, Any]]] = {f.id: [] for f in scheme.facets}
    for p in sorted(model.populations.values(), key=lambda p: p.label.casefold()):
        f = facet_of(p.iri, model, scheme)
        if f is not None:
            by_facet[f.id].append(p.label)
    fields = {"career-stage": "career-stage", "specialty": "specialty", "population": "identity"}
    selects = []
    for name, facet_id in fields.items():
        facet = next((f for f in scheme.facets if f.id == facet_id), None)
        if facet is not None:
            chosen = params.get(name, [])
            selects.append({"name": name, "label": facet.label, "options": by_facet[facet_id], "chosen": chosen})
    modes = sorted({i.mode_label for i in model.initiatives if i.mode_label}, key=str.casefold)
    selects.append({"name": "mode", "label": "Delivery mode", "options": modes, "chosen": params.get("mode", [])})
    themes = [{"id": t.id, "label": t.label, "definition": t.definition} for t in scheme.themes]
    return {
        "selects": selects,
        "themes": themes,
        "want": _theme_ids(source, params.get("want", [])),
        "avoid": _theme_ids(source, params.get("avoid", [])),
    }


def _theme_ids(source: Source, values: list[str]) -> list[str]:
    from ...pipeline.themes import ThemeError

    out = []
    for v in values:
        try:
            out.append(source.scheme.resolve(v).id)
        except ThemeError:
            pass
    return out


def matrix(source: Source, want: list[str], avoid: list[str]) -> dict[str, Any]:
    """Types (columns, in Table 1 order) x themes (rows): the strengths (+n) and weaknesses (-n) of each
    type in each theme, with the bullets, and which themes the person wants or avoids."""
    model, scheme = source.model, source.scheme
    rows = []
    for theme in scheme.themes:
        cells = []
        for t in model.types:
            s = [a.label for a in t.strengths if theme.id in scheme.themes_of(a.id)]
            w = [a.label for a in t.weaknesses if theme.id in scheme.themes_of(a.id)]
            cells.append({"strengths": s, "weaknesses": w})
        rows.append(
            {
                "theme": theme.label,
                "definition": theme.definition,
                "mark": "wanted" if theme.id in want else "avoided" if theme.id in avoid else None,
                "cells": cells,
            }
        )
    return {"types": [{"position": t.position, "ref": ref(t.iri, t.label)} for t in model.types], "rows": rows}


def _reason(m) -> str:
    """Why one bullet counts, in words."""
    if m.points > 0:
        return f"+1: its strength “{m.label}” is about {_and(m.wanted)}, which you want"
    what = []
    if m.wanted:
        what.append(f"{_and(m.wanted)}, which you want")
    if m.avoided:
        what.append(f"{_and(m.avoided)}, which you want to avoid")
    return f"−1: its weakness “{m.label}” is about " + " and ".join(what)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _notes(rec, source: Source, person) -> list[str]:
    notes = [_plain(n) for n in rec.notes if "--want" not in n and "mentorgraph themes" not in n]
    if not person.want and not person.avoid:
        notes.append(
            "You ticked nothing under “What matters to you”, so every type scores the same and they keep "
            "Table 1’s order. Tick what matters to see them ranked."
        )
    return notes


def recommendation(source: Source, params: Params):
    """(person, Recommendation or None, error message or None) for the form's parameters."""
    from ...advise.html import person_from_params
    from ...advise.recommend import recommend
    from ...pipeline.themes import ThemeError

    person = person_from_params(params)
    modes = {m.casefold() for i in source.model.initiatives for m in (i.mode_label, slug(i.mode or "")) if m}
    if person.mode and person.mode.casefold() not in modes:
        known = sorted({i.mode_label for i in source.model.initiatives if i.mode_label})
        return (
            person,
            None,
            f"“{person.mode}” is not a delivery mode the graph records; the modes are {', '.join(known)}.",
        )
    try:
        return person, recommend(source.mg, person, source.root, model=source.model), None
    except ThemeError as exc:
        near = ", ".join(exc.candidates)
        return (
            person,
            None,
            f"“{exc.value}” is not one of the themes below" + (f"; the closest: {near}." if near else "."),
        )
    except (ParameterError, InputError) as exc:
        return person, None, _plain(str(exc))


def ranking(source: Source, rec) -> list[dict[str, Any]]:
    """The ranked types as the page shows them: score in words, reasons, and the initiatives that fit
    (nothing stands against them), may fit (something is not recorded), or are excluded (and why)."""
    out = []
    for t in rec.types:
        plus = sum(1 for m in t.matches if m.points > 0)
        minus = sum(1 for m in t.matches if m.points < 0)
        out.append(
            {
                "rank": t.rank,
                "ref": ref(t.iri, t.label),
                "position": t.position,
                "score": t.score,
                "plus": plus,
                "minus": minus,
                "tied_with": t.tied_with,
                "reasons": [_reason(m) for m in t.matches],
                # The recommender's rule today: an initiative fits unless a filter excludes it; what
                # is not recorded about it (its delivery mode) is a note beside it. "May fit" is the
                # list for the rule of the trust issue, once the recommender gives it.
                "fit": [{**ref(p.item, p.label), "notes": [_plain(n) for n in p.notes]} for p in t.programs],
                "maybe": [],
                "excluded": [{"ref": ref(e.item, e.label), "why": [_plain(w) for w in e.why]} for e in t.excluded],
            }
        )
    return out


def _context(source: Source, params: Params) -> tuple[dict[str, Any], int]:
    person, rec, error = recommendation(source, params)
    asked = any(v.strip() for vs in params.values() for v in vs)
    f = form(source, params)
    context: dict[str, Any] = {
        "current": "find",
        "form": f,
        "error": error,
        "asked": asked,
        "person": [_plain(p) for p in rec.person] if rec else [],
        "notes": _notes(rec, source, person) if rec and asked else [],
        "ranking": ranking(source, rec) if rec and asked else [],
        "matrix": matrix(source, f["want"], f["avoid"]),
        "query": {k: [v for v in vs if v.strip()] for k, vs in params.items() if any(v.strip() for v in vs)},
    }
    return context, 400 if error else 200


def find(source: Source, params: Params) -> Page:
    """/find: the form, and for what it was given, the ranking."""
    context, status = _context(source, params)
    return Page("find.html", "Find a peer-mentoring model", context, status=status)


def brief(source: Source, params: Params) -> Page:
    """/find/brief: the ranking on one printable page (the top types in detail), with the citation."""
    context, status = _context(source, params)
    context["brief_types"] = BRIEF_TYPES
    context["brief_programs"] = BRIEF_PROGRAMS
    return Page("find-brief.html", "A brief: peer-mentoring models for you", context, status=status)
