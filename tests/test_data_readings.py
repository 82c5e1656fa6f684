"""Reading rules for data/*.yaml (issue 13): what the table prints, what curators read into it, and the
populations each initiative is tagged with.

One rule per test, checked over every record; a failure names each offending record and how to fix it.
What Table 1 says comes from data/source/table1-columns.md (the conftest fixture `table1`).
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from curated import ARTICLE_DOI, bullets, load, named_initiatives, organizations, statements
from conftest import ROOT
from mentorgraph.namespaces import MG, MGO
from mentorgraph.pipeline.load import load_sources
from mentorgraph.text import normalize

COLLECTIVE = {"ProgramUmbrella", "InstitutionalPrograms", "InitiativeCollection", "DeliveryMode"}


def fail(rule: str, offenders: list[str]) -> str:
    return f"{rule}\n  - " + "\n  - ".join(offenders)


@pytest.fixture(scope="module")
def sources():
    return load_sources(ROOT)


# What the article graph may say about a bullet: its text, where the table prints it (row, parent,
# position) and the table it is in. Anything else about a bullet is a reading, hence curation.
PRINTED = {RDFS.label, MGO.tablePosition, MGO.tableParent, MGO.sourceTable, MGO.modelType}


def test_the_article_graph_holds_only_what_the_table_prints(sources):
    """Rule (issue 13, item 9): for every bullet the article graph holds its text, position, nesting, row
    and table, and nothing else: its class, what its nesting means (part of, delivered as) and any name
    of its own are curation with evidence. Fix: move the triple to the curation graph (load.py)."""
    article = sources.graph("article")
    bad = []
    for b in bullets():
        node = MG[b.id]
        extra = sorted(
            {p.n3(article.namespace_manager) for p in article.predicates(node)}
            - {p.n3(article.namespace_manager) for p in PRINTED}
        )
        if extra:
            bad.append(f"{b.id}: {', '.join(extra)}")
        if (node, RDFS.label, None) not in article:
            bad.append(f"{b.id}: its text is not in the article graph")
    assert not bad, fail("bullets with readings in the article graph:", bad)


def test_every_bullet_says_why_it_has_its_class():
    """Rule (issue 13, item 9): each bullet's class has its evidence (classEvidence): entry-name quoting its
    own text, table-parent quoting the bullet above it, table-row quoting its row, a cited source, or the
    curator's reason. Fix: add or correct classEvidence in data/table1.yaml."""
    bad = []
    for b in bullets():
        ev = b.record.get("classEvidence") or {}
        quote, kind = ev.get("quote", ""), ev.get("evidence")
        where = {"entry-name": b.label, "table-parent": (b.parent or {}).get("label", ""), "table-row": b.row["label"]}
        if kind in where and (not quote or quote.lower() not in where[kind].lower()):
            bad.append(f"{b.id}: {kind} quote {quote!r} is not in {where[kind]!r}")
        elif kind == "cited-source" and not (ev.get("source") and quote):
            bad.append(f"{b.id}: cited-source needs a source and a quote")
        elif kind == "curator" and not ev.get("note"):
            bad.append(f"{b.id}: curator evidence needs the reason in a note")
        elif kind not in (*where, "cited-source", "curator"):
            bad.append(f"{b.id}: class {b.record['class']} without evidence")
    assert not bad, fail("bullet classes without checkable evidence:", bad)


def test_every_place_in_the_population_hierarchy_carries_evidence():
    """Rule (issue 13, item 10): each population's broader populations carry evidence (a cited source, or the
    curator's reason). Fix: add evidence/quote/source or evidence/note to the population in
    data/populations.yaml."""
    bad = [
        f"{p['id']} broader {p['broader']}"
        for p in load("populations.yaml")["populations"]
        if p.get("broader") and not (p.get("evidence") == "cited-source" and p.get("source")) and not p.get("note")
    ]
    assert not bad, fail("places in the hierarchy without evidence:", bad)


