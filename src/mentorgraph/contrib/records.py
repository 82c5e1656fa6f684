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
from . import clean

# Limits on input (docs/contributing.md, "Limits"). Generous for real contributions, small enough that
# a hostile file is refused before it costs memory or minutes.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_RECORDS = 5000
MAX_FIELD_CHARS = clean.TEXT.max_chars
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


def check_text(raw: Raw, key: str, value: Any, kind: clean.Kind | None = None) -> list[Problem]:
    """Problems with one text value of a record: its kind's length and characters (clean.py)."""
    words = value_words(key, value, kind)
    return [raw.problem(key, **words)] if words else []


def value_words(key: str, value: Any, kind: clean.Kind | None = None) -> dict[str, Any] | None:
    """What is wrong with one value of `key`, as a Problem's message, value, expected and suggestion."""
    if not isinstance(value, str):
        return {"message": f"{key!r} must be text, got {kind_of(value)}", "value": repr(value)[:80], "expected": "text"}
    kind = kind or clean.kind_of_key(key)
    found = clean.check(value, kind)
    if found is None:
        return None
    if found.what == "iri":
        return {
            "message": f"invalid {_IRI_WORDS.get(key, 'IRI')} ({found.message})",
            "value": shown(value),
            "expected": "an address such as https://example.org/ (no spaces)",
        }
    if found.what == "length":
        return {
            "message": found.message,
            "value": value[:40] + "...",
            "expected": f"at most {kind.max_chars} characters for a {kind.name}",
        }
    return {
        "message": found.message,
        "value": shown(value),
        "expected": EXPECTED[kind.name],
        "suggestion": found.suggestion,
    }


_IRI_WORDS = {"website": "website", "source": "source URL", "iri": "mapping IRI"}
# What a refused character's message says was expected.
_PRINTABLE = "visible text (no control, bidirectional-control or invisible characters"
EXPECTED = {
    "text": _PRINTABLE + "; tabs and line breaks are fine)",
    **{k.name: _PRINTABLE + ", on one line)" for k in (clean.NAME, clean.IRI, clean.SOURCE, clean.WORD)},
}


def shown(value: str) -> str:
    """A value as a message shows it: escapes for what cannot be seen, cut at 80 characters."""
    return value.encode("unicode_escape", "backslashreplace").decode("ascii")[:80]


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


iri_problem = clean.iri_problem
