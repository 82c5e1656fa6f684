"""`mentorgraph export vivo`: the VIVO profile validates against its shapes, parses in pyoxigraph, uses only
terms VIVO 1.16 declares, and says what Table 1 and the curated data say."""

from __future__ import annotations

import re
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, RDF, RDFS

from conftest import FIXTURES, ROOT
from mentorgraph.cli import main
from mentorgraph.interop.vivo import PROFILE_QUERY, PROFILE_SHAPES, render_vivo, validate_vivo
from mentorgraph.namespaces import MG

VIVO = Namespace("http://vivoweb.org/ontology/core#")
OBO = Namespace("http://purl.obolibrary.org/obo/")


@pytest.fixture(scope="module")
def exported(built) -> bytes:
    return render_vivo((built / "mentorgraph.nq").read_bytes(), ROOT)


@pytest.fixture(scope="module")
def g(exported) -> Graph:
    return Graph().parse(data=exported, format="turtle")


def test_the_export_parses_in_pyoxigraph_and_conforms_to_its_shapes(exported, g):
    triples = list(ox.parse(exported, format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(g) > 100
    conforms, text = validate_vivo(g, ROOT)
    assert conforms, text


def test_every_profile_term_is_declared_in_vivo_1_16():
    """Rule: every VIVO, BFO and FOAF class or property the profile writes or its shapes check is declared
    in vivo.owl (the extract in tests/fixtures/alignments)."""
    declared = {str(s) for s in Graph().parse(FIXTURES / "alignments" / "vivo-extract.ttl").subjects(RDF.type, None)}
    text = (ROOT / PROFILE_QUERY).read_text(encoding="utf-8") + (ROOT / PROFILE_SHAPES).read_text(encoding="utf-8")
    used = {("http://vivoweb.org/ontology/core#" + t) for t in re.findall(r"\bvivo:([A-Za-z]+)", text)}
    used |= {("http://purl.obolibrary.org/obo/" + t) for t in re.findall(r"\bobo:([A-Z]+_\d+)", text)}
    used |= {"http://xmlns.com/foaf/0.1/Organization"}
    assert used - declared == set()


def test_it_is_deterministic(built, exported):
    nq = str(built / "mentorgraph.nq")
    code = (
        "import sys; from pathlib import Path; from mentorgraph.interop.vivo import render_vivo; "
        f"sys.stdout.buffer.write(render_vivo(Path({nq!r}).read_bytes(), Path({str(ROOT)!r})))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout == exported


def test_table_1_s_programs_are_vivo_programs_part_of_their_sponsor(g, table1):
    """ELAM is offered by Drexel (curated); the AAMC's seminars are parts of the
    AAMC's umbrella, which is part of the AAMC (Table 1 nests them under it)."""
    assert (MG["elam"], RDF.type, VIVO.Program) in g and (MG["elam"], RDF.type, FOAF.Organization) in g
    assert (MG["elam"], OBO.BFO_0000050, MG["drexel-university"]) in g
    assert (MG["drexel-university"], OBO.BFO_0000051, MG["elam"]) in g
    aamc = next(
        children for label, children in table1[0]["examples"] if label == "Association of American Medical Colleges"
    )
    parts = {str(g.value(s, RDFS.label)) for s in g.subjects(OBO.BFO_0000050, MG["aamc-leadership-programs"])}
    assert parts == set(aamc)
    assert (MG["aamc-leadership-programs"], OBO.BFO_0000050, MG["aamc"]) in g


def test_grants_are_assigned_by_their_funders(g, table1):
    grants = {str(g.value(s, RDFS.label)) for s in g.subjects(RDF.type, VIVO.Grant)}
    assert grants == {label for label, _ in table1[3]["examples"]}  # row 4, "Grant based"
    assert (MG["niddk-k-trainee-program"], VIVO.assignedBy, MG["niddk"]) in g
    assert (MG["national-institutes-of-health"], VIVO.assigns, MG["kl2-and-k12-training-grants"]) in g
    assert (MG["national-institutes-of-health"], VIVO.providesFundingThrough, MG["niddk"]) in g
    assert (MG["niddk"], OBO.BFO_0000050, MG["national-institutes-of-health"]) in g
    assert (MG["doris-duke-charitable-foundation"], RDF.type, VIVO.FundingOrganization) in g


def test_organizations_carry_abbreviation_and_ror_id(g):
    assert g.value(MG["drexel-university"], VIVO.rorId) == Literal("https://ror.org/04bdffz58")
    assert g.value(MG["american-college-of-rheumatology"], VIVO.abbreviation) == Literal("ACR")
    assert (MG["american-college-of-rheumatology"], RDF.type, VIVO.Association) in g
    assert (MG["drexel-university"], RDF.type, VIVO.University) not in g  # mgo's class is broader


def test_nothing_outside_the_profile(g):
    allowed = {RDF.type, RDFS.label, VIVO.abbreviation, VIVO.rorId, OBO.BFO_0000050, OBO.BFO_0000051}
    allowed |= {VIVO.assignedBy, VIVO.assigns, VIVO.providesFundingThrough, VIVO.distributesFundingFrom}
    allowed |= {VIVO.affiliatedOrganization}
    assert set(g.predicates()) <= allowed
    assert all(isinstance(s, URIRef) and str(s).startswith(str(MG)) for s in g.subjects())


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda g: g.add((MG["elam"], VIVO.abbreviation, Literal("EL"))), "FunctionalProperty"),
        (lambda g: g.add((MG["elam"], VIVO.overview, Literal("x"))), "closed"),
        (lambda g: g.remove((MG["niddk-k-trainee-program"], VIVO.assignedBy, None)), "assigned by"),
        (lambda g: g.set((MG["drexel-university"], VIVO.rorId, Literal("04bdffz58"))), "full URL"),
        (lambda g: g.remove((MG["elam"], OBO.BFO_0000050, None)), "Every program is part of"),
    ],
    ids=["two-abbreviations", "unknown-property", "grant-without-funder", "bare-ror-id", "orphan-program"],
)
def test_the_shapes_catch_what_the_profile_forbids(g, change, message):
    bad = Graph()
    for t in g:
        bad.add(t)
    change(bad)
    conforms, text = validate_vivo(bad, ROOT)
    assert not conforms
    assert message in text or "Closed" in text


def test_the_cli_writes_the_file_or_standard_output(built, tmp_path, capsysbinary, exported):
    out = tmp_path / "vivo.ttl"
    assert main(["export", "vivo", "--build", str(built), "--out", str(out), "-q"]) == 0
    assert out.read_bytes() == exported
    assert main(["export", "vivo", "--build", str(built)]) == 0
    assert capsysbinary.readouterr().out == exported


def test_no_build_is_exit_3(tmp_path, capsys):
    assert main(["export", "vivo", "--build", str(tmp_path / "none")]) == 3
    assert "mentorgraph build" in capsys.readouterr().err