def test_the_groups_the_article_names_cite_the_article():
    """Rule (issue 13, item 10): the groups directly under "Underrepresented groups in academic medicine" are
    the ones the article names ("underrepresented groups, including women and minorities"), cited to its DOI
    with the words that name them. Fix: cite https://doi.org/10.1136/jim-2020-001391 with the quote, or move
    the population down the hierarchy."""
    bad = []
    for p in load("populations.yaml")["populations"]:
        if "underrepresented-in-academic-medicine" in p.get("broader", []):
            quote = p.get("quote", "")
            if p.get("source") != ARTICLE_DOI or "underrepresented groups, including women and minorities" not in quote:
                bad.append(f"{p['id']}: {p.get('evidence')} {p.get('source')!r}")
    assert not bad, fail("underrepresented groups not cited to the article:", bad)


def test_a_grants_audience_comes_from_the_funders_description():
    """Rule (issue 13, item 2): a grant's target population is what its funder's description says (a cited
    source), never a word of its name ("training", "trainee" name the grant, not its audience). Fix: cite
    the funder's own page for each population."""
    grants = {b.id for b in bullets() if b.record["class"] == "GrantProgram"}
    bad = [
        f"{s['subject']} targetPopulation {s['object']}: {s['evidence']} {s.get('quote', '')!r}"
        for s in statements()
        if s["subject"] in grants and s["predicate"] == "targetPopulation" and s["evidence"] != "cited-source"
    ]
    assert not bad, fail("grant audiences not taken from the funder:", bad)


def test_a_bullet_naming_several_initiatives_speaks_through_its_parts():
    """Rule (issue 13, item 3): a bullet that names several initiatives (class InitiativeCollection) links each
    (hasPart, entry-name quoting the words that name it) and says nothing else itself; each part has its own
    type, organization and evidence. Fix: move statements from the bullet to the part they are about."""
    by_subject = defaultdict(list)
    for s in statements():
        by_subject[s["subject"]].append(s)
    bad = []
    for b in bullets():
        if b.record["class"] != "InitiativeCollection":
            continue
        parts = [s for s in by_subject[b.id] if s["predicate"] == "hasPart"]
        if len(parts) < 2:
            bad.append(f"{b.id}: names {len(parts)} parts")
        bad += [
            f"{b.id}: states {s['predicate']} {s.get('object')} itself"
            for s in by_subject[b.id]
            if s["predicate"] != "hasPart"
        ]
        for s in parts:
            if s["evidence"] != "entry-name" or s.get("quote", "\0") not in b.label:
                bad.append(f"{b.id} hasPart {s['object']}: quote {s.get('quote')!r} is not the bullet's words")
            said = {t["predicate"] for t in by_subject[s["object"]]}
            if not {"modelType", "offeredBy"} <= said:
                bad.append(f"{s['object']}: no type or organization of its own ({sorted(said)})")
    assert not bad, fail("bullets naming several initiatives that speak for them:", bad)


def test_an_initiative_whose_own_page_is_cited_names_its_audience():
    """Rule (issue 13, item 7): when curators have read an initiative's own description (any cited source other
    than the article), they tag the audience it names. Fix: add targetPopulation statements cited to it."""
    cited = {s["subject"] for s in statements() if s["evidence"] == "cited-source" and s.get("source") != ARTICLE_DOI}
    cited |= {b.id for b in bullets() if b.record["classEvidence"].get("source") not in (None, ARTICLE_DOI)}
    cited |= {r["id"] for r in named_initiatives() if r.get("evidence") == "cited-source"}
    initiatives = {b.id for b in bullets() if b.record["class"] not in COLLECTIVE} | {
        r["id"] for r in named_initiatives()
    }
    tagged = {s["subject"] for s in statements() if s["predicate"] == "targetPopulation"}
    bad = sorted((cited & initiatives) - tagged)
    assert not bad, fail("initiatives read from their own page but tagged with no audience:", bad)


