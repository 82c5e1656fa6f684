"""`mentorgraph serve` as clients meet it: the SPARQL 1.1 Protocol, content negotiation, linked data,
the web view and operations. Expected answers come from Table 1 (data/source/table1-columns.md), the
specifications (SPARQL 1.1 Protocol and Query Results formats, RFC 9110 for Accept) or the build's
own export files, never from the server.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import signal
import socket
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from mentorgraph import iris
from w3c.serverproc import ServerProcess, request

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
TYPES_QUERY = (
    "SELECT ?label WHERE { ?t a <https://w3id.org/mentorgraph/ontology#MentoringModelType> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
)


@pytest.fixture(scope="module")
def server(built, root, tmp_path_factory):
    proc = ServerProcess(built, root, tmp_path_factory.mktemp("serve"), "--timeout", "5", "--workers", "2")
    yield proc
    assert proc.stop() == 0


def sparql_get(server, query: str, accept: str | None = None, **extra: str):
    qs = urllib.parse.urlencode({"query": query, **extra})
    return request(f"{server.url}/sparql?{qs}", headers={"Accept": accept} if accept else {})


def slug_of(label: str, built) -> str:
    """The IRI of the Table 1 row labelled `label`, looked up in the build's N-Quads export."""
    text = (built / "mentorgraph.nq").read_text(encoding="utf-8")
    lit = json.dumps(label, ensure_ascii=False)
    m = re.search(
        rf"^<{re.escape(iris.MG)}([^>]+)> <{re.escape(str(RDFS.label))}> {re.escape(lit)} "
        rf"<{re.escape(iris.GRAPH)}article> \.$",
        text,
        re.MULTILINE,
    )
    assert m, f"no article-graph label {label!r} in the build"
    return m.group(1)


def raw_request(server, data: bytes) -> bytes:
    """Send raw bytes (paths no HTTP library would send as they are) and read the whole answer."""
    split = urllib.parse.urlsplit(server.url)
    with socket.create_connection((split.hostname, split.port), timeout=30) as s:
        s.sendall(data)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    return answer


# -- SPARQL 1.1 Protocol ---------------------------------------------------------------------------------
def test_get_select_json_lists_the_seven_types(server, table1):
    status, headers, body = sparql_get(server, TYPES_QUERY, "application/sparql-results+json")
    assert status == 200
    assert headers["content-type"].startswith("application/sparql-results+json")
    data = json.loads(body)
    assert data["head"]["vars"] == ["label"]
    assert sorted(b["label"]["value"] for b in data["results"]["bindings"]) == sorted(r["type"] for r in table1)


def test_post_direct_and_form_give_the_same_answer(server, table1):
    s1, _, direct = request(
        f"{server.url}/sparql",
        data=TYPES_QUERY.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    s2, _, form = request(
        f"{server.url}/sparql",
        data=urllib.parse.urlencode({"query": TYPES_QUERY}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"},
    )
    assert s1 == s2 == 200
    rows = list(csv.reader(io.StringIO(direct.decode())))
    assert rows[0] == ["label"] and sorted(r[0] for r in rows[1:]) == sorted(r["type"] for r in table1)
    assert sorted(direct.decode().splitlines()) == sorted(form.decode().splitlines())


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        # RFC 9110 12.5.1: the highest q wins, whatever the order.
        ("application/sparql-results+xml;q=0.5, text/csv;q=0.9", "text/csv"),
        ("text/html;q=0.1, application/sparql-results+json", "application/sparql-results+json"),
        # A more specific range overrides a wildcard: text/* at q=0 refuses CSV/TSV/HTML, */* allows JSON.
        ("text/*;q=0, */*;q=0.5", "application/sparql-results+json"),
    ],
)
def test_accept_header_with_q_values_chooses_the_results_format(server, accept, expected):
    status, headers, _ = sparql_get(server, TYPES_QUERY, accept)
    assert status == 200
    assert headers["content-type"].split(";")[0] == expected


def test_format_parameter_overrides_accept(server):
    status, headers, body = sparql_get(server, TYPES_QUERY, "application/sparql-results+json", format="tsv")
    assert status == 200 and headers["content-type"].startswith("text/tab-separated-values")
    assert body.decode().splitlines()[0] == "?label"  # SPARQL 1.1 TSV: variables with their '?'


