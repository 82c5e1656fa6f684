"""Recommend: rank the seven types of Table 1 for one person, and match the initiatives of each type to them.

The rule (docs/choosing-a-model.md), the same in the CLI, the Python API and the web page:

* a bullet counts for a theme (a strength, by default) or against it (a weakness, by default; a
  membership in data/themes.yaml may read a bullet the other way, as "Similar career stage" for
  people who want same-stage peers);
* score = +1 for each bullet that counts for a theme the person wants,
          -1 for each bullet that counts against a theme the person wants or avoids;
  a bullet counts at most once each way, however many of the named themes it belongs to;
* higher score first; equal scores keep Table 1's order and share a rank;
* when the person is joining (the view "Joining a program"), each initiative of a type fits, may fit
  or is excluded, with the reason (eligibility.py); collective entries are never offered. When the
  person is designing a program, no initiative is listed, and with no theme named every theme of that
  view counts as wanted.

    from mentorgraph import open_graph
    from mentorgraph.advise import Person, recommend
    rec = recommend(open_graph(), Person(facets={"population": ["women"]}, want=["confidentiality"]))
    for t in rec.types:
        print(t.rank, t.label, t.score, [p.label for p in t.fits], [m.label for m in t.maybe])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..layout import find_root
from ..pipeline.themes import Membership, ThemeScheme, View, load_themes
from ..query.api import MentorGraph
from .eligibility import EXCLUDED, MAYBE, judge
from .model import Model, ModelType, cached_model
from .person import Choices, Person, Profile, resolve_profile
from .words import in_sentence
from .person import choices as _choices

RULE = (
    "score = +1 for each bullet of Table 1 that counts for a theme you want, -1 for each that counts "
    "against a theme you want or avoid (a bullet counts once each way); equal scores keep Table 1's order "
    "and share a rank"
)

__all__ = ["Person", "Recommendation", "TypeAdvice", "Listed", "Match", "RULE", "recommend", "choices"]


@dataclass
class Match:
    """One bullet of a type that counts toward its score, and through which themes."""

    attribute: str
    label: str
    kind: str  # strength or weakness, as Table 1 lists it
    points: int  # +1 or -1
    themes: list[tuple[str, str]]  # (theme label, "wanted" or "avoided")
    readings: list[str]  # the curator's reasons where the grouping is a reading or turns the column round

    def reason(self) -> str:
        """Why this bullet counts, in words."""
        sign, way = ("+1", "for") if self.points > 0 else ("-1", "against")
        themes = " and ".join(f"{label} ({how})" for label, how in self.themes)
        text = f"{sign}: {self.kind} \u201c{self.label}\u201d counts {way} {themes}"
        return text + "".join(f" \u2014 {r}" for r in self.readings)


@dataclass
class Listed:
    """An initiative under a type: its IRI, its label, and why it is listed where it is."""

    item: str
    label: str
    why: list[str] = field(default_factory=list)  # for maybe and excluded: the reasons
    notes: list[str] = field(default_factory=list)  # whom it is for, where the person left a facet open

    def as_dict(self, key: str = "why") -> dict[str, Any]:
        """As plain data: item, label, then the reasons under `key` (and notes) when there are any."""
        out: dict[str, Any] = {"item": self.item, "label": self.label}
        if self.why or key == "why":
            out[key] = self.why
        if self.notes:
            out["notes"] = self.notes
        return out


@dataclass
class TypeAdvice:
    """One ranked type, with everything that explains its rank and the initiatives matched to the person."""

    iri: str
    label: str
    position: int
    score: int
    rank: int = 0
    tied_with: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    fits: list[Listed] = field(default_factory=list)
    maybe: list[Listed] = field(default_factory=list)
    excluded: list[Listed] = field(default_factory=list)
    collective: list[Listed] = field(default_factory=list)  # entries that name many at once: not to join
    offers_initiatives: bool = True

    @property
    def reasons(self) -> list[str]:
        """The rank's explanation: the score's parts, then each bullet that counts."""
        plus = sum(1 for m in self.matches if m.points > 0)
        minus = sum(1 for m in self.matches if m.points < 0)
        head = (
            f"rank {self.rank}: score {self.score:+d} = +{plus} (bullets for wanted themes) "
            f"-{minus} (bullets against wanted or avoided themes)"
        )
        if self.tied_with:
            head += "; tied with " + ", ".join(self.tied_with) + ", kept in Table 1 order"
        return [head] + [m.reason() for m in self.matches]

    def as_dict(self) -> dict[str, Any]:
        """The ranked type as plain data: `programs` (fits), `maybe`, `excluded`, `collective` when joining."""
        out: dict[str, Any] = {
            "type": self.label,
            "iri": self.iri,
            "rank": self.rank,
            "score": self.score,
            "reasons": self.reasons,
        }
        if self.offers_initiatives:
            out["programs"] = [p.as_dict("notes") for p in self.fits]
            out["maybe"] = [p.as_dict() for p in self.maybe]
            out["excluded"] = [p.as_dict() for p in self.excluded]
            out["collective"] = [p.as_dict() for p in self.collective]
        return out


@dataclass
class Recommendation:
    """The ranked types for one person, with the person and the view in words, and notes (plain words)."""

    view: View
    person: list[str]
    types: list[TypeAdvice]
    notes: list[str]
    want: list[str] = field(default_factory=list)  # ids of the themes that count as wanted
    avoid: list[str] = field(default_factory=list)  # ids of the themes whose drawbacks count

    def as_dict(self) -> dict[str, Any]:
        """The recommendation as plain data (the JSON of `recommend --format json`)."""
        return {
            "view": {"id": self.view.id, "label": self.view.label},
            "person": self.person,
            "want": self.want,
            "avoid": self.avoid,
            "rule": RULE,
            "notes": self.notes,
            "types": [t.as_dict() for t in self.types],
        }


# -- scoring ------------------------------------------------------------------------------------
def _reading(m: Membership, kind: str) -> str | None:
    turned = m.favourable != (kind == "strength")
    return m.rationale if m.interpretive or turned else None


def score_type(t: ModelType, scheme: ThemeScheme, profile: Profile) -> list[Match]:
    """The bullets of `t` that count, with +1 or -1 each (the rule in the module docstring)."""
    labels = {th.id: th.label for th in scheme.themes}
    how = {th.id: "wanted" for th in profile.want} | {th.id: "avoided" for th in profile.avoid}
    wanted = {th.id for th in profile.want}
    matches = []
    for attr in t.attributes:
        ms = scheme.memberships_of(attr.id)
        for points, used in (
            (+1, [m for m in ms if m.favourable and m.theme in wanted]),
            (-1, [m for m in ms if not m.favourable and m.theme in how]),
        ):
            if used:
                themes = [(labels[m.theme], how[m.theme]) for m in used]
                readings = [r for m in used if (r := _reading(m, attr.kind))]
                matches.append(Match(attr.id, attr.label, attr.kind, points, themes, readings))
    return matches


def rank(model: Model, scheme: ThemeScheme, profile: Profile) -> list[TypeAdvice]:
    """The seven types, best first, each with its matches and (when joining) its initiatives."""
    out = []
    offers = profile.view.offers_initiatives
    for t in model.types:
        matches = score_type(t, scheme, profile)
        advice = TypeAdvice(
            t.iri, t.label, t.position, sum(m.points for m in matches), matches=matches, offers_initiatives=offers
        )
        for i in model.examples(t.iri) if offers else []:
            if i.collective:
                # An umbrella is represented by its parts; an entry naming many without parts is listed apart.
                if not i.has_parts:
                    why = f"names {(i.collective_class or 'several initiatives').lower()} collectively, not one to join"
                    advice.collective.append(Listed(i.iri, i.display, [why]))
                continue
            verdict = judge(i, model, profile)
            listed = Listed(i.iri, i.display, verdict.why, verdict.notes)
            {EXCLUDED: advice.excluded, MAYBE: advice.maybe}.get(verdict.kind, advice.fits).append(listed)
        out.append(advice)
    out.sort(key=lambda a: (-a.score, a.position))
    for a in out:
        a.rank = 1 + sum(1 for b in out if b.score > a.score)
        a.tied_with = [b.label for b in out if b.score == a.score and b is not a]
    return out


def notes_for(scheme: ThemeScheme, profile: Profile) -> list[str]:
    """Hints, in plain words, where what the person named cannot change anything."""
    ways: dict[str, set[bool]] = {}
    for m in scheme.memberships:
        ways.setdefault(m.theme, set()).add(m.favourable)
    notes = []
    if profile.wanted_by_default:
        notes.append(
            f"No theme named: every theme of {in_sentence(profile.view.label)} counts as wanted ("
            + ", ".join(t.label for t in profile.want)
            + ")."
        )
    elif not profile.want and not profile.avoid:
        notes.append(
            "No theme named: every type scores 0 and Table 1's order is kept. "
            "Choose themes you want, or whose drawbacks you want to avoid."
        )
    for th in profile.want:
        if True not in ways.get(th.id, set()):
            notes.append(f"Table 1 lists nothing that counts for {th.label}, so wanting it only counts against a type.")
    for th in profile.avoid:
        if False not in ways.get(th.id, set()):
            notes.append(
                f"Table 1 lists nothing that counts against {th.label}, so avoiding it changes no score; "
                f"want it instead to favour what counts for it."
            )
    stated = [in_sentence(f.label) for f in profile.facets if profile.stated.get(f.id)]
    if stated and not profile.view.offers_initiatives:
        notes.append(
            f"{profile.view.label} matches no initiative to a person, so what you said about "
            f"{' and '.join(stated)} changes nothing here."
        )
    return notes


def recommend(
    mg: MentorGraph, person: Person, root: str | Path | None = None, model: Model | None = None
) -> Recommendation:
    """Rank the seven types for `person` over the graph behind `mg`, themes from `root`/data/themes.yaml.

    Raises AdviceError (a ParameterError; ThemeError for themes) for a value it cannot use, and
    InputError when data/themes.yaml is invalid.
    """
    scheme = load_themes(Path(root) if root else find_root())
    model = model or cached_model(mg)
    profile = resolve_profile(model, scheme, person)
    return Recommendation(
        profile.view,
        profile.describe(),
        rank(model, scheme, profile),
        notes_for(scheme, profile),
        [t.id for t in profile.want],
        [t.id for t in profile.avoid],
    )


def choices(mg: MentorGraph, root: str | Path | None = None) -> Choices:
    """What a form asks a person: the facets of `root`/data/themes.yaml with their values in the graph
    behind `mg`, and the views with their themes (`.as_dict()` for JSON)."""
    return _choices(cached_model(mg), load_themes(Path(root) if root else find_root()))
