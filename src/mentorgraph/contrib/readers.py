"""Readers for contributed files at the door, and the two tabular ones: CSV (the spreadsheet template)
and YAML. RDF (Turtle, N-Triples, RDF/XML) is read by rdf.py, JSON-LD by jsonld.py.

Each reader returns `Raw` records and the problems it found; it never raises for bad input. Files are
checked at the door (size, binary content, encoding) before any parser sees them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .. import mediatypes
from . import clean
from ..problems import InputError, Problem, closest
from .records import MAX_COLUMNS, MAX_FILE_BYTES, MAX_RECORDS, Raw, Where


@dataclass(frozen=True)
class Column:
    """One column of the CSV template: its header, the record key it fills and what it holds."""

    header: str
    key: str
    required: bool
    many: bool
    meaning: str
    aliases: tuple[str, ...] = ()


# The CSV template (`mentorgraph template`), in order. docs/contributing.md explains each column.
COLUMNS = (
    Column(
        "name",
        "label",
        True,
        False,
        "the program's name, as its organizers write it",
        ("program", "program name", "label", "title"),
    ),
    Column(
        "mentoring type",
        "modelType",
        True,
        False,
        "one of the seven model types of Table 1, by name (e.g. Formal mentoring programs)",
        ("type", "model type", "mentoring model type"),
    ),
    Column(
        "kind",
        "class",
        False,
        False,
        "what it is: Program, Seminar, Conference, Peer group, Online group, Council or committee, Forum, "
        "Grant or award, Platform or channel, Informal arrangement (default: Initiative)",
        ("class",),
    ),
    Column(
        "sponsor organization",
        "offeredBy",
        False,
        True,
        "the organizations that offer it, by name or acronym, separated by ';'",
        ("sponsor", "sponsors", "sponsor organizations", "organization", "offered by"),
    ),
    Column(
        "parent program", "partOf", False, True, "the program or umbrella it belongs to, by name", ("parent", "part of")
    ),
    Column(
        "target populations",
        "targetPopulation",
        False,
        True,
        "who it is for (e.g. Women; Residents), separated by ';'",
        ("target population", "populations", "population"),
    ),
    Column("delivery mode", "deliveryMode", False, False, "In-person, Online or Hybrid", ("delivery", "mode")),
    Column("website", "website", False, False, "its web address, https://...", ("url", "homepage")),
    Column(
        "evidence/source",
        "source",
        True,
        False,
        "where this is stated: a URL or a citation (required unless notes say why you know it)",
        ("evidence", "source", "evidence source", "citation", "reference"),
    ),
    Column(
        "notes",
        "note",
        False,
        False,
        "anything a curator should know; the evidence when no source exists",
        ("note", "comment", "comments"),
    ),
    Column(
        "alternative names",
        "altLabels",
        False,
        True,
        "other names it goes by, separated by ';'",
        ("alternative name", "alt labels", "also known as", "aka"),
    ),
    Column("acronyms", "acronyms", False, True, "its acronyms, separated by ';'", ("acronym",)),
    Column("funder", "fundedBy", False, True, "organizations that fund it, separated by ';'", ("funders", "funded by")),
    Column("contributor", "contributor", False, False, "who contributed the row (name or ORCID)", ("contributed by",)),
    Column("id", "id", False, False, "leave empty: the id is made from the name at import and kept", ()),
)
SEPARATOR = ";"


def _header_key(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").casefold().split())


HEADERS: dict[str, Column] = {}
for _c in COLUMNS:
    for _name in (_c.header, *_c.aliases):
        HEADERS[_header_key(_name)] = _c


def template_csv() -> str:
    """The header row of the CSV template."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([c.header for c in COLUMNS])
    return buf.getvalue()