def test_unacceptable_format_is_406(server):
    status, _, _ = sparql_get(server, TYPES_QUERY, "image/png")
    assert status == 406


def test_ask_in_json_and_xml(server):
    status, _, body = sparql_get(server, "ASK { }", "application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True  # the empty pattern has one solution
    status, _, body = sparql_get(server, "ASK { <urn:x:nothing> ?p ?o }", "application/sparql-results+xml")
    root = ET.fromstring(body)
    assert root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "false"


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_in_each_rdf_format(server, accept, rdflib_format, table1):
    q = (
        "CONSTRUCT { ?t <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { "
        "?t a <https://w3id.org/mentorgraph/ontology#MentoringModelType> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    status, headers, body = sparql_get(server, q, accept)
    assert status == 200 and headers["content-type"].split(";")[0] == accept
    g = Graph().parse(data=body, format=rdflib_format)
    assert sorted(str(o) for o in g.objects(None, RDFS.label)) == sorted(r["type"] for r in table1)
    if rdflib_format == "json-ld":
        assert isinstance(json.loads(body)["@context"], dict)  # inline: no remote context to fetch


def test_malformed_query_is_400_with_the_parse_message(server):
    status, _, body = sparql_get(server, "SELECT ?x WHERE { ?x ", "application/sparql-results+json")
    assert status == 400
    assert "parse" in body.decode() and "error" in body.decode().lower()


def test_protocol_dataset_limits_the_default_graph(server):
    # default-graph-uri = the ontology graph only: the article graph's types are not in it.
    q = "ASK { ?t a <https://w3id.org/mentorgraph/ontology#MentoringModelType> }"
    status, _, body = sparql_get(
        server, q, "application/sparql-results+json", **{"default-graph-uri": iris.GRAPH + "ontology"}
    )
    assert status == 200 and json.loads(body)["boolean"] is False
    status, _, body = sparql_get(
        server, q, "application/sparql-results+json", **{"default-graph-uri": iris.GRAPH + "article"}
    )
    assert json.loads(body)["boolean"] is True


def test_service_description_names_the_endpoint(server):
    status, headers, body = request(f"{server.url}/sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=body, format="turtle")
    endpoint = URIRef(f"{server.url}/sparql")
    assert (None, SD.endpoint, endpoint) in g
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in g
    names = set(g.objects(None, SD.name))
    assert names == {URIRef(iris.GRAPH + n) for n in iris.GRAPH_NAMES}


def test_sparql_endpoint_for_a_browser_is_the_editor(server):
    status, headers, body = request(f"{server.url}/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"<textarea" in body and b'action="/sparql"' in body


# -- linked data -----------------------------------------------------------------------------------------
def test_type_iri_resolves_to_rdf_and_html(server, built, table1):
    label = table1[0]["type"]
    slug = slug_of(label, built)
    url = f"{server.url}/id/{slug}"
    status, headers, body = request(url, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert "accept" in headers["vary"].lower()
    g = Graph().parse(data=body, format="turtle")
    assert (URIRef(iris.MG + slug), RDFS.label, Literal(label)) in g
    status, headers, body = request(url, headers={"Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert f"<h1>{html.escape(label)}</h1>".encode() in body
    for strength in table1[0]["strengths"]:
        assert html.escape(strength).encode() in body


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("application/ld+json", "json-ld"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml")],
)
def test_entity_rdf_formats_carry_the_same_triples(server, built, table1, accept, fmt):
    slug = slug_of(table1[1]["type"], built)
    _, _, ttl = request(f"{server.url}/id/{slug}", headers={"Accept": "text/turtle"})
    status, _, body = request(f"{server.url}/id/{slug}", headers={"Accept": accept})
    assert status == 200
    from rdflib.compare import isomorphic

    assert isomorphic(Graph().parse(data=ttl, format="turtle"), Graph().parse(data=body, format=fmt))


def test_statement_iri_resolves_to_its_evidence(server, built):
    # A reified statement of the evidence graph, taken from the build's N-Quads export.
    line = next(
        li
        for li in (built / "mentorgraph.nq").read_text().splitlines()
        if li.startswith(f"<{iris.STATEMENT}") and f" <{RDF.subject}> " in li
    )
    statement, subject = line.split(" ")[0][1:-1], line.split(" ")[2][1:-1]
    status, _, body = request(
        f"{server.url}/statement/{statement[len(iris.STATEMENT) :]}", headers={"Accept": "text/turtle"}
    )
    assert status == 200
    g = Graph().parse(data=body, format="turtle")
    assert (URIRef(statement), RDF.subject, URIRef(subject)) in g


def test_unknown_iri_is_404(server):
    status, _, _ = request(f"{server.url}/id/no-such-entity-anywhere", headers={"Accept": "text/turtle"})
    assert status == 404


def test_ontology_iri_serves_the_ontology(server):
    status, _, body = request(f"{server.url}/ontology", headers={"Accept": "text/turtle"})
    assert status == 200
    g = Graph().parse(data=body, format="turtle")
    assert (URIRef(iris.ONTOLOGY), RDF.type, OWL.Ontology) in g
    status, _, page = request(f"{server.url}/ontology", headers={"Accept": "text/html"})
    assert status == 200 and b'id="MentoringModelType"' in page  # mgo:X resolves to /ontology#X


def test_graph_iri_serves_the_named_graph(server, built):
    # Expected: the article graph's quads in the build's N-Quads export.
    suffix = f" <{iris.GRAPH}article> .\n"
    expected = {
        line[: -len(suffix)] + " ."
        for line in (built / "mentorgraph.nq").read_text().splitlines(True)
        if line.endswith(suffix)
    }
    status, _, body = request(f"{server.url}/graph/article", headers={"Accept": "application/n-triples"})
    assert status == 200
    from rdflib.compare import isomorphic

    got = Graph().parse(data=body, format="nt")
    assert isomorphic(got, Graph().parse(data="\n".join(expected), format="nt"))


def test_void_and_dcat_description(server, built):
    manifest = json.loads((built / "manifest.json").read_text())
    for path in ("/.well-known/void", "/dataset"):
        status, _, body = request(f"{server.url}{path}", headers={"Accept": "text/turtle"})
        assert status == 200
        g = Graph().parse(data=body, format="turtle")
        ds = URIRef(iris.BASE + "dataset")
        assert (ds, VOID.sparqlEndpoint, URIRef(f"{server.url}/sparql")) in g
        assert (ds, VOID.triples, Literal(manifest["triples"])) in g
        for g_iri, info in manifest["graphs"].items():
            assert (URIRef(g_iri), VOID.triples, Literal(info["triples"])) in g
    for dump in Graph().parse(data=body, format="turtle").objects(URIRef(iris.BASE + "dataset"), VOID.dataDump):
        status, _, _ = request(str(dump), method="HEAD")
        assert status == 200, dump


# -- web view --------------------------------------------------------------------------------------------
def test_home_page_is_table_1(server, table1, footnote):
    status, headers, body = request(f"{server.url}/", headers={"Accept": "text/html"})
    assert status == 200 and "default-src 'self'" in headers["content-security-policy"]
    page = body.decode()
    assert page.count('<tr><th scope="row">') == len(table1) == 7
    positions = [page.index(html.escape(r["type"])) for r in table1]
    assert positions == sorted(positions)  # in table order
    for r in table1:
        for text in r["strengths"] + r["weaknesses"] + [label for label, _ in r["examples"]]:
            assert html.escape(text) in page, text
    assert html.escape(footnote) in page
    assert re.search(r'<link rel="stylesheet" href="/static/site.css">', page)
    assert "https://cdn" not in page and '<script src="http' not in page


def test_program_page_shows_provenance_and_evidence(server, root):
    import yaml

    statements = yaml.safe_load((root / "data" / "curation.yaml").read_text())["statements"]
    st = next(s for s in statements if s.get("object") and s.get("quote"))
    status, _, body = request(f"{server.url}/id/{st['subject']}", headers={"Accept": "text/html"})
    assert status == 200
    page = body.decode()
    assert 'class="graph g-article"' in page and 'class="graph g-curation"' in page
    assert f"<q>{html.escape(st['quote'])}</q>" in page
    assert f'href="/id/{st["object"]}"' in page


def test_external_identifiers_are_listed(server, root):
    import yaml

    orgs = yaml.safe_load((root / "data" / "organizations.yaml").read_text())
    records = orgs if isinstance(orgs, list) else next(v for v in orgs.values() if isinstance(v, list))
    mapped = [
        o
        for o in records
        if isinstance(o, dict) and any(m.get("predicate") == "exactMatch" for m in o.get("mappings", []))
    ]
    if not mapped:
        pytest.skip("no organization in data/organizations.yaml has an exactMatch mapping yet")
    org = mapped[0]
    target = next(m["iri"] for m in org["mappings"] if m.get("predicate") == "exactMatch")
    status, _, body = request(f"{server.url}/id/{org['id']}", headers={"Accept": "text/html"})
    page = body.decode()
    # The card's section of identifiers elsewhere (mentorgraph.web, templates/entity.html).
    assert status == 200 and 'id="card-identifiers"' in page
    assert html.escape(target) in page.split('id="card-identifiers"')[1].split("</section>")[0]


def test_questions_page_has_a_form_per_canned_query(server, root):
    status, _, body = request(f"{server.url}/questions", headers={"Accept": "text/html"})
    assert status == 200
    page = body.decode()
    for path in sorted((root / "queries").glob("*.rq")):
        header = path.read_text(encoding="utf-8")
        question = re.search(r"^# question: (.*)$", header, re.MULTILINE).group(1).strip()
        params = re.findall(r"^# param: *([^| ]+) *\|", header, re.MULTILINE)
        assert f'action="/questions/{path.stem}"' in page, path.stem
        assert question in html.unescape(page)
        for p in params:
            assert f'name="{p}"' in page.split(f'action="/questions/{path.stem}"')[1].split("</form>")[0]


def test_canned_question_downloads_match_the_api(server, mg):
    q = (
        mg.catalogue["programs-by-sponsor"]
        if "programs-by-sponsor" in mg.catalogue
        else next(q for q in mg.catalogue.values() if q.params)
    )
    params = {p.name: p.example for p in q.params}
    expected = mg.query(q.name, **params)
    qs = urllib.parse.urlencode({**params, "format": "csv"})
    status, headers, body = request(f"{server.url}/questions/{q.name}?{qs}")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert "attachment" in headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert len(rows) == len(expected.rows) > 0
    assert sorted(r["item"] for r in rows) == sorted(r["item"].value for r in expected.rows)


def test_unknown_parameter_value_is_400_with_suggestions(server):
    status, _, body = request(f"{server.url}/questions/type-profile?type=Socail+media", headers={"Accept": "text/html"})
    assert status == 400
    assert "Social media" in body.decode()


def test_static_files_only_by_exact_name(server):
    # The web view's one stylesheet (issue 15: no inline style; every page links /static/site.css).
    status, headers, body = request(f"{server.url}/static/site.css")
    assert status == 200 and headers["content-type"].startswith("text/css") and b"@media" in body
    for path in (
        "/static/../pyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static//etc/passwd",
        "/static/..%2fapp.py",
        "/static/%2Fetc%2Fpasswd",
        "/download/../pyproject.toml",
        "/download/store",
        "/static/",
    ):
        answer = raw_request(server, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        status_line = answer.split(b"\r\n", 1)[0]
        assert b" 404 " in status_line, (path, status_line)
        assert b"[project]" not in answer and b"root:" not in answer


# -- for browser clients (issue 15, item 8) ------------------------------------------------------------------
READ_ROUTES = [
    "/",
    "/browse",
    "/questions",
    "/questions/types?format=json",
    "/sparql",
    "/sparql?" + urllib.parse.urlencode({"query": TYPES_QUERY}),
    "/ontology",
    "/graph/ontology",
    "/dataset",
    "/.well-known/void",
    "/download/manifest.json",
    "/static/style.css",
    "/health",
    "/about",
    "/id/no-such-entity-anywhere",  # a 404 is an answer too
]


@pytest.mark.parametrize("path", READ_ROUTES)
def test_every_answer_has_cors_and_the_security_headers(server, path):
    status, headers, _ = request(f"{server.url}{path}", headers={"Origin": "https://example.org"})
    assert status in (200, 404)
    assert headers["access-control-allow-origin"] == "*"
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        ("/sparql", "POST", "content-type"),  # application/sparql-query is not a CORS-safelisted type
        ("/sparql", "GET", "accept"),
        ("/questions/types", "GET", "accept"),
        ("/id/women", "GET", "accept"),
    ],
)
def test_cors_preflight(server, path, method, headers):
    # Fetch's CORS preflight (WHATWG Fetch, 4.8): OPTIONS with the method and headers the script will use.
    status, answer, _ = request(
        f"{server.url}{path}",
        method="OPTIONS",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )
    assert status == 200
    assert answer["access-control-allow-origin"] == "*"
    assert method in [m.strip() for m in answer["access-control-allow-methods"].split(",")]
    assert headers in answer["access-control-allow-headers"].lower()


def test_post_with_sparql_query_type_after_preflight(server, table1):
    status, headers, body = request(
        f"{server.url}/sparql",
        data=TYPES_QUERY.encode(),
        headers={"Origin": "https://example.org", "Content-Type": "application/sparql-query", "Accept": "*/*"},
    )
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert len(json.loads(body)["results"]["bindings"]) == len(table1)


def test_accept_application_json_is_sparql_json(server, table1):
    status, headers, body = sparql_get(server, TYPES_QUERY, "application/json")
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    labels = sorted(b["label"]["value"] for b in json.loads(body)["results"]["bindings"])
    assert labels == sorted(r["type"] for r in table1)
    status, headers, body = request(f"{server.url}/questions/types", headers={"Accept": "application/json"})
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == len(table1)
    # A graph asked for as plain JSON is JSON-LD, with the same triples as the Turtle.
    _, _, ttl = request(f"{server.url}/graph/ontology", headers={"Accept": "text/turtle"})
    status, headers, body = request(f"{server.url}/graph/ontology", headers={"Accept": "application/json"})
    assert status == 200 and headers["content-type"].startswith("application/ld+json")
    from rdflib.compare import isomorphic

    assert isomorphic(Graph().parse(data=body, format="json-ld"), Graph().parse(data=ttl, format="turtle"))


def test_generation_header_names_the_build(server, built):
    current = (built / "current").readlink().name
    for path, accept in (
        ("/", "text/html"),
        ("/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}), "application/sparql-results+json"),
        ("/ontology", "text/turtle"),
    ):
        status, headers, _ = request(f"{server.url}{path}", headers={"Accept": accept})
        assert status == 200 and headers["x-mentorgraph-generation"] == current, path


# -- operations --------------------------------------------------------------------------------------------
def test_health(server, built):
    status, headers, body = request(f"{server.url}/health")
    data = json.loads(body)
    assert status == 200 and data["status"] == "ok" and data["query_processes"] == 2
    # The generation served is the one dist/current names, and the answer says so.
    current = (built / "current").readlink().name
    assert data["generation"] == data["newest"] == headers["x-mentorgraph-generation"] == current
    assert data["problem"] is None


def test_access_log_is_json_lines(server):
    request(f"{server.url}/health?probe=access-log")
    entries = [e for e in server.events() if e.get("event") == "request"]
    probe = [e for e in entries if e["path"] == "/health?probe=access-log"]
    assert probe and probe[-1]["status"] == 200 and probe[-1]["method"] == "GET"
    assert {"time", "client", "ms", "bytes"} <= set(probe[-1])
    assert not [e for e in server.events() if e.get("event") == "non-json"]


def test_port_taken_gives_a_clear_message(server, built, root):
    port = urllib.parse.urlsplit(server.url).port
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mentorgraph.cli",
            "serve",
            "--port",
            str(port),
            "--out",
            str(built),
            "--root",
            str(root),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 3
    assert "already in use" in proc.stderr and "--port" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_graceful_shutdown(built, root, tmp_path, sig):
    proc = ServerProcess(built, root, tmp_path, "--workers", "1")
    assert request(f"{proc.url}/health")[0] == 200
    assert proc.stop(sig) == 0
    events = proc.events()
    assert [e["event"] for e in events[-2:]] == ["stopping", "stopped"]
    assert events[-2]["signal"] == sig.name
    with pytest.raises(OSError):
        socket.create_connection(
            (urllib.parse.urlsplit(proc.url).hostname, urllib.parse.urlsplit(proc.url).port), timeout=2
        )
