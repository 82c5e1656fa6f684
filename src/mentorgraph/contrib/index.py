"""Every entity of the graph (and of a batch being imported) by id and by normalized name, with its
classes closed under the ontology's subclass axioms: what contributed names are resolved against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import SKOS

from .. import iris, schema
from ..namespaces import MGO, SCHEMA
from ..pipeline.load import Sources
from ..problems import closest
from ..text import normalize
from .clean import skeleton

KIND_CLASS = {
    link.words: link.target for link in (*schema.INITIATIVE_LINKS.values(), *schema.ORGANIZATION_LINKS.values())
}


def loose(name: str) -> str:
    """A name reduced for spotting the same program spelt differently or written with look-alike
    characters: its UTS #39 skeleton (clean.skeleton), folded, without parentheses or punctuation."""
    text = re.sub(r"\([^)]*\)", " ", normalize(skeleton(name)))
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(w for w in text.split() if w not in {"the", "and", "of"})


@dataclass
class Entity:
    """An entity of the graph (or of the batch being imported), with its names and classes."""

    iri: str
    slug: str
    label: str
    classes: set[str]
    names: set[str] = field(default_factory=set)
    batch: bool = False  # contributed by the files being imported
    acronyms: set[str] = field(default_factory=set)
    _loose: set[str] | None = None

    def loose_names(self) -> set[str]:
        """The entity's names reduced by `loose`, for spotting the same program spelt differently."""
        if self._loose is None:
            self._loose = {loose(n) for n in self.names if n != self.slug} - {""}
        return self._loose


class Index:
    """Every entity of the graph by id and by normalized name, with its classes (subclasses closed)."""

    def __init__(self, sources: Sources):
        ds = sources.dataset
        vocabulary = schema.Vocabulary.from_graph(sources.graph("ontology"))
        supers = vocabulary.supers
        self.class_labels = {
            name: str(sources.graph("ontology").value(URIRef(iris.MGO + name), RDFS.label) or name) for name in supers
        }
        self.subclasses = {name: set(vocabulary.subclasses(name)) for name in supers}
        self.entities: dict[str, Entity] = {}
        for s, _, o in _types(ds):
            slug = str(s)[len(iris.MG) :]
            ent = self.entities.get(slug)
            if ent is None:
                ent = self.entities[slug] = Entity(str(s), slug, slug, set(), {slug})
            ent.classes |= supers.get(str(o)[len(iris.MGO) :], set())
        for pred in (RDFS.label, SKOS.altLabel, SKOS.prefLabel, MGO.acronym):
            for s, _, o, _ in ds.quads((None, pred, None, None)):
                slug = str(s)[len(iris.MG) :]
                if str(s).startswith(iris.MG) and slug in self.entities:
                    self.entities[slug].names.add(str(o))
                    if pred == RDFS.label:
                        self.entities[slug].label = str(o)
                    elif pred == MGO.acronym:
                        self.entities[slug].acronyms.add(normalize(str(o)))
        self.ids = {str(i)[len(iris.MG) :] for i in sources.origins} | set(self.entities)
        # IRIs of other datasets that an entity is equal to (skos:exactMatch, schema:sameAs) -> its id.
        self.equal_targets: dict[str, str] = {}
        for pred in (SKOS.exactMatch, SCHEMA.sameAs):
            for s, _, o, _ in ds.quads((None, pred, None, None)):
                if str(s).startswith(iris.MG):
                    self.equal_targets.setdefault(str(o), str(s)[len(iris.MG) :])
        self._by_name: dict[str, dict[str, list[Entity]]] = {}
        self._names: dict[str, list[str]] = {}
        self._loose_index: dict[tuple[str, str], list[Entity]] | None = None

    def same_names(self, keys: set[str], acronyms: set[str]) -> list[Entity]:
        """Entities of the graph (not of the batch) with one of these loose names or acronyms, by id."""
        if self._loose_index is None:
            self._loose_index = {}
            for ent in self.entities.values():
                if not ent.batch:
                    for k in ent.loose_names():
                        self._loose_index.setdefault(("name", k), []).append(ent)
                    for a in ent.acronyms:
                        self._loose_index.setdefault(("acronym", a), []).append(ent)
        hits = {e.slug: e for k in keys for e in self._loose_index.get(("name", k), [])}
        hits.update({e.slug: e for a in acronyms for e in self._loose_index.get(("acronym", a), [])})
        return [hits[k] for k in sorted(hits)]

    def add(self, slug: str, label: str, names: list[str], cls: str) -> None:
        """Make a contributed entity known, so that other records of the batch may refer to it."""
        self.entities[slug] = Entity(
            iris.MG + slug, slug, label, self.superclasses(cls), {slug, label, *names}, batch=True
        )
        self.ids.add(slug)
        self._by_name.clear()
        self._names.clear()

    def superclasses(self, cls: str) -> set[str]:
        """The classes above `cls` (itself included)."""
        return {c for c, subs in self.subclasses.items() if cls in subs}

    def of_class(self, cls: str) -> dict[str, list[Entity]]:
        """Normalized name -> entities of class `cls` (subclasses included) carrying it."""
        if cls not in self._by_name:
            table: dict[str, list[Entity]] = {}
            for ent in self.entities.values():
                if cls in ent.classes:
                    for n in ent.names:
                        table.setdefault(normalize(n), []).append(ent)
            self._by_name[cls] = table
        return self._by_name[cls]

    def resolve(self, value: str, kind: str, suggest: bool = True) -> tuple[Entity | None, str | None, list[str]]:
        """(entity, None, []) or (None, why, suggestions) for a value naming an entity of `kind`.

        `suggest=False` leaves out the closest known names (a fuzzy match over all of them).
        """
        cls = KIND_CLASS[kind]
        table = self.of_class(cls)
        text = value.strip()
        slug = None
        if text.startswith(iris.MG):
            slug = text[len(iris.MG) :]
        elif text.startswith("mg:"):
            slug = text[3:]
        if slug is not None:
            ent = self.entities.get(slug)
            if ent is not None and cls in ent.classes:
                return ent, None, []
            return None, f"unknown {kind} {value!r}", []
        hits = {e.slug: e for e in table.get(normalize(text), [])}
        if len(hits) == 1:
            return next(iter(hits.values())), None, []
        if len(hits) > 1:
            by_label = [e for e in hits.values() if normalize(e.label) == normalize(text)]
            if len(by_label) == 1:
                return by_label[0], None, []
            listed = "; ".join(f"{e.label!r} (id {e.slug})" for e in sorted(hits.values(), key=lambda e: e.slug))
            return None, f"{kind} {value!r} is ambiguous: it names {listed}", sorted(hits)
        if not suggest:
            return None, f"unknown {kind} {value!r}", []
        if cls not in self._names:
            self._names[cls] = sorted({n for ents in table.values() for e in ents for n in e.names if n != e.slug})
        return None, f"unknown {kind} {value!r}", closest(text, self._names[cls], n=1)

    def examples(self, kind: str, n: int = 3) -> str:
        """A few labels of entities of `kind`, for an error message's "e.g."."""
        if kind in ("mentoring type", "delivery mode"):
            n = 10  # few enough to list them all
        ents = sorted(
            {e.slug: e for v in self.of_class(KIND_CLASS[kind]).values() for e in v}.values(), key=lambda e: e.slug
        )
        return ", ".join(repr(e.label) for e in ents[:n])


def _types(ds):
    for s, _, o, _ in ds.quads((None, RDF.type, None, None)):
        if isinstance(s, URIRef) and str(s).startswith(iris.MG) and str(o).startswith(iris.MGO):
            yield s, None, o
