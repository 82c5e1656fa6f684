"""Themes: the curated SKOS scheme (data/themes.yaml) that groups Table 1's strengths and weaknesses
into the words a person thinks in (cost, time, travel, confidentiality, ...), and what `recommend`
asks a person about.

A theme only groups bullets the table lists; it says nothing new about a type. Each membership says
whether the bullet counts for the theme (a strength, by default) or against it (a weakness, by
default; `counts` says otherwise where a bullet reads the other way), and whether it is a reading
beyond the bullet's words (`reading: interpretive`). The file also holds the facets a person is
described by (career stage, specialty, population, delivery mode: each a concept scheme, or branches
of one) and the views (joining a program, designing one) with the themes each offers.

This module reads and checks the file, and turns the scheme into triples for the curation graph
(`theme_triples`) so the loader can add it with its evidence. Matching what a person types to a
theme is the recommender's (advise/words.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import datafiles, iris
from ..problems import InputError, Problem, closest
from ..text import normalize

THEMES_FILE = datafiles.display(datafiles.THEMES)
# The ontology terms a theme needs: mgo:Theme (a skos:Concept) and mgo:theme (Attribute -> Theme).
THEME_CLASS = iris.MGO + "Theme"
THEME_PROPERTY = iris.MGO + "theme"
INTERPRETIVE = "interpretive"
# The words of a membership's `counts`: the bullet counts for the theme, or against it.
COUNTS = ("for", "against")
# What an initiative that records no value of a facet means: open to all, or not known.
UNRECORDED = ("open", "unknown")


@dataclass(frozen=True)
class Theme:
    """One theme of data/themes.yaml."""

    id: str
    label: str
    alt_labels: tuple[str, ...]
    definition: str
    line: int = 0

    @property
    def iri(self) -> str:
        """The theme's IRI."""
        return iris.MG + self.id


@dataclass(frozen=True)
class Membership:
    """A strength or weakness (by its data/table1.yaml id) grouped under a theme, and why."""

    attribute: str
    theme: str
    rationale: str
    favourable: bool  # the bullet counts for the theme (True) or against it
    interpretive: bool = False  # a curator's reading beyond the bullet's words
    line: int = 0

    @property
    def note(self) -> str:
        """The rationale as published in the graph's evidence: interpretive readings say so."""
        return f"Interpretive reading: {self.rationale}" if self.interpretive else self.rationale


@dataclass(frozen=True)
class Facet:
    """Something a person is described by: the concepts of `scheme` (under `branches`, when given)."""

    id: str
    label: str
    definition: str
    scheme: str
    branches: tuple[str, ...] = ()
    wording: str = "for {}"  # how an initiative's values read in a reason ("for women", "delivered online")
    unrecorded: str = "open"  # an initiative recording no value is open to all ("open") or not known ("unknown")
    several: bool = False  # a person may hold several values at once (a woman and a mother), each on its own;
    # else the values a person names together describe the one they hold (pediatrics + endocrinology)


@dataclass(frozen=True)
class View:
    """A question a person asks (joining a program, designing one) and the themes it offers."""

    id: str
    label: str
    definition: str
    themes: tuple[str, ...]
    offers_initiatives: bool = False  # initiatives of each type are matched to the person (joining)
    want_all_by_default: bool = False  # with no theme named, every theme of the view counts as wanted


@dataclass
class ThemeScheme:
    """data/themes.yaml, checked: the scheme, its themes in file order, memberships, facets and views."""

    id: str
    label: str
    definition: str
    themes: list[Theme]
    memberships: list[Membership]
    facets: list[Facet] = field(default_factory=list)
    views: list[View] = field(default_factory=list)

    def by_id(self) -> dict[str, Theme]:
        """The themes by id."""
        return {t.id: t for t in self.themes}

    def memberships_of(self, attribute: str) -> list[Membership]:
        """The memberships of an attribute, in theme order."""
        order = {t.id: i for i, t in enumerate(self.themes)}
        return sorted((m for m in self.memberships if m.attribute == attribute), key=lambda m: order[m.theme])

    def themes_of(self, attribute: str) -> list[str]:
        """The theme ids an attribute belongs to, in theme order."""
        return [m.theme for m in self.memberships_of(attribute)]

    def view(self, view_id: str) -> View:
        """The view `view_id` (KeyError names the known ones)."""
        for v in self.views:
            if v.id == view_id:
                return v
        raise KeyError(f"no view {view_id!r} in {THEMES_FILE}; known: {', '.join(v.id for v in self.views)}")


