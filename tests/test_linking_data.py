"""Curation rules for links to other datasets (ROR, Wikidata, ISNI, Crossref Funder, MeSH), one rule per test.

Policy (issue 5): only identifiers seen in a real record, never guessed; each stated with its
evidence; ROR and Wikidata as skos:exactMatch, never owl:sameAs; a platform is not the company that
operates it. tests/fixtures/linking holds the verified identifiers (copied, see PROVENANCE.md).
"""

from __future__ import annotations

import csv
import re

import yaml
from conftest import FIXTURES, ROOT

DATA = ROOT / "data"
SHARED = FIXTURES / "linking"

# The organizations of the graph that have no verified identifier: tests/fixtures/linking/gaps.md,
# section "Gaps (no ROR record in any source checked)", restricted to what the graph models as
# an organization (Reddit, Doximity, KevinMD and LinkedIn are platforms there; ELAM and C-Change
# are programmes, linked only through their host universities).
# Each gap by its id in data/organizations.yaml, with the name gaps.md gives it (a label or alternative
# label of the organization: the AE-PCOS society and the Doris Duke foundation are now labelled with the
# names their own pages use, issue 13).
GAPS = {
    "endocrine-society": "Endocrine Society",
    "american-college-of-gastroenterology": "American College of Gastroenterology",
    "american-gastroenterological-association": "American Gastroenterological Association",
    "american-thoracic-society": "American Thoracic Society",
    "american-academy-of-neurology": "American Academy of Neurology",
    "american-association-for-the-study-of-liver-diseases": "American Association for the Study of Liver Diseases",
    "american-academy-of-pediatrics": "American Academy of Pediatrics",
    "society-of-general-internal-medicine": "Society of General Internal Medicine",
    "androgen-excess-and-pcos-society": "Androgen Excess and PCOS Society",
    "doris-duke-charitable-foundation": "Doris Duke Charitable Foundation",
}
# The forms issue 5 prescribes for each scheme, and the predicates each may use.
FORMS = {
    "ror": (re.compile(r"^https://ror\.org/0[a-z0-9]{6}[0-9]{2}$"), {"exactMatch"}),
    "wikidata": (re.compile(r"^http://www\.wikidata\.org/entity/Q[1-9][0-9]*$"), {"exactMatch"}),
    "isni": (re.compile(r"^https://isni\.org/isni/[0-9]{15}[0-9X]$"), {"exactMatch"}),
    "fundref": (re.compile(r"^https://doi\.org/10\.13039/[0-9]+$"), {"exactMatch", "closeMatch"}),
    "mesh": (
        re.compile(r"^http://id\.nlm\.nih\.gov/mesh/D[0-9]{6}([0-9]{3})?$"),
        {"exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"},
    ),
}


def load(name: str):
    path = DATA / name
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def all_mappings() -> list[tuple[str, str, dict]]:
    """(file, subject id, mapping record) for every link to another dataset in data/."""
    out = []
    for rec in load("organizations.yaml").get("organizations", []):
        out += [("organizations.yaml", rec["id"], m) for m in rec.get("mappings", [])]
    for rec in load("populations.yaml").get("populations", []):
        out += [("populations.yaml", rec["id"], m) for m in rec.get("mappings", [])]
    for rec in load("contributions.yaml").get("initiatives", []) or []:
        out += [("contributions.yaml", rec["id"], m) for m in rec.get("mappings", [])]
    for rec in load("curation.yaml").get("statements", []):
        if "iri" in rec:
            out.append(("curation.yaml", rec["subject"], rec))
    return out


def scheme_and_id(iri: str) -> tuple[str, str] | None:
    """(scheme, identifier as identifiers.tsv writes it) for a mapping IRI of a known form."""
    for scheme, (form, _) in FORMS.items():
        if form.match(iri):
            tail = iri.rsplit("/", 1)[-1]
            if scheme == "ror":
                return scheme, iri
            if scheme == "isni":
                return scheme, " ".join(tail[i : i + 4] for i in range(0, 16, 4))
            return scheme, tail
    return None


def test_every_link_has_a_known_form_and_predicate():
    """Rule: links are ROR/Wikidata/ISNI/Crossref Funder/MeSH IRIs in the prescribed form and predicate.
    Fix: write the IRI as issue 5 says (e.g. ISNI without spaces, Funder IDs under https://doi.org/10.13039/)."""
    bad = []
    for file, subject, m in all_mappings():
        parsed = scheme_and_id(m["iri"])
        if parsed is None or m["predicate"] not in FORMS[parsed[0]][1]:
            bad.append(f"{file}: {subject} {m['predicate']} {m['iri']}")
    assert not bad, "links of unknown form or with a wrong predicate:\n" + "\n".join(bad)


def test_no_link_uses_owl_sameAs_in_the_built_graph(mg):
    """Rule: never owl:sameAs (under OWL RL it would copy every statement onto the external IRI)."""
    res = mg.sparql("ASK { GRAPH mgg:curation { ?s owl:sameAs ?o FILTER (?s != ?o) } }")
    assert res.boolean is False


def test_every_link_has_evidence_naming_its_source():
    """Rule: each link says where it was seen.
    Fix: add `evidence: ror-record` (or cited-source) and `source:`."""
    bad = [
        f"{file}: {subject} {m['iri']}"
        for file, subject, m in all_mappings()
        if m.get("evidence") not in {"ror-record", "cited-source"} or not m.get("source")
    ]
    assert not bad, "links without evidence and source:\n" + "\n".join(bad)


