"""Recommend: rank the seven types of Table 1 for one person, and list the initiatives that fit them.

The rule (docs/choosing-a-model.md), the same in the CLI, the Python API and the web page:

* score = +1 for each of the type's strengths that belongs to a theme the person wants,
          -1 for each of its weaknesses that belongs to a theme the person wants or avoids;
  a bullet counts once, however many of the named themes it belongs to;
* higher score first; equal scores keep Table 1's order and share a rank;
* under each type, an initiative fits unless a filter excludes it, and every exclusion says why:
  - population: in each facet (career stage, specialty, identity) where the initiative targets
    populations, the person must have named one of them, a narrower one (the person is in it), or a
    broader one (the initiative serves it, mgo:servesPopulation);
  - delivery mode: an initiative with a recorded mode other than the one asked for is excluded;
  - an umbrella (an entry with entries nested under it) is represented by its parts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import iris
from ..query.api import MentorGraph, ParameterError
from ..layout import find_root
from ..text import normalize
from .model import Initiative, Model, ModelType, cached_model
from ..pipeline.themes import Facet, Theme, ThemeScheme, load_themes

RULE = (
    "score = +1 for each strength in a theme you want, -1 for each weakness in a theme you want or avoid "
    "(a bullet counts once); equal scores keep Table 1's order and share a rank"
)


class AdviceError(ParameterError):
    """A value the person gave cannot be used (CLI exit code 2)."""


@dataclass
class Person:
    """What a person says about themselves: raw values, as typed."""

    career_stage: list[str] = field(default_factory=list)
    population: list[str] = field(default_factory=list)
    specialty: list[str] = field(default_factory=list)
    want: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    mode: str | None = None


@dataclass
class Profile:
    """A person, resolved against the themes and the graph."""

    want: list[Theme]
    avoid: list[Theme]
    named: dict[str, list[str]]  # facet id -> population IRIs the person named
    unfaceted: list[str]  # populations named that belong to no facet (they filter nothing)
    mode: str | None
    mode_label: str | None

    def describe(self, model: Model, scheme: ThemeScheme) -> list[str]:
        """The person in words, one clause per kind of value."""
        pops = model.populations
        out = []
        for facet in scheme.facets:
            if self.named.get(facet.id):
                out.append(f"{facet.label.lower()}: " + ", ".join(pops[p].label for p in self.named[facet.id]))
        if self.mode_label:
            out.append(f"mode: {self.mode_label}")
        if self.want:
            out.append("want: " + ", ".join(t.label for t in self.want))
        if self.avoid:
            out.append("avoid: " + ", ".join(t.label for t in self.avoid))
        return out


@dataclass
class Match:
    """One bullet of a type that counts toward its score."""

    attribute: str
    label: str
    kind: str
    points: int
    wanted: list[str]  # labels of wanted themes it belongs to
    avoided: list[str]

    def reason(self) -> str:
        """Why this bullet counts, in words (+1 or -1 and the themes)."""
        sign = "+1" if self.points > 0 else "-1"
        parts = []
        if self.wanted:
            parts.append(
                ("meets" if self.kind == "strength" else "goes against") + " wanted " + _themes_words(self.wanted)
            )
        if self.avoided:
            parts.append("hits avoided " + _themes_words(self.avoided))
        return f"{sign}: {self.kind} \u201c{self.label}\u201d {' and '.join(parts)}"


def _themes_words(labels: list[str]) -> str:
    return ("theme " if len(labels) == 1 else "themes ") + ", ".join(labels)


@dataclass
class Program:
    """An initiative that fits the person, with notes (e.g. mode not recorded)."""

    item: str
    label: str
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The program as plain data."""
        out: dict[str, Any] = {"item": self.item, "label": self.label}
        if self.notes:
            out["notes"] = self.notes
        return out


@dataclass
class Excluded:
    """An initiative filtered out, and why."""

    item: str
    label: str
    why: list[str]

    def as_dict(self) -> dict[str, Any]:
        """The exclusion as plain data."""
        return {"item": self.item, "label": self.label, "why": self.why}


@dataclass
class TypeAdvice:
    """One ranked type, with everything that explains its rank."""

    iri: str
    label: str
    position: int
    score: int
    rank: int = 0
    tied_with: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        """The rank's explanation: the score's parts, then each bullet that counts."""
        plus = sum(1 for m in self.matches if m.points > 0)
        minus = sum(1 for m in self.matches if m.points < 0)
        head = (
            f"rank {self.rank}: score {self.score:+d} = +{plus} (strengths in wanted themes) "
            f"-{minus} (weaknesses in wanted or avoided themes)"
        )
        if self.tied_with:
            head += "; tied with " + ", ".join(self.tied_with) + ", kept in Table 1 order"
        return [head] + [m.reason() for m in self.matches]

    def as_dict(self) -> dict[str, Any]:
        """The ranked type as plain data."""
        return {
            "type": self.label,
            "iri": self.iri,
            "rank": self.rank,
            "score": self.score,
            "reasons": self.reasons,
            "programs": [p.as_dict() for p in self.programs],
            "excluded": [e.as_dict() for e in self.excluded],
        }