# -- at the door ---------------------------------------------------------------------------------
def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or the problems that stop it being read (size, binary content, encoding)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [Problem(display, f"cannot read the file: {exc.strerror}", expected="a readable file")]
    if size > MAX_FILE_BYTES:
        return None, [
            Problem(
                display,
                f"file is too large ({size:,} bytes)",
                expected=f"at most {MAX_FILE_BYTES:,} bytes; split it into several files",
            )
        ]
    data = path.read_bytes()
    if b"\x00" in data:
        at = data.index(b"\x00")
        hint = " (UTF-16 text? save as 'CSV UTF-8')" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        return None, [
            Problem(display, f"binary content: a NUL byte at byte {at + 1}{hint}", expected="a UTF-8 text file")
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                display,
                f"not UTF-8 text: {exc.reason} at byte {exc.start + 1}",
                line=line,
                expected="a UTF-8 text file (in a spreadsheet: save as 'CSV UTF-8')",
            )
        ]
    return text.removeprefix("\ufeff"), []


def scan_text(text: str, display: str, limit: int = 50) -> list[Problem]:
    """Characters refused anywhere in a YAML, RDF or JSON-LD file, each at its line and column.

    The same rule as for every value (clean.bad_character, multi-line text), applied to the whole
    file before parsing, so that a character hidden in a comment or written raw inside a literal is
    pointed at exactly; escaped ones (\\u202E) are caught value by value after parsing.
    """
    problems: list[Problem] = []
    start = 0
    while len(problems) < limit:
        found = clean.bad_character(text[start:], multiline=True)
        if found is None:
            break
        at = start + found[0]
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        problems.append(
            Problem(
                display,
                f"the file contains {found[1]}",
                line=line,
                column=column,
                expected="visible text (no control, bidirectional-control or invisible characters)",
            )
        )
        start = at + 1
    return problems


# -- CSV -----------------------------------------------------------------------------------------
def read_csv(text: str, display: str) -> tuple[list[Raw], list[Problem]]:
    """Rows of the CSV template; row numbers count the header as row 1, as spreadsheets do."""
    problems: list[Problem] = []
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    if "\t" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0]:
        dialect = csv.excel_tab
    rows = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(rows, None)
    except csv.Error as exc:
        return [], [Problem(display, f"CSV syntax error: {exc}", line=1)]
    if not header or not any(h.strip() for h in header):
        return [], [
            Problem(
                display,
                "empty file: no header row",
                line=1,
                expected="a header row naming the columns (`mentorgraph template` prints it)",
            )
        ]
    if len(header) > MAX_COLUMNS:
        return [], [Problem(display, f"{len(header)} columns", line=1, expected=f"at most {MAX_COLUMNS} columns")]
    columns: list[Column | None] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(header, 1):
        col = HEADERS.get(_header_key(h))
        if col is None and h.strip():
            hint = closest(h, [c.header for c in COLUMNS])
            problems.append(
                Problem(
                    display,
                    f"column {i}: unknown column {h!r}",
                    line=1,
                    column=i,
                    value=h,
                    expected="one of " + ", ".join(repr(c.header) for c in COLUMNS),
                    suggestion=hint[0] if hint else None,
                )
            )
        elif col is not None and col.key in seen:
            problems.append(
                Problem(
                    display,
                    f"column {i}: {h!r} repeats column {seen[col.key]}",
                    line=1,
                    column=i,
                    value=h,
                    expected="each column once",
                )
            )
            col = None
        elif col is not None:
            seen[col.key] = i
        columns.append(col)
    for col in COLUMNS:
        if col.required and col.key not in seen:
            problems.append(
                Problem(
                    display,
                    f"missing column {col.header!r}",
                    line=1,
                    expected=f"a column {col.header!r}: {col.meaning}",
                )
            )
    if problems:
        return [], problems
    raws: list[Raw] = []
    row_number = 1
    try:
        for cells in rows:
            row_number += 1
            if not any(c.strip() for c in cells):
                continue  # blank rows are common at the end of exported spreadsheets
            if len(raws) >= MAX_RECORDS:
                problems.append(
                    Problem(display, "too many rows", line=row_number, expected=f"at most {MAX_RECORDS} rows per file")
                )
                break
            raw = Raw("initiative", display, Where(row_number, None, f"row {row_number}"))
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                problems.append(
                    raw.problem(
                        None,
                        f"{len(cells)} cells but {len(columns)} columns in the header",
                        expected="one cell per column (is a ',' missing quotes?)",
                    )
                )
            for i, (col, cell) in enumerate(zip(columns, cells, strict=False), 1):
                value = cell.strip()
                if col is None or not value:
                    continue
                raw.places[col.key] = Where(row_number, i, f"row {row_number}, column {header[i - 1].strip()!r}")
                if col.many:
                    raw.values[col.key] = [v.strip() for v in value.split(SEPARATOR) if v.strip()]
                else:
                    raw.values[col.key] = value
            raws.append(raw)
    except csv.Error as exc:
        problems.append(
            Problem(
                display,
                f"CSV syntax error: {exc}",
                line=row_number,
                expected="well-formed CSV (quotes closed, cells of reasonable size)",
            )
        )
    return raws, problems


