"""The JSON API for browser clients (issue 15, item 8): /api/questions and /api/questions/<name>.

Expected answers come from Table 1 (data/source/table1-columns.md), the files of queries/ and the
CORS specification (Fetch standard: a preflight names the method and headers it asks for).
"""

from __future__ import annotations

import json
import urllib.parse

import pytest

from w3c.serverproc import ServerProcess, request

ORIGIN = "https://faculty-development.example.edu"


@pytest.fixture(scope="module")
def server(built, root, tmp_path_factory):
    proc = ServerProcess(built, root, tmp_path_factory.mktemp("serve-api"), "--workers", "1")
    yield proc
    assert proc.stop() == 0


def get_json(server, path: str, **params: str) -> tuple[int, dict, dict]:
    qs = ("?" + urllib.parse.urlencode(params)) if params else ""
    status, headers, body = request(f"{server.url}{path}{qs}", headers={"Origin": ORIGIN})
    assert headers["content-type"].startswith("application/json"), headers["content-type"]
    return status, headers, json.loads(body)


def test_the_catalogue_lists_every_question_of_queries(server, root):
    status, headers, body = get_json(server, "/api/questions")
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    names = [q["name"] for q in body["questions"]]
    assert names == sorted(p.stem for p in (root / "queries").glob("*.rq"))
    by_type = next(q for q in body["questions"] if q["name"] == "programs-by-type")
    assert [p["name"] for p in by_type["parameters"]] == ["type"]
    assert by_type["url"] == "/api/questions/programs-by-type"


def test_an_answer_has_iris_with_labels_and_typed_values(server, table1):
    social = next(t for t in table1 if t["type"] == "Social media")
    expected = {label for bullet, children in social["examples"] for label in [bullet, *children]}
    status, headers, body = get_json(server, "/api/questions/programs-by-type", type="Social media")
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert body["truncated"] is False and body["parameters"] == {"type": "Social media"}
    assert {c["name"] for c in body["columns"]} >= {"item", "label"}
    assert {row["label"] for row in body["rows"]} == expected
    for row in body["rows"]:
        # An IRI cell carries the IRI and the label the graph gives it; the row's label column agrees.
        assert row["item"]["iri"].startswith("https://w3id.org/mentorgraph/id/")
        assert row["item"]["label"] == row["label"]
        assert row["inTable"] is True  # xsd:boolean as a JSON boolean, not "true"


def test_an_unknown_value_is_400_with_the_closest_names(server):
    status, _, body = get_json(server, "/api/questions/programs-by-type", type="Socal media")
    assert status == 400 and body["parameter"] == "type"
    assert "Social media" in body["suggestions"]
    assert "Socal media" in body["error"]


def test_missing_and_unknown_parameters_are_400_in_words(server):
    status, _, body = get_json(server, "/api/questions/programs-by-type")
    assert status == 400 and body["parameter"] == "type" and "--" not in body["error"]
    status, _, body = get_json(server, "/api/questions/programs-by-type", type="Social media", colour="red")
    assert status == 400 and body["parameter"] == "colour" and body["suggestions"] == ["type"]


def test_an_unknown_question_is_404_with_suggestions(server):
    status, _, body = get_json(server, "/api/questions/programs-by-tpye")
    assert status == 404 and "programs-by-type" in body["suggestions"]


def test_a_cross_origin_preflight_is_answered(server):
    status, headers, _ = request(
        f"{server.url}/api/questions/programs-by-type",
        method="OPTIONS",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "accept"},
    )
    assert status == 200
    assert headers["access-control-allow-origin"] in ("*", ORIGIN)
    assert "GET" in headers["access-control-allow-methods"]