@dataclass
class Recommendation:
    """The ranked types for one person, with the person in words and notes."""

    person: list[str]
    types: list[TypeAdvice]
    notes: list[str]

    def as_dict(self) -> dict[str, Any]:
        """The recommendation as plain data."""
        return {"person": self.person, "rule": RULE, "notes": self.notes, "types": [t.as_dict() for t in self.types]}


# -- resolving what the person said -------------------------------------------------------------
def facet_of(population: str, model: Model, scheme: ThemeScheme) -> Facet | None:
    """The facet a population belongs to: the first whose branches contain it."""
    pop = model.populations.get(population)
    lineage = {population} | (pop.broader if pop else set())
    for facet in scheme.facets:
        if lineage & {iris.MG + p for p in facet.populations}:
            return facet
    return None


def resolve_profile(mg: MentorGraph, model: Model, scheme: ThemeScheme, person: Person) -> Profile:
    """Resolve every value the person gave; raise AdviceError (or ThemeError) naming the closest ones."""
    want = _unique(scheme.resolve(v, "theme (--want)") for v in person.want)
    avoid = _unique(scheme.resolve(v, "theme (--avoid)") for v in person.avoid)
    named: dict[str, list[str]] = {}
    unfaceted: list[str] = []
    facets = {f.id: f for f in scheme.facets}
    for values, required in (
        (person.career_stage, "career-stage"),
        (person.specialty, "specialty"),
        (person.population, None),
    ):
        param = facets[required].option if required in facets else "--population"
        for value in values:
            # A population's id (early-career-faculty) is accepted too, as in data/populations.yaml.
            iri = iris.MG + value
            if iri not in model.populations:
                iri = _stage_spelling(value, required, model, scheme) or mg.resolve(value, "mgo:Population", param)
            facet = facet_of(iri, model, scheme)
            if required and (facet is None or facet.id != required):
                allowed = [
                    p.label
                    for p in model.populations.values()
                    if (f := facet_of(p.iri, model, scheme)) is not None and f.id == required
                ]
                raise AdviceError(
                    f"{param} {value!r} names {model.populations[iri].label}, which is not a "
                    f"{facets[required].label.lower()}; known: {', '.join(sorted(allowed))}"
                )
            if facet is None:
                unfaceted.append(iri)
            elif iri not in named.setdefault(facet.id, []):
                named[facet.id].append(iri)
    mode = mode_label = None
    if person.mode:
        mode = mg.resolve(person.mode, "mgo:DeliveryMode", "--mode")
        mode_label = next((i.mode_label for i in model.initiatives if i.mode == mode), None) or person.mode
    return Profile(want, avoid, named, unfaceted, mode, mode_label)


def _stage_spelling(value: str, facet: str | None, model: Model, scheme: ThemeScheme) -> str | None:
    """The one population of `facet` whose id or label starts with `value` as a whole word or words
    ('early-career' -> early-career-faculty), or None: the obvious spellings of a career stage."""
    if facet is None:
        return None
    key = normalize(value).replace("-", " ")
    hits = [
        p.iri
        for p in model.populations.values()
        if (f := facet_of(p.iri, model, scheme)) is not None
        and f.id == facet
        and any(
            f"{name} ".startswith(f"{key} ")
            for name in (p.iri.removeprefix(iris.MG).replace("-", " "), normalize(p.label).replace("-", " "))
        )
    ]
    return hits[0] if len(hits) == 1 else None


def _unique(themes: Iterable[Theme]) -> list[Theme]:
    out: list[Theme] = []
    for t in themes:
        if t not in out:
            out.append(t)
    return out


# -- scoring and filtering ----------------------------------------------------------------------
def score_type(t: ModelType, scheme: ThemeScheme, profile: Profile) -> list[Match]:
    """The bullets of `t` that count, with +1 or -1 each (the rule in the module docstring)."""
    wanted = {th.id: th.label for th in profile.want}
    avoided = {th.id: th.label for th in profile.avoid}
    matches = []
    for attr in t.attributes:
        themes = scheme.themes_of(attr.id)
        w = [wanted[x] for x in themes if x in wanted]
        a = [avoided[x] for x in themes if x in avoided] if attr.kind == "weakness" else []
        if attr.kind == "strength" and w:
            matches.append(Match(attr.id, attr.label, attr.kind, +1, w, []))
        elif attr.kind == "weakness" and (w or a):
            matches.append(Match(attr.id, attr.label, attr.kind, -1, w, a))
    return matches


