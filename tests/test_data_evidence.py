"""Evidence rules for data/*.yaml (issue 13): every source can be followed and says what is claimed.

One rule per test, checked over every record; a failure names each offending record and how to fix it.
What a ROR record says is read from the verbatim copies in tests/fixtures/linking/ror (ROR data release
v2.9); what MeSH says from tests/fixtures/mesh (MeSH 2026). Nothing outside the repository is read.
"""

from __future__ import annotations

import csv
import re
from urllib.parse import urlsplit

from curated import (
    ROR_RELEASE,
    bullets,
    data_files,
    evidence_records,
    all_strings,
    load,
    organizations,
    ror_external_ids,
    ror_iri_of,
    ror_names,
    ror_parents,
    ror_record,
    ror_types,
    statements,
)
from conftest import FIXTURES, ROOT

from mentorgraph.text import normalize

ROR_IRI = re.compile(r"^https://ror\.org/0[a-z0-9]{6}[0-9]{2}$")
# What ROR's coarse types can state about an organization's class (ROR vocabulary: education, funder,
# healthcare, company, archive, nonprofit, government, facility, other). Any other class is a curator's
# reading and needs its own classEvidence.
CLASS_FROM_ROR_TYPE = {"AcademicInstitution": "education", "Funder": "funder", "Company": "company"}


def fail(rule: str, offenders: list[str]) -> str:
    return f"{rule}\n  - " + "\n  - ".join(offenders)


def test_every_source_is_an_http_iri():
    """Rule: every `source` in data/ is an http(s) IRI with a host (a ROR record, a DOI, a MeSH descriptor,
    an organization's page). Fix: cite the address, or make the evidence `curator` with the reason in `note`."""
    bad = []
    for path in data_files():
        for where, text in all_strings(load(path.name)):
            if where.split(".")[-1] == "source":
                parts = urlsplit(text)
                if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
                    bad.append(f"data/{path.name} {where}: {text!r}")
    assert not bad, fail("sources that are not http(s) IRIs:", bad)


def test_no_evidence_cites_a_path_outside_the_repository():
    """Rule: no source, quote or note points outside the repository (shared/, /work/, github: or file:
    strings). Fix: copy what is needed into the repository, or cite the record's or page's own address."""
    outside = re.compile(r"(^|[\s(\"'])(\.\./)*shared/|/work/|github:|file:")
    bad = [
        f"data/{path.name} {where}: {text[:90]!r}"
        for path in data_files()
        for where, text in all_strings(load(path.name))
        if outside.search(text)
    ]
    assert not bad, fail("evidence that points outside the repository:", bad)


def test_ror_record_evidence_cites_the_record_and_its_release():
    """Rule: evidence `ror-record` cites https://ror.org/<id> (a record copied in tests/fixtures/linking/ror)
    and its note names the ROR data release it was read from. Fix: source the record's IRI, note
    "Read from ROR data release v2.9 ..."."""
    bad = []
    for ev in evidence_records():
        if ev.kind != "ror-record":
            continue
        src, note = str(ev.record.get("source", "")), str(ev.record.get("note", ""))
        if not ROR_IRI.match(src) or ror_record(src) is None:
            bad.append(f"{ev}: source {src!r} is not a ROR record of the fixtures")
        if f"ROR data release {ROR_RELEASE}" not in note:
            bad.append(f"{ev}: the note does not name ROR data release {ROR_RELEASE}")
    assert not bad, fail("ROR-record evidence without the record's IRI or release:", bad)


def test_an_organizations_ror_evidence_is_its_own_record():
    """Rule: an organization's ROR-record evidence (for the record and each mapping) cites the ROR record
    it is linked to (its ROR exactMatch). Fix: source that record, or link the organization to it."""
    bad = []
    for org in organizations():
        own = ror_iri_of(org)
        for rec in [org, org.get("classEvidence", {}), *org.get("mappings", [])]:
            if rec.get("evidence") == "ror-record" and rec.get("source") != own:
                bad.append(f"{org['id']}: cites {rec.get('source')!r}, linked to {own!r}")
    assert not bad, fail("ROR evidence of another record:", bad)


