"""`mentorgraph export tables`: one tidy CSV per kind of thing, and a frictionless datapackage.json.

Each table is a SPARQL SELECT in tables/ whose header comments name its columns, in order, each
with its type (uri, string, integer, boolean) and meaning; the CSV's header row and datapackage.json's
Table Schema come from those lines, so the two cannot disagree. One value per cell; IRIs sit beside
human labels (`organization`, `label`).

The files are for spreadsheets and BI tools: UTF-8 with a byte-order mark (so Excel reads curly
apostrophes and dashes), CRLF line ends and RFC 4180 quoting, and every text cell that starts with
=, +, -, @, a tab, a carriage return or a NUL gets a leading apostrophe, so a spreadsheet shows it as
text instead of running it as a formula (OWASP, "CSV Injection"; OWASP ASVS 1.2.10). That changes
such a cell's text; none of mentorgraph's own names starts so, and docs/tables.md says how to undo it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import iris
from ..query.catalogue import CannedQuery, parse_header
from .store import ExportError, open_nquads, run

TABLES_DIR = Path(__file__).resolve().parent / "tables"
DATAPACKAGE = "datapackage.json"
ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark
# Leading characters a spreadsheet reads as the start of a formula (OWASP CSV Injection, ASVS 1.2.10).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
TYPES = {
    "uri": ("string", "uri"),
    "string": ("string", None),
    "integer": ("integer", None),
    "boolean": ("boolean", None),
}
# Columns that refer to a row of another table (datapackage foreign keys).
REFERENCES = {
    "initiatives": {"model_type": "model-types", "part_of": "initiatives"},
    "strengths": {"model_type": "model-types"},
    "weaknesses": {"model_type": "model-types"},
    "organizations": {"parent_organization": "organizations"},
}
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


@dataclass(frozen=True)
class Field:
    """One column of a table: its name, Table Schema type (and format) and meaning."""

    name: str
    type: str
    format: str | None
    description: str


@dataclass
class Table:
    """One table: its name (the CSV's stem), what a row is, its fields and the query that fills it."""

    name: str
    title: str
    fields: list[Field]
    query: CannedQuery


def load_tables(directory: Path = TABLES_DIR) -> list[Table]:
    """The tables defined in `directory` (*.rq), by name; ValueError for a malformed column line."""
    tables = []
    for path in sorted(directory.glob("*.rq")):
        q = parse_header(path)
        fields = []
        for c in q.columns:
            kind, _, meaning = (part.strip() for part in c.meaning.partition("|"))
            if kind not in TYPES:
                raise ValueError(f"{path}: column {c.name!r} has type {kind!r}; expected one of {', '.join(TYPES)}")
            fields.append(Field(c.name, *TYPES[kind], meaning))
        tables.append(Table(path.stem, q.question, fields, q))
    return tables


def neutralize(text: str) -> str:
    """`text` with a leading apostrophe if a spreadsheet would read it as a formula (OWASP CSV Injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _cell(term: Any, field: Field) -> str:
    """One CSV cell: the term's lexical value (booleans as true/false), text cells neutralized."""
    if term is None:
        return ""
    value = term.value
    if field.type == "boolean":
        return "true" if value in ("true", "1") else "false"
    if field.type == "string":
        return neutralize(value)
    return value


def render_csv(table: Table, store: Any) -> tuple[bytes, int]:
    """(CSV bytes, number of rows) of one table over `store`."""
    solutions = run(store, table.query.body)
    names = [v.value for v in solutions.variables]
    declared = [f.name for f in table.fields]
    if names != declared:
        raise ExportError(
            f"tables/{table.name}.rq selects {', '.join(names)} but its header names {', '.join(declared)}"
        )
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([f.name for f in table.fields])
    n = 0
    for row in solutions:
        w.writerow([_cell(row[f.name], f) for f in table.fields])
        n += 1
    return buf.getvalue().encode(ENCODING), n


def _schema(table: Table) -> dict:
    """The Table Schema of one table: its fields, primary key (the first column) and foreign keys."""
    fields = []
    for f in table.fields:
        spec = {"name": f.name, "type": f.type, "description": f.description}
        if f.format:
            spec["format"] = f.format
        fields.append(spec)
    schema: dict[str, Any] = {"fields": fields}
    if table.name not in ("links", "identifiers", "evidence", "names"):
        schema["primaryKey"] = [table.fields[0].name]
    refs = REFERENCES.get(table.name, {})
    if refs:
        schema["foreignKeys"] = [
            {"fields": [col], "reference": {"resource": target, "fields": [_key_of(target)]}}
            for col, target in sorted(refs.items())
        ]
    return schema


def _key_of(table_name: str) -> str:
    """The primary-key column of a table: its entity column, named for the kind of thing it holds."""
    return {"model-types": "model_type", "initiatives": "initiative", "organizations": "organization"}[table_name]


def datapackage(tables: list[Table], files: dict[str, bytes], version: str, source: str | None) -> bytes:
    """datapackage.json (Frictionless Data Package v1) describing the CSV files."""
    resources = []
    for t in tables:
        name = f"{t.name}.csv"
        resources.append(
            {
                "name": t.name,
                "path": name,
                "title": t.title,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": ENCODING,
                "bytes": len(files[name]),
                "dialect": {
                    "delimiter": ",",
                    "lineTerminator": "\r\n",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                },
                "schema": _schema(t),
            }
        )
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "mentorgraph-tables",
        "title": "mentorgraph: peer-mentoring models in academic medicine, as tables",
        "description": "Table 1 of Cree-Green et al., J Investig Med 2020 and its curated links, one CSV per kind of "
        "thing; written by `mentorgraph export tables` from the knowledge graph (docs/tables.md).",
        "version": version,
        "licenses": [LICENSE],
        "resources": resources,
    }
    if source:
        package["sources"] = [
            {"title": "Cree-Green et al., J Investig Med 2020;68(6):1128-1134, Table 1", "path": source}
        ]
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render_tables(nquads: bytes, version: str) -> dict[str, bytes]:
    """Every table's CSV and datapackage.json, file name -> bytes, for a build's N-Quads."""
    store = open_nquads(nquads)
    tables = load_tables()
    files = {f"{t.name}.csv": render_csv(t, store)[0] for t in tables}
    # The article the data comes from, as the ontology header states it (dcterms:source).
    source_query = f"SELECT ?s WHERE {{ GRAPH mgg:ontology {{ <{iris.ONTOLOGY}> dcterms:source ?s }} }}"
    found = [row["s"].value for row in run(store, source_query)]
    files[DATAPACKAGE] = datapackage(tables, files, version, min(found) if found else None)
    return files