def _table_attributes(root: Path) -> dict[str, str]:
    """Attribute id -> 'strength' or 'weakness', from data/table1.yaml."""
    doc = datafiles.read(root, datafiles.TABLE)
    out = {}
    for row in doc.get("types") or []:
        for column, kind in (("strengths", "strength"), ("weaknesses", "weakness")):
            for attr in row.get(column) or []:
                out[attr["id"]] = kind
    return out


_SCHEMES: dict[tuple[str, float], ThemeScheme] = {}


def load_themes(root: Path) -> ThemeScheme:
    """Read and check data/themes.yaml under `root`; raise InputError listing every problem.

    The result is cached per file modification time, so a long-running server sees edits.
    """
    path = datafiles.path(root, datafiles.THEMES)
    try:
        stamp = (str(path.resolve()), path.stat().st_mtime)
    except FileNotFoundError:
        raise InputError([Problem(THEMES_FILE, "file not found", expected="the curated themes")]) from None
    if stamp not in _SCHEMES:
        _SCHEMES.clear()
        _SCHEMES[stamp] = _parse(root)
    return _SCHEMES[stamp]


class _Checker:
    """Collects the problems of data/themes.yaml, each with its line and column."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, rec: Any, message: str, **kw: Any) -> None:
        line, column = getattr(rec, "line", None), getattr(rec, "column", None)
        self.problems.append(Problem(THEMES_FILE, message, line=line, column=column, **kw))

    def keys(self, rec: Any, allowed: set[str], required: set[str], texts: set[str] | None = None) -> bool:
        """Whether `rec` is a mapping with only `allowed` keys, all `required` ones, and `texts` non-empty."""
        if not isinstance(rec, dict):
            self.add(rec, f"expected a mapping, got {type(rec).__name__}", value=str(rec)[:80])
            return False
        ok = True
        for k in sorted(set(rec) - allowed):
            hint = closest(str(k), allowed)
            self.add(
                rec,
                f"unknown key {k!r}",
                value=str(k),
                expected="one of " + ", ".join(sorted(allowed)),
                suggestion=hint[0] if hint else None,
            )
            ok = False
        for k in sorted(required - set(rec)):
            self.add(rec, f"missing key {k!r}", expected=f"a value for {k!r}")
            ok = False
        for k in sorted((required if texts is None else texts) & set(rec)):
            if not isinstance(rec[k], str) or not rec[k].strip():
                self.add(rec, f"{k!r} must be non-empty text", value=repr(rec[k]))
                ok = False
        return ok

    def ids(self, rec: Any, key: str, known: set[str] | None, what: str) -> bool:
        """Whether rec[key] (absent: an empty list) is a list of ids, each in `known` unless that is None."""
        values = rec.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            self.add(rec, f"{key!r} must be a list of ids", value=repr(values))
            return False
        ok = True
        for v in values:
            if known is not None and v not in known:
                hint = closest(v, known)
                self.add(rec, f"unknown {what} {v!r}", value=v, suggestion=hint[0] if hint else None)
                ok = False
        return ok

    def known(self, rec: Any, key: str, known: set[str] | dict, what: str, expected: str) -> bool:
        """Whether rec[key] is in `known`."""
        if rec[key] in known:
            return True
        hint = closest(str(rec[key]), known)
        self.add(
            rec,
            f"unknown {what} {rec[key]!r}",
            value=str(rec[key]),
            expected=expected,
            suggestion=hint[0] if hint else None,
        )
        return False


def _parse(root: Path) -> ThemeScheme:
    doc = datafiles.read(root, datafiles.THEMES)
    c = _Checker()
    if not c.keys(
        doc, {"scheme", "themes", "memberships", "facets", "views"}, {"scheme", "themes", "memberships"}, set()
    ):
        raise InputError(c.problems)
    scheme = doc["scheme"]
    c.keys(scheme, {"id", "label", "definition"}, {"id", "label", "definition"})
    themes = _themes(doc["themes"] or [], c)
    attributes = _table_attributes(root)
    memberships = _memberships(doc["memberships"] or [], {t.id for t in themes}, attributes, c)
    facets: list[Facet] = []
    for rec in doc.get("facets") or []:
        required = {"id", "label", "definition", "scheme", "wording", "unrecorded"}
        if c.keys(rec, required | {"branches", "several"}, required):
            if not isinstance(rec.get("several", False), bool):
                c.add(rec, "'several' must be true or false", value=repr(rec["several"]))
                continue
            if "{}" not in rec["wording"]:
                c.add(rec, "'wording' must hold {} where the values go", value=rec["wording"])
                continue
            if rec["unrecorded"] not in UNRECORDED:
                c.add(rec, f"unknown unrecorded {rec['unrecorded']!r}", expected=" or ".join(UNRECORDED))
                continue
            # Branches are ids of concepts of the scheme; the recommender checks them against the graph.
            if c.ids(rec, "branches", None, "branch"):
                branches = tuple(rec.get("branches", []))
                facets.append(
                    Facet(
                        rec["id"],
                        rec["label"],
                        rec["definition"],
                        rec["scheme"],
                        branches,
                        rec["wording"],
                        rec["unrecorded"],
                        rec.get("several", False),
                    )
                )
    views: list[View] = []
    theme_ids = {t.id for t in themes}
    flags = ("offersInitiatives", "wantAllByDefault")
    for rec in doc.get("views") or []:
        required = {"id", "label", "definition", "themes"}
        if not c.keys(rec, required | set(flags), required, {"id", "label", "definition"}):
            continue
        ok = c.ids(rec, "themes", theme_ids, "theme")
        for flag in flags:
            if not isinstance(rec.get(flag, False), bool):
                c.add(rec, f"{flag!r} must be true or false", value=repr(rec[flag]))
                ok = False
        if ok:
            themes_of_view = tuple(rec["themes"])
            views.append(
                View(rec["id"], rec["label"], rec["definition"], themes_of_view, *(rec.get(f, False) for f in flags))
            )
    for what, records in (("facet", facets), ("view", views)):
        seen: set[str] = set()
        for r in records:
            if r.id in seen:
                c.add(None, f"duplicate {what} id {r.id!r}", value=r.id, expected=f"each {what} once")
            seen.add(r.id)
    if views:
        offered = {t for v in views for t in v.themes}
        for t in themes:
            if t.id not in offered:
                c.add(
                    None, f"theme {t.id!r} is offered by no view", value=t.id, expected="each theme in a view's themes"
                )
    if c.problems:
        raise InputError(c.problems)
    return ThemeScheme(scheme["id"], scheme["label"], scheme["definition"], themes, memberships, facets, views)


def _themes(records: list, c: _Checker) -> list[Theme]:
    themes: list[Theme] = []
    for rec in records:
        if not c.keys(rec, {"id", "label", "altLabels", "definition"}, {"id", "label", "definition"}):
            continue
        alts = rec.get("altLabels", [])
        if not isinstance(alts, list) or not all(isinstance(a, str) and a.strip() for a in alts):
            c.add(rec, "'altLabels' must be a list of non-empty texts", value=repr(alts))
            continue
        if any(t.id == rec["id"] for t in themes):
            c.add(rec, f"duplicate theme id {rec['id']!r}", value=rec["id"], expected="each theme once")
            continue
        themes.append(Theme(rec["id"], rec["label"], tuple(alts), rec["definition"], getattr(rec, "line", 0)))
    # Two themes sharing a name would make a wanted theme ambiguous.
    seen: dict[str, str] = {}
    for t in themes:
        for name in {normalize(n) for n in (t.id, t.label, *t.alt_labels)}:
            if seen.setdefault(name, t.id) != t.id:
                c.problems.append(
                    Problem(
                        THEMES_FILE,
                        f"theme {t.id!r} shares the name {name!r} with theme {seen[name]!r}",
                        line=t.line,
                        value=name,
                        expected="names that identify one theme",
                    )
                )
    return themes


def _memberships(records: list, theme_ids: set[str], attributes: dict[str, str], c: _Checker) -> list[Membership]:
    keys = {"attribute", "theme", "rationale", "reading", "counts"}
    memberships: list[Membership] = []
    for rec in records:
        if not c.keys(rec, keys, {"attribute", "theme", "rationale"}):
            continue
        ok = c.known(rec, "attribute", attributes, "attribute", "the id of a strength or weakness in data/table1.yaml")
        ok = c.known(rec, "theme", theme_ids, "theme", "the id of a theme above") and ok
        if "reading" in rec and rec["reading"] != INTERPRETIVE:
            c.add(
                rec,
                f"unknown reading {rec['reading']!r}",
                value=str(rec["reading"]),
                expected=f"{INTERPRETIVE!r} or no key",
            )
            ok = False
        if "counts" in rec and rec["counts"] not in COUNTS:
            c.add(rec, f"unknown counts {rec['counts']!r}", value=str(rec["counts"]), expected=" or ".join(COUNTS))
            ok = False
        if ok and any(m.attribute == rec["attribute"] and m.theme == rec["theme"] for m in memberships):
            c.add(rec, f"{rec['attribute']!r} is grouped under {rec['theme']!r} twice", expected="each membership once")
            ok = False
        if ok:
            counts = rec.get("counts") or ("for" if attributes[rec["attribute"]] == "strength" else "against")
            memberships.append(
                Membership(
                    rec["attribute"],
                    rec["theme"],
                    rec["rationale"],
                    counts == "for",
                    rec.get("reading") == INTERPRETIVE,
                    getattr(rec, "line", 0),
                )
            )
    grouped = {m.attribute for m in memberships}
    for attr, kind in attributes.items():
        if attr not in grouped:
            c.problems.append(
                Problem(
                    THEMES_FILE,
                    f"the {kind} {attr!r} belongs to no theme",
                    value=attr,
                    expected="at least one membership for every strength and weakness of data/table1.yaml",
                )
            )
    return memberships


@dataclass
class ThemeTriples:
    """The scheme as rdflib triples: `plain` for the curation graph as-is (like the populations of
    data/populations.yaml), `curated` as (evidence record, triples) pairs for the loader's curate()."""

    ids: list[str]  # the slugs it mints (the scheme's and each theme's), for the loader's id register
    plain: list[tuple]
    curated: list[tuple[dict, list[tuple]]]