def test_ror_record_evidence_says_only_what_the_record_says():
    """Rule: what a ROR record is cited for is in it: the organization's label, alternative labels and
    acronyms are names of the record, its mappings are the record's own ID or external IDs, its parent
    is the record's parent. Fix: give the claim its own evidence (an altLabel or acronym statement in
    data/curation.yaml, a classEvidence), or remove it."""
    by_id = {o["id"]: o for o in organizations()}
    bad = []
    for org in organizations():
        rec = ror_record(org["source"]) if org.get("evidence") == "ror-record" else None
        if rec is not None:
            names = {normalize(n) for n in ror_names(rec)}
            for name in [org["label"], *org.get("altLabels", []), *org.get("acronyms", [])]:
                if normalize(name) not in names:
                    bad.append(f"{org['id']}: {name!r} is not a name of {org['source']}")
            parent = by_id.get(org.get("parent", ""), {})
            if org.get("parent") and ror_iri_of(parent) not in ror_parents(rec):
                bad.append(f"{org['id']}: parent {org['parent']} is not the record's parent")
        for m in org.get("mappings", []):
            rec = ror_record(m["source"]) if m.get("evidence") == "ror-record" else None
            if rec is None:
                continue
            ident = m["iri"].rsplit("/", 1)[-1]
            listed = {i.replace(" ", "") for ids, _ in ror_external_ids(rec).values() for i in ids}
            if m["iri"] != m["source"] and ident not in listed:
                bad.append(f"{org['id']}: {m['iri']} is not an external ID of {m['source']}")
    for s in statements():
        if s.get("evidence") == "ror-record" and s["predicate"] in ("altLabel", "acronym"):
            rec = ror_record(s["source"])
            if rec is None or normalize(s["value"]) not in {normalize(n) for n in ror_names(rec)}:
                bad.append(f"data/curation.yaml: {s['subject']} {s['predicate']} {s['value']!r} not in {s['source']}")
    assert not bad, fail("claims a ROR record does not make:", bad)


def test_a_class_a_ror_record_does_not_state_has_its_own_evidence():
    """Rule (issue 13, item 6): an organization's class rests on its ROR record only when the record's types
    state it (education: AcademicInstitution, funder: Funder, company: Company); any other class has a
    `classEvidence` (curator with the reason, or a cited own page). Fix: add classEvidence, or choose the
    class the record states."""
    bad = []
    for org in organizations():
        if org.get("evidence") != "ror-record" or "classEvidence" in org:
            continue
        rec = ror_record(org["source"])
        stated = CLASS_FROM_ROR_TYPE.get(org["class"])
        if rec is None or stated not in ror_types(rec):
            types = sorted(ror_types(rec)) if rec else "?"
            bad.append(f"{org['id']}: class {org['class']} cited to {org['source']} (ROR types {types})")
    assert not bad, fail("classes cited to ROR records that do not state them:", bad)


def test_class_evidence_is_not_a_ror_record():
    """Rule: a classEvidence is the curators' reading or a cited page, never a ROR record (ROR has no such
    types). Fix: evidence `curator` with the reason in `note`, or `cited-source` with the page and quote."""
    bad = [str(ev) for ev in evidence_records() if ev.about == "class" and ev.kind == "ror-record"]
    assert not bad, fail("class evidence cited to a ROR record:", bad)


def test_wikidata_is_an_exact_match_only_when_ror_lists_one_or_prefers_it():
    """Rule (issue 13, item 1; decision of the lead): a Wikidata ID from a ROR record is a skos:exactMatch
    only when the record marks it preferred, or lists exactly one Wikidata ID. When it lists several and
    prefers none (the NIH: Q390551, Q6973636), none is an exact match: each is a review or rejected
    candidate in data/mapping-review.yaml (rule several-wikidata-ids-none-preferred). Fix: move the
    mapping to data/mapping-review.yaml with the reason."""
    bad = []
    for org in organizations():
        for m in org.get("mappings", []):
            if not m["iri"].startswith("http://www.wikidata.org/entity/"):
                continue
            rec = ror_record(m.get("source", ""))
            qid = m["iri"].rsplit("/", 1)[-1]
            listed, preferred = ror_external_ids(rec).get("wikidata", ([], None)) if rec else ([], None)
            if m["predicate"] == "exactMatch" and not (preferred == qid or (preferred is None and listed == [qid])):
                bad.append(f"{org['id']}: exactMatch {qid}; the ROR record lists {listed}, preferred {preferred}")
    assert not bad, fail("Wikidata exact matches ROR does not single out:", bad)


