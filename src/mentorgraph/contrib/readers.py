"""Readers for contributed files: CSV (the spreadsheet template), YAML, Turtle/N-Triples/RDF/XML, JSON-LD.

Each reader returns `Raw` records and the problems it found; it never raises for bad input. Files are
checked at the door (size, binary content, encoding) before any parser sees them. RDF is parsed with
pyoxigraph, which never fetches anything: JSON-LD contexts must be inline or absent (the shipped
ontology/context.jsonld is then used), and RDF/XML with a DOCTYPE is refused before parsing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import iris, mediatypes
from ..problems import InputError, Problem, closest
from .records import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_JSON_DEPTH,
    MAX_RECORDS,
    MAX_TRIPLES,
    Raw,
    Where,
    bad_character,
    iri_problem,
)


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


# -- RDF -----------------------------------------------------------------------------------------
def _prologue() -> str:
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in iris.PREFIXES.items())


def _oxigraph_problem(display: str, exc: SyntaxError, line_offset: int = 0) -> Problem:
    msg = str(exc)
    line = exc.lineno - line_offset if isinstance(exc.lineno, int) else None
    column = exc.offset if isinstance(exc.offset, int) else None
    if line is not None and line < 1:
        line = None
    # pyoxigraph puts the position into the message; the line there counts the prologue we added.
    if msg.startswith("Parser error at line ") and line is not None:
        msg = "syntax error: " + msg.split(": ", 1)[1] if ": " in msg else msg
    return Problem(
        display,
        msg if msg.startswith("syntax error") else f"syntax error: {msg}",
        line=line,
        column=column,
        expected="valid RDF in the file's format",
    )


def read_rdf(text: str, display: str, fmt: str) -> tuple[list | None, list[Problem]]:
    """Triples (pyoxigraph) of a Turtle, N-Triples or RDF/XML file, or the problems."""
    import pyoxigraph as ox

    offset = 0
    if fmt == "rdfxml":
        lowered = text[:MAX_FILE_BYTES].lower()
        for marker in ("<!doctype", "<!entity"):
            if marker in lowered:
                line = text[: lowered.index(marker)].count("\n") + 1
                return None, [
                    Problem(
                        display,
                        "RDF/XML with a DOCTYPE or entity declarations is refused "
                        "(entity expansion can exhaust memory)",
                        line=line,
                        expected="RDF/XML without <!DOCTYPE ...> and <!ENTITY ...>",
                    )
                ]
        format_ = ox.RdfFormat.RDF_XML
    elif fmt == "ntriples":
        format_ = ox.RdfFormat.N_TRIPLES
    else:
        # The project's prefixes are predeclared, so mg:, mgo:, rdfs:, skos: need no @prefix lines.
        prologue = _prologue()
        offset = prologue.count("\n")
        text = prologue + text
        format_ = ox.RdfFormat.TURTLE
    return _parse(display, lambda: ox.parse(text, format=format_, without_named_graphs=True), offset)


def _parse(display: str, parse: Callable[[], Any], offset: int = 0) -> tuple[list | None, list[Problem]]:
    triples = []
    try:
        for quad in parse():
            triples.append(quad.triple)
            if len(triples) > MAX_TRIPLES:
                return None, [Problem(display, "too many triples", expected=f"at most {MAX_TRIPLES:,} triples")]
    except SyntaxError as exc:
        return None, [_oxigraph_problem(display, exc, offset)]
    except (ValueError, RecursionError, UnicodeError) as exc:
        return None, [Problem(display, f"cannot parse: {exc}", expected="valid RDF")]
    return triples, []


def _json_problems(value: Any, display: str, terms: set[str]) -> list[Problem]:
    """Refuse remote, file: and @import contexts, unknown terms, bad IRIs and over-deep nesting."""
    problems: list[Problem] = []
    stack: list[tuple[Any, str, int]] = [(value, "$", 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return [
                Problem(
                    display,
                    f"JSON nested more than {MAX_JSON_DEPTH} levels deep at {path}",
                    expected="node objects a few levels deep",
                )
            ]
        if isinstance(node, list):
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(node))
            continue
        if isinstance(node, str):
            why = bad_character(node, one_line=False)
            if why:
                problems.append(
                    Problem(
                        display,
                        f"{path}: text contains {why}",
                        value=node.encode("unicode_escape", "backslashreplace").decode("ascii")[:80],
                        expected="printable text",
                    )
                )
            continue
        if not isinstance(node, dict):
            continue
        for key, v in node.items():
            where = f"{path}.{key}"
            if key == "@context":
                problems += _context_problems(v, display, where)
                continue
            if key in ("@id", "id", "@type", "type", "@vocab", "@base") or key in _IRI_TERMS:
                for s in v if isinstance(v, list) else [v]:
                    if not isinstance(s, str) or key.endswith("type"):
                        continue
                    # Values of other IRI-typed terms may be names (matched later); those of @id never are.
                    http = s.startswith(("http:", "https:"))
                    why = iri_problem(s) if http else None
                    if why or (" " in s and key in ("@id", "id", "@vocab", "@base")):
                        problems.append(
                            Problem(
                                display,
                                f"{where}: invalid IRI {s!r} ({why or 'contains spaces'})",
                                value=s,
                                expected='an IRI without spaces or <>"{}|^`\\',
                            )
                        )
            elif not key.startswith("@") and ":" not in key and key not in terms:
                hint = closest(key, terms)
                problems.append(
                    Problem(
                        display,
                        f"{where}: unknown term {key!r} (JSON-LD would drop it silently)",
                        value=key,
                        expected="a term of the shipped context (ontology/context.jsonld)",
                        suggestion=hint[0] if hint else None,
                    )
                )
            stack.append((v, where, depth + 1))
    return problems


_IRI_TERMS = {
    "modelType",
    "partOf",
    "offeredBy",
    "fundedBy",
    "affiliatedWith",
    "targetPopulation",
    "deliveryMode",
    "hostedOn",
    "website",
    "source",
}


def _context_problems(ctx: Any, display: str, where: str) -> list[Problem]:
    items = ctx if isinstance(ctx, list) else [ctx]
    problems = []
    for item in items:
        if isinstance(item, str) or not isinstance(item, dict):
            problems.append(
                Problem(
                    display,
                    f"{where}: context {item!r} refers to another document, which is never fetched",
                    value=str(item)[:120],
                    expected="no @context (the shipped ontology/context.jsonld is used) or an inline context object",
                )
            )
        elif "@import" in item:
            problems.append(
                Problem(
                    display,
                    f"{where}: @import of {str(item['@import'])[:120]!r} is never fetched",
                    value=str(item["@import"])[:120],
                    expected="an inline context without @import",
                )
            )
        else:
            for term, definition in item.items():
                if isinstance(definition, dict) and "@context" in definition:
                    problems += _context_problems(definition["@context"], display, f"{where}.{term}.@context")
    return problems


def read_jsonld(text: str, display: str, shipped_context: dict) -> tuple[list | None, list[Problem]]:
    """Triples of a JSON-LD file, parsed with the shipped context; other contexts are never fetched."""
    import pyoxigraph as ox

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            Problem(display, f"JSON syntax error: {exc.msg}", line=exc.lineno, column=exc.colno, expected="valid JSON")
        ]
    except RecursionError:
        return None, [Problem(display, "JSON nested too deeply", expected=f"at most {MAX_JSON_DEPTH} levels")]
    terms = {k for k in shipped_context if not k.startswith("@")}
    inline = doc.get("@context") if isinstance(doc, dict) else None
    for item in inline if isinstance(inline, list) else [inline]:
        if isinstance(item, dict):
            terms |= {k for k in item if not k.startswith("@")}
    problems = _json_problems(doc, display, terms)
    if problems:
        return None, problems
    doc = _names_as_text(doc, set(iris.PREFIXES))
    # Put the shipped context first, so a document may use its terms without naming any context.
    if isinstance(doc, dict):
        doc = {
            **doc,
            "@context": [shipped_context, *(inline if isinstance(inline, list) else [inline] if inline else [])],
        }
    else:
        doc = {"@context": shipped_context, "@graph": doc}
    body = json.dumps(doc, ensure_ascii=False, check_circular=False)
    return _parse(display, lambda: ox.parse(body, format=ox.RdfFormat.JSON_LD, without_named_graphs=True))


def _names_as_text(node: Any, prefixes: set[str]) -> Any:
    """Values of IRI-typed terms that are names, not IRIs, kept as text so they can be matched by name."""
    if isinstance(node, list):
        return [_names_as_text(v, prefixes) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in _IRI_TERMS:
            items = [
                (
                    {"@value": x}
                    if isinstance(x, str)
                    and not x.startswith(("http://", "https://"))
                    and x.split(":", 1)[0] not in prefixes
                    else x
                )
                for x in (v if isinstance(v, list) else [v])
            ]
            out[k] = items if isinstance(v, list) else items[0]
        elif k == "@context":
            out[k] = v
        else:
            out[k] = _names_as_text(v, prefixes)
    return out


FORMATS = mediatypes.CONTRIBUTION_FORMATS


# -- RDF triples to records ----------------------------------------------------------------------
_RDF = iris.PREFIXES["rdf"]
_RDFS = iris.PREFIXES["rdfs"]
_OWL = iris.PREFIXES["owl"]
_SKOS = iris.PREFIXES["skos"]
_DCT = iris.PREFIXES["dcterms"]
_SH = "http://www.w3.org/ns/shacl#"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Predicates a contributed entity may carry, and the record key each fills.
RDF_KEYS = {
    _RDFS + "label": "label",
    _SKOS + "altLabel": "altLabels",
    iris.MGO + "acronym": "acronyms",
    _DCT + "contributor": "contributor",
    _DCT + "source": "source",
    iris.MGO + "curationNote": "note",
    iris.MGO + "website": "website",
    iris.MGO + "parentOrganization": "parent",
    **{
        iris.MGO + k: k
        for k in (
            "modelType",
            "partOf",
            "offeredBy",
            "fundedBy",
            "affiliatedWith",
            "targetPopulation",
            "deliveryMode",
            "hostedOn",
        )
    },
}
# Namespaces whose terms a contribution may never describe (the ontology and the vocabularies it builds on).
_PROTECTED = (
    iris.MGO,
    iris.ONTOLOGY,
    _RDF,
    _RDFS,
    _OWL,
    _SKOS,
    _SH,
    iris.GRAPH,
    iris.STATEMENT,
    "http://www.w3.org/2001/XMLSchema#",
)


def _curie(iri: str) -> str:
    for p, ns in iris.PREFIXES.items():
        if iri.startswith(ns):
            return f"{p}:{iri[len(ns) :]}"
    return f"<{iri}>"


def rdf_records(
    triples: list, display: str, organization_classes: set[str], initiative_classes: set[str]
) -> tuple[list[Raw], list[Problem]]:
    """Contributed entities from RDF triples: one record per subject, every foreign term refused."""
    import pyoxigraph as ox

    problems: list[Problem] = []
    by_subject: dict[str, Raw] = {}

    def refuse(message: str, value: str, expected: str, suggestion: str | None = None) -> None:
        problems.append(Problem(display, message, value=value, expected=expected, suggestion=suggestion))

    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        sv, pv = s.value, p.value
        shown = f"{_curie(sv) if isinstance(s, ox.NamedNode) else '_:' + sv} {_curie(pv)}"
        if pv.startswith(_SH) or (isinstance(o, ox.NamedNode) and o.value.startswith(_SH)):
            refuse(
                f"{shown}: SHACL terms are not accepted in contributions",
                pv,
                "data about initiatives only; shapes live in ontology/shapes.ttl",
            )
            continue
        if pv.startswith(_OWL) or (pv == _RDF + "type" and isinstance(o, ox.NamedNode) and o.value.startswith(_OWL)):
            refuse(
                f"{shown}: OWL terms such as owl:sameAs and owl:imports are not accepted in contributions "
                "(under OWL RL they would merge or import whole graphs)",
                pv,
                "data about initiatives only; links to other datasets go in 'mappings' (skos:exactMatch)",
            )
            continue
        if isinstance(s, ox.NamedNode) and (s.value.startswith(_PROTECTED) or not s.value.startswith(iris.MG)):
            why = (
                "redefines an ontology or vocabulary term"
                if s.value.startswith(_PROTECTED)
                else "is not a mentorgraph id"
            )
            refuse(
                f"{shown}: subject <{sv}> {why}",
                sv,
                "contributed entities named mg:<id> (or blank nodes, which get an id from their name)",
            )
            continue
        if isinstance(o, ox.BlankNode):
            refuse(
                f"{shown}: a blank node as a value is not accepted",
                "_:" + o.value,
                "the id (mg:...) or name of an entity",
            )
            continue
        key = "class" if pv == _RDF + "type" else RDF_KEYS.get(pv)
        if key is None:
            hint = closest(_curie(pv), [_curie(k) for k in RDF_KEYS])
            refuse(
                f"{shown}: property not accepted in contributions",
                _curie(pv),
                "one of " + ", ".join(sorted(_curie(k) for k in RDF_KEYS)),
                hint[0] if hint else None,
            )
            continue
        raw = by_subject.get(str(s))
        if raw is None:
            label = _curie(sv) if isinstance(s, ox.NamedNode) else f"_:{sv}"
            raw = by_subject[str(s)] = Raw("initiative", display, Where(None, None, label))
            if isinstance(s, ox.NamedNode):
                raw.values["id"] = sv[len(iris.MG) :]
        if isinstance(o, ox.Literal):
            if o.language or o.datatype.value != _XSD_STRING:
                refuse(f"{shown}: {o} must be plain text", str(o), "a string without language tag or datatype")
                continue
            value = o.value
        elif key in ("website", "source") or key in LINK or key == "class":
            value = o.value
        else:
            refuse(f"{shown}: expected text, got the IRI <{o.value}>", o.value, "a string")
            continue
        if key == "class":
            if (
                not value.startswith(iris.MGO)
                or value[len(iris.MGO) :] not in organization_classes | initiative_classes
            ):
                local = value.removeprefix(iris.MGO)
                hint = closest(local, sorted(organization_classes | initiative_classes))
                refuse(
                    f"{shown}: unknown class {_curie(value)}",
                    value,
                    "an initiative or organization class of the ontology, such as mgo:Program",
                    f"mgo:{hint[0]}" if hint else None,
                )
                continue
            local = value[len(iris.MGO) :]
            if local in organization_classes:
                raw.kind = "organization"
            if "class" in raw.values and raw.values["class"] != local:
                refuse(f"{shown}: two classes ({raw.values['class']}, {local})", local, "one class per entity")
                continue
            raw.values["class"] = local
        elif key in _MANY:
            raw.values.setdefault(key, []).append(value)
        elif key in raw.values:
            refuse(f"{shown}: more than one value", value, f"one {key}")
        else:
            raw.values[key] = value
    raws = list(by_subject.values())
    for raw in raws:
        for values in raw.values.values():
            if isinstance(values, list):
                values.sort()
    if not raws and not problems:
        problems.append(Problem(display, "no contributed entities found", expected="at least one initiative"))
    return sorted(raws, key=lambda r: r.where.label), problems


LINK = {
    "modelType",
    "partOf",
    "offeredBy",
    "fundedBy",
    "affiliatedWith",
    "targetPopulation",
    "deliveryMode",
    "hostedOn",
    "parent",
}
_MANY = {"altLabels", "acronyms", "partOf", "offeredBy", "fundedBy", "affiliatedWith", "targetPopulation", "hostedOn"}
