"""OWL RL at work: the inferences the ontology promises, and none of owlrl's noise."""

from __future__ import annotations


import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from mentorgraph import iris
from mentorgraph.namespaces import MG, MGO, SCHEMA
from mentorgraph.pipeline.reason import reason
from mentorgraph.pipeline.load import load_sources
from conftest import ROOT


@pytest.fixture(scope="module")
def inferred():
    s = load_sources(ROOT)
    return reason(s.graph("ontology"), s.graph("article"), s.graph("curation")).inferred


@pytest.mark.parametrize(
    "triple",
    [
        # a sub-program of an umbrella inherits the umbrella's sponsor (property chain partOf o sponsor)
        (MG["aamc-mid-career-women-faculty-leadership-development-seminar"], MGO.sponsor, MG["aamc"]),
        (MG["carma"], MGO.sponsor, MG["american-college-of-rheumatology"]),
        # groups in a hosted collection are hosted on the same platform (partOf o hostedOn)
        (MG["physician-moms-group"], MGO.hostedOn, MG["facebook"]),
        # a group in a delivered collection is delivered as the collection is (partOf o deliveryMode, issue 13)
        (MG["physician-moms-group"], MGO.deliveryMode, MG["online"]),
        # a grant under a funding mechanism is funded by the mechanism's funder (fundingMechanism o mechanismOf)
        (MG["kl2-and-k12-training-grants"], MGO.fundedBy, MG["national-institutes-of-health"]),
        # populations roll up their hierarchy (servesPopulation o broaderPopulation)
        (MG["academic-research-moms"], MGO.servesPopulation, MG["women"]),
        (MG["academic-research-moms"], MGO.servesPopulation, MG["underrepresented-in-academic-medicine"]),
        (MG["mothers"], MGO.broaderPopulation, MG["underrepresented-in-academic-medicine"]),
        # inverses are filled in
        (MG["aamc"], MGO.offers, MG["aamc-leadership-programs"]),
        (MG["facebook"], MGO.hosts, MG["closed-facebook-groups"]),
        (MG["social-media"], MGO.hasExample, MG["reddit"]),
        (MG["social-free"], MGO.strengthOf, MG["social-media"]),
        # class alignment makes the graph readable as schema.org
        (MG["aamc-minority-faculty-leadership-development-seminar"], RDF.type, SCHEMA.EducationalOccupationalProgram),
        (MG["endocrine-society"], RDF.type, SCHEMA.Organization),
        # acronyms are alternative labels
        (MG["elam"], URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("ELAM")),
    ],
)
def test_expected_inference(inferred, triple):
    assert triple in inferred


def test_no_noise_is_kept(inferred):
    assert not list(inferred.triples((None, OWL.sameAs, None)))
    assert not list(inferred.triples((None, RDF.type, OWL.Thing)))
    assert not list(inferred.triples((None, RDF.type, RDFS.Resource)))
    assert all(str(s).startswith(iris.MG) for s in inferred.subjects())


def test_no_inherited_sponsor_for_delivery_mode_children(inferred):
    """Entries nested under "In-person" are delivered in person; they are not parts of a mode."""
    assert (MG["eff-research-forum"], MGO.sponsor, MG["in-person"]) not in inferred
