"""What compare and recommend read from the built graph, through the canned queries advise-*.rq: the
seven types with their strengths and weaknesses, the initiatives that exemplify each type (what they
target, how they are delivered, whether an entry names many at once), and the concepts a person can
name (populations with their hierarchy, delivery modes). Themes, facets and views come from
data/themes.yaml (pipeline/themes.py).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from .. import iris
from ..query.api import MentorGraph


@dataclass(frozen=True)
class Attribute:
    """A strength or weakness of a type, as Table 1 lists it."""

    iri: str
    label: str
    kind: str  # "strength" or "weakness"
    position: int

    @property
    def id(self) -> str:
        """The attribute's slug (its id in data/table1.yaml)."""
        return slug(self.iri)


@dataclass
class ModelType:
    """A row of Table 1."""

    iri: str
    label: str
    position: int
    strengths: list[Attribute] = field(default_factory=list)
    weaknesses: list[Attribute] = field(default_factory=list)

    @property
    def attributes(self) -> list[Attribute]:
        """Strengths then weaknesses, in table order."""
        return self.strengths + self.weaknesses


@dataclass
class Initiative:
    """An initiative that exemplifies a type, with what recommend matches a person against."""

    iri: str
    label: str
    type: str
    order: tuple  # table order: (bullet position, nested position); contributed ones sort last
    umbrella: str | None = None
    umbrella_label: str | None = None
    mode: str | None = None
    mode_label: str | None = None
    targets: set[str] = field(default_factory=set)
    has_parts: bool = False
    under_heading: bool = False  # listed under a delivery-mode heading (In-person, Online, Hybrid)
    collective_class: str | None = None  # the class label when the entry names many initiatives at once

    @property
    def display(self) -> str:
        """The label, with the umbrella or heading it is listed under when the label alone is not enough."""
        if self.umbrella_label:
            return f"{self.label} ({self.umbrella_label})"
        if self.under_heading and self.mode_label:
            return f"{self.label} ({self.mode_label})"
        return self.label

    @property
    def collective(self) -> bool:
        """Whether the entry names several initiatives (an umbrella, institutions' programs): never one to join."""
        return self.has_parts or self.collective_class is not None

    @property
    def values(self) -> set[str]:
        """Everything recorded about whom and how it serves: its target populations and its delivery mode."""
        return self.targets | ({self.mode} if self.mode else set())


@dataclass
class Concept:
    """A concept a person can name (a population, a delivery mode): its names and what contains it."""

    iri: str
    scheme: str
    label: str
    names: set[str] = field(default_factory=set)
    broader: set[str] = field(default_factory=set)

    @property
    def id(self) -> str:
        """The concept's slug (its id in data/)."""
        return slug(self.iri)

    def within(self, other: Concept) -> bool:
        """Whether everyone in this concept is in `other` (the same concept, or a narrower one)."""
        return self.iri == other.iri or other.iri in self.broader


@dataclass
class Model:
    """Everything compare and recommend need from the graph."""

    types: list[ModelType]
    initiatives: list[Initiative]
    concepts: dict[str, Concept]

    def type_by_iri(self) -> dict[str, ModelType]:
        """The types by IRI."""
        return {t.iri: t for t in self.types}

    def examples(self, type_iri: str) -> list[Initiative]:
        """The initiatives of a type, in table order."""
        return sorted((i for i in self.initiatives if i.type == type_iri), key=lambda i: i.order)


def slug(iri: str) -> str:
    """The slug of a mentorgraph IRI."""
    return iri.removeprefix(iris.MG)


_MODELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def cached_model(mg: MentorGraph) -> Model:
    """load_model(mg), read once per open graph: a built graph does not change while it is open."""
    if mg not in _MODELS:
        _MODELS[mg] = load_model(mg)
    return _MODELS[mg]


def load_model(mg: MentorGraph) -> Model:
    """Read the types, initiatives and concepts from the graph behind `mg`."""
    types: dict[str, ModelType] = {}
    for r in mg.query("advise-type-attributes").plain():
        t = types.setdefault(r["type"], ModelType(r["type"], r["typeLabel"], int(r["typePosition"])))
        attr = Attribute(r["attribute"], r["label"], r["kind"], int(r["position"]))
        (t.strengths if r["kind"] == "strength" else t.weaknesses).append(attr)
    for t in types.values():
        t.strengths.sort(key=lambda a: a.position)
        t.weaknesses.sort(key=lambda a: a.position)
    initiatives = _initiatives(mg, types)
    concepts: dict[str, Concept] = {}
    for r in mg.query("advise-concepts").plain():
        c = concepts.setdefault(r["concept"], Concept(r["concept"], r["scheme"], r["label"], {r["label"]}))
        if r["relation"] == "altLabel":
            c.names.add(r["value"])
        elif r["relation"] == "broader":
            c.broader.add(r["value"])
    return Model(
        sorted(types.values(), key=lambda t: t.position),
        sorted(initiatives.values(), key=lambda i: (types[i.type].position, i.order)),
        concepts,
    )


def _initiatives(mg: MentorGraph, types: dict[str, ModelType]) -> dict[str, Initiative]:
    initiatives: dict[str, Initiative] = {}
    for r in mg.query("advise-initiatives").plain():
        if r["type"] not in types or r["item"] in initiatives:
            continue
        if r["position"] is None:
            order: tuple = (10**6, 0, r["label"])
        elif r["parent"] == r["type"]:
            order = (int(r["position"]), 0, "")
        else:
            order = (int(r["parentPosition"]), int(r["position"]), "")
        initiatives[r["item"]] = Initiative(
            r["item"],
            r["label"],
            r["type"],
            order,
            r["umbrella"],
            r["umbrellaLabel"],
            r["mode"],
            r["modeLabel"],
            under_heading=r["parent"] not in (None, r["type"], r["umbrella"]),
            collective_class=r["collective"],
        )
    for i in initiatives.values():
        if i.umbrella in initiatives:
            initiatives[i.umbrella].has_parts = True
    for r in mg.query("advise-initiative-populations").plain():
        if r["initiative"] in initiatives:
            initiatives[r["initiative"]].targets.add(r["population"])
    return initiatives
