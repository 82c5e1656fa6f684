"""The index pages: the seven model types, the population hierarchy, the organizations, a named graph.

Counts come from the canned questions (types, populations, sponsors), so a page says what
`mentorgraph query NAME` says.
"""

from __future__ import annotations

from typing import Any

from ... import iris
from . import NotFound, Page, Params, Source, first, ref, slug
from .entity import value
from .graphs import GRAPH_WORDS, bar_chart


def types(source: Source, params: Params) -> Page:
    """/types: the rows of Table 1 with their counts, a chart, and comparisons to open."""
    rows = source.mg.query("types").plain()
    rows.sort(key=lambda r: r["position"])
    definitions = {
        r["s"]: r["d"] for r in source.rows("SELECT ?s ?d WHERE { ?s a mgo:MentoringModelType ; skos:definition ?d }")
    }
    items = [{**r, "ref": ref(r["item"], r["label"]), "definition": definitions.get(r["item"])} for r in rows]
    pairs = [
        {"a": items[i]["ref"], "b": items[j]["ref"], "slugs": [slug(items[i]["item"]), slug(items[j]["item"])]}
        for i in range(len(items))
        for j in range(i + 1, len(items))
    ]
    chart = bar_chart(
        [{"label": f"{r['position']}. {r['label']}", "value": r["initiatives"], "iri": r["item"]} for r in rows]
    )
    return Page(
        "types.html",
        "The seven model types of Table 1",
        {
            "current": "types",
            "types": items,
            "pairs": pairs,
            "chart": chart,
            "all_slugs": [slug(r["item"]) for r in rows],
        },
    )


def population_tree(source: Source) -> list[dict[str, Any]]:
    """The populations as a tree (a population under each broader one it has), with the number of
    initiatives that serve each (narrower populations included), roots first."""
    rows = source.mg.query("populations").plain()
    nodes: dict[str, dict[str, Any]] = {}
    parents: dict[str, list[str]] = {}
    for r in rows:
        nodes.setdefault(r["item"], {"ref": ref(r["item"], r["label"]), "count": r["initiatives"], "children": []})
        if r["broader"]:
            parents.setdefault(r["item"], []).append(r["broader"])
    roots = []
    for iri, node in nodes.items():
        ups = [p for p in parents.get(iri, []) if p in nodes]
        for p in ups:
            nodes[p]["children"].append(node)
        if not ups:
            roots.append(node)

    def order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items.sort(key=lambda n: n["ref"]["label"].casefold())
        for n in items:
            order(n["children"])
        return items

    return order(roots)


def populations(source: Source, params: Params) -> Page:
    """/populations: the hierarchy of target populations with counts."""
    return Page(
        "populations.html",
        "Target populations",
        {"current": "populations", "tree": population_tree(source)},
    )


def organizations(source: Source, params: Params) -> Page:
    """/organizations: every organization, what kind, its ROR record, how many initiatives it backs."""
    counts = {r["item"]: r for r in source.mg.query("sponsors").plain()}
    rows = source.rows(
        """SELECT ?item ?label ?class ?ror WHERE {
          ?item a mgo:Organization ; rdfs:label ?label .
          OPTIONAL { VALUES ?g { mgg:article mgg:curation } GRAPH ?g { ?item a ?class }
                     FILTER (STRSTARTS(STR(?class), STR(mgo:))) }
          OPTIONAL { ?item skos:exactMatch ?ror FILTER (STRSTARTS(STR(?ror), "https://ror.org/")) } }"""
    )
    labels = source.labels()
    orgs: dict[str, dict[str, Any]] = {}
    for r in rows:
        o = orgs.setdefault(
            r["item"],
            {
                "ref": ref(r["item"], r["label"]),
                "kinds": set(),
                "ror": r["ror"],
                "initiatives": counts.get(r["item"], {}).get("initiatives", 0),
                "types": counts.get(r["item"], {}).get("types") or "",
            },
        )
        if r["class"]:
            o["kinds"].add(labels.get(r["class"], r["class"]))
    items = sorted(orgs.values(), key=lambda o: o["ref"]["label"].casefold())
    for o in items:
        o["kinds"] = sorted(o["kinds"])
        o["types"] = sorted(t for t in o["types"].split("; ") if t)
    return Page("organizations.html", "Organizations", {"current": "organizations", "organizations": items})


def named_graph(source: Source, params: Params) -> Page:
    """/graph/NAME: what one named graph holds, its size, and its first triples."""
    name = first(params, "name") or ""
    if name not in iris.GRAPH_NAMES:
        raise NotFound(f"no named graph {name!r}; the graphs are {', '.join(iris.GRAPH_NAMES)}")
    labels = source.labels()
    res = source.mg.engine.query(
        iris.sparql_prologue()
        + f"SELECT ?s ?p ?o WHERE {{ GRAPH mgg:{name} {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o LIMIT 500"
    )
    count = source.rows(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH mgg:{name} {{ ?s ?p ?o }} }}")[0]["n"]
    rows = [[value(r[v], labels) for v in ("s", "p", "o")] for r in res.rows]
    return Page(
        "graph.html",
        f"Named graph: {GRAPH_WORDS.get(name, name)}",
        {"name": name, "iri": iris.GRAPH + name, "count": count, "rows": rows},
        about=iris.GRAPH + name,
    )