def record_of(source: str) -> str:
    """The record a source names: a ROR ID for https://ror.org/<id> or a ror-records file, else the source."""
    m = re.search(r"(?:^https://ror\.org/|/)(0[a-z0-9]{8})(?:\.json)?$", source)
    return m.group(1) if m else source


def test_every_identifier_was_seen_in_the_record_its_source_names():
    """Rule: only identifiers from tests/fixtures/linking/identifiers.tsv, each citing the record it came from
    (a ROR link cites the ROR record https://ror.org/<id> its identifiers.tsv row was read from; a MeSH link
    its descriptor, checked against MeSH 2026 by tests/test_data_evidence.py).
    Fix: remove the identifier, or cite the ROR record of its identifiers.tsv row."""
    with (SHARED / "identifiers.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    seen = {(r["scheme"], r["identifier"], record_of(r["source"])) for r in rows}
    mesh = {r["identifier"] for r in rows if r["scheme"] == "mesh"}
    bad = []
    for file, subject, m in all_mappings():
        scheme, ident = scheme_and_id(m["iri"]) or ("?", m["iri"])
        if scheme == "mesh":
            if ident not in mesh or m["source"] != m["iri"]:
                bad.append(f"{file}: {subject} {m['iri']} (source {m['source']})")
        elif (scheme, ident, record_of(m["source"])) not in seen:
            bad.append(f"{file}: {subject} {m['iri']} (source {m['source']})")
    assert not bad, "identifiers not seen in identifiers.tsv in the record cited:\n" + "\n".join(bad)


def test_organizations_without_a_verified_identifier_are_exactly_the_known_gaps():
    """Rule: an organization without a verified identifier has none; this lists them for curators.
    Fix: when a curator finds a ROR record for one, add its links and remove it from GAPS here."""
    unlinked = {
        rec["id"]
        for rec in load("organizations.yaml")["organizations"]
        if not any(scheme_and_id(m["iri"]) and scheme_and_id(m["iri"])[0] == "ror" for m in rec.get("mappings", []))
    }
    assert unlinked == set(GAPS), (
        f"without a ROR link now: {sorted(unlinked)}; "
        f"missing from GAPS: {sorted(unlinked - set(GAPS))}; newly linked: {sorted(set(GAPS) - unlinked)}"
    )


def test_the_gaps_are_those_the_reference_data_lists():
    text = (SHARED / "gaps.md").read_text(encoding="utf-8")
    section = text.split("## Gaps", 1)[1].split("\n## ", 1)[0]
    section = " ".join(section.split())
    missing = [name for name in GAPS.values() if name not in section]
    assert not missing, f"not in the README's Gaps section: {missing}"


def test_each_gap_is_the_organization_of_that_name():
    """The name gaps.md gives each gap is the organization's label or one of its alternative labels."""
    orgs = {rec["id"]: rec for rec in load("organizations.yaml")["organizations"]}
    stated = [s for s in load("curation.yaml")["statements"] if s["predicate"] == "altLabel"]
    bad = []
    for oid, name in GAPS.items():
        names = {orgs[oid]["label"], *orgs[oid].get("altLabels", [])}
        names |= {s["value"] for s in stated if s["subject"] == oid}
        if name not in names:
            bad.append(f"{oid}: {name!r} not among {sorted(names)}")
    assert not bad, "\n".join(bad)


def test_ror_link_cites_the_record_with_that_id():
    """Rule: the evidence of a ROR link is the record itself: its source is the linked ROR IRI (issue 13: a
    resolvable IRI, no longer a path in the ror-records repository)."""
    bad = []
    for file, subject, m in all_mappings():
        if scheme_and_id(m["iri"]) and scheme_and_id(m["iri"])[0] == "ror":
            if m.get("evidence") != "ror-record" or m.get("source") != m["iri"]:
                bad.append(f"{file}: {subject} {m['iri']} cites {m.get('source')}")
    assert not bad, "\n".join(bad)


def test_an_organization_links_only_to_one_ror_record():
    """Rule: one organization, one ROR record.
    Fix: two would say ROR has a duplicate; keep the active one (a withdrawn record names it as successor)."""
    bad = []
    for rec in load("organizations.yaml")["organizations"]:
        rors = [m["iri"] for m in rec.get("mappings", []) if m["iri"].startswith("https://ror.org/")]
        if len(rors) > 1:
            bad.append(f"{rec['id']}: {rors}")
    assert not bad, "\n".join(bad)


def test_platforms_carry_no_company_identifiers(mg):
    """Rule: a platform is not the company that operates it; the company's identifiers stay on the company."""
    res = mg.sparql("""SELECT ?platform ?id WHERE {
        ?platform a mgo:Platform .
        { ?platform skos:exactMatch|skos:closeMatch|schema:sameAs ?id }
        FILTER (STRSTARTS(STR(?id), "https://ror.org/")
                || STRSTARTS(STR(?id), "http://www.wikidata.org/")) }""")
    assert res.rows == []


def test_facebook_is_operated_by_meta_which_holds_the_ror_record(mg):
    """Table 1 names Facebook; tests/fixtures/linking: ROR record 01zbnvs85 is the company Meta (United States)."""
    res = mg.sparql("""ASK { mg:facebook a mgo:Platform ; mgo:operatedBy mg:meta .
                            mg:meta a mgo:Company ; skos:exactMatch <https://ror.org/01zbnvs85> }""")
    assert res.boolean is True
