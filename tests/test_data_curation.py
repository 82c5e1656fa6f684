"""Curation rules for data/*.yaml, one rule per test, each checked over every record.

A failure names every offending record and says how to fix it. Expected facts come from
data/source/table1-columns.md (the table as published), never from the program's output.
"""

from __future__ import annotations

import re

import pytest
import yaml

from mentorgraph.text import normalize
from conftest import FIXTURES
from curated import DATA, entries, load


def present_files():
    return sorted(p.name for p in DATA.glob("*.yaml"))


@pytest.mark.parametrize("name", present_files())
def test_curated_files_are_in_canonical_form(name):
    """Rule: each data file is exactly what PyYAML's canonical dump of it gives, so diffs are content only.
    Fix: load and dump the file with yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=4096)."""
    text = (DATA / name).read_text(encoding="utf-8")
    canonical = yaml.safe_dump(yaml.safe_load(text), allow_unicode=True, sort_keys=False, width=4096)
    assert text == canonical, f"data/{name} is not in canonical YAML form"


def test_table_transcription_matches_the_published_columns(table1):
    """Rule: data/table1.yaml holds every bullet of Table 1, byte for byte, in its column and order."""
    doc = load("table1.yaml")
    assert [t["label"] for t in doc["types"]] == [r["type"] for r in table1]
    for ours, theirs in zip(doc["types"], table1, strict=True):
        got = [(e["label"], [c["label"] for c in e.get("children", [])]) for e in ours["examples"]]
        assert got == theirs["examples"], f"examples of {theirs['type']!r} differ from table1-columns.md"
        assert [a["label"] for a in ours["strengths"]] == theirs["strengths"], theirs["type"]
        assert [a["label"] for a in ours["weaknesses"]] == theirs["weaknesses"], theirs["type"]


def test_table_has_112_bullets():
    """Rule: 7 types, 62 example entries, 27 strengths, 23 weaknesses (the published counts)."""
    doc = load("table1.yaml")
    assert len(doc["types"]) == 7
    assert sum(1 for t in doc["types"] for _ in entries(t["examples"])) == 62
    assert sum(len(t["strengths"]) for t in doc["types"]) == 27
    assert sum(len(t["weaknesses"]) for t in doc["types"]) == 23


def test_footnote_is_verbatim(footnote):
    assert load("table1.yaml")["table"]["footnote"] == footnote


def test_special_characters_survive_in_the_transcription():
    """Rule: U+2019 (Women’s, Mom’s), U+2014 (CARMA—, AMIGO—) and U+2013 (Excess–Polycystic) are kept."""
    text = (DATA / "table1.yaml").read_text(encoding="utf-8")
    for needle in ("Women\u2019s", "Mom\u2019s", "CARMA\u2014", "AMIGO\u2014", "Excess\u2013Polycystic"):
        assert needle in text, f"{needle!r} is missing from data/table1.yaml"
    assert "Women's" not in text and "Mom's" not in text


def test_ids_are_kebab_case_slugs_and_unique():
    """Rule: every id is a kebab-case slug, used once across data/. Fix: rename the duplicate."""
    seen: dict[str, str] = {}
    bad, dupes = [], []

    def walk(node, where):
        if isinstance(node, dict):
            if "id" in node:
                slug = node["id"]
                if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(slug)):
                    bad.append(f"{where}: {slug!r}")
                if slug in seen and not (
                    where.endswith("vocabularies.yaml") and "definition" in node and set(node) == {"id", "definition"}
                ):
                    dupes.append(f"{slug!r} in {where} and {seen[slug]}")
                seen.setdefault(slug, where)
            for v in node.values():
                walk(v, where)
        elif isinstance(node, list):
            for v in node:
                walk(v, where)

    for name in present_files():
        walk(load(name), f"data/{name}")
    assert not bad, "ids that are not kebab-case slugs: " + ", ".join(bad)
    assert not dupes, "ids used twice: " + "; ".join(dupes)


def test_entry_name_evidence_quotes_the_entry():
    """Rule: a statement with evidence entry-name quotes words that occur in its subject's own name."""
    labels = {e["id"]: e["label"] for t in load("table1.yaml")["types"] for e in entries(t["examples"])}
    offenders = []
    for st in load("curation.yaml")["statements"]:
        if st["evidence"] == "entry-name" and st["subject"] in labels:
            if st.get("quote") not in labels[st["subject"]]:
                offenders.append(f"{st['subject']} {st['predicate']}: quote {st.get('quote')!r}")
    assert not offenders, "entry-name quotes not found in the entry's name: " + "; ".join(offenders)


