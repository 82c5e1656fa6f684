"""OWL 2 DL and OWL 2 RL: the ontology is checked by a real DL reasoner and by the profiles' syntax rules.

HermiT (bundled with owlready2, run on the machine's Java) must find the ontology consistent, every
class satisfiable, and the asserted data (article and curation graphs) consistent with the ontology.
The syntactic checker (mentorgraph.release.profile) must find the ontology inside
OWL 2 RL, so that owlrl's closure is complete; each of its rules is shown to fire on a small ontology
that breaks it, as the specifications (OWL 2 Structural Specification §5.8.1, §11; OWL 2 Profiles §4.2)
describe.
"""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph, URIRef

from mentorgraph.release.hermit import hermit
from mentorgraph.release.profile import check_dl
from mentorgraph.release.profile_rl import check_rl
from conftest import ROOT

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")

HEAD = """@prefix : <http://example.org/t#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/t> a owl:Ontology .
"""
# The declarations of the external terms ontology/mentorgraph.ttl uses: the fix proposed for the
# OWL 2 DL typing rule (§5.8.1). SKOS's own RDF types skos:altLabel, scopeNote and editorialNote as
# annotation properties; here they are data properties, as mgo:acronym, footnote and curationNote are.
PROPOSED_DECLARATIONS = """
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
skos:Concept a owl:Class . schema:EducationalOccupationalProgram a owl:Class . schema:Grant a owl:Class .
schema:Organization a owl:Class . org:Organization a owl:Class . foaf:Organization a owl:Class .
prov:Agent a owl:Class .
dcterms:isPartOf a owl:ObjectProperty . dcterms:hasPart a owl:ObjectProperty .
foaf:homepage a owl:ObjectProperty .
schema:funder a owl:ObjectProperty . schema:parentOrganization a owl:ObjectProperty .
org:subOrganizationOf a owl:ObjectProperty . skos:broaderTransitive a owl:ObjectProperty .
skos:altLabel a owl:DatatypeProperty . skos:scopeNote a owl:DatatypeProperty .
skos:editorialNote a owl:DatatypeProperty .
skos:definition a owl:AnnotationProperty . dcterms:title a owl:AnnotationProperty .
dcterms:description a owl:AnnotationProperty . dcterms:license a owl:AnnotationProperty .
dcterms:creator a owl:AnnotationProperty . dcterms:source a owl:AnnotationProperty .
dcterms:bibliographicCitation a owl:AnnotationProperty .
"""


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ROOT / "ontology" / "mentorgraph.ttl", format="turtle")


def small(body: str) -> Graph:
    return Graph().parse(data=HEAD + body, format="turtle")


def messages(violations) -> list[str]:
    return [f"{v.term}: {v.message}" for v in violations]


# -- HermiT ------------------------------------------------------------------------------------------
@needs_java
def test_hermit_finds_the_ontology_consistent_and_every_class_satisfiable(onto):
    result = hermit(onto)
    assert result.consistent
    assert result.unsatisfiable == []


@needs_java
def test_hermit_reports_an_unsatisfiable_class():
    g = small(":A a owl:Class . :B a owl:Class ; rdfs:subClassOf :A . :A owl:disjointWith :B .")
    assert hermit(g).unsatisfiable == ["<http://example.org/t#B>"]


@needs_java
def test_hermit_reports_an_inconsistent_ontology():
    g = small(":A a owl:Class . :B a owl:Class . :A owl:disjointWith :B . :x a owl:NamedIndividual , :A , :B .")
    assert not hermit(g).consistent


@needs_java
def test_hermit_rejects_an_irregular_property_hierarchy():
    # (q p) -> p needs q < p and (p q) -> q needs p < q: no order does both (§11.2).
    g = small(
        ":p a owl:ObjectProperty ; owl:propertyChainAxiom (:q :p) .\n"
        ":q a owl:ObjectProperty ; owl:propertyChainAxiom (:p :q) ."
    )
    with pytest.raises(Exception, match="not regular"):
        hermit(g)


