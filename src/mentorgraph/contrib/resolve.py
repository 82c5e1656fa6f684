"""Turn raw contributed records into curated records: resolve names to ids, derive ids, find duplicates.

Values naming other entities (mentoring type, sponsor, parent program, populations, delivery mode)
are matched by label, alternative label, acronym or id, case- and accent-insensitively with the same
`normalize` as the query layer; unknown values get the closest known names as suggestions. New ids
are derived from the name (kebab-case ASCII) and kept forever once stored in data/.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .. import schema
from ..datafiles import LocatedDict, plain
from ..problems import Problem, closest
from ..text import normalize
from . import clean
from .clean import skeleton
from .index import Index, loose
from .mappings import CONTRIBUTED_EVIDENCE, check_mappings
from .report import Problems, kind_of
from .records import (
    INITIATIVE_ORDER,
    LINK_KINDS,
    ORGANIZATION_ORDER,
    SINGLE_KEYS,
    Raw,
    check_text,
)


# Which class each kind of linked entity must have (schema.py's links, by their words).
@dataclass
class Planned:
    """One record to be stored: its id, what happens to it, and the curated form."""

    raw: Raw
    slug: str
    action: str  # "add", "update" or "unchanged"
    record: LocatedDict


@dataclass
class Plan:
    """What an import would write: records by kind, the problems and the notes."""

    initiatives: list[Planned] = field(default_factory=list)
    organizations: list[Planned] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    notes: list[Problem] = field(default_factory=list)


class Resolver:
    """Converts raw records of one batch (every file of one command) into curated records."""

    def __init__(
        self,
        index: Index,
        contributed: dict[str, dict],
        organizations: dict[str, dict],
        accept_duplicates: bool = False,
    ):
        self.index = index
        self.contributed = contributed  # id -> stored record of data/contributions.yaml
        self.organizations = organizations  # id -> stored record of data/organizations.yaml
        self.accept_duplicates = accept_duplicates
        self.plan = Plan()
        self.batch: dict[str, Raw] = {}  # slug -> record of this batch
        self.batch_names: dict[str, Raw] = {}  # loose name -> record of this batch

    # -- checks of single values ------------------------------------------------------------------
    def _shape(self, raw: Raw) -> bool:
        allowed = (schema.INITIATIVE if raw.kind == "initiative" else schema.ORGANIZATION).allowed
        ok = True
        for key, value in list(raw.values.items()):
            if key not in allowed:
                hint = closest(str(key), allowed)
                self.plan.problems.append(
                    raw.problem(
                        key,
                        f"unknown key {key!r}",
                        value=str(key),
                        expected="one of " + ", ".join(sorted(allowed)),
                        suggestion=hint[0] if hint else None,
                    )
                )
                ok = False
                continue
            if key == "mappings":
                continue  # checked in `run`, once the record's id is known
            if isinstance(value, list) and len(value) > clean.MAX_ITEMS:
                self.plan.problems.append(
                    raw.problem(
                        key,
                        f"{len(value)} values in {key!r}",
                        value="; ".join(map(str, value[:3]))[:120] + "; ...",
                        expected=f"at most {clean.MAX_ITEMS} values",
                    )
                )
                ok = False
                continue
            if key in SINGLE_KEYS and isinstance(value, list):
                if len(value) == 1:
                    raw.values[key] = value = value[0]
                else:
                    self.plan.problems.append(
                        raw.problem(
                            key,
                            f"{key!r} takes one value, got {len(value)}",
                            value="; ".join(map(str, value))[:120],
                            expected=f"a single {LINK_KINDS.get(key, 'value')}",
                        )
                    )
                    ok = False
                    continue
            for item in value if isinstance(value, list) else [value]:
                found = check_text(raw, key, item)
                self.plan.problems += found
                ok = ok and not found
        if not raw.values.get("label"):
            self.plan.problems.append(
                raw.problem(None, "missing name", expected="the program's name in 'name' (YAML/RDF: label)")
            )
            ok = False
        if raw.kind == "initiative" and not raw.values.get("modelType"):
            named = f"{raw.name()!r}: " if raw.values.get("label") else ""
            self.plan.problems.append(
                raw.problem(
                    None,
                    f"{named}missing mentoring type",
                    expected="one of the types of Table 1: " + self.index.examples("mentoring type", 7),
                )
            )
            ok = False
        return ok

    def _evidence(self, raw: Raw) -> bool:
        v = raw.values
        kind = v.get("evidence")
        if kind is None:
            if v.get("source"):
                v["evidence"] = "cited-source"
            elif v.get("note"):
                v["evidence"] = "curator"
            else:
                named = f"{raw.name()!r}: " if v.get("label") else ""
                self.plan.problems.append(
                    raw.problem(
                        None,
                        f"{named}no evidence",
                        expected="a URL or citation in 'evidence/source' "
                        "(or, if there is none, say how you know in 'notes')",
                    )
                )
                return False
        elif kind not in CONTRIBUTED_EVIDENCE:
            hint = closest(str(kind), CONTRIBUTED_EVIDENCE)
            self.plan.problems.append(
                raw.problem(
                    "evidence",
                    f"evidence kind {kind!r} cannot be contributed",
                    value=str(kind),
                    expected="cited-source (with a source) or curator (with a note)",
                    suggestion=hint[0] if hint else None,
                )
            )
            return False
        return True

    def _class(self, raw: Raw) -> str | None:
        root = "Initiative" if raw.kind == "initiative" else "Organization"
        choices = sorted(self.index.subclasses[root])
        value = raw.values.get("class")
        if value is None:
            return root
        for c in choices:
            if normalize(value) in (normalize(c), normalize(self.index.class_labels[c])):
                return c
        names = [self.index.class_labels[c] for c in choices]
        hint = closest(str(value), names + choices)
        self.plan.problems.append(
            raw.problem(
                "class",
                f"unknown kind {value!r}",
                value=str(value),
                expected="one of " + ", ".join(names),
                suggestion=hint[0] if hint else None,
            )
        )
        return None

    # -- ids and duplicates -----------------------------------------------------------------------
    def _stored(self, raw: Raw) -> dict[str, dict]:
        return self.contributed if raw.kind == "initiative" else self.organizations

    def _slug(self, raw: Raw) -> tuple[str | None, str]:
        """The record's id and whether it is new ('add') or already stored ('stored')."""
        stored = self._stored(raw)
        given = raw.values.get("id")
        if given is not None:
            if not schema.is_slug(given):
                self.plan.problems.append(
                    raw.problem(
                        "id",
                        f"invalid id {given!r}",
                        value=given,
                        expected="lowercase letters, digits and hyphens (or leave it empty to derive it from the name)",
                        suggestion=schema.slugify(given),
                    )
                )
                return None, ""
            if given in stored:
                return given, "stored"
            if given in self.index.ids:
                ent = self.index.entities.get(given)
                self.plan.problems.append(
                    raw.problem(
                        "id",
                        f"id {given!r} is already used by "
                        f"{ent.label if ent else given!r}; a contribution cannot "
                        "change an existing entity",
                        value=given,
                        expected="a new id, or none",
                    )
                )
                return None, ""
            return given, "add"
        key = normalize(raw.values["label"])
        for slug, rec in stored.items():
            if normalize(str(rec.get("label", ""))) == key:
                return slug, "stored"
        base = schema.slugify(raw.values["label"])
        slug, n = base, 1
        while slug in self.index.ids or slug in self.batch:
            n += 1
            slug = f"{base}-{n}"
        return slug, "add"

    def _duplicates(self, raw: Raw, slug: str, against_graph: bool) -> None:
        """Report a new program the graph already has under another spelling, or one named twice here."""
        names = [raw.values["label"], *_texts(raw.values.get("altLabels"))]
        keys = {loose(n) for n in names} - {""}
        cls = "Initiative" if raw.kind == "initiative" else "Organization"
        acronyms = {normalize(a) for a in _texts(raw.values.get("acronyms"))}
        candidates = self.index.same_names(keys, acronyms) if against_graph else []
        for ent in candidates:
            if ent.slug == slug or ent.batch or cls not in ent.classes:
                continue
            p = raw.problem(
                "label",
                f"{raw.values['label']!r} is probably {ent.label!r} (id {ent.slug}), "
                f"already in the graph under another spelling{look_alikes(names)}",
                value=raw.values["label"],
                expected="a program not yet in the graph (to add facts "
                "about an existing one, propose a statement in data/curation.yaml)",
            )
            (self.plan.notes if self.accept_duplicates else self.plan.problems).append(p)
            return
        for k in keys:
            other = self.batch_names.get(k)
            if other is not None and other is not raw:
                self.plan.problems.append(
                    raw.problem(
                        "label",
                        f"{raw.values['label']!r} repeats {other.values['label']!r} ({other.file}:{other.where.line})",
                        value=raw.values["label"],
                        expected="each program once per import",
                    )
                )
                return
            self.batch_names[k] = raw

    # -- the whole batch --------------------------------------------------------------------------
    def run(self, raws: list[Raw]) -> Plan:
        """Resolve a batch of raw records into the plan (problems and notes included)."""
        ready = []
        # Organizations first, so initiatives of the same batch may name them.
        for raw in sorted(raws, key=lambda r: r.kind != "organization"):
            # Every check runs even after one fails, so that a file's problems are all reported at once.
            ok = self._shape(raw) & self._evidence(raw)
            cls = self._class(raw)
            label_ok = isinstance(raw.values.get("label"), str) and not check_text(raw, "label", raw.values["label"])
            if not label_ok and "id" not in raw.values:
                continue
            slug, status = self._slug(raw)
            if slug is None or not label_ok:
                continue
            if slug in self.batch:
                self.plan.problems.append(
                    raw.problem("id", f"id {slug!r} is given twice in this import", value=slug, expected="each id once")
                )
                continue
            self._duplicates(raw, slug, against_graph=status == "add")
            if "mappings" in raw.values:
                mappings, found = check_mappings(raw, raw.values["mappings"], self.index.equal_targets, slug)
                self.plan.problems += found
                ok = ok and not found
                if mappings is not None:
                    raw.values["mappings"] = mappings
            self.batch[slug] = raw
            names = _texts(raw.values.get("altLabels")) + _texts(raw.values.get("acronyms"))
            self.index.add(slug, raw.values["label"], names, cls or "Initiative")
            ready.append((raw, slug, status, cls, ok))
        for raw, slug, status, cls, ok in ready:
            record = self._record(raw, slug, cls or "Initiative")
            if record is None or cls is None or not ok:
                continue
            stored = self._stored(raw).get(slug)
            if status == "stored" and raw.kind == "organization" and plain(stored) != plain(record):
                self.plan.problems.append(
                    raw.problem(
                        "label",
                        f"organization {raw.values['label']!r} already exists (id {slug}) with other details",
                        value=slug,
                        expected="refer to it by name instead of redefining it",
                    )
                )
                continue
            action = "add" if status == "add" else ("unchanged" if plain(stored) == plain(record) else "update")
            target = self.plan.initiatives if raw.kind == "initiative" else self.plan.organizations
            target.append(Planned(raw, slug, action, record))
        return self.plan

    def _record(self, raw: Raw, slug: str, cls: str) -> LocatedDict | None:
        v = dict(raw.values)
        v["id"], v["class"] = slug, cls
        ok = True
        for key, kind in LINK_KINDS.items():
            if key not in v:
                continue
            values = v[key] if isinstance(v[key], list) else [v[key]]
            resolved = []
            for value in values:
                if not isinstance(value, str):
                    ok = False  # reported by _shape
                    continue
                ent, why, hint = self.index.resolve(value, kind, suggest=False)
                if ent is None:
                    ok = False
                    # Suggestions cost a fuzzy match over every name: only for problems that will be listed.
                    if not self.plan.problems.wants(kind_of(raw.problem(key, why or "").message)):
                        self.plan.problems.skip(kind_of(raw.problem(key, why or "").message))
                        continue
                    ent, why, hint = self.index.resolve(value, kind)
                    expected = (
                        f"a {kind} of the graph by name, alternative name or acronym (e.g. {self.index.examples(kind)})"
                    )
                    if why and "ambiguous" in why:
                        expected = "one of these ids in place of the name"
                    self.plan.problems.append(
                        raw.problem(
                            key,
                            why or f"unknown {kind}",
                            value=value,
                            expected=expected,
                            suggestion=hint[0] if hint and "ambiguous" not in (why or "") else None,
                        )
                    )
                elif ent.slug == slug:
                    ok = False
                    self.plan.problems.append(raw.problem(key, f"{raw.name()!r} cannot be its own {kind}", value=value))
                else:
                    resolved.append(ent.slug)
            v[key] = resolved if key not in SINGLE_KEYS else (resolved[0] if resolved else None)
        if not ok:
            return None
        order = INITIATIVE_ORDER if raw.kind == "initiative" else ORGANIZATION_ORDER
        rec = LocatedDict((k, v[k]) for k in order if k in v and v[k] not in (None, [], ""))
        rec.line = raw.where.line or 0
        rec.column = raw.where.column or 0
        rec.key_lines = {k: raw.at(k).line for k in rec if raw.at(k).line}
        return rec


def look_alikes(names: list[str]) -> str:
    """Words naming the characters of `names` that are confusable with others (UTS #39), if any."""
    chars = sorted({c for n in names for c in n if ord(c) > 0x7F and skeleton(c) != c and c.isalpha()})
    if not chars:
        return ""
    return " (look-alike characters: " + ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in chars) + ")"


def _texts(values: Any) -> list[str]:
    """The text items of a value that should be a list of texts (other items are reported elsewhere)."""
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []
