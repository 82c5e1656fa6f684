"""A person as recommend sees them: what they said about themselves, facet by facet (career stage,
specialty, population, delivery mode: the facets of data/themes.yaml, their values concepts of the
graph), the themes they want and avoid, and the question they ask (a view: joining a program, or
designing one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .. import iris
from ..pipeline.themes import Facet, Theme, ThemeScheme, View, THEMES_FILE
from ..problems import InputError, Problem
from .model import Concept, Model
from .words import AdviceError, ThemeError, in_sentence, match, nearest, resolve_theme

# A facet with at most this many values lists them all when a value is close to none of them.
FEW = 8


@dataclass
class Person:
    """What a person says, as typed: values per facet id (labels, alternative labels, ids), themes, a view."""

    facets: dict[str, list[str]] = field(default_factory=dict)
    want: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    view: str | None = None  # a view id of data/themes.yaml; None: the first one (joining a program)


# The form fields beside the facets (whose fields are named by their ids in data/themes.yaml).
VIEW, WANT, AVOID = "view", "want", "avoid"


def person_from_params(params: Mapping[str, Sequence[str]], options: Choices) -> Person:
    """A Person from form parameters (each a list of values, as urllib.parse.parse_qs gives them): a field
    per facet of `options` (named by its id), `view`, `want` and `avoid`. Other parameters are ignored."""

    def values(name: str) -> list[str]:
        return [v for v in params.get(name, ()) if v.strip()]

    view = values(VIEW)
    return Person(
        facets={f.id: values(f.id) for f in options.facets if values(f.id)},
        want=values(WANT),
        avoid=values(AVOID),
        view=view[0] if view else None,
    )


@dataclass
class Profile:
    """A person, resolved against data/themes.yaml and the graph."""

    view: View
    want: list[Theme]
    avoid: list[Theme]
    stated: dict[str, list[Concept]]  # facet id -> the concepts the person named (all of which describe them)
    facets: list[Facet]
    values: dict[str, list[Concept]]  # facet id -> every concept a person may name for it
    wanted_by_default: bool = False  # no theme named, and the view then wants all of its themes

    def describe(self) -> list[str]:
        """The person in words, one clause per kind of value (plain words, for any page)."""
        out = [
            f"{in_sentence(f.label)}: " + ", ".join(c.label for c in self.stated[f.id])
            for f in self.facets
            if self.stated.get(f.id)
        ]
        if self.want and not self.wanted_by_default:
            out.append("want: " + ", ".join(t.label for t in self.want))
        if self.avoid:
            out.append("avoid: " + ", ".join(t.label for t in self.avoid))
        return out


def facet_values(model: Model, facet: Facet) -> list[Concept]:
    """The concepts of `facet`: those of its scheme, under its branches (the branches included) when it has any.

    Raises InputError when data/themes.yaml names a scheme or branch the graph does not have.
    """
    scheme = iris.MG + facet.scheme
    in_scheme = [c for c in model.concepts.values() if c.scheme == scheme]
    branches = {iris.MG + b for b in facet.branches}
    missing = sorted(b for b in branches if b not in {c.iri for c in in_scheme})
    if not in_scheme or missing:
        what = ", ".join(b.removeprefix(iris.MG) for b in missing) or f"scheme {facet.scheme}"
        raise InputError(
            [
                Problem(
                    THEMES_FILE,
                    f"facet {facet.id!r} names {what}, which the graph does not have",
                    expected="a concept scheme id of data/vocabularies.yaml and ids of its concepts",
                )
            ]
        )
    if not branches:
        return sorted(in_scheme, key=lambda c: c.label)
    return sorted((c for c in in_scheme if c.iri in branches or c.broader & branches), key=lambda c: c.label)


def resolve_profile(model: Model, scheme: ThemeScheme, person: Person) -> Profile:
    """Resolve every value the person gave; raise AdviceError (a ThemeError for themes) naming the closest ones."""
    view = _view(scheme, person.view)
    want = _themes(scheme, view, person.want, "theme you want")
    avoid = _themes(scheme, view, person.avoid, "theme to avoid")
    by_default = not want and not avoid and view.want_all_by_default
    if by_default:
        by_id = scheme.by_id()
        want = [by_id[t] for t in view.themes]
    values = {f.id: facet_values(model, f) for f in scheme.facets}
    facets = {f.id: f for f in scheme.facets}
    stated: dict[str, list[Concept]] = {}
    for facet_id, given in person.facets.items():
        given = [v for v in given if v.strip()]
        if not given:
            continue
        if facet_id not in facets:
            known = ", ".join(f"{f.id} ({in_sentence(f.label)})" for f in scheme.facets)
            raise AdviceError(f"unknown facet {facet_id!r}; known: {known}")
        for value in given:
            concept = _value(model, facets[facet_id], value, values, facets)
            if concept not in stated.setdefault(facet_id, []):
                stated[facet_id].append(concept)
    return Profile(view, want, avoid, stated, scheme.facets, values, by_default)


def _view(scheme: ThemeScheme, view_id: str | None) -> View:
    if view_id is None:
        return scheme.views[0]
    try:
        return scheme.view(view_id)
    except KeyError:
        known = ", ".join(f"{v.id} ({v.label})" for v in scheme.views)
        raise AdviceError(f"unknown view {view_id!r}; known: {known}") from None


def _themes(scheme: ThemeScheme, view: View, values: Iterable[str], param: str) -> list[Theme]:
    out: list[Theme] = []
    for value in values:
        try:
            theme = resolve_theme(scheme, value, param, among=view.themes)
        except ThemeError:
            elsewhere = resolve_theme(scheme, value, param)  # a ThemeError here names the closest themes
            views = [v.label for v in scheme.views if elsewhere.id in v.themes]
            raise AdviceError(
                f"{param} {value!r} names {elsewhere.label}, a theme of {' and '.join(views)}, not of {view.label}"
            ) from None
        if theme not in out:
            out.append(theme)
    return out


def _value(
    model: Model, facet: Facet, value: str, values: dict[str, list[Concept]], facets: dict[str, Facet]
) -> Concept:
    """The concept `value` names among the facet's, or AdviceError saying what it names instead."""
    label = in_sentence(facet.label)
    hits = match(value, values[facet.id])
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise AdviceError(f"{label} {value!r} is ambiguous; it names: {', '.join(c.label for c in hits)}")
    for other in facets.values():
        found = match(value, values[other.id])
        if len(found) == 1:
            raise AdviceError(
                f"{label} {value!r} names {found[0].label}, which is a {in_sentence(other.label)}, not a {label}"
            )
    scheme = iris.MG + facet.scheme
    outside = match(value, [c for c in model.concepts.values() if c.scheme == scheme])
    if len(outside) == 1:
        raise AdviceError(
            f"{label} {value!r} names {outside[0].label}, which is broader than every {label}: "
            f"leave the {label} unstated to mean any"
        )
    near = nearest(value, values[facet.id])
    if not near and len(values[facet.id]) <= FEW:
        known = ", ".join(c.id for c in values[facet.id])
        raise AdviceError(f"unknown {label} {value!r}; expected one of {known} (or their labels)")
    raise AdviceError(
        f"unknown {label} {value!r} (expected a label or alternative label of a {label}); "
        f"closest known: {', '.join(repr(n) for n in near) or 'none'}"
    )