# -- YAML ----------------------------------------------------------------------------------------
_YAML_KEYS = {"initiatives": "initiative", "organizations": "organization"}


def read_yaml_contribution(text: str, display: str) -> tuple[list[Raw], list[Problem]]:
    """A YAML document shaped like data/contributions.yaml, with optional organizations."""
    from .. import datafiles

    try:
        # Located, duplicate keys and anchors/aliases refused, depth bounded: the rules of data/ itself.
        doc = datafiles.parse(text, display)
    except InputError as exc:
        return [], exc.problems
    if not isinstance(doc, dict) or not set(doc) & set(_YAML_KEYS):
        keys = ", ".join(map(repr, doc)) if isinstance(doc, dict) else type(doc).__name__
        hint = closest(str(next(iter(doc), "")), _YAML_KEYS) if isinstance(doc, dict) and doc else []
        return [], [
            Problem(
                display,
                f"expected a mapping with 'initiatives:' (and optionally 'organizations:'), got {keys}",
                line=getattr(doc, "line", None),
                expected="the shape of data/contributions.yaml",
                suggestion=hint[0] if hint else None,
            )
        ]
    problems: list[Problem] = []
    raws: list[Raw] = []
    for key in doc:
        if key not in _YAML_KEYS:
            hint = closest(str(key), _YAML_KEYS)
            problems.append(
                Problem(
                    display,
                    f"unknown top-level key {key!r}",
                    line=doc.key_lines.get(key),
                    expected="'initiatives' or 'organizations'",
                    suggestion=hint[0] if hint else None,
                )
            )
    for key, kind in _YAML_KEYS.items():
        records = doc.get(key)
        if records is None:
            continue
        if not isinstance(records, list):
            problems.append(Problem(display, f"{key!r} must be a list of records", line=doc.key_lines.get(key)))
            continue
        if len(records) > MAX_RECORDS:
            problems.append(
                Problem(
                    display,
                    f"{len(records)} records under {key!r}",
                    line=doc.key_lines.get(key),
                    expected=f"at most {MAX_RECORDS} records per file",
                )
            )
            continue
        for rec in records:
            line = getattr(rec, "line", None)
            raw = Raw(kind, display, Where(line, getattr(rec, "column", None), ""))
            if not isinstance(rec, dict):
                problems.append(
                    raw.problem(None, f"expected a mapping (a record), got {type(rec).__name__}", value=repr(rec)[:80])
                )
                continue
            for k, v in rec.items():
                raw.places[k] = Where(rec.key_lines.get(k, line), None, "")
                if k == "mappings":
                    raw.values[k] = v
                elif isinstance(v, list):
                    raw.values[k] = [x.strip() if isinstance(x, str) else x for x in v]
                else:
                    raw.values[k] = v.strip() if isinstance(v, str) else v
            raws.append(raw)
    return raws, problems


# File extension -> the reader (mediatypes.py holds the table).
FORMATS = mediatypes.CONTRIBUTION_FORMATS
