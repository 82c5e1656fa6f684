"""The DCAT 3 / VoID dataset description: counts from an independent parse, sizes and checksums from
the files, media types from the IANA registry, the article as source, CC BY 4.0, every canned
question as an example query, and no endpoint or download URL unless one is given."""

from __future__ import annotations

import hashlib
import tomllib

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, VOID
from rdflib.plugins.sparql import prepareQuery

from mentorgraph.release.dataset import DATASET_IRI, describe, render
from conftest import ROOT

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DS = URIRef(DATASET_IRI)
ENDPOINT = "http://127.0.0.1:8000/sparql"
# IANA media type registrations of the export formats.
IANA = {
    "mentorgraph.ttl": "text/turtle",
    "mentorgraph.nt": "application/n-triples",
    "mentorgraph.nq": "application/n-quads",
    "mentorgraph.trig": "application/trig",
    "mentorgraph.jsonld": "application/ld+json",
    "context.jsonld": "application/ld+json",
    "ontology.ttl": "text/turtle",
}


@pytest.fixture(scope="module")
def described(built) -> Graph:
    return describe(built, ROOT, endpoint=ENDPOINT, base_url="http://127.0.0.1:8000/files/")


@pytest.fixture(scope="module")
def plain(built) -> Graph:
    return describe(built, ROOT)


def distributions(g: Graph) -> dict[str, URIRef]:
    return {
        str(g.value(d, DCTERMS.title)): d
        for d in g.objects(DS, DCAT.distribution)
        if g.value(d, DCTERMS.title) is not None
    }


def test_dataset_is_typed_titled_and_versioned(described):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert (DS, RDF.type, DCAT.Dataset) in described and (DS, RDF.type, VOID.Dataset) in described
    assert described.value(DS, DCTERMS.title) is not None
    assert described.value(DS, DCTERMS.description) is not None
    assert described.value(DS, DCAT.version) == Literal(version)


def test_source_licence_and_creators(described):
    assert described.value(DS, DCTERMS.source) == URIRef("https://doi.org/10.1136/jim-2020-001391")
    assert described.value(DS, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    names = {str(described.value(c, FOAF.name)) for c in described.objects(DS, DCTERMS.creator)}
    assert names == {"The mentorgraph contributors"}


def test_triple_counts_per_named_graph_match_an_independent_parse(built, described):
    ds = Dataset()
    ds.parse(built / "mentorgraph.nq", format="nquads")
    subsets = set(described.objects(DS, VOID.subset))
    assert subsets == {
        URIRef(f"https://w3id.org/mentorgraph/graph/{n}")
        for n in ("ontology", "article", "curation", "evidence", "inferred", "alignments")
    }
    for graph in subsets:
        assert described.value(graph, VOID.triples).toPython() == len(ds.graph(graph)), graph
    data = {t for g in subsets if not str(g).endswith(("/ontology", "/alignments")) for t in ds.graph(g)}
    assert described.value(DS, VOID.triples).toPython() == len(data)


def test_distributions_have_media_type_size_and_checksum_of_the_file(built, described):
    found = distributions(described)
    assert set(IANA) <= set(found)
    for name, dist in found.items():
        data = (built / name).read_bytes()
        assert described.value(dist, DCAT.byteSize).toPython() == len(data), name
        checksum = described.value(dist, SPDX.checksum)
        assert str(described.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest(), name
        if name in IANA:
            assert described.value(dist, DCAT.mediaType) == URIRef(
                f"https://www.iana.org/assignments/media-types/{IANA[name]}"
            ), name
        assert described.value(dist, DCAT.downloadURL) == URIRef(f"http://127.0.0.1:8000/files/{name}")


def test_every_canned_question_is_an_example_query(described):
    names = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    examples = set(described.subjects(RDF.type, SH.SPARQLExecutable))
    assert {str(described.value(e, RDFS.label)) for e in examples} == names
    for e in examples:
        text = described.value(e, SH.select) or described.value(e, SH.ask) or described.value(e, SH.construct)
        prepareQuery(str(text))  # parses as SPARQL 1.1
        assert described.value(e, URIRef("https://schema.org/target")) == URIRef(ENDPOINT)


def test_endpoint_is_described_only_when_given(described, plain):
    assert described.value(DS, VOID.sparqlEndpoint) == URIRef(ENDPOINT)
    services = list(described.subjects(RDF.type, DCAT.DataService))
    assert [described.value(s, DCAT.endpointURL) for s in services] == [URIRef(ENDPOINT)]
    assert plain.value(DS, VOID.sparqlEndpoint) is None
    assert not list(plain.subjects(RDF.type, DCAT.DataService))
    assert not list(plain.objects(None, DCAT.downloadURL))


def test_description_has_no_blank_nodes_and_round_trips(plain):
    assert not any(isinstance(x, BNode) for t in plain for x in t)
    again = Graph().parse(data=render(plain), format="turtle")
    assert len(again) == len(plain)
