"""ontology/alignments.sssom.tsv: every mapped term exists, with the cited label, in the file it cites;
the mappings are SKOS matches with a justification, loaded into their own graph, and OWL RL infers
nothing from them."""

from __future__ import annotations

import csv
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conftest import FIXTURES, ROOT
from mentorgraph import iris
from mentorgraph.interop.alignments import SSSOM, read_alignments
from mentorgraph.namespaces import GRAPH, MG
from mentorgraph.pipeline.load import load_sources
from mentorgraph.pipeline.reason import reason
from mentorgraph.problems import InputError

EXTRACTS = FIXTURES / "alignments"
VIVO = "http://vivoweb.org/ontology/core#"
FRAPO = "http://purl.org/cerif/frapo/"


def sources() -> dict[str, dict]:
    """tests/fixtures/alignments/sources.tsv, by ontology IRI (the SSSOM object_source)."""
    with (EXTRACTS / "sources.tsv").open(encoding="utf-8") as fh:
        return {row["ontology"]: row for row in csv.DictReader(fh, delimiter="\t")}


def extract(name: str) -> Graph:
    return Graph().parse(EXTRACTS / name, format="turtle")


MAPPINGS = read_alignments(ROOT)


@pytest.fixture(scope="module")
def loaded():
    return load_sources(ROOT)


def test_there_are_alignments_to_vivo_and_frapo():
    objects = {m.object for m in MAPPINGS.rows}
    assert any(o.startswith(VIVO) for o in objects) and any(o.startswith(FRAPO) for o in objects)


@pytest.mark.parametrize("m", MAPPINGS.rows, ids=[f"{m.subject_label}->{m.object_label}" for m in MAPPINGS.rows])
def test_every_mapped_iri_is_declared_with_its_label_in_the_file_it_cites(m):
    """Rule: the object is declared (rdf:type) in the extract of the ontology file the row cites, with
    the row's object_label as its rdfs:label; see_also is that file at the commit it was read from."""
    src = sources().get(m.object_source)
    assert src, f"line {m.line}: no extract of {m.object_source} in tests/fixtures/alignments/sources.tsv"
    assert m.see_also == f"https://github.com/{src['repository']}/blob/{src['commit']}/{src['path']}", m.line
    g = extract(src["extract"])
    obj = URIRef(m.object)
    assert (obj, RDF.type, None) in g, f"line {m.line}: {m.object} is not declared in {src['extract']}"
    labels = {str(label) for label in g.objects(obj, RDFS.label)}
    assert m.object_label in labels, f"line {m.line}: {m.object} is labelled {labels}, not {m.object_label!r}"


@pytest.mark.parametrize("name", ["vivo-extract.ttl", "frapo-extract.ttl", "scoro-extract.ttl", "cro-extract.ttl"])
def test_each_extract_names_the_repository_file_and_commit_it_comes_from(name):
    row = next(r for r in sources().values() if r["extract"] == name)
    header = "".join(line for line in (EXTRACTS / name).read_text(encoding="utf-8").splitlines(True) if line[:1] == "#")
    for value in (row["repository"], row["path"], row["commit"]):
        assert value in header, f"{name}: its header does not name {value}"


def test_the_vivo_licence_travels_with_its_extract():
    text = (EXTRACTS / "LICENSE-VIVO.txt").read_text(encoding="utf-8")
    assert (
        text.startswith("Copyright (c) 2026, Lyrasis") and "Redistribution and use in source and binary forms" in text
    )
    assert "LICENSE-VIVO.txt" in (EXTRACTS / "vivo-extract.ttl").read_text(encoding="utf-8").split("@prefix")[0]


def test_every_subject_label_is_mentorgraph_s_own(loaded):
    """Rule: subject_label is the label the subject has in the ontology or the data."""
    graphs = [loaded.graph(n) for n in ("ontology", "article", "curation")]
    for m in MAPPINGS.rows:
        labels = {str(x) for g in graphs for x in g.objects(URIRef(m.subject), RDFS.label)}
        assert m.subject_label in labels, f"line {m.line}: {m.subject} is labelled {labels}"


def test_every_row_is_a_close_broad_or_narrow_match_manually_curated_with_a_reason():
    allowed = {str(SKOS.closeMatch), str(SKOS.broadMatch), str(SKOS.narrowMatch)}
    for m in MAPPINGS.rows:
        assert m.predicate in allowed, m.line
        assert m.justification == "https://w3id.org/semapv/vocab/ManualMappingCuration", m.line
        assert len(m.comment.split()) >= 5, f"line {m.line}: the comment must say why"


def test_the_corrections_the_research_found():
    """The Doris Duke award is a funding programme, not a stipend (frapo:Fellowship); VIVO has no
    vivo:FacultyMentorRole, so nothing maps to it."""
    objects = {(m.subject, m.object) for m in MAPPINGS.rows}
    assert all(o != FRAPO + "Fellowship" for _, o in objects)
    assert all(o != VIVO + "FacultyMentorRole" for _, o in objects)
    assert (iris.MGO + "GrantProgram", FRAPO + "FundingProgramme") in objects
    fellowship = extract("frapo-extract.ttl").value(URIRef(FRAPO + "Fellowship"), RDFS.comment)
    assert "stipend" in str(fellowship).lower()  # why it does not fit an award of grants


