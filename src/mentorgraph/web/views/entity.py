"""Entity pages as cards: what it is, who runs or funds it, who it is for, how it is delivered, its
identifiers, and for each fact where it comes from; the full statement table one click away.

A fact of the card is the most specific statement for its value: "offered by ACR" (curation) stands
for the inferred "sponsor ACR" and schema:sponsor too. Card sections are named by the ontology's
properties they gather, with their sub-properties (rdfs:subPropertyOf in the ontology graph), so a
new sub-property of mgo:sponsor lands in "Who runs or funds it" without a change here.
"""

from __future__ import annotations

import re
from typing import Any

from ... import iris
from ...query.catalogue import sparql_iri
from ...query.formats import curie
from . import NotFound, Page, Params, Source, ancestors, first, read_ontology, ref
from .graphs import GRAPH_WORDS, graph_name, neighbourhood_svg

RDF_TYPE = iris.PREFIXES["rdf"] + "type"
RDFS_LABEL = iris.PREFIXES["rdfs"] + "label"
SKOS = iris.PREFIXES["skos"]
MGO = iris.MGO
# Card sections: (id, heading, the properties it gathers with their sub-properties). Presentation only:
# which statements a reader looks for together. Anything else is in the full statement table.
SECTIONS = (
    (
        "what",
        "What it is",
        (RDF_TYPE, SKOS + "definition", MGO + "modelType", MGO + "partOf", SKOS + "altLabel", MGO + "expansion"),
    ),
    ("table", "Where Table 1 lists it", (MGO + "sourceTable", MGO + "tableParent", MGO + "tablePosition")),
    ("runs", "Who runs or funds it", (MGO + "sponsor", MGO + "fundingMechanism", MGO + "hostedOn", MGO + "operatedBy")),
    ("affiliation", "Affiliation", (MGO + "affiliatedWith", MGO + "parentOrganization", MGO + "subOrganization")),
    (
        "runs-what",
        "What it offers, sponsors, funds or hosts",
        (MGO + "offers", MGO + "sponsors", MGO + "hosts", MGO + "mechanismOf"),
    ),
    ("for", "Who it is for", (MGO + "servesPopulation",)),
    ("populations", "Where it sits among the populations", (MGO + "broaderPopulation", MGO + "narrowerPopulation")),
    ("delivery", "Delivery mode", (MGO + "deliveryMode",)),
    ("parts", "Its parts", (MGO + "hasPart",)),
    ("themes", "Themes", (MGO + "theme", MGO + "strengthOf", MGO + "weaknessOf")),
    (
        "identifiers",
        "Identifiers elsewhere",
        tuple(SKOS + m for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"))
        + (iris.PREFIXES["schema"] + "sameAs", iris.PREFIXES["owl"] + "sameAs", MGO + "website"),
    ),
)
# Identifier schemes by IRI prefix, for "ROR 05pjxvx20" rather than the bare IRI.
ID_SCHEMES = (
    ("https://ror.org/", "ROR"),
    (iris.PREFIXES["wd"], "Wikidata"),
    (iris.PREFIXES["mesh"], "MeSH"),
    ("https://doi.org/10.13039/", "Crossref Funder ID"),
    ("https://doi.org/", "DOI"),
    ("https://isni.org/isni/", "ISNI"),
)
# Words for the standard vocabularies' properties the ontology does not label (mgo: terms have their
# labels in the ontology, which always win).
READABLE = {
    RDF_TYPE: "type",
    RDFS_LABEL: "name",
    SKOS + "prefLabel": "name",
    SKOS + "altLabel": "also called",
    SKOS + "definition": "definition",
    SKOS + "exactMatch": "the same as",
    SKOS + "closeMatch": "close to",
    SKOS + "broadMatch": "a kind of",
    SKOS + "narrowMatch": "includes",
    SKOS + "relatedMatch": "related to",
}
RANK = {"article": 0, "curation": 1, "inferred": 2, "ontology": 3, "evidence": 4}


def ontology_facts(source: Source) -> dict[str, Any]:
    """Sub-property and inverse pairs of the ontology graph, read once."""
    return source.once("ontology-facts", lambda: read_ontology(source.mg))


def property_label(p: str, labels: dict[str, str]) -> str:
    """A readable name of a property: its label in the ontology, else its local name in words
    (skos:altLabel -> "alt label"), never a CURIE split mid-word."""
    if p in labels:
        return labels[p]
    if p in READABLE:
        return READABLE[p]
    local = re.split(r"[#/]", p)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower() or curie(p)


def identifier(iri: str) -> dict[str, str]:
    """An external identifier as a link with its scheme: {"iri", "scheme", "id", "text"}."""
    for prefix, scheme in ID_SCHEMES:
        if iri.startswith(prefix):
            local = iri[len(prefix) :]
            return {"iri": iri, "scheme": scheme, "id": local, "text": f"{scheme} {local}"}
    return {"iri": iri, "scheme": "", "id": iri, "text": iri}


def value(t, labels: dict[str, str]) -> dict[str, Any]:
    """A query Term as templates take it: kind, value, label (of an IRI), language."""
    return {"kind": t.kind, "value": t.value, "label": labels.get(t.value) if t.kind == "uri" else None, "lang": t.lang}


def _evidence_rows(source: Source, node: str) -> list[dict[str, Any]]:
    return source.rows(
        f"""SELECT ?st ?s ?p ?o ?kind ?quote ?source ?note WHERE {{
          GRAPH mgg:evidence {{
            {{ ?st rdf:subject {node} ; rdf:predicate ?p ; rdf:object ?o . BIND ({node} AS ?s) }}
            UNION {{ ?st rdf:object {node} ; rdf:subject ?s ; rdf:predicate ?p . BIND ({node} AS ?o) }}
            OPTIONAL {{ ?st mgo:evidenceKind ?kind }} OPTIONAL {{ ?st mgo:evidenceQuote ?quote }}
            OPTIONAL {{ ?st dcterms:source ?source }} OPTIONAL {{ ?st mgo:curationNote ?note }} }} }}"""
    )


def statements_about(mg, iri: str) -> list[dict[str, Any]]:
    """Every statement with `iri` as subject: property, object (a query Term) and graph name."""
    res = mg.engine.query(
        iris.sparql_prologue() + f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {sparql_iri(iri)} ?p ?o }} }}"
    )
    return [{"p": r["p"].value, "o": r["o"], "g": graph_name(r["g"].value)} for r in res.rows]


