"""The ontology: documented terms, a versioned header, the closed namespace, and consistency."""

from __future__ import annotations

import tomllib

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from mentorgraph import iris
from mentorgraph.namespaces import MG, MGO, ONTOLOGY_IRI, ONTOLOGY_TERMS
from mentorgraph.pipeline.reason import InconsistencyError, reason
from mentorgraph.pipeline.load import load_sources
from conftest import ROOT


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ROOT / "ontology" / "mentorgraph.ttl")


def defined_terms(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(iris.MGO)}


def test_closed_namespace_matches_the_ontology(onto):
    """namespaces.ONTOLOGY_TERMS must list exactly the terms the ontology defines."""
    assert {str(t)[len(iris.MGO) :] for t in defined_terms(onto)} == set(ONTOLOGY_TERMS)


def test_closed_namespace_rejects_typos():
    with pytest.raises(AttributeError):
        MGO.targetPopulaton  # noqa: B018 - the attribute access is what raises


def test_every_term_is_documented(onto):
    """Every class and property has rdfs:label, skos:definition and rdfs:isDefinedBy."""
    missing = []
    for term in sorted(defined_terms(onto)):
        for prop in (RDFS.label, SKOS.definition, RDFS.isDefinedBy):
            if onto.value(term, prop) is None:
                missing.append(f"{term} lacks {prop}")
    assert not missing, "\n".join(missing)


def test_terms_follow_naming_conventions(onto):
    """Classes PascalCase, properties camelCase."""
    for term in defined_terms(onto):
        local = str(term)[len(iris.MGO) :]
        if (term, RDF.type, OWL.Class) in onto:
            assert local[0].isupper(), local
        else:
            assert local[0].islower(), local


def test_header(onto):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal(version)
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{iris.ONTOLOGY}/{version}")
    assert onto.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert onto.value(ONTOLOGY_IRI, DCTERMS.source) == URIRef("https://doi.org/10.1136/jim-2020-001391")
    assert onto.value(ONTOLOGY_IRI, DCTERMS.creator) is not None


def test_package_version_matches_pyproject():
    import mentorgraph

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert mentorgraph.__version__ == version


def test_no_owl_same_as_in_ontology(onto):
    assert not list(onto.triples((None, OWL.sameAs, None)))


def test_ontology_and_data_are_consistent():
    s = load_sources(ROOT)
    reason(s.graph("ontology"), s.graph("article"), s.graph("curation"))  # raises if inconsistent


@pytest.mark.parametrize("cls", sorted(t for t in ONTOLOGY_TERMS if t[0].isupper()))
def test_every_class_is_satisfiable(onto, cls):
    """An individual of each class alone is consistent under OWL RL (no unsatisfiable classes)."""
    g = Graph()
    g.add((MG["probe"], RDF.type, MGO[cls]))
    reason(onto, g)


def test_disjointness_is_enforced(onto):
    """A thing typed both initiative and organization is an inconsistency the build must catch."""
    g = Graph()
    g.add((MG["probe"], RDF.type, MGO.Initiative))
    g.add((MG["probe"], RDF.type, MGO.Organization))
    with pytest.raises(InconsistencyError):
        reason(onto, g)


def test_mapping_predicates_are_not_owl_equality(onto):
    """Alignments use subClassOf/subPropertyOf, never equivalence with outside vocabularies."""
    for _s, _p, o in onto.triples((None, OWL.equivalentClass, None)):
        assert str(o).startswith(iris.MGO) or isinstance(o, BNode)