def test_every_wikidata_id_ror_lists_is_matched_or_reviewed():
    """Rule: each Wikidata ID an organization's ROR record lists is either its exact match or a candidate of
    data/mapping-review.yaml (status review or rejected, with the rule and a reason): none is dropped
    silently, and no candidate is also a mapping. Fix: add the missing candidate, or remove the duplicate."""
    review = load("mapping-review.yaml").get("candidates", [])
    candidates = {(c["subject"], c["iri"]) for c in review}
    bad = [
        f"data/mapping-review.yaml: {c['subject']} {c['iri']} lacks status review/rejected, rule or note"
        for c in review
        if c.get("status") not in ("review", "rejected") or not c.get("rule") or not c.get("note")
    ]
    for org in organizations():
        rec = ror_record(ror_iri_of(org) or "")
        if rec is None:
            continue
        mapped = {m["iri"] for m in org.get("mappings", [])}
        for qid in ror_external_ids(rec).get("wikidata", ([], None))[0]:
            iri = f"http://www.wikidata.org/entity/{qid}"
            if (iri in mapped) == ((org["id"], iri) in candidates):
                bad.append(
                    f"{org['id']}: {qid} is {'both mapped and' if iri in mapped else 'neither mapped nor'} reviewed"
                )
    assert not bad, fail("Wikidata IDs of ROR records not accounted for:", bad)


def mesh_release() -> dict[str, str]:
    """Descriptor IRI (http://id.nlm.nih.gov/mesh/D...) -> label, from tests/fixtures/mesh (MeSH 2026)."""
    with (FIXTURES / "mesh" / "mesh-descriptors.csv").open(encoding="utf-8", newline="") as fh:
        return {r["id"].replace("https://", "http://", 1): r["subject"] for r in csv.DictReader(fh)}


def test_mesh_links_are_current_descriptors_cited_as_themselves():
    """Rule: every MeSH IRI in data/ is a descriptor of the current MeSH release (tests/fixtures/mesh), its
    evidence cites the descriptor itself, and the label its note quotes is the descriptor's current label.
    Fix: check the ID against the release, source the descriptor IRI, quote its label as MeSH writes it."""
    current = mesh_release()
    bad = []
    for ev in evidence_records():
        iri = ev.record.get("iri", "")
        if not iri.startswith("http://id.nlm.nih.gov/mesh/"):
            continue
        quoted = re.search(r'MeSH descriptor (D[0-9]+) "([^"]+)"', ev.record.get("note", ""))
        if iri not in current:
            bad.append(f"{ev}: not a descriptor of MeSH 2026")
        elif ev.record.get("source") != iri:
            bad.append(f"{ev}: cites {ev.record.get('source')!r}, not the descriptor")
        elif not quoted or quoted.group(2) != current[iri] or not iri.endswith(quoted.group(1)):
            bad.append(f'{ev}: the note should quote MeSH descriptor {iri.rsplit("/", 1)[-1]} "{current[iri]}"')
    assert not bad, fail("MeSH links not checked against the current release:", bad)


def test_acronym_evidence_contains_the_acronym():
    """Rule (issue 13, item 5): an acronym supported by quoted words (entry-name or cited-source) is in the
    quote; one supported by a ROR record is a name of the record (checked above). Fix: quote words that
    contain the acronym (the organization's own page, a published source), or remove the acronym."""
    bad = []
    for s in statements():
        if s["predicate"] == "acronym" and s["evidence"] in ("entry-name", "cited-source"):
            if s["value"] not in s.get("quote", ""):
                bad.append(f"data/curation.yaml: {s['subject']} {s['value']}: quote {s.get('quote')!r}")
    for org in organizations():
        if org.get("evidence") in ("entry-name", "cited-source"):
            bad += [
                f"data/organizations.yaml: {org['id']} {a}: quote {org.get('quote')!r}"
                for a in org.get("acronyms", [])
                if a not in org.get("quote", "")
            ]
    assert not bad, fail("acronyms whose quoted evidence does not contain them:", bad)