def load(source: Source, iri: str) -> dict[str, Any]:
    """Every statement about `iri` (out and in, by graph) and the evidence of each."""
    node = sparql_iri(iri)
    incoming = source.rows(
        f"""SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {node} }}
          FILTER (?g != mgg:evidence && ?p != rdf:subject && ?p != rdf:object) }} LIMIT 2000"""
    )
    return {
        "out": statements_about(source.mg, iri),
        "in": [{"s": r["s"], "p": r["p"], "g": graph_name(r["g"])} for r in incoming],
        "evidence": _evidence_rows(source, node),
    }


def origin(graph: str, **fields: Any) -> dict[str, Any]:
    """Where a fact comes from, every key present (templates test them): graph, kind, quote, url,
    url_text, cited (a source that is not a link), note (the curator's reason), because, statement."""
    keys = ("kind", "kind_iri", "quote", "url", "url_text", "cited", "note", "because", "statement")
    return {"graph": graph, **{k: None for k in keys}, **fields}


class Facts:
    """The statements of one entity, merged by (property, value) with their graphs and evidence."""

    def __init__(self, source: Source, iri: str, data: dict[str, Any]):
        self.iri = iri
        self.labels = source.labels()
        self.names = source.names()  # for what the card links to
        onto = ontology_facts(source)
        self.supers, self.inverse = onto["supers"], onto["inverse"]
        self.article_url = _article_url(source)
        self.evidence: dict[tuple[str, str, str], list[dict]] = {}
        for e in data["evidence"]:
            self.evidence.setdefault((e["s"], e["p"], e["o"]), []).append(e)
        self.out: dict[tuple[str, str], dict[str, Any]] = {}
        for r in data["out"]:
            o = r["o"]
            key = (r["p"], o.value)
            f = self.out.setdefault(key, {"p": r["p"], "o": o, "graphs": set()})
            f["graphs"].add(r["g"])
        self.incoming: dict[tuple[str, str], set[str]] = {}
        for r in data["in"]:
            self.incoming.setdefault((r["s"], r["p"]), set()).add(r["g"])

    def best_graph(self, graphs: set[str]) -> str:
        """The graph a fact is credited to: the article before curation before the reasoner."""
        return min(graphs, key=lambda g: RANK.get(g, 9))

    def sources(self, s: str, p: str, o: str, graph: str) -> list[dict[str, Any]]:
        """Where the statement (s p o) comes from, as the card shows it."""
        if graph == "article":
            return [
                origin(
                    "article",
                    url=self.article_url,
                    url_text=identifier(self.article_url)["text"] if self.article_url else None,
                )
            ]
        found = [self._evidence(e) for e in self.evidence.get((s, p, o), [])]
        if found or graph != "inferred":
            return found or [origin(graph)]
        # An inverse's evidence explains an inferred statement: "ACR offers X" from "X offered by ACR".
        inv = self.inverse.get(p)
        if inv and (o, inv, s) in self.evidence:
            because = f"{self.names.get(o, curie(o))} {property_label(inv, self.labels)} {self.names.get(s, curie(s))}"
            return [{**self._evidence(e), "graph": "inferred", "because": because} for e in self.evidence[(o, inv, s)]]
        return [origin("inferred")]

    def _evidence(self, e: dict[str, Any]) -> dict[str, Any]:
        src = e.get("source")
        resolvable = isinstance(src, str) and src.startswith(("http://", "https://"))
        return origin(
            "curation",
            kind=self.labels.get(e["kind"], curie(e["kind"])) if e.get("kind") else None,
            kind_iri=e.get("kind"),
            quote=e.get("quote"),
            url=src if resolvable else None,
            url_text=identifier(src)["text"] if resolvable else None,
            cited=src if src and not resolvable else None,
            note=e.get("note"),
            statement=e["st"],
        )

    def section_of(self, p: str) -> str | None:
        """The card section a property's statements go in (through its super-properties), or None."""
        up = ancestors(p, self.supers)
        for sid, _, roots in SECTIONS:
            if up & set(roots):
                return sid
        return None

    def card(self) -> list[dict[str, Any]]:
        """The card's sections, each a list of facts (most specific property per value)."""
        by_section: dict[str, dict[str, list[dict]]] = {}
        for f in self.out.values():
            p, o = f["p"], f["o"]
            if p == RDF_TYPE and not o.value.startswith(MGO):
                continue  # the ontology's own classes say what a thing is; rdf:type foaf:Organization adds nothing
            sid = self.section_of(p)
            if sid is not None:
                by_section.setdefault(sid, {}).setdefault(o.value, []).append(f)
        sections = []
        for sid, heading, roots in SECTIONS:
            facts = []
            for candidates in by_section.get(sid, {}).values():
                props = {c["p"] for c in candidates}
                # Drop a property when a more specific one states the same value.
                keep = [
                    c for c in candidates if not any(q != c["p"] and c["p"] in ancestors(q, self.supers) for q in props)
                ]
                # Of the rest, the one from the best graph, then one whose source can be shown
                # ("offers X", inferred from the curated "X offered by", before "sponsors X").
                made = [self._fact(c) for c in keep]
                facts.append(min(made, key=lambda f: (f["rank"], not any(s["statement"] for s in f["sources"]))))
            if sid == "what":
                facts = self._most_specific_types(facts)
            if facts:
                facts.sort(key=lambda f: (self._root_index(f["p"], roots), f["rank"], f["property"], _text(f["value"])))
                groups: list[dict[str, Any]] = []
                for f in facts:
                    if not groups or groups[-1]["property"] != f["property"]:
                        groups.append({"property": f["property"], "facts": []})
                    groups[-1]["facts"].append(f)
                sections.append({"id": sid, "heading": heading, "facts": facts, "groups": groups})
        return sections

    def _root_index(self, p: str, roots: tuple[str, ...]) -> int:
        up = ancestors(p, self.supers)
        return next((k for k, root in enumerate(roots) if root in up), len(roots))

    def _most_specific_types(self, facts: list[dict]) -> list[dict]:
        # Inferred classes (Program because Seminar) stay in the full table.
        asserted = [f for f in facts if not (f["p"] == RDF_TYPE and f["graph"] == "inferred")]
        return asserted

    def _fact(self, f: dict[str, Any]) -> dict[str, Any]:
        p, o = f["p"], f["o"]
        graph = self.best_graph(f["graphs"])
        v = value(o, self.names)
        if o.kind == "uri" and self.section_of(p) == "identifiers":
            v["identifier"] = identifier(o.value)
        return {
            "p": p,
            "property": property_label(p, self.labels),
            "value": v,
            "graph": graph,
            "rank": RANK.get(graph, 9),
            "sources": self.sources(self.iri, p, o.value, graph),
        }

    def statements(self) -> list[dict[str, Any]]:
        """The full table: every (property, value) with its graphs and evidence, article first."""
        rows = []
        for f in self.out.values():
            graph = self.best_graph(f["graphs"])
            rows.append(
                {
                    **self._fact(f),
                    "graphs": [{"id": g, "words": GRAPH_WORDS.get(g, g)} for g in sorted(f["graphs"], key=RANK.get)],
                    "curie": curie(f["p"]),
                    "rank": RANK.get(graph, 9),
                }
            )
        rows.sort(key=lambda r: (r["rank"], r["property"], _text(r["value"])))
        return rows

    def linked_from(self) -> list[dict[str, Any]]:
        """Statements pointing here, one per (subject, property), asserted ones first."""
        rows = []
        for (s, p), graphs in self.incoming.items():
            rows.append(
                {
                    "subject": ref(s, self.names.get(s)),
                    "property": property_label(p, self.labels),
                    "graph": self.best_graph(graphs),
                    "graphs": [{"id": g, "words": GRAPH_WORDS.get(g, g)} for g in sorted(graphs, key=RANK.get)],
                }
            )
        rows.sort(key=lambda r: (RANK.get(r["graph"], 9), r["property"], r["subject"]["label"]))
        return rows