def check_initiative(i: Initiative, model: Model, scheme: ThemeScheme, profile: Profile) -> tuple[list[str], list[str]]:
    """(why it is excluded, notes): an empty first list means the initiative fits the person."""
    pops = model.populations
    why, notes = [], []
    for facet in scheme.facets:
        targets = sorted(t for t in i.targets if (f := facet_of(t, model, scheme)) and f.id == facet.id)
        if not targets:
            continue
        names = ", ".join(pops[t].label for t in targets)
        persons = profile.named.get(facet.id, [])
        if not persons:
            why.append(f"for {names}; you named no {facet.label.lower()} ({facet.option})")
        elif not any(x in i.serves or any(t == x or t in pops[x].broader for t in targets) for x in persons):
            why.append(f"for {names}, not {', '.join(pops[x].label for x in persons)}")
    if profile.mode and i.mode and i.mode != profile.mode:
        why.append(f"delivered {i.mode_label}, not {profile.mode_label}")
    elif profile.mode and not i.mode:
        notes.append("delivery mode not recorded")
    return why, notes


def rank(model: Model, scheme: ThemeScheme, profile: Profile) -> list[TypeAdvice]:
    """The seven types, best first, each with its matches, fitting and excluded initiatives."""
    out = []
    for t in model.types:
        matches = score_type(t, scheme, profile)
        advice = TypeAdvice(t.iri, t.label, t.position, sum(m.points for m in matches), matches=matches)
        for i in model.examples(t.iri):
            if i.has_parts:
                continue
            why, notes = check_initiative(i, model, scheme, profile)
            if why:
                advice.excluded.append(Excluded(i.iri, i.display, why))
            else:
                advice.programs.append(Program(i.iri, i.display, notes))
        out.append(advice)
    out.sort(key=lambda a: (-a.score, a.position))
    for a in out:
        a.rank = 1 + sum(1 for b in out if b.score > a.score)
        a.tied_with = [b.label for b in out if b.score == a.score and b is not a]
    return out


def notes_for(model: Model, scheme: ThemeScheme, profile: Profile) -> list[str]:
    """Hints when a named theme or population cannot change anything."""
    kinds = {}
    for t in model.types:
        for attr in t.attributes:
            for th in scheme.themes_of(attr.id):
                kinds.setdefault(th, set()).add(attr.kind)
    notes = []
    for th in profile.want:
        if "strength" not in kinds.get(th.id, set()):
            notes.append(
                f"Table 1 lists no strength in the theme {th.label}, so wanting it only counts its "
                f"weaknesses against a type."
            )
    for th in profile.avoid:
        if "weakness" not in kinds.get(th.id, set()):
            notes.append(
                f"Table 1 lists no weakness in the theme {th.label}, so avoiding it changes no score; "
                f"use --want to favour its strengths."
            )
    for p in profile.unfaceted:
        notes.append(f"{model.populations[p].label} includes everyone the graph describes, so it filters nothing.")
    if not profile.want and not profile.avoid:
        notes.append(
            "No theme named: every type scores 0 and Table 1's order is kept. "
            "Name themes with --want and --avoid (`mentorgraph themes` lists them)."
        )
    return notes


def recommend(
    mg: MentorGraph, person: Person, root: str | Path | None = None, model: Model | None = None
) -> Recommendation:
    """Rank the seven types for `person` over the graph behind `mg`, themes from `root`/data/themes.yaml.

    Raises ThemeError or a ParameterError (UnknownValue, AdviceError) for values it cannot use.
    """
    scheme = load_themes(Path(root) if root else find_root())
    model = model or cached_model(mg)
    profile = resolve_profile(mg, model, scheme, person)
    return Recommendation(
        profile.describe(model, scheme), rank(model, scheme, profile), notes_for(model, scheme, profile)
    )


def render_text(rec: Recommendation) -> str:
    """The recommendation for a terminal: each type with its reasons, fitting and excluded initiatives."""
    out = ["Recommendation for " + ("; ".join(rec.person) if rec.person else "anyone") + "\n", f"Rule: {RULE}.\n"]
    for n in rec.notes:
        out.append(f"Note: {n}\n")
    for t in rec.types:
        out.append(f"\n{t.rank}. {t.label}  (score {t.score:+d})\n")
        out.extend(f"   {r}\n" for r in t.reasons)
        out.append(f"   Initiatives that fit ({len(t.programs)}):\n")
        out.extend(f"     - {p.label}" + (f"  [{'; '.join(p.notes)}]" if p.notes else "") + "\n" for p in t.programs)
        if not t.programs:
            out.append("     (none in the graph)\n")
        if t.excluded:
            out.append(f"   Filtered out ({len(t.excluded)}):\n")
            out.extend(f"     - {e.label}: {'; '.join(e.why)}\n" for e in t.excluded)
    return "".join(out)


def render_json(rec: Recommendation) -> str:
    """The recommendation as JSON (the rule included)."""
    import json

    return json.dumps(rec.as_dict(), ensure_ascii=False, indent=2) + "\n"
