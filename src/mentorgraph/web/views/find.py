"""Find a model: a person says who they are, what they are doing (joining a program or designing one)
and what matters; the seven types come back ranked by the recommender's rule (mentorgraph.advise),
each with why, and, for a person joining, under each type the initiatives that fit, may fit ("for
mothers — you said women"), are excluded (and why), and those Table 1 names collectively (not one to
join). /find/brief is the same answer on one printable page.

The form is what `advise.choices` says a person can say: a field per facet of data/themes.yaml (named
by the facet's id, its values the graph's concepts), the view, and the view's themes to want or avoid;
`advise.person_from_params` reads it back. Everything is in the recommender's plain words: the page
never names a command-line option.
"""

from __future__ import annotations

from typing import Any

from ...problems import InputError
from ...query.api import ParameterError
from . import Page, Params, Source, first, ref

BRIEF_TYPES = 3  # types a brief details (the rest are listed by name)
BRIEF_PROGRAMS = 6


def _chosen_view(options, params: Params):
    """The view the parameters name (by id), else the first (joining a program); an unknown id is
    reported by the recommender."""
    from ...advise.person import VIEW

    views = [v for v, _ in options.views]
    wanted = first(params, VIEW)
    return next((v for v in views if v.id == wanted), views[0])


def _theme_ids(source: Source, values: list[str], among: tuple[str, ...]) -> list[str]:
    """The ids of the view's themes `values` name (a value naming none is the recommender's error)."""
    from ...advise.words import AdviceError, resolve_theme

    out = []
    for v in values:
        try:
            out.append(resolve_theme(source.scheme, v, among=among).id)
        except AdviceError:
            continue
    return out


def form(source: Source, params: Params, options, view, marked: tuple[list[str], list[str]]) -> dict[str, Any]:
    """The form for `view`: its tabs (one per view), a menu per facet with what `params` chose (only
    when the view matches initiatives to the person), and the view's themes, `marked` (ids wanted,
    avoided) ticked."""
    from ...advise.words import match

    several = {f.id for f in source.scheme.facets if f.several}
    facets = []
    for choice in options.facets if view.offers_initiatives else []:
        chosen = []
        for value in params.get(choice.id, []):
            hits = match(value, choice.values) if value.strip() else []
            chosen.append(hits[0].id if len(hits) == 1 else value.strip())
        facets.append(
            {
                "id": choice.id,
                "label": choice.label,
                "definition": choice.definition,
                "options": [{"value": c.id, "label": c.label} for c in choice.values],
                "chosen": [c for c in chosen if c],
                "several": choice.id in several,
            }
        )
    themes = next(ts for v, ts in options.views if v.id == view.id)
    return {
        "view": {"id": view.id, "label": view.label, "definition": view.definition},
        "views": [
            {"id": v.id, "label": v.label, "definition": v.definition, "current": v.id == view.id}
            for v, _ in options.views
        ],
        "first_view": options.views[0][0].id,
        "facets": facets,
        "themes": [{"id": t.id, "label": t.label, "definition": t.definition} for t in themes],
        "want": marked[0],
        "avoid": marked[1],
    }


