"""Regenerate Table 1 from the built graph alone (SPARQL over the graph, never the data files).

Formats: `json` ({"title", "rows": [{"type", "examples", "strengths", "weaknesses"}], "footnote"}),
`text` (the layout of the table as received, data/source/table1.txt, byte for byte) and `markdown`.
"""

from __future__ import annotations

import json
from typing import Any

from .api import MentorGraph

BULLET = "\u2022"


def table_data(mg: MentorGraph) -> dict[str, Any]:
    """Table 1 as nested Python data, in table order."""
    caption = mg.query("table1-caption").plain()
    if len(caption) != 1:
        raise ValueError(f"the graph should describe exactly one table, found {len(caption)}")
    rows: dict[str, dict] = {}
    nodes: dict[str, dict] = {}
    children: dict[str, list[tuple[int, str]]] = {}
    for r in mg.query("table1-bullets").plain():
        row = rows.setdefault(
            r["type"],
            {"position": r["typePosition"], "type": r["typeLabel"], "examples": [], "strengths": [], "weaknesses": []},
        )
        if r["column"] == "examples":
            nodes[r["item"]] = {"label": r["label"], "children": []}
            children.setdefault(r["parent"], []).append((r["position"], r["item"]))
        else:
            row[r["column"]].append((r["position"], r["label"]))

    def nest(parent: str) -> list[dict]:
        out = []
        for _, item in sorted(children.get(parent, [])):
            node = nodes[item]
            out.append({"label": node["label"], "children": nest(item)})
        return out

    result_rows = []
    for type_iri, row in sorted(rows.items(), key=lambda kv: kv[1]["position"]):
        result_rows.append(
            {
                "type": row["type"],
                "examples": nest(type_iri),
                "strengths": [label for _, label in sorted(row["strengths"])],
                "weaknesses": [label for _, label in sorted(row["weaknesses"])],
            }
        )
    return {
        "title": caption[0]["title"],
        "rows": result_rows,
        "footnote": caption[0]["footnote"],
        "_label": caption[0]["label"],
        "_columns": [r["label"] for r in mg.query("table1-columns").plain()],
        "_citation": caption[0]["citation"],
        "_source": caption[0]["source"],
    }


def render_json(data: dict) -> str:
    """Table 1 as JSON: title, rows (type, examples, strengths, weaknesses) and footnote."""
    public = {"title": data["title"], "rows": data["rows"], "footnote": data["footnote"]}
    return json.dumps(public, ensure_ascii=False, indent=2) + "\n"


def render_text(data: dict) -> str:
    """The table in the flattened layout it was received in (data/source/table1.txt)."""
    # The received text runs the headings together on one line (data/source/table1.txt).
    out = [f"{data['_label']}\n\n{data['title']}\n\n{''.join(data['_columns'])}\n"]

    def bullets(entries: list[dict], depth: int) -> None:
        for e in entries:
            out.append(f"{'  ' * depth}{BULLET} {e['label']}\n\n")
            bullets(e["children"], depth + 1)

    for row in data["rows"]:
        out.append(f"{row['type']}\n")
        bullets(row["examples"], 1)
        for label in row["strengths"] + row["weaknesses"]:
            out.append(f"  {BULLET} {label}\n\n")
    out.append(f"  {BULLET} {data['footnote']}")
    return "".join(out)


def render_markdown(data: dict) -> str:
    """One section per type with its three columns as lists, in table order."""
    out = [f"# {data['_label']}. {data['title']}\n"]

    def bullets(entries: list[dict], depth: int) -> None:
        for e in entries:
            out.append(f"{'  ' * depth}- {e['label']}\n")
            bullets(e["children"], depth + 1)

    for i, row in enumerate(data["rows"], 1):
        out.append(f"\n## {i}. {row['type']}\n\nExamples:\n")
        bullets(row["examples"], 0)
        out.append("\nStrengths:\n")
        out.extend(f"- {s}\n" for s in row["strengths"])
        out.append("\nWeaknesses:\n")
        out.extend(f"- {w}\n" for w in row["weaknesses"])
    out.append(f"\n## Footnote\n\n{data['footnote']}\n")
    return "".join(out)


RENDERERS = {"json": render_json, "text": render_text, "markdown": render_markdown}
