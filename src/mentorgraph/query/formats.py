"""Serialize query results: SPARQL 1.1 Query Results JSON, XML, CSV and TSV, and terminal tables.

The CLI and the server share these functions, so a result looks the same in every interface.

Two kinds of CSV. `to_csv` is the SPARQL 1.1 Query Results CSV format exactly (W3C), for programs
(the SPARQL Protocol's text/csv). CSV meant for people, which a spreadsheet will open (`query -f
csv`, `sparql -f csv`, `compare --format csv`, the web view's downloads), goes through
`spreadsheet_csv`: a cell that starts with = + - @ tab or carriage return would be run by a
spreadsheet as a formula (`=HYPERLINK(...)`, `@SUM(1+1)`, `+cmd|' /C calc'!A0` in a contributed
name), so it is written with a single quote before it (OWASP, "CSV Injection"): the spreadsheet
shows the text, and runs nothing.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence

from .. import iris
from .engines import Result, Term

XSD = "http://www.w3.org/2001/XMLSchema#"


def escape(text: str) -> str:
    """XML character data escaping (xml.sax.saxutils would import urllib, slowing the cold start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """XML attribute value quoting (quotes and line breaks escaped)."""
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;") + '"'


def to_json(res: Result) -> str:
    """SPARQL 1.1 Query Results JSON Format."""
    if res.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(res.boolean)}) + "\n"
    bindings = [{v: t.sparql_json() for v, t in row.items() if t is not None} for row in res.rows]
    # Compact separators keep json.dumps on its fast C encoder (indent forces the pure-Python one).
    return (
        json.dumps(
            {"head": {"vars": res.variables}, "results": {"bindings": bindings}},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n"
    )


def to_xml(res: Result) -> str:
    """SPARQL Query Results XML Format."""
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n  <head>\n']
    out += [f"    <variable name={quoteattr(v)}/>\n" for v in res.variables]
    out.append("  </head>\n")
    if res.kind == "ask":
        out.append(f"  <boolean>{'true' if res.boolean else 'false'}</boolean>\n</sparql>\n")
        return "".join(out)
    out.append("  <results>\n")
    for row in res.rows:
        out.append("    <result>\n")
        for v in res.variables:
            t = row.get(v)
            if t is None:
                continue
            if t.kind == "uri":
                inner = f"<uri>{escape(t.value)}</uri>"
            elif t.kind == "bnode":
                inner = f"<bnode>{escape(t.value)}</bnode>"
            elif t.lang:
                inner = f"<literal xml:lang={quoteattr(t.lang)}>{escape(t.value)}</literal>"
            elif t.datatype:
                inner = f"<literal datatype={quoteattr(t.datatype)}>{escape(t.value)}</literal>"
            else:
                inner = f"<literal>{escape(t.value)}</literal>"
            out.append(f"      <binding name={quoteattr(v)}>{inner}</binding>\n")
        out.append("    </result>\n")
    out.append("  </results>\n</sparql>\n")
    return "".join(out)


def csv_cells(res: Result) -> Iterable[list[str]]:
    """The rows of the SPARQL 1.1 CSV form of a result (the header first): plain values, blank
    nodes as _:label, unbound as empty."""
    if res.kind == "ask":
        return iter([["_askResult"], ["true" if res.boolean else "false"]])
    variables = res.variables

    def rows():
        yield variables
        for row in res:
            yield [
                ("_:" + t.value if t.kind == "bnode" else t.value) if t is not None else ""
                for t in (row.get(v) for v in variables)
            ]

    return rows()


def to_csv(res: Result) -> str:
    """SPARQL 1.1 Query Results CSV Format, exactly: plain values, CRLF line ends (for programs)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(csv_cells(res))
    return buf.getvalue()


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it: a single quote before a formula's start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_csv(rows: Iterable[Sequence[str]]) -> str:
    """CSV for people (the header is the first row): every cell through spreadsheet_cell, quoted as
    RFC 4180 needs, CRLF line ends. The one function for every CSV a person downloads or saves."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        w.writerow([spreadsheet_cell(str(cell)) for cell in row])
    return buf.getvalue()


def to_spreadsheet_csv(res: Result) -> str:
    """A result as CSV for people: the cells of to_csv, each made safe by spreadsheet_cell."""
    return spreadsheet_csv(csv_cells(res))


def ntriples_term(t: Term) -> str:
    """A term in N-Triples syntax."""
    if t.kind == "uri":
        return f"<{t.value}>"
    if t.kind == "bnode":
        return f"_:{t.value}"
    v = t.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if t.lang:
        return f'"{v}"@{t.lang}'
    if t.datatype:
        return f'"{v}"^^<{t.datatype}>'
    return f'"{v}"'


def to_tsv(res: Result) -> str:
    """SPARQL 1.1 Query Results TSV Format: terms in Turtle/N-Triples syntax."""
    if res.kind == "ask":
        return "?_askResult\n" + ("true" if res.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in res.variables)]
    for row in res.rows:
        lines.append("\t".join(ntriples_term(t) if t is not None else "" for t in (row.get(v) for v in res.variables)))
    return "\n".join(lines) + "\n"


def curie(iri: str) -> str:
    """The shortest CURIE for `iri` with the project's prefixes, or the IRI itself."""
    best = None
    for prefix, ns in iris.PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(iris.PREFIXES[best])):
            best = prefix
    return f"{best}:{iri[len(iris.PREFIXES[best]) :]}" if best else iri


def _display(t: Term | None) -> str:
    if t is None:
        return ""
    if t.kind == "uri":
        return curie(t.value)
    return t.value


def readable_columns(res: Result) -> list[str]:
    """Columns to show people: an IRI column is hidden when a label column names the same thing."""
    cols = []
    for v in res.variables:
        label_col = "label" if v == "item" else f"{v}Label"
        if label_col in res.variables and all((row.get(v) is None or row[v].kind != "literal") for row in res.rows):
            continue
        cols.append(v)
    return cols


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)


def to_table(res: Result, max_width: int = 60) -> str:
    """Aligned columns for a terminal, with labels rather than raw IRIs."""
    if res.kind == "ask":
        return ("yes" if res.boolean else "no") + "\n"
    if res.kind == "graph":
        return "".join(" ".join(ntriples_term(x) for x in t) + " .\n" for t in res.triples or [])
    cols = readable_columns(res)
    cells = [[_display(row.get(c)) for c in cols] for row in res.rows]
    cells = [[c if _width(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in cells]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(cols)]

    def fmt(values):
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    lines = [fmt(cols), fmt(["-" * w for w in widths])] + [fmt(r) for r in cells]
    lines.append(f"({len(res.rows)} row{'s' if len(res.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def to_markdown(res: Result) -> str:
    """A SELECT result as a Markdown table (labels rather than IRIs)."""
    if res.kind == "ask":
        return ("yes" if res.boolean else "no") + "\n"
    cols = readable_columns(res)

    def cell(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    lines += ["| " + " | ".join(cell(_display(row.get(c))) for c in cols) + " |" for row in res.rows]
    return "\n".join(lines) + "\n"


def graph_to_ntriples(res: Result) -> str:
    """CONSTRUCT/DESCRIBE triples as sorted N-Triples."""
    return "".join(" ".join(ntriples_term(x) for x in t) + " .\n" for t in sorted(res.triples or []))


# The CLI's output formats (its CSV is for people; the server writes to_csv).
RESULT_FORMATS = {
    "table": to_table,
    "csv": to_spreadsheet_csv,
    "tsv": to_tsv,
    "json": to_json,
    "markdown": to_markdown,
    "xml": to_xml,
}
