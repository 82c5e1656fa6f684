"""Raw contributed records, the limits every input obeys, and the text checks applied to every value.

Each reader (CSV, YAML, RDF) turns a file into `Raw` records: one contributed initiative or
organization, its values keyed like data/contributions.yaml, and where each value came from (row and
column name for CSV, line for YAML, subject IRI for RDF) so that every problem can say where it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import schema
from ..problems import Problem

# Limits on input (docs/contributing.md, "Limits"). Generous for real contributions, small enough that
# a hostile file is refused before it costs memory or minutes.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_RECORDS = 5000
MAX_FIELD_CHARS = 2000
MAX_COLUMNS = 40
MAX_TRIPLES = 50_000
MAX_JSON_DEPTH = 24

# Record shapes come from schema.py (the loader uses the same ones).
_LINKS = {**schema.INITIATIVE_LINKS, **schema.ORGANIZATION_LINKS}
# Keys whose values name other entities, and the kind of entity each must be, in words.
LINK_KINDS = {key: link.words for key, link in _LINKS.items()}
# Keys that hold exactly one value (SHACL: one model type, at most one delivery mode).
SINGLE_KEYS = schema.INITIATIVE.single | schema.ORGANIZATION.single
# Keys holding a name: one line of text.
ONE_LINE_KEYS = schema.ONE_LINE_KEYS
INITIATIVE_ORDER = schema.INITIATIVE.keys
ORGANIZATION_ORDER = schema.ORGANIZATION.keys


@dataclass
class Where:
    """Where one value came from: a line (or CSV row), a column number and words for the column."""

    line: int | None = None
    column: int | None = None
    label: str = ""


@dataclass
class Raw:
    """One contributed entity as read from a file, before its values are resolved."""

    kind: str  # "initiative" or "organization"
    file: str
    where: Where
    values: dict[str, Any] = field(default_factory=dict)
    places: dict[str, Where] = field(default_factory=dict)

    def at(self, key: str | None) -> Where:
        """Where one key's value came from (the record's place when unknown)."""
        return self.places.get(key, self.where) if key else self.where

    def problem(self, key: str | None, message: str, **kw: Any) -> Problem:
        """A Problem located at one key of this record."""
        w = self.at(key)
        prefix = f"{w.label}: " if w.label else ""
        return Problem(self.file, prefix + message, line=w.line, column=w.column, **kw)

    def name(self) -> str:
        """The record's label, or '?' when it has none."""
        label = self.values.get("label")
        return label if isinstance(label, str) else "?"


def bad_character(text: str, one_line: bool) -> str | None:
    """Why `text` cannot be stored, or None: control characters, NUL, lone surrogates, noncharacters.

    Such characters either break an export format (N-Triples, XML results) or are invisible in a
    spreadsheet, so they are refused at the door rather than carried into the graph.
    """
    for i, c in enumerate(text):
        o = ord(c)
        if c == "\t" or (c in "\n\r" and not one_line):
            continue
        if o == 0:
            return f"a NUL character at position {i + 1}"
        if 0xD800 <= o <= 0xDFFF:
            return f"a lone surrogate U+{o:04X} at position {i + 1}"
        if c in "\n\r":
            return f"a line break at position {i + 1} (names are one line)"
        if o < 0x20 or 0x7F <= o < 0xA0:
            return f"the control character U+{o:04X} at position {i + 1}"
        if 0xFDD0 <= o <= 0xFDEF or (o & 0xFFFE) == 0xFFFE:
            return f"the noncharacter U+{o:04X} at position {i + 1}"
    return None


def check_text(raw: Raw, key: str, value: Any) -> list[Problem]:
    """Problems with one text value (its length and characters)."""
    if not isinstance(value, str):
        return [
            raw.problem(key, f"{key!r} must be text, got {kind_of(value)}", value=repr(value)[:80], expected="text")
        ]
    if len(value) > MAX_FIELD_CHARS:
        return [
            raw.problem(
                key,
                f"value of {len(value)} characters is too long",
                value=value[:40] + "...",
                expected=f"at most {MAX_FIELD_CHARS} characters per value",
            )
        ]
    why = bad_character(value, key in ONE_LINE_KEYS)
    if why:
        shown = value.encode("unicode_escape", "backslashreplace").decode("ascii")[:80]
        return [
            raw.problem(
                key,
                f"value contains {why}",
                value=shown,
                expected="printable text (no control characters, NUL or lone surrogates)",
            )
        ]
    return []


def kind_of(value: Any) -> str:
    """What a YAML value is, in words."""
    for types, words in (
        (bool, "true/false"),
        (int | float, "a number"),
        (dict, "a mapping"),
        (list, "a list"),
        (type(None), "nothing"),
    ):
        if isinstance(value, types):
            return words
    return type(value).__name__


IRI_FORBIDDEN = set(' <>"{}|^`\\')


def iri_problem(value: str) -> str | None:
    """Why `value` is not an absolute http(s) IRI we accept, or None."""
    if not value.startswith(("http://", "https://")):
        return "not an http(s) IRI"
    bad = sorted({c for c in value if c in IRI_FORBIDDEN or ord(c) <= 0x20 or 0x7F <= ord(c) < 0xA0})
    if bad:
        return "contains " + ", ".join(repr(c) for c in bad)
    if len(value.split("//", 1)[1].split("/", 1)[0]) == 0:
        return "has no host"
    return None
