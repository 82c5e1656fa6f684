"""Themes: the curated SKOS scheme (data/themes.yaml) that groups Table 1's strengths and weaknesses
into the words a person thinks in (cost, time, travel, confidentiality, ...).

A theme only groups bullets the table lists; it says nothing new about a type. This module reads and
checks the file, resolves what a person types (`--want time`) to a theme, and turns the scheme into
triples for the curation graph (`theme_triples`) so the loader can add it with its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import datafiles, iris
from ..text import normalize
from ..problems import InputError, Problem, closest

THEMES_FILE = datafiles.display(datafiles.THEMES)
# The ontology terms a theme needs (see the advise report): mgo:Theme (a skos:Concept) and mgo:theme
# (Attribute -> Theme). Spelled from iris.MGO here until namespaces.ONTOLOGY_TERMS lists them.
THEME_CLASS = iris.MGO + "Theme"
THEME_PROPERTY = iris.MGO + "theme"


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
    line: int = 0


@dataclass(frozen=True)
class Facet:
    """A kind of population a person names to `recommend` (career stage, specialty, identity)."""

    id: str
    label: str
    option: str
    populations: tuple[str, ...]


@dataclass
class ThemeScheme:
    """data/themes.yaml, checked: the scheme, its themes in file order, memberships and facets."""

    id: str
    label: str
    definition: str
    themes: list[Theme]
    memberships: list[Membership]
    facets: list[Facet] = field(default_factory=list)

    def by_id(self) -> dict[str, Theme]:
        """The themes by id."""
        return {t.id: t for t in self.themes}

    def themes_of(self, attribute: str) -> list[str]:
        """The theme ids an attribute belongs to, in theme order."""
        order = {t.id: i for i, t in enumerate(self.themes)}
        return sorted({m.theme for m in self.memberships if m.attribute == attribute}, key=order.__getitem__)

    def resolve(self, value: str, param: str = "theme") -> Theme:
        """The theme `value` names: an id, label or alternative label, else a word (or words) of a label.

        Matching ignores case and accents. Exact names win over words; a word of a preferred label
        wins over a word of an alternative label. Raises ThemeError listing the closest themes.
        """
        key = normalize(value)
        if not key:
            raise ThemeError(param, value, "an empty value", self.suggest(value))
        exact = [t for t in self.themes if key in {t.id, normalize(t.label), *map(normalize, t.alt_labels)}]
        word_of_label = [t for t in self.themes if _has_phrase(t.label, key)]
        word_of_alt = [t for t in self.themes if any(_has_phrase(a, key) for a in t.alt_labels)]
        for hits in (exact, word_of_label, word_of_alt):
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise ThemeError(param, value, "ambiguous", [t.label for t in hits])
        raise ThemeError(param, value, "unknown", self.suggest(value))

    def suggest(self, value: str, n: int = 3) -> list[str]:
        """The theme labels closest to `value`, by spelling of any of their names or words."""
        names: dict[str, str] = {}
        for t in self.themes:
            for name in (t.label, *t.alt_labels, *_words(t.label)):
                names.setdefault(name, t.label)
        out: list[str] = []
        for hit in closest(value, names, n=10):
            if names[hit] not in out:
                out.append(names[hit])
        return out[:n] or [t.label for t in self.themes[:n]]


class ThemeError(ValueError):
    """A --want/--avoid value names no theme, or several (CLI exit code 2)."""

    def __init__(self, param: str, value: str, problem: str, candidates: list[str]):
        self.param, self.value, self.candidates = param, value, candidates
        if problem == "ambiguous":
            msg = f"{param} {value!r} is ambiguous; it names: {', '.join(candidates)}. Use the full label."
        else:
            msg = (
                f"unknown {param} {value!r} (expected a theme's label, alternative label or a word of it; "
                f"`mentorgraph themes` lists them); closest known: {', '.join(repr(c) for c in candidates)}"
            )
        super().__init__(msg)


def _words(text: str) -> list[str]:
    return [w.strip(".,:;()") for w in normalize(text).replace("-", " ").split()]


def _has_phrase(name: str, key: str) -> bool:
    """Whether `key` (normalized) is one word of `name`, or several consecutive ones."""
    return f" {' '.join(_words(key))} " in f" {' '.join(_words(name))} "


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


def _parse(root: Path) -> ThemeScheme:
    doc = datafiles.read(root, datafiles.THEMES)
    problems: list[Problem] = []

    def problem(rec: Any, message: str, **kw) -> None:
        problems.append(
            Problem(THEMES_FILE, message, line=getattr(rec, "line", None), column=getattr(rec, "column", None), **kw)
        )

    def check_keys(rec: Any, allowed: set[str], required: set[str], texts: bool = True) -> bool:
        if not isinstance(rec, dict):
            problem(rec, f"expected a mapping, got {type(rec).__name__}", value=str(rec)[:80])
            return False
        ok = True
        for k in sorted(set(rec) - allowed):
            hint = closest(str(k), allowed)
            problem(
                rec,
                f"unknown key {k!r}",
                value=str(k),
                expected="one of " + ", ".join(sorted(allowed)),
                suggestion=hint[0] if hint else None,
            )
            ok = False
        for k in sorted(required - set(rec)):
            problem(rec, f"missing key {k!r}", expected=f"a value for {k!r}")
            ok = False
        for k in sorted(required & set(rec)) if texts else []:
            if k != "populations" and (not isinstance(rec[k], str) or not rec[k].strip()):
                problem(rec, f"{k!r} must be non-empty text", value=repr(rec[k]))
                ok = False
        return ok

    if not check_keys(
        doc, {"scheme", "themes", "memberships", "facets"}, {"scheme", "themes", "memberships"}, texts=False
    ):
        raise InputError(problems)
    scheme = doc["scheme"]
    check_keys(scheme, {"id", "label", "definition"}, {"id", "label", "definition"})
    themes: list[Theme] = []
    for rec in doc["themes"] or []:
        if not check_keys(rec, {"id", "label", "altLabels", "definition"}, {"id", "label", "definition"}):
            continue
        alts = rec.get("altLabels", [])
        if not isinstance(alts, list) or not all(isinstance(a, str) and a.strip() for a in alts):
            problem(rec, "'altLabels' must be a list of non-empty texts", value=repr(alts))
            continue
        if any(t.id == rec["id"] for t in themes):
            problem(rec, f"duplicate theme id {rec['id']!r}", value=rec["id"], expected="each theme once")
            continue
        themes.append(Theme(rec["id"], rec["label"], tuple(alts), rec["definition"], getattr(rec, "line", 0)))
    # Two themes sharing a name would make `--want NAME` ambiguous.
    seen: dict[str, str] = {}
    for t in themes:
        for name in {normalize(n) for n in (t.id, t.label, *t.alt_labels)}:
            if seen.setdefault(name, t.id) != t.id:
                problems.append(
                    Problem(
                        THEMES_FILE,
                        f"theme {t.id!r} shares the name {name!r} with theme {seen[name]!r}",
                        line=t.line,
                        value=name,
                        expected="names that identify one theme",
                    )
                )
    attributes = _table_attributes(root)
    theme_ids = {t.id for t in themes}
    memberships: list[Membership] = []
    for rec in doc["memberships"] or []:
        if not check_keys(rec, {"attribute", "theme", "rationale"}, {"attribute", "theme", "rationale"}):
            continue
        ok = True
        if rec["attribute"] not in attributes:
            hint = closest(rec["attribute"], attributes)
            problem(
                rec,
                f"unknown attribute {rec['attribute']!r}",
                value=rec["attribute"],
                expected="the id of a strength or weakness in data/table1.yaml",
                suggestion=hint[0] if hint else None,
            )
            ok = False
        if rec["theme"] not in theme_ids:
            hint = closest(rec["theme"], theme_ids)
            problem(
                rec,
                f"unknown theme {rec['theme']!r}",
                value=rec["theme"],
                expected="the id of a theme above",
                suggestion=hint[0] if hint else None,
            )
            ok = False
        if ok and any(m.attribute == rec["attribute"] and m.theme == rec["theme"] for m in memberships):
            problem(
                rec, f"{rec['attribute']!r} is grouped under {rec['theme']!r} twice", expected="each membership once"
            )
            ok = False
        if ok:
            memberships.append(Membership(rec["attribute"], rec["theme"], rec["rationale"], getattr(rec, "line", 0)))
    grouped = {m.attribute for m in memberships}
    for attr in attributes:
        if attr not in grouped:
            problems.append(
                Problem(
                    THEMES_FILE,
                    f"the {attributes[attr]} {attr!r} belongs to no theme",
                    value=attr,
                    expected="at least one membership for every strength and weakness of data/table1.yaml",
                )
            )
    facets: list[Facet] = []
    for rec in doc.get("facets") or []:
        if check_keys(rec, {"facet", "label", "option", "populations"}, {"facet", "label", "option", "populations"}):
            facets.append(Facet(rec["facet"], rec["label"], rec["option"], tuple(rec["populations"])))
    if problems:
        raise InputError(problems)
    return ThemeScheme(scheme["id"], scheme["label"], scheme["definition"], themes, memberships, facets)


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
            {"evidence": "curator", "note": m.rationale},
            [(URIRef(iris.MG + m.attribute), prop, URIRef(iris.MG + m.theme))],
        )
        for m in s.memberships
    ]
    return ThemeTriples([s.id] + [t.id for t in s.themes], plain, curated)
