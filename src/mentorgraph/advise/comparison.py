"""Compare: two or more types side by side, their strengths and weaknesses aligned by theme.

"Travel and time commitment" (formal programs) sits beside "Time commitment" (committed purposeful
groups) because both belong to the theme Time commitment in data/themes.yaml. A bullet in several
themes appears in each of them. Formats: a terminal table, Markdown, CSV and HTML.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape
from typing import Any

from ..query.api import MentorGraph, ParameterError, UnknownValue
from ..text import normalize
from ..problems import closest
from .model import Model, ModelType
from ..pipeline.themes import ThemeScheme

MAIN_EXAMPLES = 6  # how many of a type's top-level examples a comparison names


@dataclass
class Comparison:
    """Rows of a side-by-side comparison; every row has one cell per compared type."""

    types: list[ModelType]
    example_counts: list[int]
    main_examples: list[list[str]]
    more_examples: list[int]  # top-level examples not named, per type
    rows: list[dict[str, Any]]  # {"theme", "definition", "cells": [{"strengths": [...], "weaknesses": [...]}]}

    def as_dict(self) -> dict[str, Any]:
        """The comparison as plain data (the JSON a page or tool reads)."""
        return {
            "types": [
                {"type": t.label, "iri": t.iri, "examples": n, "mainExamples": m}
                for t, n, m in zip(self.types, self.example_counts, self.main_examples, strict=True)
            ],
            "themes": self.rows,
        }


def resolve_type(mg: MentorGraph, model: Model, value: str) -> ModelType:
    """A type by label, CURIE or IRI (as every parameter), or by a word or phrase of its label."""
    by_iri = model.type_by_iri()
    try:
        return by_iri[mg.resolve(value, "mgo:MentoringModelType", "type")]
    except UnknownValue:
        key = normalize(value)
        hits = [t for t in model.types if key and f" {key} " in f" {normalize(t.label)} "]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise ParameterError(
                f"type {value!r} is ambiguous; it names: "
                + ", ".join(t.label for t in hits)
                + ". Use more of the label."
            ) from None
        names = {n: t.label for t in model.types for n in (t.label, *normalize(t.label).split())}
        near = list(dict.fromkeys(names[n] for n in closest(value, names, n=5))) or [t.label for t in model.types]
        raise ParameterError(
            f"unknown type {value!r} (expected a mentoring model type of Table 1, by label, "
            f"a word of it, CURIE or IRI); closest known: " + ", ".join(repr(n) for n in near)
        ) from None


def compare(model: Model, scheme: ThemeScheme, types: list[ModelType]) -> Comparison:
    """The comparison of `types` (in the order given): examples, then one row per theme that any of
    them has a bullet in, in the scheme's order."""
    counts, mains, more = [], [], []
    for t in types:
        examples = model.examples(t.iri)
        top = [i.display for i in examples if i.umbrella is None]
        counts.append(len(examples))
        mains.append(top[:MAIN_EXAMPLES])
        more.append(max(0, len(top) - MAIN_EXAMPLES))
    rows = []
    for theme in scheme.themes:
        cells = []
        for t in types:
            cell = {
                "strengths": [a.label for a in t.strengths if theme.id in scheme.themes_of(a.id)],
                "weaknesses": [a.label for a in t.weaknesses if theme.id in scheme.themes_of(a.id)],
            }
            cells.append(cell)
        if any(c["strengths"] or c["weaknesses"] for c in cells):
            rows.append({"theme": theme.label, "definition": theme.definition, "cells": cells})
    return Comparison(types, counts, mains, more, rows)


def _cell_lines(cell: dict) -> list[str]:
    return [f"+ {s}" for s in cell["strengths"]] + [f"- {w}" for w in cell["weaknesses"]]


def _examples_lines(c: Comparison, k: int) -> list[str]:
    lines = [f"{c.example_counts[k]} in the graph; main:"] + c.main_examples[k]
    if c.more_examples[k]:
        lines.append(f"and {c.more_examples[k]} more")
    return lines


