"""Browse the initiatives with facets (model type; the facets of data/themes.yaml: career stage,
specialty, population, delivery mode; sponsor; country from ROR where linked) and a search over names,
case- and accent-insensitive.

Facets combine as people expect from library catalogues: values of one facet widen the list (or),
facets narrow it (and); each value's count is what the list would hold if it were added. Values count
through the hierarchy: an initiative for mothers is found under women (Source.serves).
"""

from __future__ import annotations

from typing import Any

from ...text import normalize
from . import Page, Params, Source, ref, slug

SPONSOR = "sponsor"
TYPE = "type"
COUNTRY = "country"
SEARCH = "q"
FACET_SHOWN = 8


def catalogue(source: Source) -> dict[str, Any]:
    """Every initiative with its facet values and names, and the facets in display order."""

    def make() -> dict[str, Any]:
        from ...advise.person import facet_values

        model, scheme = source.model, source.scheme
        in_facet = {f.id: {c.iri for c in facet_values(model, f)} for f in scheme.facets}
        types = model.type_by_iri()
        names: dict[str, set[str]] = {}
        for r in source.rows(
            """SELECT ?item ?name WHERE { ?item a mgo:Initiative .
              { ?item rdfs:label ?name } UNION { ?item skos:altLabel ?name } UNION { ?item mgo:acronym ?name } }"""
        ):
            names.setdefault(r["item"], set()).add(r["name"])
        sponsors: dict[str, dict[str, str]] = {}
        for r in source.rows(
            "SELECT ?item ?org ?label WHERE { ?item a mgo:Initiative ; mgo:sponsor ?org . ?org rdfs:label ?label }"
        ):
            sponsors.setdefault(r["item"], {})[r["org"]] = r["label"]
        countries: dict[str, set[str]] = {}
        # ROR's address of a sponsor, when the ROR records were loaded beside the graph (link load-ror).
        for r in source.rows(
            """SELECT DISTINCT ?item ?code WHERE { ?item a mgo:Initiative ; mgo:sponsor ?org .
              ?org skos:exactMatch ?ror . GRAPH mgg:ror { ?ror schema:address ?a . ?a schema:addressCountry ?code } }"""
        ):
            countries.setdefault(r["item"], set()).add(str(r["code"]).upper())
        facets = [{"id": TYPE, "label": "Model type"}]
        facets += [{"id": f.id, "label": f.label} for f in scheme.facets]
        facets.append({"id": SPONSOR, "label": "Sponsor"})
        if countries:
            facets.append({"id": COUNTRY, "label": "Country (from ROR)"})
        concepts = model.concepts
        items = []
        for i in model.initiatives:
            values: dict[str, dict[str, str]] = {f["id"]: {} for f in facets}
            t = types[i.type]
            values[TYPE][slug(t.iri)] = f"{t.position}. {t.label}"
            served = source.serves(i)
            for fid, members in in_facet.items():
                for c in sorted(served & members):
                    values[fid][slug(c)] = concepts[c].label
            for org, label in sponsors.get(i.iri, {}).items():
                values[SPONSOR][slug(org)] = label
            for code in countries.get(i.iri, ()):
                values.setdefault(COUNTRY, {})[code] = code
            items.append(
                {
                    "ref": ref(i.iri, i.display),
                    "type": ref(t.iri, t.label),
                    "targets": [ref(p, concepts[p].label) for p in sorted(i.targets) if p in concepts],
                    "sponsors": [
                        ref(o, label) for o, label in sorted(sponsors.get(i.iri, {}).items(), key=lambda x: x[1])
                    ],
                    "mode": i.mode_label,
                    "values": values,
                    "keys": {fid: set(v) for fid, v in values.items()},
                    "names": {normalize(n) for n in names.get(i.iri, set()) | {i.display}},
                }
            )
        items.sort(key=lambda x: x["ref"]["label"].casefold())
        return {"facets": facets, "items": items}

    return source.once("browse", make)


def browse(source: Source, params: Params) -> Page:
    """/browse?type=...&population=...&q=...: the initiatives the filters leave, with facet counts."""
    cat = catalogue(source)
    facets = cat["facets"]
    chosen = {f["id"]: [v for v in params.get(f["id"], []) if v] for f in facets}
    query = (params.get(SEARCH) or [""])[-1].strip()
    needle = normalize(query)

    def matches(item: dict[str, Any], skip: str | None = None) -> bool:
        if needle and not any(needle in n for n in item["names"]):
            return False
        return all(not want or item["keys"][fid] & set(want) for fid, want in chosen.items() if fid != skip)

    hits = [i for i in cat["items"] if matches(i)]
    shown = []
    for f in facets:
        pool = [i for i in cat["items"] if matches(i, skip=f["id"])]
        counts: dict[str, list] = {}
        for i in pool:
            for key, label in i["values"][f["id"]].items():
                counts.setdefault(key, [label, 0])[1] += 1
        for key in chosen[f["id"]]:
            counts.setdefault(key, [key, 0])
        values = [
            {
                "key": key,
                "label": label,
                "count": n,
                "active": key in chosen[f["id"]],
                "params": _toggle(params, f["id"], key),
            }
            for key, (label, n) in sorted(counts.items(), key=_order(f["id"]))
            if n or key in chosen[f["id"]]
        ]
        if values:
            # The first few values stay in view; the rest are one click away (active ones always shown).
            first = [v for k, v in enumerate(values) if k < FACET_SHOWN or v["active"]]
            shown.append({**f, "values": first, "more": [v for v in values if v not in first]})
    active = [
        {"facet": f["label"], "label": _label_of(cat, f["id"], key), "params": _toggle(params, f["id"], key)}
        for f in facets
        for key in chosen[f["id"]]
    ]
    if query:
        active.append({"facet": "Search", "label": query, "params": _without(params, SEARCH)})
    return Page(
        "browse.html",
        "Browse the initiatives",
        {
            "current": "browse",
            "facets": shown,
            "hits": [{k: v for k, v in i.items() if k not in ("keys", "names")} for i in hits],
            "total": len(cat["items"]),
            "query": query,
            "active": active,
            "hidden": [(k, v) for k, vs in _without(params, SEARCH).items() for v in vs],
        },
    )


def _order(fid: str):
    """Facet values by count, most first; the model types in Table 1 order (their labels start with it)."""
    if fid == TYPE:
        return lambda kv: int(kv[1][0].split(".", 1)[0])
    return lambda kv: (-kv[1][1], kv[1][0].casefold())


def _label_of(cat: dict[str, Any], fid: str, key: str) -> str:
    for i in cat["items"]:
        if key in i["values"][fid]:
            return i["values"][fid][key]
    return key


def _toggle(params: Params, fid: str, key: str) -> dict[str, list[str]]:
    """The parameters with `key` added to, or taken from, facet `fid`."""
    out = {k: [v for v in vs if v] for k, vs in params.items()}
    values = out.get(fid, [])
    out[fid] = [v for v in values if v != key] if key in values else [*values, key]
    return {k: v for k, v in out.items() if v}


def _without(params: Params, name: str) -> dict[str, list[str]]:
    return {k: [v for v in vs if v] for k, vs in params.items() if k != name and any(vs)}