def matrix(source: Source, want: list[str], avoid: list[str], themes: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Types (columns, in Table 1 order) x themes (rows: `themes` ids, default all): the strengths (+n)
    and weaknesses (-n) of each type in each theme, with the bullets, and which themes the person wants
    or avoids."""
    model, scheme = source.model, source.scheme
    rows = []
    for theme in scheme.themes:
        if themes is not None and theme.id not in themes:
            continue
        cells = []
        for t in model.types:
            s = [a.label for a in t.strengths if theme.id in scheme.themes_of(a.id)]
            w = [a.label for a in t.weaknesses if theme.id in scheme.themes_of(a.id)]
            tip = "; ".join([f"+ {x}" for x in s] + [f"\u2212 {x}" for x in w])
            cells.append({"strengths": s, "weaknesses": w, "tip": tip})
        rows.append(
            {
                "theme": theme.label,
                "definition": theme.definition,
                "mark": "wanted" if theme.id in want else "avoided" if theme.id in avoid else None,
                "cells": cells,
            }
        )
    return {"types": [{"position": t.position, "ref": ref(t.iri, t.label)} for t in model.types], "rows": rows}


def _message(exc: ParameterError) -> str:
    """A value the recommender cannot use, in its plain words (a theme: the closest of the form's)."""
    from ...advise.words import ThemeError

    if isinstance(exc, ThemeError):
        near = ", ".join(exc.candidates)
        return f"“{exc.value}” is not one of the themes below" + (f"; the closest: {near}." if near else ".")
    return str(exc)[:1].upper() + str(exc)[1:] + "."


def _listed(entries) -> list[dict[str, Any]]:
    return [{"ref": ref(e.item, e.label), "why": e.why, "notes": e.notes} for e in entries]


def ranking(rec) -> list[dict[str, Any]]:
    """The ranked types as the page shows them: score, the reasons (each bullet that counts, in the
    recommender's words) and, when the view offers initiatives, those that fit, may fit, are excluded
    and are named collectively, each with why."""
    out = []
    for t in rec.types:
        out.append(
            {
                "rank": t.rank,
                "ref": ref(t.iri, t.label),
                "position": t.position,
                "score": t.score,
                "tied_with": t.tied_with,
                "reasons": [m.reason() for m in t.matches],
                "offers": t.offers_initiatives,
                "fit": _listed(t.fits),
                "maybe": _listed(t.maybe),
                "excluded": _listed(t.excluded),
                "collective": _listed(t.collective),
            }
        )
    return out


def _context(source: Source, params: Params) -> tuple[dict[str, Any], int]:
    from ...advise import choices, person_from_params, recommend
    from ...advise.ranking import RULE

    options = choices(source.mg, source.root)
    view = _chosen_view(options, params)
    person = person_from_params(params, options)
    asked = any(v.strip() for vs in params.values() for v in vs)
    rec, error = None, None
    if asked:
        try:
            rec = recommend(source.mg, person, source.root, model=source.model)
        except ParameterError as exc:
            error = _message(exc)
    # Ticked: what the recommender counted (a view may want all its themes by default), else what was named.
    themes = view.themes
    marked = (
        (rec.want, rec.avoid)
        if rec
        else (_theme_ids(source, person.want, themes), _theme_ids(source, person.avoid, themes))
    )
    context: dict[str, Any] = {
        "current": "find",
        "form": form(source, params, options, view, marked),
        "error": error,
        "asked": asked,
        "view": view.id,
        "person": rec.person if rec else [],
        "notes": rec.notes if rec else [],
        "ranking": ranking(rec) if rec else [],
        "matrix": matrix(source, *marked, themes),
        "rule": RULE,
        "query": {k: [v for v in vs if v.strip()] for k, vs in params.items() if any(v.strip() for v in vs)},
    }
    return context, 400 if error else 200


def _page(source: Source, params: Params, template: str, title: str, extra: dict[str, Any]) -> Page:
    try:
        context, status = _context(source, params)
    except InputError as exc:  # data/themes.yaml does not say what a person can choose
        message = f"The themes file data/themes.yaml cannot be used: {exc}"
        return Page("error.html", "Something went wrong on this server", {"status": 500, "message": message}, 500)
    return Page(template, title, {**context, **extra}, status=status)


def find(source: Source, params: Params) -> Page:
    """/find: the form, and for what it was given, the ranking."""
    return _page(source, params, "find.html", "Find a peer-mentoring model", {})


def brief(source: Source, params: Params) -> Page:
    """/find/brief: the ranking on one printable page (the top types in detail), with the citation."""
    extra = {"brief_types": BRIEF_TYPES, "brief_programs": BRIEF_PROGRAMS}
    return _page(source, params, "find-brief.html", "A brief: peer-mentoring models for you", extra)