def test_a_related_match_is_refused_with_its_line(project):
    path = project / "ontology" / "alignments.sssom.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("mgo:Program\t"))
    lines[row] = lines[row].replace("skos:closeMatch", "skos:relatedMatch")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_alignments(project)
    (problem,) = exc.value.problems
    assert problem.line == row + 1 and "close, broad and narrow" in problem.message


def test_a_curie_outside_the_curie_map_is_refused(project):
    path = project / "ontology" / "alignments.sssom.tsv"
    path.write_text(path.read_text(encoding="utf-8").replace("\tvivo:Program\t", "\tvivoo:Program\t"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_alignments(project)
    assert "not a CURIE of the curie_map" in exc.value.problems[0].message


def test_the_alignments_are_their_own_graph_with_their_sssom_records(loaded):
    g = loaded.graph("alignments")
    assert (URIRef(iris.MGO + "Program"), SKOS.closeMatch, URIRef(VIVO + "Program")) in g
    assert (MG["faculty"], SKOS.broadMatch, URIRef(VIVO + "FacultyMember")) in g
    axioms = set(g.subjects(RDF.type, OWL.Axiom))
    assert len(axioms) == len(MAPPINGS.rows)
    for axiom in axioms:
        assert (axiom, SSSOM.mapping_justification, None) in g and (axiom, RDFS.comment, None) in g
        s, p, o = (g.value(axiom, x) for x in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))
        assert (s, p, o) in g
    # Mappings are not curation: the curation and evidence graphs do not hold them.
    assert not list(loaded.graph("curation").triples((URIRef(iris.MGO + "Program"), SKOS.closeMatch, None)))


def test_the_alignments_leave_the_owl_rl_inferences_unchanged(loaded):
    """Reasoning over the alignments too infers exactly what the build infers without them."""
    parts = [loaded.graph(n) for n in ("ontology", "article", "curation")]
    without = set(reason(*parts).inferred)
    with_alignments = set(reason(*parts, loaded.graph("alignments")).inferred)
    assert with_alignments == without


def test_as_subclass_axioms_the_same_rows_would_change_the_inferences(loaded):
    """The control for the test above: subclass/subproperty axioms would make OWL RL infer VIVO types."""
    parts = [loaded.graph(n) for n in ("ontology", "article", "curation")]
    axioms = Graph()
    for m in MAPPINGS.rows:
        if m.predicate == str(SKOS.closeMatch) and m.subject.startswith(iris.MGO):
            rel = RDFS.subClassOf if m.subject[len(iris.MGO)].isupper() else RDFS.subPropertyOf
            axioms.add((URIRef(m.subject), rel, URIRef(m.object)))
    grown = set(reason(*parts, axioms).inferred) - set(reason(*parts).inferred)
    assert (MG["elam"], RDF.type, URIRef(VIVO + "Program")) in grown


def test_the_build_holds_the_alignments_and_infers_nothing_about_their_terms(mg):
    ask = f"ASK {{ GRAPH mgg:alignments {{ mgo:GrantProgram skos:closeMatch <{FRAPO}FundingProgramme> }} }}"
    assert mg.sparql(ask).boolean
    rows = mg.sparql(
        "SELECT ?s ?p ?o WHERE { GRAPH mgg:inferred { ?s ?p ?o } "
        "FILTER (CONTAINS(STR(?o), 'vivoweb.org') || CONTAINS(STR(?o), 'cerif/frapo')) }"
    ).rows
    assert rows == []


# -- candidates considered and not mapped (docs/alignments.md) -------------------------------------------
CANDIDATE = re.compile(r"^\| `(?P<curie>[a-z]+:[A-Za-z0-9_-]+)` \| (?P<label>[^|]+?) \| (?P<kind>[^|]+?) \|", re.M)
PREFIXES = {"scoro": "http://purl.org/spar/scoro/", "obo": "http://purl.obolibrary.org/obo/", "vivo": VIVO}
KINDS = {"class": OWL.Class, "individual": OWL.NamedIndividual}


def candidates() -> list[dict]:
    text = (ROOT / "docs" / "alignments.md").read_text(encoding="utf-8")
    section = text.split("## Considered and not mapped", 1)[1].split("\n## ", 1)[0]
    return [m.groupdict() for m in CANDIDATE.finditer(section)]


def test_the_rejected_candidates_are_what_the_docs_say(loaded):
    """Rule: each candidate docs/alignments.md lists as not mapped exists in its extract with the label
    and kind the docs give, and the mapping file indeed leaves it out."""
    found = candidates()
    assert {c["curie"].split(":")[0] for c in found} >= {"scoro", "obo"}  # SCoRO and CRO were considered
    graphs = {p: extract(f) for p, f in (("scoro", "scoro-extract.ttl"), ("obo", "cro-extract.ttl"))}
    graphs["vivo"] = extract("vivo-extract.ttl")
    mapped = {m.object for m in MAPPINGS.rows}
    for c in found:
        prefix, local = c["curie"].split(":")
        iri = URIRef(PREFIXES[prefix] + local)
        assert str(iri) not in mapped, c
        assert Literal(c["label"], lang="en") in set(graphs[prefix].objects(iri, RDFS.label)) or c["label"] in {
            str(x) for x in graphs[prefix].objects(iri, RDFS.label)
        }, c
        assert (iri, RDF.type, KINDS[c["kind"]]) in graphs[prefix], c


def test_graph_names_include_alignments():
    assert GRAPH.alignments == URIRef(iris.GRAPH + "alignments")