def render_table(c: Comparison, width: int = 34) -> str:
    """A terminal table: one column per type, cells wrapped; + marks a strength, - a weakness."""
    head = ["Theme"] + [t.label for t in c.types]
    grid = [["Examples"] + [_examples_lines(c, k) for k in range(len(c.types))]]
    grid += [[r["theme"]] + [_cell_lines(cell) for cell in r["cells"]] for r in c.rows]

    def wrap(lines: list[str] | str, w: int) -> list[str]:
        out: list[str] = []
        for line in [lines] if isinstance(lines, str) else lines:
            out += textwrap.wrap(line, w, subsequent_indent="  ") or [""]
        return out

    widths = [22] + [width] * len(c.types)
    sep = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(_cut(head, widths), widths, strict=True)).rstrip(), sep]
    for row in grid:
        cols = [wrap(cell, w) for cell, w in zip(row, widths, strict=True)]
        for i in range(max(len(col) for col in cols)):
            line = "  ".join((col[i] if i < len(col) else "").ljust(w) for col, w in zip(cols, widths, strict=True))
            out.append(line.rstrip())
        out.append("")
    out.append("+ strength, - weakness (Table 1); themes from data/themes.yaml")
    return "\n".join(out) + "\n"


def _cut(head: list[str], widths: list[int]) -> list[str]:
    """Column headings cut to their column's width."""
    return [h if len(h) <= w else h[: w - 1] + "\u2026" for h, w in zip(head, widths, strict=True)]


def render_markdown(c: Comparison) -> str:
    """The comparison as a Markdown table, one row per theme."""

    def cell(lines: list[str]) -> str:
        return "<br>".join(x.replace("|", "\\|") for x in lines)

    out = [
        "| Theme | " + " | ".join(t.label for t in c.types) + " |",
        "|---|" + "---|" * len(c.types),
        "| Examples | " + " | ".join(cell(_examples_lines(c, k)) for k in range(len(c.types))) + " |",
    ]
    out += ["| " + r["theme"] + " | " + " | ".join(cell(_cell_lines(x)) for x in r["cells"]) + " |" for r in c.rows]
    out.append("\n+ strength, - weakness (Table 1); themes from data/themes.yaml")
    return "\n".join(out) + "\n"


def render_csv(c: Comparison) -> str:
    """One row per theme, one column per type; bullets within a cell joined by '; '. Spreadsheet-safe
    (query.formats.spreadsheet_csv: a cell that would run as a formula starts with ')."""
    from ..query.formats import spreadsheet_csv

    rows = [["theme"] + [t.label for t in c.types], ["examples (count)"] + c.example_counts]
    rows.append(["main examples"] + ["; ".join(m) for m in c.main_examples])
    rows += [[r["theme"]] + ["; ".join(_cell_lines(x)) for x in r["cells"]] for r in c.rows]
    return spreadsheet_csv(rows)


def render_html_table(c: Comparison) -> str:
    """The comparison as an escaped HTML <table> (a fragment, for pages and the standalone document)."""
    out = ['<table class="mg-compare">', '<thead><tr><th scope="col">Theme</th>']
    out += [f'<th scope="col">{escape(t.label)}</th>' for t in c.types]
    out.append("</tr></thead><tbody>")
    out.append('<tr><th scope="row">Examples</th>')
    for k in range(len(c.types)):
        items = "".join(f"<li>{escape(x)}</li>" for x in c.main_examples[k])
        more = f"<p>and {c.more_examples[k]} more</p>" if c.more_examples[k] else ""
        out.append(f"<td><p>{c.example_counts[k]} in the graph</p><ul>{items}</ul>{more}</td>")
    out.append("</tr>")
    for r in c.rows:
        out.append(f'<tr><th scope="row" title="{escape(r["definition"])}">{escape(r["theme"])}</th>')
        for x in r["cells"]:
            items = [f'<li class="strength">+ {escape(s)}</li>' for s in x["strengths"]]
            items += [f'<li class="weakness">\u2212 {escape(s)}</li>' for s in x["weaknesses"]]
            out.append(f"<td><ul>{''.join(items)}</ul></td>" if items else "<td></td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render_html(c: Comparison) -> str:
    """A standalone HTML document holding the comparison table."""
    title = "Compare: " + " / ".join(t.label for t in c.types)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{COMPARE_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1>{render_html_table(c)}"
        "<p>+ strength, \u2212 weakness, as Table 1 of Cree-Green et al. (2020) lists them; "
        "themes group them (data/themes.yaml).</p></body></html>\n"
    )


COMPARE_CSS = (
    ".mg-compare{border-collapse:collapse;width:100%}"
    ".mg-compare th,.mg-compare td{border:1px solid #999;padding:.3em;vertical-align:top;text-align:left}"
    ".mg-compare ul{margin:0;padding-left:1em}.mg-compare .weakness{color:#8a1c1c}"
    ".mg-compare .strength{color:#1c5e20}"
)

RENDERERS = {"table": render_table, "markdown": render_markdown, "csv": render_csv, "html": render_html}
