"""Reading ROR records: both schemas, every container format, the traps of real data, clear errors.

Fixtures are small records written here, shaped like the ROR schema documentation and the traps
seen in the verified records (tests/fixtures/linking), written out here.
"""

from __future__ import annotations

import gzip
import json

import pytest

from mentorgraph.linking.ror import iter_records, parse_record
from mentorgraph.problems import InputError

# Schema v1: `name`, capitalised types and relationship types, GRID `all` as a bare string.
V1 = {
    "id": "https://ror.org/0v1aaaa00",
    "name": "Example Society of Medicine",
    "aliases": ["ESM Society"],
    "acronyms": ["ESM"],
    "labels": [{"label": "Société exemplaire de médecine", "iso639": "fr"}],
    "types": ["Nonprofit"],
    "status": "active",
    "links": ["https://esm.example.org"],
    "country": {"country_name": "United States", "country_code": "US"},
    "addresses": [{"city": "Boston", "geonames_city": {"id": 4930956}}],
    "external_ids": {
        "GRID": {"preferred": "grid.1.a", "all": "grid.1.a"},
        "ISNI": {"preferred": None, "all": ["0000 0001 2345 6789"]},
        "OrgRef": {"preferred": None, "all": ["12345"]},
    },
    "relationships": [{"label": "Parent Org", "type": "Parent", "id": "https://ror.org/0v1pppp00"}],
}
# Schema v2: `names` with types in any order, a `label` that is not the display name, null `preferred`,
# and an admin block that claims schema 1.0 (the shape decides, not the claim).
V2 = {
    "id": "https://ror.org/0v2bbbb00",
    "names": [
        {"value": "EXU", "types": ["acronym"], "lang": None},
        {"value": "Exemplar University", "types": ["label", "ror_display"], "lang": "en"},
        {"value": "Universidad Ejemplar", "types": ["label"], "lang": "es"},
        {"value": "Exemplar U", "types": ["alias"], "lang": None},
    ],
    "types": ["education", "funder"],
    "status": "withdrawn",
    "links": [{"type": "website", "value": "https://exu.example.edu"}, {"type": "wikipedia", "value": "x"}],
    "locations": [{"geonames_id": 5128581, "geonames_details": {"country_code": "US", "name": "New York"}}],
    "external_ids": [
        {"type": "wikidata", "all": ["Q1", "Q2"], "preferred": None},
        {"type": "fundref", "all": ["100000001"], "preferred": "100000001"},
    ],
    "relationships": [{"label": "Successor U", "type": "successor", "id": "https://ror.org/0v2ssss00"}],
    "admin": {"created": {"date": "2020-01-01", "schema_version": "1.0"}},
}


def test_schema_v1_is_read_by_shape():
    rec = parse_record(V1)
    assert (rec.schema, rec.name, rec.aliases, rec.acronyms) == (
        1,
        "Example Society of Medicine",
        ["ESM Society"],
        ["ESM"],
    )
    assert rec.labels == ["Société exemplaire de médecine"]
    assert rec.types == ["nonprofit"]
    assert (rec.country_code, rec.city, rec.geonames_id) == ("US", "Boston", 4930956)
    assert rec.related("parent") == ["https://ror.org/0v1pppp00"]


def test_v1_grid_all_as_a_string_is_one_identifier_and_unknown_schemes_are_dropped():
    rec = parse_record(V1)
    assert rec.external_ids == {"grid": ["grid.1.a"], "isni": ["0000 0001 2345 6789"]}


def test_schema_v2_display_name_is_chosen_by_type_not_position():
    rec = parse_record(V2)
    assert rec.schema == 2
    assert rec.name == "Exemplar University"
    assert rec.labels == ["Universidad Ejemplar"]
    assert rec.aliases == ["Exemplar U"]
    assert rec.acronyms == ["EXU"]


def test_v2_identifiers_keep_every_value_even_with_null_preferred():
    rec = parse_record(V2)
    assert rec.external_ids == {"wikidata": ["Q1", "Q2"], "fundref": ["100000001"]}


def test_v2_status_successor_location_and_website():
    rec = parse_record(V2)
    assert rec.status == "withdrawn"
    assert rec.related("successor") == ["https://ror.org/0v2ssss00"]
    assert (rec.country_code, rec.city) == ("US", "New York")
    assert rec.links == ["https://exu.example.edu"]


def test_a_json_object_that_is_not_a_ror_record_is_refused():
    with pytest.raises(ValueError, match="neither 'names'"):
        parse_record({"id": "https://ror.org/0x", "title": "no names"})


@pytest.mark.parametrize("layout", ["jsonl", "array", "object", "gz"])
def test_every_container_format_streams_the_same_records(tmp_path, layout):
    if layout == "jsonl":
        path = tmp_path / "r.jsonl"
        path.write_text(json.dumps(V1) + "\n" + json.dumps(V2, ensure_ascii=False) + "\n", encoding="utf-8")
        expected = [V1["id"], V2["id"]]
    elif layout == "array":
        path = tmp_path / "r.json"
        path.write_text(json.dumps([V1, V2], indent=2, ensure_ascii=False), encoding="utf-8")
        expected = [V1["id"], V2["id"]]
    elif layout == "object":
        path = tmp_path / "r.json"
        path.write_text(json.dumps(V2, indent=1), encoding="utf-8")
        expected = [V2["id"]]
    else:
        path = tmp_path / "r.json.gz"
        path.write_bytes(gzip.compress(json.dumps([V1, V2]).encode()))
        expected = [V1["id"], V2["id"]]
    assert [r.id for r in iter_records([path])] == expected


def test_a_large_array_is_read_across_chunk_boundaries(tmp_path):
    records = [dict(V1, id=f"https://ror.org/0big{i:05d}", name=f"Org {i}") for i in range(3000)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")  # ~2.5 MB: several 1 MiB chunks
    got = list(iter_records([path]))
    assert [r.name for r in got] == [f"Org {i}" for i in range(3000)]


def test_broken_json_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(V1) + "\n" + json.dumps(V2) + "\n" + '{"id": "https://ror.org/0x", \n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        list(iter_records([path]))
    problem = exc.value.problems[0]
    assert problem.file == str(path)
    assert problem.line == 3
    assert "invalid JSON" in problem.message


def test_a_value_that_is_not_a_record_is_reported_with_its_line(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(V1) + "\n" + json.dumps({"hello": 1}) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        list(iter_records([path]))
    assert exc.value.problems[0].line == 2
    errors = []
    assert [r.id for r in iter_records([path], errors=errors)] == [V1["id"]]
    assert errors[0].line == 2


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        list(iter_records([tmp_path / "nope.json"]))
