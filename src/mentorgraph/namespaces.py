"""rdflib terms for every IRI mentorgraph uses, built from the strings in iris.py.

The ontology namespace is closed: a misspelt term raises rather than minting a new IRI.
tests/test_ontology.py checks that ONTOLOGY_TERMS equals the terms ontology/mentorgraph.ttl
defines, so the two cannot drift apart.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import ClosedNamespace

from . import iris

ONTOLOGY_TERMS = (
    "AcademicInstitution",
    "Attribute",
    "Company",
    "Conference",
    "Council",
    "DeliveryMode",
    "EvidenceKind",
    "Forum",
    "Foundation",
    "Funder",
    "FundingMechanism",
    "GrantProgram",
    "InformalArrangement",
    "Initiative",
    "InitiativeCollection",
    "InstitutionalAssociation",
    "InstitutionalPrograms",
    "MentoringModelType",
    "OnlineGroup",
    "Organization",
    "PeerGroup",
    "Platform",
    "Population",
    "ProfessionalSociety",
    "Program",
    "ProgramUmbrella",
    "ResearchNetwork",
    "Seminar",
    "Strength",
    "Table",
    "TableColumn",
    "Theme",
    "VoluntaryHealthOrganization",
    "Weakness",
    "acronym",
    "affiliatedWith",
    "broaderPopulation",
    "curationNote",
    "deliveryMode",
    "evidenceKind",
    "evidenceQuote",
    "expansion",
    "footnote",
    "fundedBy",
    "fundingMechanism",
    "hasColumn",
    "hasExample",
    "hasModelTypeRow",
    "hasPart",
    "hasStrength",
    "hasWeakness",
    "hostedOn",
    "hosts",
    "mechanismOf",
    "modelType",
    "narrowerPopulation",
    "offeredBy",
    "offers",
    "operatedBy",
    "parentOrganization",
    "partOf",
    "servesPopulation",
    "sourceTable",
    "sponsor",
    "sponsors",
    "strengthOf",
    "subOrganization",
    "tableParent",
    "tablePosition",
    "targetPopulation",
    "theme",
    "weaknessOf",
    "website",
)

ONTOLOGY_IRI = URIRef(iris.ONTOLOGY)
MGO = ClosedNamespace(iris.MGO, ONTOLOGY_TERMS)
MG = Namespace(iris.MG)
STATEMENT = Namespace(iris.STATEMENT)
GRAPH = ClosedNamespace(iris.GRAPH, list(iris.GRAPH_NAMES))
SCHEMA = Namespace(iris.PREFIXES["schema"])
ORG = Namespace(iris.PREFIXES["org"])
MESH = Namespace(iris.PREFIXES["mesh"])

# Which named graph holds what (README, "Where every triple comes from").
GRAPH_ROLES: dict[URIRef, str] = {
    GRAPH.ontology: "the mentorgraph ontology (ontology/mentorgraph.ttl)",
    GRAPH.article: "what Table 1 of the article says: its rows, bullets, nesting and order",
    GRAPH.curation: "facts curators added beyond the table (data/*.yaml), each with evidence",
    GRAPH.evidence: "the evidence for each curated statement, as reified rdf:Statements",
    GRAPH.inferred: "what the OWL RL reasoner derived from the ontology, article and curation",
    GRAPH.alignments: "SKOS mappings of the ontology to VIVO-ISF and FRAPO (ontology/alignments.sssom.tsv), "
    "never reasoned over",
}