# -- the ontology's profile --------------------------------------------------------------------------
def test_ontology_is_in_owl2_rl_apart_from_declarations(onto):
    """Class-expression positions, axioms, datatypes, simple properties and regular chains (RL ⊂ DL)."""
    found = [v for v in check_rl(onto) if "not declared" not in v.message]
    assert found == [], "\n".join(map(str, found))


def test_every_entity_the_ontology_uses_is_declared(onto):
    found = [v for v in check_dl(onto) if "not declared" in v.message]
    assert found == [], "\n".join(map(str, found))


def test_proposed_declarations_make_the_ontology_owl2_rl(onto):
    fixed = Graph()
    for t in onto:
        fixed.add(t)
    fixed.parse(data=PROPOSED_DECLARATIONS, format="turtle")
    assert check_rl(fixed) == []


def test_the_ontology_chains_need_an_order_that_exists(onto):
    """servesPopulation ∘ broaderPopulation (transitive), partOf ∘ sponsor, partOf ∘ hostedOn: regular."""
    assert [v for v in check_dl(onto) if "regular" in v.message] == []


# -- the checker's rules, each shown to fire ---------------------------------------------------------------
@pytest.mark.parametrize(
    "body, expected",
    [
        (
            ":A a owl:Class . :B a owl:Class . :C a owl:Class . :A rdfs:subClassOf [ owl:unionOf (:B :C) ] .",
            "owl:unionOf is allowed only on the subclass side",
        ),
        (
            (
                ":A a owl:Class . :B a owl:Class . :p a owl:ObjectProperty .\n"
                ":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B ] ."
            ),
            "owl:someValuesFrom (existential) is allowed only on the subclass side",
        ),
        (
            (
                ":A a owl:Class . :B a owl:Class . :p a owl:ObjectProperty .\n"
                "[ a owl:Restriction ; owl:onProperty :p ; owl:allValuesFrom :B ] rdfs:subClassOf :A ."
            ),
            "owl:allValuesFrom (universal) is allowed only on the superclass side",
        ),
        (
            ":A a owl:Class . :B a owl:Class . :C a owl:Class . :A owl:disjointUnionOf (:B :C) .",
            "owl:disjointUnionOf is not in OWL 2 RL",
        ),
        (":p a owl:ObjectProperty , owl:ReflexiveProperty .", "owl:ReflexiveProperty is not in OWL 2 RL"),
        (":d a owl:DatatypeProperty ; rdfs:range owl:real .", "range owl:real is not an OWL 2 RL datatype"),
        (
            (
                ":A a owl:Class . :p a owl:ObjectProperty .\n"
                ":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:minCardinality 1 ] ."
            ),
            "owl:minCardinality 1 is not allowed here",
        ),
    ],
)
def test_rl_rules_fire(body, expected):
    found = [v for v in check_rl(small(body)) if v.profile == "OWL 2 RL"]
    assert any(expected in v.message for v in found), messages(found)


@pytest.mark.parametrize(
    "body",
    [
        # Existentials and unions on the subclass side, universals and max 1 on the superclass side are RL.
        (
            ":A a owl:Class . :B a owl:Class . :p a owl:ObjectProperty .\n"
            "[ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B ] rdfs:subClassOf :A ."
        ),
        ":A a owl:Class . :B a owl:Class . :C a owl:Class . [ owl:unionOf (:B :C) ] rdfs:subClassOf :A .",
        (
            ":A a owl:Class . :B a owl:Class . :p a owl:ObjectProperty .\n"
            ":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:allValuesFrom :B ] ."
        ),
        (
            ":A a owl:Class . :p a owl:ObjectProperty .\n"
            ":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:maxCardinality 1 ] ."
        ),
        ":d a owl:DatatypeProperty ; rdfs:range xsd:integer .",
    ],
)
def test_rl_allows_what_the_profile_allows(body):
    assert check_rl(small(body)) == []


