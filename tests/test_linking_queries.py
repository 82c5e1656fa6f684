"""Cross-dataset questions (queries/ror-*.rq) over the graph with ROR loaded beside it, and the
schema.org alignment a web consumer relies on.

The ROR graph is loaded from fixture records the test writes for the graph's curated ROR links
(their cities and countries are fixture values), and from the verified real records
(tests/fixtures/linking), whose locations the test reads straight from the JSON.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from mentorgraph.query.api import open_graph
from mentorgraph.linking.rdf import ROR_GRAPH, load_ror
from mentorgraph.linking.ror import iter_records, parse_record
from conftest import FIXTURES, ROOT

SHARED = FIXTURES / "linking"
MG = "https://w3id.org/mentorgraph/id/"
FOREIGN = "emory-university"  # the fixture places this one organization's record in Canada


def curated_ror() -> dict[str, str]:
    """slug -> ROR IRI, from data/organizations.yaml."""
    doc = yaml.safe_load((ROOT / "data" / "organizations.yaml").read_text(encoding="utf-8"))
    return {
        rec["id"]: m["iri"]
        for rec in doc["organizations"]
        for m in rec.get("mappings", [])
        if m["iri"].startswith("https://ror.org/")
    }


def curated_parents() -> dict[str, str]:
    doc = yaml.safe_load((ROOT / "data" / "organizations.yaml").read_text(encoding="utf-8"))
    return {rec["id"]: rec["parent"] for rec in doc["organizations"] if "parent" in rec}


def fixture_records() -> list[dict]:
    ror, parents = curated_ror(), curated_parents()
    recs = []
    for slug, iri in sorted(ror.items()):
        rels = [{"type": "parent", "id": ror[parents[slug]], "label": ""}] if parents.get(slug) in ror else []
        recs.append(
            {
                "id": iri,
                "names": [{"value": f"Fixture {slug}", "types": ["ror_display"], "lang": None}],
                "types": ["nonprofit"],
                "status": "active",
                "links": [],
                "external_ids": [],
                "locations": [
                    {
                        "geonames_id": 1,
                        "geonames_details": {
                            "country_code": "CA" if slug == FOREIGN else "US",
                            "name": f"City of {slug}",
                        },
                    }
                ],
                "relationships": rels,
            }
        )
    return recs


def _copy_build(built: Path, dest: Path) -> Path:
    """A copy of the built directory (its generation, `current` and the links are relative)."""
    shutil.copytree(built, dest, symlinks=True)
    return dest


@pytest.fixture(scope="module")
def with_ror(built, tmp_path_factory):
    out = _copy_build(built, tmp_path_factory.mktemp("ror") / "dist")
    load_ror(out, (parse_record(r) for r in fixture_records()))
    return open_graph(out, engine="oxigraph", root=ROOT)


def rows(res, *cols):
    return [tuple(r[c].value if r.get(c) is not None else None for c in cols) for r in res.rows]


def test_sponsor_locations_list_every_sponsor_with_its_ror_city(with_ror, mg):
    sponsors = {r["o"].value for r in mg.sparql("SELECT DISTINCT ?o WHERE { ?i mgo:sponsor ?o }").rows}
    got = rows(with_ror.query("ror-sponsor-locations"), "item", "ror", "city", "country")
    assert {r[0] for r in got} == sponsors
    ror = curated_ror()
    for item, rid, city, country in got:
        slug = item.removeprefix(MG)
        if slug in ror:
            assert (rid, city, country) == (ror[slug], f"City of {slug}", "CA" if slug == FOREIGN else "US")
        else:
            assert (rid, city, country) == (None, None, None)


def test_programs_by_country_follow_their_sponsors_location(with_ror, mg):
    got = {(i, s) for i, s in rows(with_ror.query("ror-programs-by-country", country="ca"), "item", "sponsor")}
    expected = {
        (r["i"].value, MG + FOREIGN) for r in mg.sparql(f"SELECT ?i WHERE {{ ?i mgo:sponsor mg:{FOREIGN} }}").rows
    }
    assert expected and got == expected


def test_sponsor_parents_come_from_ror_and_meet_the_graph_again(with_ror):
    ror, parents = curated_ror(), curated_parents()
    got = set(rows(with_ror.query("ror-sponsor-parents"), "item", "parent", "parentItem"))
    expected = {(MG + s, ror[p], MG + p) for s, p in parents.items() if s in ror and p in ror}
    assert expected  # NIDDK -> NIH (organizations.yaml: parent national-institutes-of-health)
    assert got == expected


def test_ror_graph_is_its_own_named_graph_and_withdrawn_records_point_to_successors(tmp_path, built):
    out = _copy_build(built, tmp_path / "dist")
    old = {
        "id": "https://ror.org/0fxold000",
        "name": "Old Name",
        "status": "withdrawn",
        "types": [],
        "relationships": [{"type": "Successor", "id": "https://ror.org/0fxnew000", "label": ""}],
    }
    new = fixture_records()[0]
    load_ror(out, [parse_record(old), parse_record(new)])
    g = open_graph(out, engine="oxigraph", root=ROOT)
    res = g.sparql(f"""SELECT ?p ?o WHERE {{ GRAPH <{ROR_GRAPH}> {{ <https://ror.org/0fxold000> ?p ?o }} }}""")
    assert {(r["p"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], r["o"].value) for r in res.rows} == {
        ("type", "https://schema.org/Organization"),
        ("name", "Old Name"),
        ("isReplacedBy", "https://ror.org/0fxnew000"),
    }
    assert (out / "ror.nq").read_bytes().count(b"<https://w3id.org/mentorgraph/graph/ror>") > 0


def test_cli_load_ror_needs_a_build_first(tmp_path, capsys):
    from mentorgraph.cli import main

    dump = tmp_path / "r.jsonl"
    dump.write_text(json.dumps(fixture_records()[0]) + "\n", encoding="utf-8")
    assert main(["link", "load-ror", str(dump), "--out", str(tmp_path / "nowhere")]) == 3
    assert "mentorgraph build" in capsys.readouterr().err


def test_cli_load_ror_then_query(tmp_path, built, capsys):
    from mentorgraph.cli import main

    out = _copy_build(built, tmp_path / "dist")
    dump = tmp_path / "r.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in fixture_records()), encoding="utf-8")
    assert main(["link", "load-ror", str(dump), "--out", str(out), "-q"]) == 0
    res = open_graph(out, root=ROOT).query("ror-sponsor-locations")
    assert any(r.get("city") is not None for r in res.rows)


def test_real_ror_records_give_each_linked_sponsor_its_city(built, tmp_path):
    out = _copy_build(built, tmp_path / "dist")
    files = sorted((SHARED / "ror").glob("*.json")) + sorted((SHARED / "ror-related").glob("*.json"))
    load_ror(out, iter_records(files))
    expected = {}
    for f in files:
        raw = json.loads(f.read_text(encoding="utf-8"))
        city = raw["locations"][0]["geonames_details"]["name"] if "locations" in raw else raw["addresses"][0]["city"]
        expected[raw["id"]] = city
    got = rows(open_graph(out, root=ROOT).query("ror-sponsor-locations"), "ror", "city")
    linked = [(rid, city) for rid, city in got if rid is not None]
    assert linked and all(city == expected[rid] for rid, city in linked)


def test_unlinked_query_lists_organizations_without_ror(mg):
    from test_linking_data import GAPS

    # GAPS: the ids of data/organizations.yaml's records without a ROR record (test_linking_data.py).
    assert {item.rsplit("/", 1)[-1] for (item,) in rows(mg.query("ror-unlinked"), "item")} == set(GAPS)


# -- schema.org alignment ---------------------------------------------------------------------------
def test_a_schema_org_consumer_finds_every_program(mg, root):
    """Every Program of data/ (Table 1 and contributions), found by schema.org terms alone."""
    program_classes = {
        "Program",
        "ProgramUmbrella",
        "Seminar",
        "Conference",
    }  # ontology: rdfs:subClassOf mgo:Program

    def walk(entries):
        for e in entries:
            yield e
            yield from walk(e.get("children", []))

    doc = yaml.safe_load((root / "data" / "table1.yaml").read_text(encoding="utf-8"))
    expected = {MG + e["id"] for t in doc["types"] for e in walk(t["examples"]) if e["class"] in program_classes}
    # Initiatives a bullet names beside another (data/entities.yaml, e.g. the Brandeis bullet's two).
    edoc = yaml.safe_load((root / "data" / "entities.yaml").read_text(encoding="utf-8"))
    expected |= {MG + r["id"] for r in edoc.get("initiatives", []) if r["class"] in program_classes}
    contrib = root / "data" / "contributions.yaml"
    if contrib.exists():
        cdoc = yaml.safe_load(contrib.read_text(encoding="utf-8")) or {}
        expected |= {MG + r["id"] for r in cdoc.get("initiatives") or [] if r["class"] in program_classes}
    got = {r["p"].value for r in mg.sparql("SELECT ?p WHERE { ?p a schema:EducationalOccupationalProgram }").rows}
    assert expected and got >= expected
    assert {g for g in got if g.startswith(MG)} == expected


def test_a_schema_org_consumer_finds_every_sponsor_of_every_program(mg):
    ours = {
        (r["p"].value, r["o"].value) for r in mg.sparql("SELECT ?p ?o WHERE { ?p a mgo:Program ; mgo:sponsor ?o }").rows
    }
    theirs = {
        (r["p"].value, r["o"].value)
        for r in mg.sparql("""SELECT ?p ?o WHERE {
        ?p a schema:EducationalOccupationalProgram ; schema:sponsor|schema:funder ?o .
        ?o a schema:Organization }""").rows
    }
    assert ours and theirs == ours


def test_a_schema_org_consumer_finds_every_target_audience(mg):
    ours = {(r["i"].value, r["a"].value) for r in mg.sparql("SELECT ?i ?a WHERE { ?i mgo:targetPopulation ?a }").rows}
    theirs = {
        (r["i"].value, r["a"].value)
        for r in mg.sparql("SELECT ?i ?a WHERE { ?i schema:audience ?a . ?a a schema:Audience }").rows
    }
    assert ours and theirs == ours