def test_curated_statements_carry_evidence():
    """Rule: every curated statement names an evidence kind; cited-source and ror-record give a source,
    curator gives a note."""
    kinds = {k["id"] for k in load("vocabularies.yaml")["evidence-kinds"]}
    records = load("curation.yaml")["statements"] + load("organizations.yaml")["organizations"]
    records += [dict(o["classEvidence"], id=o["id"]) for o in records if "classEvidence" in o]
    records += [
        dict(e["classEvidence"], id=e["id"]) for t in load("table1.yaml")["types"] for e in entries(t["examples"])
    ]
    offenders = []
    for r in records:
        who = r.get("subject", r.get("id"))
        if r.get("evidence") not in kinds:
            offenders.append(f"{who}: evidence {r.get('evidence')!r}")
        elif r["evidence"] in {"cited-source", "ror-record"} and not r.get("source"):
            offenders.append(f"{who}: {r['evidence']} without source")
        elif r["evidence"] == "curator" and not r.get("note"):
            offenders.append(f"{who}: curator evidence without a note")
    assert not offenders, "; ".join(offenders)


def test_organizations_are_one_node_each():
    """Rule: no two organizations share a name, alternative name or acronym (after normalization)."""
    names: dict[str, str] = {}
    clashes = []
    for org in load("organizations.yaml")["organizations"]:
        for n in [org["label"], *org.get("altLabels", []), *org.get("acronyms", [])]:
            key = normalize(n)
            if key in names and names[key] != org["id"]:
                clashes.append(f"{n!r}: {names[key]} and {org['id']}")
            names[key] = org["id"]
    assert not clashes, "; ".join(clashes)


@pytest.mark.parametrize(
    "table_spelling,canonical",
    [
        ("American Gastroenterology Association", "American Gastroenterological Association"),
        ("American Association Study of Liver Disease", "American Association for the Study of Liver Diseases"),
        ("Endocrine Fellow Foundation", "Endocrine Fellows Foundation"),
        ("The American Society of Bone and Mineral Research", "American Society for Bone and Mineral Research"),
        # The society's own page names it "Androgen Excess & Polycystic Ovary Syndrome (AE-PCOS) Society"
        # (issue 13; "Androgen Excess and PCOS Society" is a third party's short form, kept as an alias).
        ("Androgen Excess\u2013Polycystic Ovary Syndrome", "Androgen Excess and Polycystic Ovary Syndrome Society"),
    ],
)
def test_table_spelling_kept_as_alternative_label(table_spelling, canonical):
    """Rule (issue 2): canonical names, with the table's spelling kept as an alternative label (in the
    organization's record, or as an altLabel statement with its own evidence in data/curation.yaml)."""
    orgs = {o["label"]: o for o in load("organizations.yaml")["organizations"]}
    assert canonical in orgs
    stated = [
        s["value"]
        for s in load("curation.yaml")["statements"]
        if s["subject"] == orgs[canonical]["id"] and s["predicate"] == "altLabel"
    ]
    assert table_spelling in orgs[canonical].get("altLabels", []) + stated


def test_populations_include_the_groups_the_article_names():
    """Rule: women and racial and ethnic minorities sit under the underrepresented groups."""
    pops = {p["id"]: p for p in load("populations.yaml")["populations"]}
    for pid in ("women", "racial-and-ethnic-minorities"):
        assert "underrepresented-in-academic-medicine" in pops[pid].get("broader", [])
    for stage in ("students", "residents", "fellows"):
        assert "trainees" in pops[stage]["broader"]
    for stage in ("early-career-faculty", "mid-career-faculty"):
        assert "faculty" in pops[stage]["broader"]


def recorded_sums() -> dict[str, str]:
    """file -> SHA-256 recorded in tests/fixtures/PROVENANCE.md for the reference copies of Table 1."""
    text = (FIXTURES / "PROVENANCE.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|$", text, flags=re.M))


@pytest.mark.parametrize("name", ["table1.txt", "table1-columns.md", "README.md"])
def test_reference_copies_are_identical_to_the_recorded_source(name):
    """Rule: data/source/ keeps byte-identical copies of the reference files (checked by their recorded
    SHA-256, so the suite needs nothing outside the repository)."""
    import hashlib

    sums = recorded_sums()
    assert name in sums, f"no SHA-256 recorded for {name} in tests/fixtures/PROVENANCE.md"
    assert hashlib.sha256((DATA / "source" / name).read_bytes()).hexdigest() == sums[name]