def theme_triples(root: Path) -> ThemeTriples:
    """The themes of `root`/data/themes.yaml as triples: a skos:ConceptScheme mg:themes, each theme a
    mgo:Theme (skos:Concept) in it, and each membership `attribute mgo:theme theme` with the curator's
    rationale as evidence. Raises InputError with every problem in the file."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, RDFS, SKOS

    s = load_themes(root)
    scheme = URIRef(iris.MG + s.id)
    cls, prop = URIRef(THEME_CLASS), URIRef(THEME_PROPERTY)
    plain: list[tuple] = [
        (scheme, RDF.type, SKOS.ConceptScheme),
        (scheme, RDFS.label, Literal(s.label)),
        (scheme, SKOS.definition, Literal(s.definition)),
    ]
    for t in s.themes:
        node = URIRef(t.iri)
        plain += [
            (node, RDF.type, cls),
            (node, RDFS.label, Literal(t.label)),
            (node, SKOS.prefLabel, Literal(t.label)),
            (node, SKOS.inScheme, scheme),
            (node, SKOS.topConceptOf, scheme),
            (node, SKOS.definition, Literal(t.definition)),
        ]
        plain += [(node, SKOS.altLabel, Literal(a)) for a in t.alt_labels]
    curated = [
        (
            {"evidence": "curator", "note": m.note},
            [(URIRef(iris.MG + m.attribute), prop, URIRef(iris.MG + m.theme))],
        )
        for m in s.memberships
    ]
    return ThemeTriples([s.id] + [t.id for t in s.themes], plain, curated)
