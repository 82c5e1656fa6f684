"""The JSON-LD of one entity, shaped for web developers: one request gives a usable card.

- every value that is an IRI is the full IRI (`"id": "https://w3id.org/mentorgraph/id/women"`), never a
  prefixed name, and a linked entity of the graph comes with its label embedded;
- keys are the terms of the shipped context (ontology/context.jsonld: `targetPopulation`, `label`);
  a property the context has no term for keeps its full IRI as key, never a CURIE;
- numbers are JSON numbers (`"tablePosition": 4`);
- the statements are those of the article, curation and inferred graphs, less the inferred ones a more
  specific statement already says (`schema:sponsor ACR` beside `offeredBy ACR`), unless the context
  names the broader property (`sponsor` stays: a client asks for every sponsor by it).

It is plain JSON-LD 1.1: expanded with the context it gives the same triples (tests/test_web_jsonld.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import iris, layout

XSD = iris.PREFIXES["xsd"]
RDF_TYPE = iris.PREFIXES["rdf"] + "type"
RDFS_LABEL = iris.PREFIXES["rdfs"] + "label"
NUMBERS = {XSD + "integer": int, XSD + "int": int, XSD + "nonNegativeInteger": int, XSD + "decimal": float}
ASSERTED = ("article", "curation")


def load_context(root: Path | None = None) -> dict[str, Any]:
    """The shipped @context (ontology/context.jsonld) as a dict."""
    root = root or layout.find_root()
    return json.loads((root / layout.CONTEXT_FILE).read_text(encoding="utf-8"))["@context"]


def terms(context: dict[str, Any]) -> dict[str, str]:
    """Full property IRI -> its term in the context (the first one, in file order)."""
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))}

    def expand(value: str) -> str:
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes and not local.startswith("//") else value

    out: dict[str, str] = {}
    for term, definition in context.items():
        if term.startswith("@") or term in prefixes:
            continue
        target = definition.get("@id") if isinstance(definition, dict) else definition
        if isinstance(target, str) and not target.startswith("@"):
            out.setdefault(expand(target), term)
    return out


def _literal(t) -> Any:
    if t.lang:
        return {"@value": t.value, "@language": t.lang}
    if t.datatype in NUMBERS:
        try:
            return NUMBERS[t.datatype](t.value)
        except ValueError:
            pass
    if t.datatype:
        return {"@value": t.value, "@type": t.datatype}
    return t.value


def entity_jsonld(
    mg,
    iri: str,
    context: dict[str, Any] | str | None = None,
    data: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The entity `iri` as a JSON-LD object (see the module docstring).

    `context`: the @context to state, a dict (inlined) or the URL of the shipped context; by default
    the project's ontology/context.jsonld, inlined. `data` and `labels`: what a caller has already
    read (views.entity.load and Source.labels), to save the queries.
    """
    from .views import ancestors, read_labels, read_ontology
    from .views.entity import statements_about

    ctx = context if context is not None else load_context()
    term_of = terms(ctx if isinstance(ctx, dict) else load_context())
    data = data if data is not None else {"out": statements_about(mg, iri)}
    labels = labels if labels is not None else read_labels(mg)
    supers = read_ontology(mg)["supers"]
    facts: dict[tuple[str, tuple], set[str]] = {}
    for r in data["out"]:
        if r["g"] in ASSERTED or r["g"] == "inferred":
            facts.setdefault((r["p"], tuple(r["o"])), set()).add(r["g"])
    by_object: dict[tuple, set[str]] = {}
    for p, o in facts:
        by_object.setdefault(o, set()).add(p)
    out: dict[str, Any] = {"@context": ctx, "id": iri}
    values: dict[str, list[Any]] = {}
    for (p, o), graphs in sorted(facts.items(), key=lambda kv: (kv[0][0], kv[0][1][1])):
        inferred_only = not (graphs & set(ASSERTED))
        narrower = any(q != p and p in ancestors(q, supers) for q in by_object[o])
        if inferred_only and narrower and p not in term_of and p != RDF_TYPE:
            continue
        key = "type" if p == RDF_TYPE else term_of.get(p, p)
        kind, value = o[0], o[1]
        if p == RDF_TYPE:
            item: Any = value
        elif kind == "uri":
            item = {"id": value, **({"label": labels[value]} if value in labels else {})}
        elif kind == "bnode":
            item = {"id": "_:" + value}
        else:
            from ..query.engines import Term

            item = _literal(Term(*o))
        if item not in values.setdefault(key, []):
            values[key].append(item)
    for key in sorted(values, key=lambda k: (k != "type", k != "label", k)):
        vs = values[key]
        out[key] = vs[0] if len(vs) == 1 else vs
    return out