@dataclass
class Choice:
    """One facet a form asks about: its id (the form field's name), label, definition and values."""

    id: str
    label: str
    definition: str
    values: list[Concept]


@dataclass
class Choices:
    """What a person can say, for a form: the facets with their values, and the views with their themes."""

    facets: list[Choice]
    views: list[tuple[View, list[Theme]]]

    def as_dict(self) -> dict:
        """As plain data (ids, labels, definitions; each value's IRI)."""
        return {
            "facets": [
                {
                    "id": f.id,
                    "label": f.label,
                    "definition": f.definition,
                    "values": [{"iri": c.iri, "id": c.id, "label": c.label} for c in f.values],
                }
                for f in self.facets
            ],
            "views": [
                {
                    "id": v.id,
                    "label": v.label,
                    "definition": v.definition,
                    "themes": [{"id": t.id, "label": t.label, "definition": t.definition} for t in themes],
                }
                for v, themes in self.views
            ],
        }


def choices(model: Model, scheme: ThemeScheme) -> Choices:
    """The facets and views of data/themes.yaml, with the graph's values for each facet."""
    by_id = scheme.by_id()
    return Choices(
        [Choice(f.id, f.label, f.definition, facet_values(model, f)) for f in scheme.facets],
        [(v, [by_id[t] for t in v.themes]) for v in scheme.views],
    )