def _text(v: dict[str, Any]) -> str:
    return (v["label"] or v["value"]).casefold()


def _article_url(source: Source) -> str | None:
    from .home import table1

    return table1(source)["source"]


def entity(source: Source, params: Params) -> Page:
    """/id/SLUG, /statement/ID: the card of one entity of the graph."""
    iri = first(params, "iri") or ""
    data = load(source, iri)
    if not data["out"] and not data["in"]:
        raise NotFound(f"nothing in the graph is named {iri}")
    facts = Facts(source, iri, data)
    labels = facts.labels
    title = labels.get(iri) or curie(iri)
    sections = facts.card()
    context: dict[str, Any] = {
        "iri": iri,
        "sections": sections,
        "statements": facts.statements(),
        "linked_from": facts.linked_from(),
        "kinds": [f["value"] for s in sections if s["id"] == "what" for f in s["facts"] if f["p"] == RDF_TYPE],
        "model_type": None,
        "examples": [],
        "compare_with": [],
        "initiatives": [],
        "rdf": [("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples"), ("rdfxml", "RDF/XML")],
        "jsonld": None,
    }
    context.update(_by_kind(source, iri, facts))
    context["picture"] = neighbourhood_svg(iri, title, sections, facts.linked_from())
    if iri.startswith(iris.MG):
        from ..jsonld import entity_jsonld

        from ..jsonld import load_context

        context["jsonld"] = entity_jsonld(source.mg, iri, load_context(source.root), data=data, labels=labels)
    return Page("entity.html", title, context, about=iri)


