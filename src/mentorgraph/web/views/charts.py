"""Pictures: initiatives per model type, per population and per delivery mode, as bar charts drawn
on the server (SVG, with a title, a description and the numbers as a table beside each)."""

from __future__ import annotations

from . import Page, Params, Source
from .graphs import bar_chart


def charts(source: Source, params: Params) -> Page:
    """/charts: the three charts."""
    types = sorted(source.mg.query("types").plain(), key=lambda r: r["position"])
    by_type = bar_chart(
        [{"label": f"{r['position']}. {r['label']}", "value": r["initiatives"], "iri": r["item"]} for r in types]
    )
    pops = source.mg.query("populations").plain()
    seen: dict[str, dict] = {}
    for r in pops:  # a population with two broader ones comes twice
        seen.setdefault(r["item"], {"label": r["label"], "value": r["initiatives"], "iri": r["item"]})
    by_population = bar_chart(sorted(seen.values(), key=lambda b: (-b["value"], b["label"].casefold())))
    modes = source.rows(
        """SELECT ?mode ?label (COUNT(DISTINCT ?i) AS ?n) WHERE {
          ?i a mgo:Initiative ; mgo:deliveryMode ?mode . ?mode rdfs:label ?label } GROUP BY ?mode ?label"""
    )
    unrecorded = source.rows(
        "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a mgo:Initiative FILTER NOT EXISTS { ?i mgo:deliveryMode ?m } }"
    )[0]["n"]
    mode_bars = [{"label": r["label"], "value": r["n"], "iri": r["mode"]} for r in modes]
    mode_bars.sort(key=lambda b: (-b["value"], b["label"]))
    mode_bars.append({"label": "Not recorded", "value": unrecorded, "iri": None})
    return Page(
        "charts.html",
        "Pictures of the graph",
        {
            "current": "charts",
            "by_type": by_type,
            "by_population": by_population,
            "by_mode": bar_chart(mode_bars),
        },
    )
