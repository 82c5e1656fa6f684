"""IRI strings and prefixes, with no dependencies, for the fast query path.

namespaces.py builds rdflib terms from these; the query layer uses the strings directly so a cold
`mentorgraph query` never imports rdflib.
"""

from __future__ import annotations

BASE = "https://w3id.org/mentorgraph/"
ONTOLOGY = BASE + "ontology"
MGO = BASE + "ontology#"
MG = BASE + "id/"
STATEMENT = BASE + "statement/"
GRAPH = BASE + "graph/"
# "alignments": the SKOS mappings of ontology/alignments.sssom.tsv (never reasoned over).
GRAPH_NAMES = ("ontology", "article", "curation", "evidence", "inferred", "alignments")
DATASET = BASE + "dataset"
MAPPINGS = BASE + "mappings/"

# The prefixes every export, query and CLI command declares, in one place.
PREFIXES: dict[str, str] = {
    "mg": MG,
    "mgo": MGO,
    "mgg": GRAPH,
    "mgs": STATEMENT,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "mesh": "http://id.nlm.nih.gov/mesh/",
    "wd": "http://www.wikidata.org/entity/",
    "ror": "https://ror.org/",
    "sssom": "https://w3id.org/sssom/",
}


def sparql_prologue() -> str:
    """The PREFIX declarations for every prefix above, one per line."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