def _by_kind(source: Source, iri: str, facts: Facts) -> dict[str, Any]:
    """What a card adds for its kind of entity: a model type's bullets and examples, an initiative's
    model type with its strengths and weaknesses (Table 1 order), a population's initiatives."""
    from .home import table1

    model = source.model
    types = model.type_by_iri()
    out: dict[str, Any] = {}
    type_iri = (
        iri if iri in types else next((f["o"].value for f in facts.out.values() if f["p"] == MGO + "modelType"), None)
    )
    if type_iri in types:
        t = types[type_iri]
        out["model_type"] = {
            "ref": ref(t.iri, t.label),
            "position": t.position,
            "strengths": [ref(a.iri, a.label) for a in t.strengths],
            "weaknesses": [ref(a.iri, a.label) for a in t.weaknesses],
        }
        others = [o for o in model.types if o.iri != t.iri]
        out["compare_with"] = [{"ref": ref(o.iri, o.label), "slugs": [_slug(t.iri), _slug(o.iri)]} for o in others]
    if iri in types:
        row = next((r for r in table1(source)["rows"] if r["type"]["iri"] == iri), None)
        out["examples"] = row["examples"] if row else []
    if iri in source.populations():
        serving = [i for i in model.initiatives if iri in source.serves(i)]
        out["initiatives"] = [
            {"ref": ref(i.iri, i.display), "direct": iri in i.targets}
            for i in sorted(serving, key=lambda i: i.display.casefold())
        ]
    return out


def _slug(iri: str) -> str:
    return iri.removeprefix(iris.MG)
