"""The home page (Table 1, regenerated from the graph) and the server's limits page."""

from __future__ import annotations

from typing import Any

from . import Page, Params, Source, ref, slug


def table1(source: Source) -> dict[str, Any]:
    """Table 1 as the home page shows it: each row's type, examples (nested), strengths and weaknesses,
    every name with the IRI it links to. Rows, bullets and their order come from the graph
    (query.table.table_data: the table1-bullets and table1-caption questions)."""

    def make() -> dict[str, Any]:
        from ...query.table import table_data

        data = table_data(source.mg)
        links: dict[tuple[str, str], str] = {}
        types: dict[str, str] = {}
        for r in source.mg.query("table1-bullets").plain():
            types[r["typeLabel"]] = r["type"]
            links[(r["typeLabel"], r["label"])] = r["item"]

        def node(type_label: str, label: str) -> dict[str, Any]:
            iri = links.get((type_label, label))
            return {"iri": iri, "label": label}

        def nest(type_label: str, entries: list[dict]) -> list[dict[str, Any]]:
            return [{**node(type_label, e["label"]), "children": nest(type_label, e["children"])} for e in entries]

        rows = [
            {
                "position": i,
                "type": {"iri": types.get(row["type"]), "label": row["type"]},
                "examples": nest(row["type"], row["examples"]),
                "strengths": [node(row["type"], s) for s in row["strengths"]],
                "weaknesses": [node(row["type"], w) for w in row["weaknesses"]],
            }
            for i, row in enumerate(data["rows"], 1)
        ]
        return {
            "label": data["_label"],
            "title": data["title"],
            "columns": data["_columns"],
            "rows": rows,
            "footnote": data["footnote"],
            "citation": data["_citation"],
            "source": data["_source"],
        }

    return source.once("table1", make)


def home(source: Source, params: Params) -> Page:
    """/: what mentorgraph is, where each kind of visitor starts, and Table 1."""
    table = table1(source)
    counts = source.rows(
        """SELECT (COUNT(DISTINCT ?i) AS ?initiatives) (COUNT(DISTINCT ?o) AS ?organizations) WHERE {
          { ?i a mgo:Initiative } UNION { ?o a mgo:Organization } }"""
    )[0]
    first_type = table["rows"][0]["type"]["iri"] if table["rows"] else None
    second_type = table["rows"][1]["type"]["iri"] if len(table["rows"]) > 1 else None
    return Page(
        "home.html",
        "Peer-mentoring models in academic medicine",
        {
            "current": "home",
            "table": table,
            "counts": counts,
            "example_compare": [slug(t) for t in (first_type, second_type) if t],
            "source_ref": ref(table["source"]),
        },
    )


def about(source: Source, params: Params) -> Page:
    """/about: the limits of the server this page comes from (server only)."""
    service = source.service or {}
    return Page(
        "about.html",
        "About this service",
        {"current": "about", "limits": service.get("limits", {}), "endpoint": service.get("endpoint")},
    )
