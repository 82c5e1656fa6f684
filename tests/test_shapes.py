"""SHACL shapes: each one, fed a copy of the data broken in one way, fires alone with its message."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from mentorgraph.pipeline.build import asserted_graph
from mentorgraph.namespaces import MG, MGO
from mentorgraph.pipeline.load import load_sources, statement_iri
from mentorgraph.pipeline.validate import load_shapes, validate
from conftest import ROOT

SHAPES = "https://w3id.org/mentorgraph/shapes#"


@pytest.fixture(scope="module")
def base() -> Graph:
    return asserted_graph(load_sources(ROOT))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT)


def statement_of(g: Graph, s, p, o) -> URIRef:
    st = statement_iri(s, p, o)
    assert (st, RDF.type, RDF.Statement) in g, f"no evidence statement for {s} {p} {o}"
    return st


def with_evidence(g: Graph, s, p, o) -> None:
    """Add (s, p, o) with valid curator evidence, so only the constraint under test can fire."""
    g.add((s, p, o))
    st = statement_iri(s, p, o)
    for t in (
        (st, RDF.type, RDF.Statement),
        (st, RDF.subject, s),
        (st, RDF.predicate, p),
        (st, RDF.object, o),
        (st, MGO.evidenceKind, MG["curator"]),
        (st, MGO.curationNote, Literal("test")),
    ):
        g.add(t)


def set_position(g: Graph, node, pos: int) -> None:
    g.remove((node, MGO.tablePosition, None))
    g.add((node, MGO.tablePosition, Literal(pos)))


def quote_of(g: Graph, s, p, o, new: str) -> None:
    st = statement_of(g, s, p, o)
    g.remove((st, MGO.evidenceQuote, None))
    g.add((st, MGO.evidenceQuote, Literal(new)))


def source_of(g: Graph, s, p, o) -> None:
    """Replace the statement's cited IRI by the kind of string data/ once held (a repository path)."""
    st = statement_of(g, s, p, o)
    g.remove((st, DCTERMS.source, None))
    g.add((st, DCTERMS.source, Literal("github:ror-community/ror-records@d93fc66:v1.51/03wmf1y16.json")))


