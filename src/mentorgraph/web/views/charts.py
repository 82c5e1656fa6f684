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
    charts = [
        {
            "id": "types",
            "heading": "Initiatives per model type",
            "note": None,
            "chart": by_type,
            "title": "Initiatives per model type of Table 1",
            "desc": "Number of initiatives of each type, in Table 1 order",
            "name": "Type",
        },
        {
            "id": "populations",
            "heading": "Initiatives per population",
            "note": "An initiative counts for the population it is for and for every broader one (one for mothers "
            "counts for women too), so the numbers do not add up.",
            "chart": by_population,
            "title": "Initiatives serving each population",
            "desc": "Number of initiatives that serve each population, most first",
            "name": "Population",
        },
        {
            "id": "modes",
            "heading": "Initiatives per delivery mode",
            "note": None,
            "chart": bar_chart(mode_bars),
            "title": "Initiatives per delivery mode",
            "desc": "Number of initiatives recorded as delivered in each mode",
            "name": "Delivery mode",
        },
    ]
    return Page("charts.html", "Pictures of the graph", {"current": "charts", "charts": charts})
