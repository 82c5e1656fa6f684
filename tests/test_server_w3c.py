"""The W3C SPARQL 1.1 Protocol and Service Description test suites, replayed against `mentorgraph serve`.

The manifests are copied verbatim into tests/w3c/ (see tests/w3c/README.md). Every protocol test is
a parametrized case here: the ones that apply to a read-only endpoint are replayed request by
request, with the manifest's expected status class, boolean and result format. Tests that need the
suite's data (ut:graphData: data1.nt ... data3.nt) run against a second server whose store holds
those files as the named graphs the manifest labels them with. Update tests do not apply to a
read-only endpoint (NOT_APPLICABLE says why); they are replayed too, expecting this server's
documented refusal (403) instead of success. Requests go to 127.0.0.1 only: the kasei.us IRIs in the
manifest are graph names, which this server never dereferences.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from w3c.serverproc import ServerProcess
from w3c.serverproc import request as http_request

W3C = Path(__file__).parent / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PROTOCOL = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest#"

WRITES = (
    "is a SPARQL Update test: this endpoint is read-only, so the update is replayed expecting the "
    "documented refusal (403) instead of success"
)
NOT_APPLICABLE = {
    "update_dataset_default_graph": WRITES,
    "update_dataset_default_graphs": WRITES,
    "update_dataset_named_graphs": WRITES,
    "update_dataset_full": WRITES,
    "update_post_form": WRITES,
    "update_post_direct": WRITES,
    "update_base_uri": WRITES,
}
TABULAR = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"}
BOOLEAN = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def load_protocol_tests() -> list[dict]:
    g = Graph().parse(
        W3C / "protocol" / "manifest.ttl",
        format="turtle",
        publicID="http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest",
    )
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        action = g.value(entry, MF.action)
        requests = []
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {}
            hl = g.value(req, HT.headers)
            for h in Collection(g, hl) if hl else []:
                headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body = g.value(req, HT.body)
            resp = g.value(req, HT.resp)
            requests.append(
                {
                    "method": str(g.value(req, HT.methodName)),
                    "path": str(g.value(req, HT.absolutePath)),
                    "headers": headers,
                    "body": str(g.value(body, CNT.chars)) if body else None,
                    "encoding": str(g.value(body, CNT.characterEncoding) or "UTF-8") if body else None,
                    "status": {str(s)[len(str(HTS)) :] for s in g.objects(resp, MF.expectedStatus)},
                    "boolean": g.value(resp, MF.expectedBoolean),
                    "format": str(g.value(resp, MF.expectedFormat) or "") or None,
                }
            )
        tests.append(
            {
                "name": str(entry)[len(PROTOCOL) :],
                "title": str(g.value(entry, MF.name)),
                "graph_data": {
                    str(g.value(d, RDFS.label)): str(g.value(d, UT.graph)) for d in g.objects(entry, UT.graphData)
                },
                "requests": requests,
            }
        )
    return tests


PROTOCOL_TESTS = load_protocol_tests()


@pytest.fixture(scope="module")
def server(built, root, tmp_path_factory):
    proc = ServerProcess(built, root, tmp_path_factory.mktemp("serve"), "--timeout", "5", "--workers", "2")
    yield proc
    assert proc.stop() == 0


def send(server, req: dict) -> tuple[int, dict, bytes]:
    path = server.url + "/sparql/" + req["path"][len("/sparql/") :]
    data = req["body"].encode(req["encoding"]) if req["body"] is not None else None
    headers = dict(req["headers"])
    if data is not None and not any(k.lower() == "content-type" for k in headers):
        # The manifest's "missing type" tests send a body with no Content-Type; urllib would add one.
        headers["Content-Type"] = ""
    return http_request(path, data=data, headers=headers, method=req["method"])


def status_class(status: int) -> str:
    return f"StatusCode{status // 100}xx"


def check_response(req: dict, status: int, headers: dict, body: bytes) -> None:
    assert status_class(status) in req["status"], (status, body[:300])
    ctype = headers.get("content-type", "").split(";")[0].strip()
    if req["format"] == "boolean":
        assert ctype in BOOLEAN
    elif req["format"] == "tabular":
        assert ctype in TABULAR
    elif req["format"] == "RDF":
        assert ctype in RDF_FORMATS
        Graph().parse(data=body, format=RDF_FORMATS[ctype])
    if req["boolean"] is not None:
        if ctype == "application/sparql-results+json":
            got = json.loads(body)["boolean"]
        else:
            got = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"
        assert got == req["boolean"].toPython()


@pytest.fixture(scope="module")
def data_server(root, tmp_path_factory):
    """A server over the suite's own data: each dataN.nt loaded as the named graph the manifest gives it."""
    from mentorgraph.pipeline.store import build_store

    graphs = {}
    for t in PROTOCOL_TESTS:
        graphs.update(t["graph_data"])
    nquads = []
    for name, file_iri in sorted(graphs.items()):
        path = W3C / "protocol" / file_iri.rsplit("/", 1)[-1]
        nquads += [line[: -len(" .")] + f" <{name}> .\n" for line in path.read_text().splitlines() if line.strip()]
    from mentorgraph import layout

    out = tmp_path_factory.mktemp("w3c-dist")
    with layout.new_generation(out, "w3c") as w:
        w.write(layout.MANIFEST, b"{}\n")
        build_store("".join(nquads).encode(), w.path / layout.STORE)
    proc = ServerProcess(out, root, tmp_path_factory.mktemp("w3c-serve"), "--workers", "1")
    yield proc
    assert proc.stop() == 0


def test_manifest_lists_every_test_once():
    names = [t["name"] for t in PROTOCOL_TESTS]
    assert len(names) == len(set(names)) == 34  # the manifest's mf:entries
    assert set(NOT_APPLICABLE) <= set(names)
    assert all(n.startswith("update_") for n in NOT_APPLICABLE)


@pytest.mark.parametrize("test", PROTOCOL_TESTS, ids=lambda t: t["name"])
def test_protocol(request, test):
    reason = NOT_APPLICABLE.get(test["name"])
    server = request.getfixturevalue("data_server" if test["graph_data"] else "server")
    if reason == WRITES:
        status, _, body = send(server, test["requests"][0])
        assert status == 403 and b"read-only" in body
        return
    for req in test["requests"]:
        status, headers, body = send(server, req)
        check_response(req, status, headers, body)


# -- service description (service-description/manifest.ttl: the three tests, by name) --------------------------
@pytest.fixture(scope="module")
def description(server):
    status, headers, body = http_request(server.url + "/sparql", headers={"Accept": "text/turtle"})
    return status, headers, body


def test_sd_returns_rdf(description):
    status, headers, body = description
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=body, format="turtle")) > 0


def test_sd_has_endpoint_triple(server, description):
    g = Graph().parse(data=description[2], format="turtle")
    assert (None, SD.endpoint, URIRef(server.url + "/sparql")) in g


def test_sd_conforms_to_schema(description):
    # The schema of SPARQL 1.1 Service Description, section 3: a sd:Service with a supported language,
    # result formats as IRIs, and a default dataset made of a default graph and named graphs.
    g = Graph().parse(data=description[2], format="turtle")
    services = list(g.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    s = services[0]
    assert set(g.objects(s, SD.supportedLanguage)) <= {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
    assert all(isinstance(f, URIRef) for f in g.objects(s, SD.resultFormat))
    ds = g.value(s, SD.defaultDataset)
    assert (ds, RDF.type, SD.Dataset) in g and g.value(ds, SD.defaultGraph) is not None
    for ng in g.objects(ds, SD.namedGraph):
        assert isinstance(g.value(ng, SD.name), URIRef)
