"""The JSON-LD of an entity (mentorgraph.web.entity_jsonld) as a web developer uses it: full IRIs as
values with the labels of linked entities embedded, keys from the shipped context, numbers typed; and
as JSON-LD 1.1 it means the entity's statements (expanded with its context by rdflib's parser)."""

from __future__ import annotations

import json

import yaml
from rdflib import Graph, Literal, URIRef

from conftest import ROOT
from mentorgraph import iris
from mentorgraph.web import entity_jsonld


def test_values_are_full_iris_with_labels_and_keys_are_context_terms(mg):
    doc = entity_jsonld(mg, iris.MG + "swims")
    assert doc["id"] == iris.MG + "swims"
    populations = {
        p["label"]: p["id"] for p in yaml.safe_load((ROOT / "data/populations.yaml").read_text())["populations"]
    }
    target = doc["targetPopulation"]
    assert target == {"id": iris.MG + "women", "label": "Women"} and populations["Women"] == "women"
    assert isinstance(doc["tablePosition"], int)
    terms = set(doc["@context"]) | {"@context"}
    for key in doc:
        assert key in terms or key.startswith(("http://", "https://")), key  # never a CURIE
    for key, value in doc.items():
        if key == "@context":
            continue
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, dict) and "id" in v:
                assert v["id"].startswith(("http://", "https://", "_:")), v


def test_json_ld_expands_to_the_entitys_statements(mg, built):
    doc = entity_jsonld(mg, iris.MG + "american-college-of-rheumatology")
    got = Graph().parse(data=json.dumps(doc), format="json-ld")
    node = URIRef(iris.MG + "american-college-of-rheumatology")
    expected = Graph()
    for line in (built / "mentorgraph.nq").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"<{node}> ") and (f"<{iris.GRAPH}curation>" in line or f"<{iris.GRAPH}article>" in line):
            expected.parse(data=line.rsplit(" ", 2)[0] + " .", format="nt")
    # Every asserted statement is there; nothing is said that the graph does not say (labels of linked
    # entities are their own statements, so only statements about the entity are compared).
    about = {(s, p, o) for s, p, o in got if s == node}
    assert set(expected) <= about
    assert (node, URIRef(iris.PREFIXES["rdfs"] + "label"), Literal("American College of Rheumatology")) in about
