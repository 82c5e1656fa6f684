"""The ROR reconciler: normalization, acronyms, context, successors, collisions, SSSOM, --accept, CLI.

Every record here is a small fixture written by the test, modelled on the traps that
the reference notes (tests/fixtures/PROVENANCE.md) document in real ROR data (NIH in the US and in Malaysia, ACG = the
American College of Greece, AGA = the American Genetic Association, two unrelated ATS, a French
CARRA, a soft hyphen in CARRA's name, withdrawn duplicates with successors). Identifiers are
fixture identifiers (0fx...), not real ROR IDs.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from mentorgraph.linking.reconcile import Subject, normalize_name, reconcile
from mentorgraph.linking.ror import parse_record
from mentorgraph.linking.sssom import accept, render_sssom, render_turtle

ROR = "https://ror.org/"


def v1(rid, name, types=("Nonprofit",), acronyms=(), aliases=(), country="US", status="active", rels=()):
    return {
        "id": ROR + rid,
        "name": name,
        "types": list(types),
        "acronyms": list(acronyms),
        "aliases": list(aliases),
        "labels": [],
        "status": status,
        "country": {"country_code": country, "country_name": country},
        "addresses": [{"city": "Somewhere"}],
        "external_ids": {},
        "relationships": [{"type": t, "id": ROR + i, "label": ""} for t, i in rels],
    }


def v2(rid, name, types=("nonprofit",), acronyms=(), country="US", status="active", rels=()):
    names = [{"value": name, "types": ["label", "ror_display"], "lang": "en"}]
    names += [{"value": a, "types": ["acronym"], "lang": None} for a in acronyms]
    return {
        "id": ROR + rid,
        "names": names,
        "types": list(types),
        "status": status,
        "locations": [{"geonames_id": 1, "geonames_details": {"country_code": country, "name": "Town"}}],
        "external_ids": [],
        "links": [],
        "relationships": [{"type": t, "id": ROR + i, "label": ""} for t, i in rels],
    }


def run(subjects, records, countries=()):
    return reconcile(subjects, [parse_record(r) for r in records], countries)


def confident(mappings):
    return {(m.slug, m.object_id) for m in mappings if m.confident}


def review(mappings):
    return {(m.slug, m.object_id) for m in mappings if not m.confident}


NIH = Subject("nih", "Funder", "National Institutes of Health", acronyms=["NIH"])
NIDDK = Subject(
    "niddk",
    "Funder",
    "National Institute of Diabetes and Digestive and Kidney Diseases",
    acronyms=["NIDDK"],
    parent="nih",
)
NIH_US = v2(
    "0fxnihus0",
    "National Institutes of Health",
    ("government", "funder"),
    ["NIH"],
    "US",
    rels=[("child", "0fxniddk0")],
)
NIH_MY = v1("0fxnihmy0", "National Institutes of Health", ("Government",), ["NIH"], country="MY")
NIDDK_REC = v2(
    "0fxniddk0",
    "National Institute of Diabetes and Digestive and Kidney Diseases",
    ("funder",),
    ["NIDDK"],
    rels=[("parent", "0fxnihus0")],
)


# -- normalization ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "a,b",
    [
        (
            "Childhood Arthritis and Rheumatol\u00adogy Research Alliance",
            "Childhood Arthritis and Rheumatology Research Alliance",
        ),
        ("Women\u2019s Leadership Council", "Women's Leadership Council"),
        ("  American   Heart\tAssociation ", "American Heart Association"),
        ("The American Heart Association", "american heart association"),
        ("Société Française", "Societe francaise"),
        ("Research & Development Office", "Research and Development Office"),
        ("Meta (United States)", "Meta United States"),
    ],
)
def test_names_that_differ_only_in_form_normalize_equal(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_normalization_keeps_words_that_differ():
    assert normalize_name("American Society of Bone") != normalize_name("American Society for Bone")


def test_soft_hyphen_in_the_record_name_still_matches_exactly():
    carra = Subject(
        "carra",
        "ProfessionalSociety",
        "Childhood Arthritis and Rheumatology Research Alliance",
        acronyms=["CARRA"],
    )
    rec = v1("0fxcarra0", "Childhood Arthritis and Rheumatol\u00adogy Research Alliance", ("Facility",), ["CARRA"])
    assert confident(run([carra], [rec])) == {("carra", ROR + "0fxcarra0")}


# -- acronyms never suffice -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "subject,decoy",
    [
        (
            Subject("acg", "ProfessionalSociety", "American College of Gastroenterology", acronyms=["ACG"]),
            v1("0fxgreece", "The American College of Greece", ("Education",), ["ACG"], country="GR"),
        ),
        (
            Subject("aga", "ProfessionalSociety", "American Gastroenterological Association", acronyms=["AGA"]),
            v2("0fxgenet0", "American Genetic Association", ("nonprofit",), ["AGA"]),
        ),
        (
            Subject("ats", "ProfessionalSociety", "American Thoracic Society", acronyms=["ATS"]),
            v2("0fxats000", "Advanced Technology Services", ("company",), ["ATS"]),
        ),
        (
            Subject(
                "carra",
                "ProfessionalSociety",
                "Childhood Arthritis and Rheumatology Research Alliance",
                acronyms=["CARRA"],
            ),
            v1(
                "0fxcarrfr",
                "Centre Alimentation Recherche Rhône-Alpes",
                ("Facility",),
                ["CARRA"],
                country="FR",
            ),
        ),
    ],
)
def test_a_shared_acronym_alone_proposes_nothing(subject, decoy):
    assert run([subject], [decoy]) == []


def test_an_acronym_equal_to_a_name_is_still_only_an_acronym():
    ats = Subject("ats", "ProfessionalSociety", "American Thoracic Society", acronyms=["ATS"])
    rec = v2("0fxats001", "ATS", ("company",))  # a record *named* ATS does not name the society
    assert run([ats], [rec]) == []


# -- colliding names and context ----------------------------------------------------------------------
def test_nih_us_wins_over_nih_malaysia_through_its_child_niddk():
    maps = run([NIH, NIDDK], [NIH_MY, NIH_US, NIDDK_REC])
    assert confident(maps) == {("nih", ROR + "0fxnihus0"), ("niddk", ROR + "0fxniddk0")}
    assert review(maps) == {("nih", ROR + "0fxnihmy0")}


def test_namesakes_without_context_go_to_review_not_to_a_guess():
    maps = run([NIH], [NIH_MY, NIH_US])
    assert confident(maps) == set()
    assert review(maps) == {("nih", ROR + "0fxnihus0"), ("nih", ROR + "0fxnihmy0")}


def test_an_expected_country_separates_namesakes():
    maps = run([NIH], [NIH_MY, NIH_US], countries=["US"])
    assert confident(maps) == {("nih", ROR + "0fxnihus0")}


def test_a_type_that_contradicts_the_class_sends_an_exact_name_to_review():
    society = Subject("soc", "ProfessionalSociety", "Example Heart Association")
    rec = v2("0fxcomp00", "Example Heart Association", ("company",))
    assert review(run([society], [rec])) == {("soc", ROR + "0fxcomp00")}


def test_a_near_name_is_only_ever_for_review():
    asbmr = Subject("asbmr", "ProfessionalSociety", "The American Society of Bone and Mineral Research")
    rec = v1("0fxasbmr0", "American Society for Bone and Mineral Research", ("Nonprofit",), ["ASBMR"])
    maps = run([asbmr], [rec])
    assert review(maps) == {("asbmr", ROR + "0fxasbmr0")}
    assert "near name" in maps[0].comment


def test_an_alternative_label_matches():
    eff = Subject("eff", "ProfessionalSociety", "Endocrine Fellows Foundation", ["Endocrine Fellow Foundation"])
    rec = v1("0fxeff000", "Endocrine Fellow Foundation")
    assert confident(run([eff], [rec])) == {("eff", ROR + "0fxeff000")}


def test_one_record_claimed_by_two_subjects_is_left_to_a_curator():
    a = Subject("a", "ProfessionalSociety", "Example Foundation")
    b = Subject("b", "ProfessionalSociety", "Other Name", ["Example Foundation"])
    maps = run([a, b], [v1("0fxfound0", "Example Foundation")])
    assert confident(maps) == set()
    assert review(maps) == {("a", ROR + "0fxfound0"), ("b", ROR + "0fxfound0")}


# -- withdrawn records ----------------------------------------------------------------------------
def test_a_withdrawn_duplicate_resolves_to_its_successor_and_does_not_compete():
    asbmr = Subject("asbmr", "ProfessionalSociety", "American Society for Bone and Mineral Research")
    active = v1("0fxactive", "American Society for Bone and Mineral Research", ("Facility",))
    withdrawn = v1(
        "0fxwithdr",
        "American Society for Bone and Mineral Research",
        ("Other",),
        country="CA",
        status="withdrawn",
        rels=[("Successor", "0fxactive")],
    )
    maps = run([asbmr], [withdrawn, active])
    assert [(m.object_id, m.confident) for m in maps] == [(ROR + "0fxactive", True)]
    assert "0fxwithdr" in maps[0].comment


def test_a_withdrawn_record_alone_points_to_its_successor():
    subj = Subject("ex", "AcademicInstitution", "Example School of Medicine")
    withdrawn = v1(
        "0fxold000",
        "Example School of Medicine",
        ("Education",),
        status="withdrawn",
        rels=[("Successor", "0fxnew000")],
    )
    successor = v1("0fxnew000", "Example University", ("Education",))
    maps = run([subj], [withdrawn, successor])
    assert confident(maps) == {("ex", ROR + "0fxnew000")}
    assert maps[0].object_label == "Example University"
    assert "withdrawn" in maps[0].comment


def test_a_successor_missing_from_the_input_needs_review():
    subj = Subject("ex", "AcademicInstitution", "Example School of Medicine")
    withdrawn = v1(
        "0fxold000",
        "Example School of Medicine",
        ("Education",),
        status="withdrawn",
        rels=[("Successor", "0fxnew000")],
    )
    maps = run([subj], [withdrawn])
    assert review(maps) == {("ex", ROR + "0fxnew000")}
    assert "not in the input" in maps[0].comment


# -- SSSOM and Turtle -----------------------------------------------------------------------------------
def _table(data: bytes) -> tuple[str, list[dict]]:
    text = data.decode("utf-8")
    header = "".join(line[2:] + "\n" for line in text.splitlines() if line.startswith("# "))
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return header, list(csv.DictReader(io.StringIO(body), delimiter="\t"))


def test_sssom_has_the_required_columns_metadata_and_evidence_comment():
    maps = run([NIH, NIDDK], [NIH_MY, NIH_US, NIDDK_REC])
    header, rows = _table(render_sssom([m for m in maps if m.confident], "ror", "test"))
    meta = yaml.safe_load(header)
    assert meta["curie_map"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert meta["curie_map"]["semapv"] == "https://w3id.org/semapv/vocab/"
    assert {"mapping_set_id", "license"} <= set(meta)
    required = {
        "subject_id",
        "subject_label",
        "predicate_id",
        "object_id",
        "object_label",
        "mapping_justification",
        "confidence",
        "comment",
    }
    assert required <= set(rows[0])
    by_subject = {r["subject_id"].rsplit("/", 1)[-1]: r for r in rows}
    nih = by_subject["nih"]
    assert nih["object_id"] == ROR + "0fxnihus0"
    assert nih["predicate_id"] == "skos:exactMatch"
    assert nih["mapping_justification"] == "semapv:LexicalMatching"
    assert 0.8 <= float(nih["confidence"]) <= 1.0
    assert "National Institutes of Health" in nih["comment"] and "niddk" in nih["comment"]


def test_turtle_output_is_valid_and_states_exact_matches():
    import pyoxigraph as ox

    maps = [m for m in run([NIH, NIDDK], [NIH_MY, NIH_US, NIDDK_REC]) if m.confident]
    triples = list(ox.parse(render_turtle(maps, "test"), format=ox.RdfFormat.TURTLE))
    assert {(t.subject.value.rsplit("/", 1)[-1], t.predicate.value, t.object.value) for t in triples} == {
        ("nih", "http://www.w3.org/2004/02/skos/core#exactMatch", ROR + "0fxnihus0"),
        ("niddk", "http://www.w3.org/2004/02/skos/core#exactMatch", ROR + "0fxniddk0"),
    }


# -- --accept and the CLI ---------------------------------------------------------------------------------
ORGS = {
    "organizations": [
        {
            "id": "nih",
            "class": "Funder",
            "label": "National Institutes of Health",
            "acronyms": ["NIH"],
            "evidence": "curator",
            "note": "Fixture.",
        },
        {
            "id": "niddk",
            "class": "Funder",
            "label": "National Institute of Diabetes and Digestive and Kidney Diseases",
            "parent": "nih",
            "evidence": "curator",
        },
    ]
}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "organizations.yaml").write_text(
        yaml.safe_dump(ORGS, allow_unicode=True, sort_keys=False, width=4096), encoding="utf-8"
    )
    dump = tmp_path / "ror.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in (NIH_MY, NIH_US, NIDDK_REC)), encoding="utf-8")
    return tmp_path, dump


def test_accept_writes_confident_links_with_evidence_in_canonical_form_once(project):
    root, _ = project
    maps = run([NIH, NIDDK], [NIH_MY, NIH_US, NIDDK_REC])
    for m in maps:  # the fixture's subjects carry the same slugs as ORGS
        m.source = "ror.jsonl"
    assert sorted(accept(root, maps)) == [("niddk", ROR + "0fxniddk0"), ("nih", ROR + "0fxnihus0")]
    text = (root / "data" / "organizations.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert text == yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=4096)
    nih = doc["organizations"][0]
    assert nih["mappings"] == [
        {
            "predicate": "exactMatch",
            "iri": ROR + "0fxnihus0",
            "evidence": "ror-record",
            "source": ROR + "0fxnihus0",
            "note": nih["mappings"][0]["note"],
        }
    ]
    assert "ror.jsonl" in nih["mappings"][0]["note"]
    assert accept(root, maps) == []  # accepting again adds nothing


def test_cli_link_ror_writes_output_and_review(project, capsys):
    from mentorgraph.cli import main

    root, dump = project
    out, rev = root / "ok.sssom.tsv", root / "review.ttl"
    code = main(["link", "ror", str(dump), "--root", str(root), "--output", str(out), "--review", str(rev)])
    assert code == 0
    _, rows = _table(out.read_bytes())
    assert {(r["subject_id"].rsplit("/", 1)[-1], r["object_id"]) for r in rows} == {
        ("nih", ROR + "0fxnihus0"),
        ("niddk", ROR + "0fxniddk0"),
    }
    assert f"<{ROR}0fxnihmy0>" in rev.read_text(encoding="utf-8")  # .ttl: Turtle by extension
    err = capsys.readouterr().err
    assert "2 of 2 organizations matched confidently" in err
    assert "[" not in err  # no progress bar: stderr is not a terminal and --progress was not given


def test_cli_progress_bar_on_request(project, capsys):
    from mentorgraph.cli import main

    root, dump = project
    assert main(["link", "ror", str(dump), "--root", str(root), "--progress"]) == 0
    captured = capsys.readouterr()
    assert "100.0%" in captured.err
    assert captured.out.startswith("# curie_map:")


def test_cli_bad_input_is_exit_1_with_file_and_line(project, capsys):
    from mentorgraph.cli import main

    root, _ = project
    bad = root / "bad.jsonl"
    bad.write_text(json.dumps(NIH_US) + "\n[1, 2\n", encoding="utf-8")
    assert main(["link", "ror", str(bad), "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2" in err and "Traceback" not in err


def test_cli_bad_country_is_a_usage_error(project, capsys):
    from mentorgraph.cli import main

    root, dump = project
    assert main(["link", "ror", str(dump), "--root", str(root), "--country", "USA"]) == 2
    assert "ISO 3166-1" in capsys.readouterr().err


def test_cli_skip_invalid_warns_and_goes_on(project, capsys):
    from mentorgraph.cli import main

    root, dump = project
    mixed = root / "mixed.jsonl"
    mixed.write_text(
        dump.read_text(encoding="utf-8") + json.dumps({"id": "x", "title": "not a record"}) + "\n",
        encoding="utf-8",
    )
    assert main(["link", "ror", str(mixed), "--root", str(root)]) == 1
    capsys.readouterr()
    assert main(["link", "ror", str(mixed), "--root", str(root), "--skip-invalid"]) == 0
    captured = capsys.readouterr()
    assert f"warning: skipped {mixed}:4" in captured.err
    assert "0fxnihus0" in captured.out
