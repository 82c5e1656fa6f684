"""Funder identifiers: every organization whose ROR record lists a Crossref Funder ID (FundRef) carries it.

Expected values come from the verified ROR records in tests/fixtures/linking/ror (ROR schema v1 and v2),
not from the data: the record's preferred ID is a skos:exactMatch, the others skos:closeMatch with a
note; a record that lists one ID without marking it preferred gives that one as the exactMatch.
"""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import FIXTURES, ROOT

FUNDREF = "https://doi.org/10.13039/"
RECORDS = sorted((FIXTURES / "linking" / "ror").glob("*.json"))


def fundref(record: dict) -> tuple[str | None, list[str]]:
    """(preferred, all) Crossref Funder IDs of a ROR record, v1 or v2."""
    ext = record.get("external_ids")
    if isinstance(ext, list):  # schema v2
        for e in ext:
            if e.get("type") == "fundref":
                return e.get("preferred"), list(e.get("all") or [])
        return None, []
    entry = (ext or {}).get("FundRef") or {}
    values = entry.get("all") or []
    return entry.get("preferred"), list(values if isinstance(values, list) else [values])


def organizations() -> dict[str, dict]:
    """data/organizations.yaml's organizations by their ROR ID (from their ROR exactMatch)."""
    doc = yaml.safe_load((ROOT / "data" / "organizations.yaml").read_text(encoding="utf-8"))
    out = {}
    for rec in doc["organizations"]:
        for m in rec.get("mappings", []):
            if m["predicate"] == "exactMatch" and m["iri"].startswith("https://ror.org/"):
                out[m["iri"].rsplit("/", 1)[1]] = rec
    return out


def test_the_fixtures_hold_records_with_funder_ids():
    assert sum(1 for p in RECORDS if fundref(json.loads(p.read_text(encoding="utf-8")))[1]) >= 14


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_every_funder_id_of_an_organization_s_ror_record_is_carried(path):
    """Rule: the organization with this ROR record has each of its Funder IDs: the preferred one as
    exactMatch, the others as closeMatch with a note, each with the record as its source.
    Fix: add the missing mapping to data/organizations.yaml with evidence ror-record."""
    ror_id = path.stem
    rec = organizations().get(ror_id)
    preferred, values = fundref(json.loads(path.read_text(encoding="utf-8")))
    assert rec is not None, f"no organization of data/ has ROR {ror_id} (ror/ holds Table 1's organizations only)"
    if preferred is None and len(values) == 1:
        preferred = values[0]
    got = {m["iri"][len(FUNDREF) :]: m for m in rec.get("mappings", []) if m["iri"].startswith(FUNDREF)}
    assert set(got) == set(values), f"{rec['id']}: Funder IDs {sorted(got)} differ from ROR {ror_id}'s {sorted(values)}"
    for value, m in got.items():
        want = "exactMatch" if value == preferred else "closeMatch"
        assert m["predicate"] == want, f"{rec['id']}: {value} should be {want}"
        if want == "closeMatch":
            assert m.get("note"), f"{rec['id']}: closeMatch {value} needs a note saying why it is not the preferred ID"
        # The source is the record itself, as a resolvable IRI (issue 13).
        source = m.get("source", "")
        assert m["evidence"] == "ror-record" and source == f"https://ror.org/{ror_id}", (
            f"{rec['id']}: {value}'s source {source!r} is not ROR record https://ror.org/{ror_id}"
        )


def test_no_funder_id_without_a_ror_record_behind_it():
    """Rule: a Crossref Funder ID in the data comes from a ROR record (never guessed)."""
    by_ror = {p.stem: fundref(json.loads(p.read_text(encoding="utf-8")))[1] for p in RECORDS}
    doc = yaml.safe_load((ROOT / "data" / "organizations.yaml").read_text(encoding="utf-8"))
    ror_of = {rec["id"]: ror for ror, rec in organizations().items()}
    for rec in doc["organizations"]:
        ids = [m["iri"][len(FUNDREF) :] for m in rec.get("mappings", []) if m["iri"].startswith(FUNDREF)]
        if ids:
            assert rec["id"] in ror_of, f"{rec['id']} has Funder IDs but no ROR record"
            assert set(ids) <= set(by_ror[ror_of[rec["id"]]]), rec["id"]
