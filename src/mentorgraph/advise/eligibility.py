"""Whether an initiative fits a person, may fit them, or is excluded, with the reason in plain words.

Facet by facet (career stage, specialty, population, delivery mode; data/themes.yaml), comparing what
the person named with what the initiative records (its target populations, its delivery mode):

* **fits** when something the person named is the same as, or narrower than, a value the initiative
  records (a fellow fits a program for trainees; a mother fits a group for women);
* **may fit** when the initiative records only narrower groups than the person named ("for mothers —
  you said women"). In a facet whose values a person holds one at a time (a career stage, a specialty),
  the value must be narrower than everything the person named there: pediatrics and endocrinology
  together describe pediatric endocrinology, which pediatric rheumatology is not. Where recording no
  value means "not recorded" (delivery mode), an initiative with none may fit;
* **excluded** otherwise, saying for whom (or how) it is and what the person said.

A facet the person did not state filters nothing: it means any, and the initiative is listed as fitting,
with a note saying whom it is for. An initiative that records no population is open to all. Overall it
fits when every facet the person stated fits, is excluded when one excludes it, and may fit otherwise.
Collective entries (an umbrella, "Many programs at individual institutions") are never judged: they are
not something to join.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..pipeline.themes import Facet
from .model import Concept, Initiative, Model
from .person import Profile
from .words import in_sentence

FITS, MAYBE, EXCLUDED = "fits", "maybe", "excluded"


@dataclass
class Verdict:
    """One initiative for one person: fits, maybe or excluded; why (for maybe and excluded) and notes."""

    kind: str
    why: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # whom it is for, in facets the person left open


def in_words(concepts: Sequence[Concept], last: str = "or") -> str:
    """Labels inside a sentence: 'fellows, residents or students'."""
    names = [in_sentence(c.label) for c in concepts]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"


def says(facet: Facet, concepts: Sequence[Concept]) -> str:
    """What an initiative records for `facet`, as the facet words it: 'for women', 'delivered online'."""
    return facet.wording.replace("{}", in_words(concepts))


def judge(i: Initiative, model: Model, profile: Profile) -> Verdict:
    """The verdict on `i` for the person of `profile` (the rule in the module docstring)."""
    excluded: list[str] = []
    maybe: list[str] = []
    notes: list[str] = []
    for facet in profile.facets:
        facet_values = {c.iri for c in profile.values[facet.id]}
        recorded = sorted((model.concepts[v] for v in i.values if v in facet_values), key=lambda c: c.label)
        stated = profile.stated.get(facet.id, [])
        if not recorded:
            if stated and facet.unrecorded == "unknown":
                maybe.append(f"{in_sentence(facet.label)} not recorded — you said {in_words(stated, 'and')}")
            continue
        if not stated:
            notes.append(says(facet, recorded))
            continue
        if any(p.within(t) for p in stated for t in recorded):
            continue
        contains = any if facet.several else all
        narrower = [t for t in recorded if contains(t.within(p) for p in stated)]
        if narrower:
            maybe.append(f"{says(facet, narrower)} — you said {in_words(stated, 'and')}")
        else:
            excluded.append(f"{says(facet, recorded)}, not {in_words(stated, 'and')}")
    if excluded:
        return Verdict(EXCLUDED, excluded, notes)
    if maybe:
        return Verdict(MAYBE, maybe, notes)
    return Verdict(FITS, [], notes)