BREAKS: dict[str, tuple[Callable[[Graph], None], str]] = {
    "InitiativeShape": (
        lambda g: g.add((MG["swims"], MGO.modelType, MG["social-media"])),
        "exactly one mentoring model type",
    ),
    "MentoringModelTypeShape": (
        lambda g: set_position(g, MG["social-free"], 1),
        "Two strengths or two weaknesses of this type share table position",
    ),
    "AttributeShape": (
        lambda g: g.add((MG["social-free"], RDFS.label, Literal("Gratis"))),
        "exactly one label, verbatim from Table 1",
    ),
    "StrengthShape": (
        lambda g: g.remove((MG["social-free"], SKOS.inScheme, MG["strengths"])),
        "belongs to the strengths concept scheme",
    ),
    "WeaknessShape": (
        lambda g: g.add((MG["grant-based"], MGO.hasWeakness, MG["social-potential-negative-comments"])),
        "A weakness bullet belongs to exactly one type",
    ),
    "TableEntryShape": (
        lambda g: g.remove((MG["kevinmd"], MGO.tablePosition, None)),
        "exactly one position within its parent",
    ),
    "TableParentShape": (
        lambda g: set_position(g, MG["reddit"], 1),
        "Two entries nested under this parent share table position",
    ),
    "TableShape": (
        lambda g: set_position(g, MG["grant-based"], 1),
        "Two rows (mentoring model types) of this table share position",
    ),
    "OrganizationShape": (
        lambda g: g.add((MG["aamc"], RDFS.label, Literal("AAMC"))),
        "exactly one label, its canonical name",
    ),
    "PopulationShape": (
        lambda g: with_evidence(g, MG["mothers"], MGO.broaderPopulation, MG["social-media"]),
        "A broader population is a population",
    ),
    "ThemeShape": (
        lambda g: g.add((MG["grant-based"], MGO.theme, next(g.subjects(RDF.type, MGO.Theme)))),
        "groups at least one strength or weakness of Table 1, and only those",
    ),
    "PlatformShape": (lambda g: with_evidence(g, MG["reddit"], MGO.operatedBy, MG["aamc"]), "operated by a company"),
    "StatementShape": (
        lambda g: g.remove((statement_of(g, MG["swims"], MGO.targetPopulation, MG["women"]), MGO.evidenceKind, None)),
        "exactly one evidence kind",
    ),
    "EntryNameEvidenceShape": (
        lambda g: quote_of(g, MG["swims"], MGO.targetPopulation, MG["women"], "Men"),
        "quotes words of the entry's own name",
    ),
    "TableParentEvidenceShape": (
        lambda g: quote_of(
            g, MG["acg-young-physician-leadership-scholars"], MGO.targetPopulation, MG["gastroenterology"], "Neurology"
        ),
        "quotes words of the bullet the entry is nested under",
    ),
    "TableRowEvidenceShape": (
        lambda g: quote_of(g, MG["aga-trainee-programs"], MGO.targetPopulation, MG["trainees"], "residents"),
        "quotes words of the name of the type",
    ),
    "SourcedEvidenceShape": (
        lambda g: g.remove(
            (
                statement_of(g, MG["swims"], MGO.affiliatedWith, MG["university-of-colorado-anschutz-medical-campus"]),
                DCTERMS.source,
                None,
            )
        ),
        "names its source",
    ),
    "CuratorEvidenceShape": (
        # (ELAM's host, the old case here, is now cited to Drexel's own page; issue 13.)
        lambda g: g.remove(
            (statement_of(g, MG["mothers"], MGO.broaderPopulation, MG["women"]), MGO.curationNote, None)
        ),
        "says why in a note",
    ),
    "InitiativeModelTypeShape": (
        lambda g: g.remove((MG["swims"], MGO.modelType, None)),
        "only a platform named as the host of a group may have none",
    ),
    "EvidenceSourceShape": (
        lambda g: source_of(g, MG["swims"], MGO.affiliatedWith, MG["university-of-colorado-anschutz-medical-campus"]),
        "A cited source is an http(s) IRI someone can follow",
    ),
    "AcronymEvidenceShape": (
        lambda g: quote_of(g, MG["elam"], MGO.acronym, Literal("ELAM"), "Executive Leadership"),
        "quotes words that contain the acronym",
    ),
    "EntryClassEvidenceShape": (
        lambda g: g.remove((statement_of(g, MG["swims"], RDF.type, MGO.PeerGroup), None, None)),
        "The class of a table entry is curation and carries evidence",
    ),
    "CuratedStatementShape": (lambda g: g.add((MG["swims"], MGO.targetPopulation, MG["fellows"])), "carries evidence"),
}


def test_every_shape_has_a_breaking_case(shapes):
    node_shape = URIRef("http://www.w3.org/ns/shacl#NodeShape")
    declared = {str(s)[len(SHAPES) :] for s in shapes.subjects(RDF.type, node_shape)}
    assert declared == set(BREAKS)


def test_every_constraint_has_a_message(shapes):
    sh = "http://www.w3.org/ns/shacl#"
    constraints = [*shapes.objects(None, URIRef(sh + "property")), *shapes.objects(None, URIRef(sh + "sparql"))]
    missing = [c for c in constraints if shapes.value(c, URIRef(sh + "message")) is None]
    assert constraints and not missing


def test_shapes_graph_is_valid_shacl(base, shapes):
    """pyshacl's meta-SHACL check validates the shapes graph against the SHACL-for-SHACL shapes."""
    conforms, _, text = shacl_validate(base, shacl_graph=shapes, advanced=True, meta_shacl=True)
    assert conforms, text


def test_the_curated_data_conforms(base, shapes):
    report = validate(base, shapes)
    assert report.conforms, report.text()


@pytest.mark.parametrize("shape", sorted(BREAKS))
def test_shape_fires_alone_with_its_message(base, shapes, shape):
    g = Graph()
    for t in base:
        g.add(t)
    breaker, message = BREAKS[shape]
    breaker(g)
    report = validate(g, shapes)
    fired = {v.shape.split(":")[-1].split("#")[-1] for v in report.violations}
    assert fired == {shape}, report.text()
    assert all(message in v.message for v in report.violations), report.text()