def test_children_of_a_society_umbrella_share_its_specialty():
    """Rule (issue 13, item 8): every program under the umbrella of a professional society targets a specialty,
    and all of one umbrella's programs fall under the same specialty (siblings agree); a program that takes
    it from the umbrella quotes the umbrella's words (table-parent). Fix: add the specialty to the child."""
    pops = {p["id"]: p for p in load("populations.yaml")["populations"]}

    def top_specialty(pid: str) -> str | None:
        for b in pops[pid].get("broader", []):
            if b == "specialty-communities":
                return pid
            found = top_specialty(b)
            if found:
                return found
        return None

    societies = {o["id"] for o in organizations() if o["class"] == "ProfessionalSociety"}
    offered = {s["subject"]: s["object"] for s in statements() if s["predicate"] == "offeredBy"}
    specialties = defaultdict(set)
    for s in statements():
        if s["predicate"] == "targetPopulation" and top_specialty(s["object"]):
            specialties[s["subject"]].add(top_specialty(s["object"]))
    bad = []
    for b in bullets():
        if b.record["class"] != "ProgramUmbrella" or offered.get(b.id) not in societies:
            continue
        children = {c["id"]: specialties.get(c["id"], set()) for c in b.record.get("children", [])}
        bad += [f"{b.id} > {cid}: no specialty" for cid, found in children.items() if not found]
        agreed = set.union(*children.values()) if children else set()
        if len(agreed) > 1:
            bad.append(f"{b.id}: its programs fall under different specialties {sorted(agreed)}")
    assert not bad, fail("umbrella programs without their society's specialty:", bad)


def test_table_row_evidence_is_for_what_that_row_lists():
    """Rule (issue 13, item 12): evidence `table-row` is about a bullet listed in that row, or an initiative a
    bullet of that row names; the platform a bullet only mentions (Facebook) is no example of the row.
    Fix: remove the statement, or cite what says it."""
    in_rows = {b.id for b in bullets()} | {r["id"] for r in named_initiatives()}
    bad = [
        f"{s['subject']} {s['predicate']} {s.get('object')}"
        for s in statements()
        if s["evidence"] == "table-row" and s["subject"] not in in_rows
    ]
    assert not bad, fail("table-row evidence about something the row does not list:", bad)


def test_preferred_names_are_unique():
    """Rule (issue 13, item 12): no two things share a preferred name (an initiative's prefLabel, else its
    label; an organization's label), after folding case, accents and punctuation, so that a name names one
    thing. A bullet whose text is an organization's name gets a name of its own (prefLabel). Fix: add a
    prefLabel statement in data/curation.yaml."""
    names: dict[str, list[str]] = defaultdict(list)
    preferred = {s["subject"]: s["value"] for s in statements() if s["predicate"] == "prefLabel"}
    for b in bullets():
        names[normalize(preferred.get(b.id, b.label))].append(b.id)
    for r in named_initiatives():
        names[normalize(preferred.get(r["id"], r["label"]))].append(r["id"])
    for o in organizations():
        names[normalize(o["label"])].append(o["id"])
    bad = [f"{ids}" for ids in names.values() if len(ids) > 1]
    assert not bad, fail("names shared by several things:", bad)


def test_a_preferred_name_is_curation_beside_the_printed_text(sources):
    """Rule: a preferred name never replaces the table's text: the bullet keeps its printed label in the
    article graph and the prefLabel is curation with evidence. Fix: state the name in data/curation.yaml."""
    article, curation, evidence = sources.graph("article"), sources.graph("curation"), sources.graph("evidence")
    bad = []
    for s, _, name in curation.triples((None, SKOS.prefLabel, None)):
        if (s, MGO.tablePosition, None) in article:
            reified = [st for st in evidence.subjects(RDF.subject, s) if (st, RDF.object, name) in evidence]
            if article.value(s, RDFS.label) is None or not reified:
                bad.append(str(s))
    assert not bad, fail("preferred names without the printed text or evidence:", bad)


def test_parts_are_typed_like_what_names_them(sources):
    """Rule: an initiative a bullet names (data/entities.yaml) is an initiative of the bullet's row."""
    curation = sources.graph("curation")
    rows = {b.id: b.row["id"] for b in bullets()}
    bad = []
    for s, _, part in curation.triples((None, MGO.hasPart, None)):
        row = rows.get(str(s).rsplit("/", 1)[-1])
        if curation.value(part, MGO.modelType) != URIRef(MG[row]):
            bad.append(f"{part}: type {curation.value(part, MGO.modelType)}, the bullet's row is {row}")
    assert not bad, fail("parts of another type than the bullet naming them:", bad)