def test_dl_cyclic_chains_are_irregular():
    g = small(
        ":p a owl:ObjectProperty ; owl:propertyChainAxiom (:q :p) .\n"
        ":q a owl:ObjectProperty ; owl:propertyChainAxiom (:p :q) ."
    )
    assert any("not regular" in m for m in messages(check_dl(g)))


def test_dl_chain_below_its_own_sub_property_is_irregular():
    # (partOf sponsor) -> sponsor needs partOf < sponsor; sponsor -> partOf forbids it (§11.2).
    g = small(
        ":partOf a owl:ObjectProperty . :sponsor a owl:ObjectProperty ; rdfs:subPropertyOf :partOf ;\n"
        "  owl:propertyChainAxiom (:partOf :sponsor) ."
    )
    assert any("is a sub-property of" in m for m in messages(check_dl(g)))


def test_dl_chain_over_a_transitive_property_is_regular():
    g = small(
        ":serves a owl:ObjectProperty ; owl:propertyChainAxiom (:serves :broader) .\n"
        ":broader a owl:ObjectProperty , owl:TransitiveProperty .\n"
        ":target a owl:ObjectProperty ; rdfs:subPropertyOf :serves ."
    )
    assert check_dl(g) == []


@pytest.mark.parametrize(
    "body",
    [
        ":p a owl:ObjectProperty , owl:TransitiveProperty , owl:FunctionalProperty .",
        (
            ":q a owl:ObjectProperty , owl:TransitiveProperty .\n"
            ":p a owl:ObjectProperty , owl:FunctionalProperty .\n"
            ":q rdfs:subPropertyOf :p ."
        ),
        (
            ":A a owl:Class . :p a owl:ObjectProperty , owl:TransitiveProperty .\n"
            ":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:maxCardinality 1 ] ."
        ),
        (
            ":r a owl:ObjectProperty ; owl:propertyChainAxiom (:s :s2) . :s a owl:ObjectProperty .\n"
            ":s2 a owl:ObjectProperty . :r owl:inverseOf :ri .\n"
            ":ri a owl:ObjectProperty , owl:AsymmetricProperty ."
        ),
    ],
)
def test_dl_non_simple_properties_are_restricted(body):
    assert any("non-simple" in m for m in messages(check_dl(small(body))))


def test_dl_typing_rules_fire():
    g = small(
        ":A a owl:Class ; rdfs:subClassOf :Undeclared .\n"
        ":d a owl:DatatypeProperty ; rdfs:subPropertyOf :o . :o a owl:ObjectProperty .\n"
        ":both a owl:ObjectProperty , owl:DatatypeProperty ."
    )
    found = messages(check_dl(g))
    assert any(m.startswith("<http://example.org/t#Undeclared>: used as a class but not declared") for m in found)
    assert any(m.startswith("<http://example.org/t#d>: a data property cannot be a sub-property") for m in found)
    assert any(
        m.startswith("<http://example.org/t#both>: declared as data property and object property") for m in found
    )


# -- the ontology with the asserted data ---------------------------------------------------------------
@pytest.fixture(scope="module")
def asserted(built) -> Graph:
    """The ontology, article and curation graphs of the build (what people assert, without inferences)."""
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(built / "mentorgraph.nq", format="nquads")
    g = Graph()
    for name in ("ontology", "article", "curation"):
        for t in ds.graph(URIRef(f"https://w3id.org/mentorgraph/graph/{name}")):
            g.add(t)
    return g


@needs_java
def test_hermit_finds_the_asserted_data_consistent_with_the_ontology(asserted):
    assert hermit(asserted).consistent


@needs_java
def test_hermit_finds_a_model_type_that_is_also_an_organization_inconsistent(asserted):
    from rdflib.namespace import RDF

    mgo = "https://w3id.org/mentorgraph/ontology#"
    model_type = next(asserted.subjects(RDF.type, URIRef(mgo + "MentoringModelType")))
    broken = Graph()
    for t in asserted:
        broken.add(t)
    broken.add((model_type, RDF.type, URIRef(mgo + "Organization")))  # the two classes are disjoint
    assert not hermit(broken).consistent