def test_entry_name_evidence_beyond_the_table_quotes_a_bullet_that_names_the_subject():
    """Rule: entry-name evidence about something that is not itself a bullet (an organization, an initiative
    a bullet names) quotes words of a bullet that refers to it (offeredBy, fundedBy, hasPart, ...). Fix:
    quote the bullet's words, or cite a source."""
    labels = {b.id: b.label for b in bullets()}
    refers: dict[str, set[str]] = {}
    for s in statements():
        if s.get("object") and s["subject"] in labels:
            refers.setdefault(s["object"], set()).add(labels[s["subject"]])
    bad = []
    for ev in evidence_records():
        if ev.kind != "entry-name" or ev.subject in labels:
            continue
        quote = ev.record.get("quote", "")
        if not quote or not any(quote in text for text in refers.get(ev.subject, ())):
            bad.append(f"{ev}: quote {quote!r} is in no bullet that names {ev.subject}")
    assert not bad, fail("entry-name evidence not found in the bullets naming its subject:", bad)


LINKS = {"offeredBy", "fundedBy", "affiliatedWith", "operatedBy", "mechanismOf", "hostedOn", "parentOrganization"}


def test_links_to_organizations_and_platforms_can_be_checked():
    """Rule (issue 13, items 4 and 12): a link to an organization or a platform (offered, funded, operated
    by; mechanism of; hosted on) rests on the table's words (entry-name, table-parent with a quote) or a
    source someone can follow, never on a curator's word alone. Fix: quote the bullet, or cite the record
    or page that says it."""
    bad = []
    records = [s for s in statements() if s["predicate"] in LINKS]
    ents = load("entities.yaml")
    records += [dict(r, predicate="operatedBy") for r in ents.get("platforms", []) if "operatedBy" in r]
    records += [dict(r, predicate="mechanismOf") for r in ents.get("funding-mechanisms", [])]
    for r in records:
        quoted = r["evidence"] in ("entry-name", "table-parent") and r.get("quote")
        if not quoted and not r.get("source"):
            bad.append(f"{r.get('subject', r.get('id'))} {r['predicate']}: {r['evidence']} without a quote or source")
    assert not bad, fail("links resting on nothing a user can check:", bad)


def test_curator_evidence_says_why():
    """Rule: evidence `curator` gives the reason in words (a note of a sentence); cited-source gives a source.
    Fix: write the reason into `note`, or cite the source."""
    bad = []
    for ev in evidence_records():
        note = str(ev.record.get("note", ""))
        if ev.kind == "curator" and len(note.split()) < 5:
            bad.append(f"{ev}: curator evidence with note {note!r}")
        if ev.kind == "cited-source" and not ev.record.get("source"):
            bad.append(f"{ev}: cited-source without a source")
        if ev.kind not in {k["id"] for k in load("vocabularies.yaml")["evidence-kinds"]}:
            bad.append(f"{ev}: unknown evidence kind {ev.kind!r}")
    assert not bad, fail("evidence that does not say why:", bad)


def _problems_with(name: str, edit) -> list[str]:
    """The loader's problems for data/ with one file's document changed by `edit` (a copy; data/ untouched)."""
    import copy

    from mentorgraph.pipeline.load import load_sources
    from mentorgraph.problems import InputError

    doc = copy.deepcopy(load(name))
    edit(doc)
    try:
        load_sources(ROOT, replace={name: doc})
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_the_build_refuses_a_source_that_is_not_an_http_iri():
    """The rule above is enforced where data enters the graph: a repository path as source is an error that
    says what is expected, not a literal in the evidence graph."""

    def edit(doc):
        doc["platforms"][0]["source"] = "github:ror-community/ror-records@d93fc66:v1.26/01zbnvs85.json"

    problems = _problems_with("entities.yaml", edit)
    assert len(problems) == 1 and "'source' must be an absolute http(s) IRI" in problems[0], problems
    assert "or evidence 'curator' with the reason in 'note'" in problems[0]


def test_the_build_refuses_a_statement_with_two_evidences():
    """One statement, one evidence: curating a triple twice (two kinds, two sources) is an error naming both."""

    def edit(doc):
        doc["statements"].append(
            {
                "subject": "swims",
                "predicate": "targetPopulation",
                "object": "women",
                "evidence": "curator",
                "note": "A second, conflicting record for the same fact.",
            }
        )

    problems = _problems_with("curation.yaml", edit)
    assert (
        len(problems) == 1 and "swims targetPopulation women is already curated at data/curation.yaml:" in problems[0]
    )


def test_the_build_refuses_a_bullet_without_class_evidence():
    def edit(doc):
        del doc["types"][6]["examples"][3]["classEvidence"]  # SWIMS

    problems = _problems_with("table1.yaml", edit)
    assert len(problems) == 1 and "the class PeerGroup of bullet 'swims' has no evidence" in problems[0], problems
