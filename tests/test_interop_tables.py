"""`mentorgraph export tables`: tidy CSVs for spreadsheets and BI tools, described by a valid data package.

Expected row counts come from Table 1 as published (data/source/table1-columns.md, parsed in conftest)
and from the records of the curated files, never from the export itself.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from conftest import ROOT
from mentorgraph import iris
from mentorgraph.cli import main
from mentorgraph.interop.tables import DATAPACKAGE, load_tables, neutralize, render_tables

# The "In-person / Online / Hybrid" bullets of row 3 head the entries beneath them: delivery modes, not
# initiatives (README, "The model in brief").
HEADINGS = {"In-person", "Online", "Hybrid"}
# What the table names inside a bullet rather than as one (data/entities.yaml): the platform of "Closed
# Facebook groups", and the initiatives of the Brandeis bullet (issue 13).
_ENTITIES = yaml.safe_load((ROOT / "data" / "entities.yaml").read_text(encoding="utf-8"))
NAMED_INSIDE = {r["label"] for key in ("platforms", "initiatives") for r in _ENTITIES.get(key, [])}


@pytest.fixture(scope="module")
def files(built) -> dict[str, bytes]:
    return render_tables((built / "mentorgraph.nq").read_bytes(), "0.1.0")


def rows(files, name: str) -> list[dict]:
    data = files[f"{name}.csv"]
    assert data.startswith(b"\xef\xbb\xbf"), f"{name}.csv has no UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def curated(name: str, key: str) -> list:
    return yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8"))[key]


def test_one_table_per_kind_of_thing(files):
    kinds = {
        "initiatives",
        "organizations",
        "populations",
        "strengths",
        "weaknesses",
        "links",
        "identifiers",
        "evidence",
    }
    assert kinds <= {n[: -len(".csv")] for n in files if n.endswith(".csv")}


def test_row_counts_follow_table_1(files, table1):
    assert len(rows(files, "model-types")) == len(table1) == 7
    assert len(rows(files, "strengths")) == sum(len(r["strengths"]) for r in table1)
    assert len(rows(files, "weaknesses")) == sum(len(r["weaknesses"]) for r in table1)
    bullets = [label for r in table1 for label, children in r["examples"] for label in [label, *children]]
    initiatives = rows(files, "initiatives")
    assert len(initiatives) == len(bullets) - len(HEADINGS) + len(NAMED_INSIDE)
    assert {r["label"] for r in initiatives if r["in_table1"] == "true"} == set(bullets) - HEADINGS


def test_row_counts_follow_the_curated_records(files):
    assert len(rows(files, "organizations")) == len(curated("organizations.yaml", "organizations"))
    assert len(rows(files, "populations")) == len(curated("populations.yaml", "populations"))
    codes = curated("nih-activity-codes.yaml", "codes")
    mechanisms = curated("entities.yaml", "funding-mechanisms")
    assert len(rows(files, "funding-mechanisms")) == len(codes) + len(mechanisms)


def test_labels_sit_beside_iris_and_keep_table_1_s_characters(files, table1):
    initiatives = {r["label"]: r for r in rows(files, "initiatives")}
    moms = initiatives["Physician Mom\u2019s Group"]  # U+2019 as printed
    assert moms["part_of_label"] == "Closed Facebook groups" and moms["part_of"].startswith("https://w3id.org/")
    assert moms["model_type_label"] == table1[4]["type"]
    strengths = rows(files, "strengths")
    assert [r["label"] for r in strengths if r["model_type_label"] == table1[0]["type"]] == table1[0]["strengths"]


def test_identifiers_and_evidence_name_their_sources(files):
    ids = rows(files, "identifiers")
    drexel = {(r["scheme"], r["identifier"]) for r in ids if r["entity_label"] == "Drexel University"}
    assert ("ROR", "https://ror.org/04bdffz58") in drexel and (
        "Crossref Funder ID",
        "https://doi.org/10.13039/100008211",
    ) in drexel
    assert all(r["source"] for r in ids if r["scheme"] in ("ROR", "Crossref Funder ID"))
    codes = {r["identifier"] for r in ids if r["scheme"] == "NIH activity code"}
    assert codes == {
        "https://w3id.org/mentorgraph/id/nih-activity-code-kl2",
        "https://w3id.org/mentorgraph/id/nih-activity-code-k12",
    }
    evidence = rows(files, "evidence")
    assert len({r["statement"] for r in evidence}) == len(evidence)
    assert all(r["evidence_kind_label"] for r in evidence)


def test_the_data_package_validates_with_frictionless(built, tmp_path, files):
    from frictionless import Package, validate

    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    report = validate(str(tmp_path / DATAPACKAGE))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = Package(str(tmp_path / DATAPACKAGE))
    assert {r.name for r in package.resources} == {t.name for t in load_tables()}
    initiatives = package.get_resource("initiatives").read_rows()
    assert any(r["label"] == "Physician Mom\u2019s Group" for r in initiatives)  # the BOM and UTF-8 read back
    assert all(isinstance(r["in_table1"], bool) for r in initiatives)


def test_header_rows_are_the_data_package_s_fields(files):
    package = json.loads(files[DATAPACKAGE])
    for res in package["resources"]:
        header = files[res["path"]].decode("utf-8-sig").split("\r\n", 1)[0]
        assert header.split(",") == [f["name"] for f in res["schema"]["fields"]], res["name"]
        assert all(f["description"] for f in res["schema"]["fields"])


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\0x"])
def test_formula_starts_are_neutralized(text):
    assert neutralize(text) == "'" + text


def test_plain_text_is_left_alone():
    assert neutralize("Women\u2019s Leadership conference") == "Women\u2019s Leadership conference"
    assert neutralize("") == ""


def test_a_hostile_label_reaches_the_csv_as_text():
    a, mg, mgo = "<https://w3id.org/mentorgraph/graph/article>", "https://w3id.org/mentorgraph/id/", iris.MGO
    nquads = "".join(
        f"<{mg}t> {p} {o} {a} .\n"
        for p, o in (
            (f"<{iris.PREFIXES['rdf']}type>", f"<{mgo}MentoringModelType>"),
            (f"<{iris.PREFIXES['rdfs']}label>", '"=HYPERLINK(\\"http://127.0.0.1/\\")"'),
            (f"<{mgo}tablePosition>", f'"1"^^<{iris.PREFIXES["xsd"]}integer>'),
        )
    ).encode()
    (row,) = rows(render_tables(nquads, "0.1.0"), "model-types")
    assert row["label"] == '\'=HYPERLINK("http://127.0.0.1/")' and row["table_position"] == "1"


def test_it_is_deterministic(built, files):
    assert render_tables((built / "mentorgraph.nq").read_bytes(), "0.1.0") == files


def test_the_cli_writes_a_directory_and_will_not_overwrite_other_files(built, tmp_path, capsys):
    out = tmp_path / "tables"
    assert main(["export", "tables", "--build", str(built), "--out", str(out), "-q"]) == 0
    assert (out / DATAPACKAGE).is_file() and (out / "initiatives.csv").is_file()
    assert main(["export", "tables", "--build", str(built), "--out", str(out), "-q"]) == 0  # replaces its own export
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep", encoding="utf-8")
    assert main(["export", "tables", "--build", str(built), "--out", str(other)]) == 2
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]
    assert "not a tables export" in capsys.readouterr().err
