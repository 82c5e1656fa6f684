"""The NIH activity codes (data/nih-activity-codes.yaml): NIH's own words, cited, linked from the grant entries."""

from __future__ import annotations

import re

import pytest
import yaml
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from conftest import ROOT
from mentorgraph.namespaces import MG, MGO
from mentorgraph.pipeline.load import load_sources
from mentorgraph.problems import InputError

DOC = yaml.safe_load((ROOT / "data" / "nih-activity-codes.yaml").read_text(encoding="utf-8"))
CODES = DOC["codes"]


@pytest.fixture(scope="module")
def loaded():
    return load_sources(ROOT)


def evidence_of(loaded, s, p, o) -> dict:
    ev = loaded.graph("evidence")
    (st,) = set(ev.subjects(RDF.subject, s)) & set(ev.subjects(RDF.predicate, p)) & set(ev.subjects(RDF.object, o))
    return {
        "kind": ev.value(st, MGO.evidenceKind),
        "quote": ev.value(st, MGO.evidenceQuote),
        "source": ev.value(st, DCTERMS.source),
    }


def test_the_codes_are_those_of_table_1_and_of_niddk_s_k_award_page(loaded):
    """KL2 and K12 are named by Table 1's entry; the NIDDK K program's codes are the ones NIDDK's page
    names in the sentence cited as evidence (expected from that quote, not from the program)."""
    c = loaded.graph("curation")
    program = MG["niddk-k-trainee-program"]
    mechanisms = set(c.objects(program, MGO.fundingMechanism))
    quotes = {str(evidence_of(loaded, program, MGO.fundingMechanism, m)["quote"]) for m in mechanisms}
    (quote,) = quotes
    named = set(re.findall(r"\bK\d\d\b", quote))  # K01, K08, K23, K25 and the K99 of K99/R00
    assert {str(c.value(m, SKOS.notation)) for m in mechanisms} == named == {"K01", "K08", "K23", "K25", "K99"}
    assert {r["notation"] for r in CODES} == named | {"KL2", "K12"}


def test_every_code_is_a_concept_of_the_nih_scheme_with_notation_and_label(loaded):
    c = loaded.graph("curation")
    scheme = MG["nih-activity-codes"]
    assert (scheme, RDF.type, SKOS.ConceptScheme) in c
    assert (scheme, DCTERMS.publisher, MG["national-institutes-of-health"]) in c
    for rec in CODES:
        node = MG[rec["id"]]
        assert (node, SKOS.inScheme, scheme) in c and (node, RDF.type, SKOS.Concept) in c, rec["id"]
        assert (node, RDF.type, MGO.FundingMechanism) in c, rec["id"]
        assert c.value(node, SKOS.notation) == Literal(rec["notation"])
        assert c.value(node, SKOS.prefLabel) == Literal(rec["label"]["text"])


@pytest.mark.parametrize("rec", CODES, ids=[r["notation"] for r in CODES])
def test_every_text_is_nih_s_wording_quoted_from_the_page_it_cites(loaded, rec):
    """Rule: label, alternative labels, definition and scope note each occur verbatim in the quote of
    their NIH page (an http(s) address), and that quote and page are the triple's evidence."""
    node = MG[rec["id"]]
    texts = [(SKOS.prefLabel, rec["label"])]
    texts += [(SKOS.altLabel, a) for a in rec.get("altLabels", [])]
    texts += [(p, rec[k]) for k, p in (("definition", SKOS.definition), ("scopeNote", SKOS.scopeNote)) if k in rec]
    assert rec["notation"] in rec["label"]["quote"], "NIH prints the code beside its title"
    for prop, t in texts:
        assert t["text"] in t["quote"]
        assert re.match(r"https?://[a-z0-9.]*nih\.gov/", t["source"]), f"{rec['id']}: {t['source']} is not an NIH page"
        ev = evidence_of(loaded, node, prop, Literal(t["text"]))
        assert ev["kind"] == MG["cited-source"] and str(ev["quote"]) == t["quote"] and str(ev["source"]) == t["source"]


def test_codes_have_a_definition_only_where_nih_gives_one():
    with_definition = {r["notation"] for r in CODES if "definition" in r}
    assert with_definition == {"K01", "K08", "K23", "K25", "K99"}
    assert all("scopeNote" in r for r in CODES if r["notation"] in ("KL2", "K12"))


def test_table_1_s_kl2_and_k12_are_nih_s_codes(loaded):
    c = loaded.graph("curation")
    for mechanism in ("kl2", "k12"):
        (code,) = set(c.objects(MG[mechanism], SKOS.exactMatch))
        assert str(c.value(code, SKOS.notation)) == str(c.value(MG[mechanism], RDFS.label)) == mechanism.upper()


def test_the_codes_add_no_funder(mg):
    """The codes carry no mgo:mechanismOf, so the NIDDK program is funded by NIDDK alone."""
    rows = mg.sparql("SELECT ?f WHERE { mg:niddk-k-trainee-program mgo:fundedBy ?f }").plain()
    assert {r["f"] for r in rows} == {str(MG["niddk"])}


def test_a_label_that_is_not_in_its_quote_is_refused(project):
    path = project / "data" / "nih-activity-codes.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("text: Pathway to Independence Award", "text: Pathway to Independence Grant"), encoding="utf-8"
    )
    with pytest.raises(InputError) as exc:
        load_sources(project)
    (problem,) = exc.value.problems
    assert problem.file == "data/nih-activity-codes.yaml" and "not NIH's wording" in problem.message
    assert problem.value == "Pathway to Independence Grant"
