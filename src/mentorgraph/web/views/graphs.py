"""Pictures as geometry: the numbers a template draws as SVG (bar charts, the graph around an entity).

Python computes positions and cuts long names; the templates (charts.html, picture.html) write the
SVG elements, escaped like everything else, with a <title>, a <desc> and a table or list beside each
picture that says the same in words.
"""

from __future__ import annotations

from typing import Any

from ... import iris

GRAPH_WORDS = {
    "article": "Table 1 (article)",
    "curation": "curation",
    "evidence": "evidence",
    "inferred": "inferred (OWL RL)",
    "ontology": "ontology",
}
# The graph around an entity: at most this many neighbours are drawn (the card lists them all).
NEIGHBOURS = 12


def graph_name(iri: str) -> str:
    """'article' for https://w3id.org/mentorgraph/graph/article."""
    return iri.removeprefix(iris.GRAPH)


def cut(text: str, limit: int) -> str:
    """`text`, cut at a word boundary with an ellipsis when longer than `limit` characters."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    return (head.rsplit(" ", 1)[0] if " " in head[limit // 2 :] else head).rstrip(" ,:;") + "\u2026"


def wrap(text: str, width: int, lines: int) -> list[str]:
    """`text` in at most `lines` lines of about `width` characters (the last one cut)."""
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = out[: lines - 1] + [cut(" ".join(out[lines - 1 :]), width)]
    return out


def bar_chart(bars: list[dict[str, Any]], width: int = 520, row: int = 52) -> dict[str, Any]:
    """Horizontal bars, a name above each (so the chart reads at phone width): [{label, value, iri}]."""
    top = max((b["value"] for b in bars), default=0) or 1
    left, right = 4, 48  # room for the count after the longest bar
    out = []
    for i, b in enumerate(bars):
        y = 8 + i * row
        length = max(2.0, (width - left - right) * b["value"] / top)
        out.append(
            {
                **b,
                "text": cut(b["label"], 50),
                "text_y": y + 17,
                "bar_y": y + 24,
                "bar_h": 20,
                "bar_w": round(length, 1),
                "count_x": round(left + length + 6, 1),
                "count_y": y + 40,
            }
        )
    return {"width": width, "height": 8 + len(bars) * row + 4, "left": left, "bars": out}


def neighbourhood_svg(iri: str, title: str, sections: list[dict], linked_from: list[dict]) -> dict[str, Any] | None:
    """The entity and its neighbours as a small node-link picture: the entity on the left, each linked
    entity of its card (then the asserted statements pointing at it) on the right, joined by arrows
    named by the property. None when it links to nothing of the graph."""
    seen: set[str] = set()
    links = []
    for section in sections:
        if section["id"] in ("identifiers",):
            continue
        for f in section["facts"]:
            v = f["value"]
            if v["kind"] != "uri" or not v["value"].startswith(iris.MG) or v["value"] in seen:
                continue
            seen.add(v["value"])
            links.append({"iri": v["value"], "label": v["label"] or v["value"], "relation": f["property"], "out": True})
    for r in linked_from:
        s = r["subject"]["iri"]
        if r["graph"] == "inferred" or s in seen or not s.startswith(iris.MG):
            continue
        seen.add(s)
        links.append({"iri": s, "label": r["subject"]["label"], "relation": r["property"], "out": False})
    if not links:
        return None
    drawn, more = links[:NEIGHBOURS], len(links) - NEIGHBOURS
    row, width = 44, 520
    height = max(120, 12 + row * len(drawn) + (24 if more > 0 else 0))
    mid = height / 2
    center_lines = wrap(title, 16, 4)
    box_h = 14 + 19 * len(center_lines)
    nodes = []
    for i, link in enumerate(drawn):
        # A run of links by the same property is named once, at its first.
        named = i == 0 or (drawn[i - 1]["relation"], drawn[i - 1]["out"]) != (link["relation"], link["out"])
        y = 12 + row * i + row / 2
        nodes.append(
            {
                **link,
                "short": cut(link["label"], 26),
                "named": named,
                "x": 262,
                "y": round(y, 1),
                "relation_y": round(y - 6, 1),
                "label_y": round(y + 13, 1),
                # An arrow from the entity for its own statements, towards it for statements about it.
                "x1": 176 if link["out"] else 252,
                "y1": round(mid if link["out"] else y, 1),
                "x2": 252 if link["out"] else 176,
                "y2": round(y if link["out"] else mid, 1),
            }
        )
    return {
        "width": width,
        "height": round(height),
        "center": {
            "label": title,
            "lines": [{"text": t, "y": round(mid - box_h / 2 + 24 + 19 * k, 1)} for k, t in enumerate(center_lines)],
            "box_y": round(mid - box_h / 2, 1),
            "box_h": box_h,
        },
        "nodes": nodes,
        "more": max(0, more),
        "more_y": height - 8,
    }
