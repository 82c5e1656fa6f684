"""`mentorgraph push` and the remote engine, against a real Oxigraph server on 127.0.0.1.

The server is Oxigraph's own (`oxigraph serve`, from the `oxigraph` pip package), started with its
default settings (no --union-default-graph: its default graph is its own, empty one) on a free port
for this module and stopped afterwards. Queries name the project's graphs in the request
(SPARQL 1.1 Protocol 2.1.4), so nothing about the store needs configuring. HTTP failures are
provoked with stub servers, also on 127.0.0.1. Expected answers: the local embedded store's (every
canned query must answer the same over HTTP), the build's own triple counts (PUT replaces: SPARQL
1.1 Graph Store HTTP Protocol, "HTTP PUT"), and the stores' documented URL layouts
(docs/triple-stores.md).
"""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mentorgraph import iris
from mentorgraph.cli import main

OWN_GRAPHS = [iris.GRAPH + name for name in iris.GRAPH_NAMES]


# -- fixtures ----------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_oxigraph(location: Path, union: bool):
    exe = shutil.which("oxigraph")
    if exe is None:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph)")
    port = _free_port()
    cmd = [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        cmd + (["--union-default-graph"] if union else []), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"oxigraph serve did not start: {proc.stderr.read().decode()[-500:]}")
            time.sleep(0.05)
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """An Oxigraph server as it comes: its default graph is not the union of its named graphs."""
    proc, base = _start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "db", union=False)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def fresh_server(tmp_path):
    """Another default-configured Oxigraph server, empty, for one test."""
    proc, base = _start_oxigraph(tmp_path / "db", union=False)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def pushed(oxigraph_server, built) -> str:
    """The build pushed once through the CLI; the server's base URL."""
    assert main(["push", "--endpoint", oxigraph_server + "/query", "--out", str(built), "-q"]) == 0
    return oxigraph_server


def _select(endpoint: str, text: str) -> list[dict]:
    req = urllib.request.Request(
        endpoint,
        data=text.encode(),
        method="POST",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["results"]["bindings"]


def _counts(base: str) -> dict[str, int]:
    rows = _select(base + "/query", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def _build_counts(built: Path) -> dict[str, int]:
    manifest = json.loads((built / "manifest.json").read_text())
    return {g: v["triples"] for g, v in manifest["graphs"].items()}


class Quiet(BaseHTTPRequestHandler):
    """A request handler that logs nothing and answers with one call."""

    def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class LocalServer:
    """An HTTP server on 127.0.0.1 (a free port) in a thread, used with `with`."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


# -- against the real Oxigraph server ----------------------------------------------------------------
def _normal(result) -> Counter:
    """Rows as a multiset of plain values; blank node labels differ between stores, so they are dropped."""

    def term(t):
        if t is None:
            return None
        return (t.kind, "_:" if t.kind == "bnode" else t.python(), t.lang)

    return Counter(tuple((v, term(row.get(v))) for v in result.variables) for row in result.rows)


def test_every_canned_query_answers_the_same_remotely(mg, built, pushed, root):
    from mentorgraph.query.api import open_graph

    remote = open_graph(built, endpoint=pushed + "/query", root=root)
    assert mg.catalogue, "the catalogue is empty"
    differ = []
    for name, q in mg.catalogue.items():
        params = {p.name: p.example for p in q.params}
        local, there = mg.query(name, **params), remote.query(name, **params)
        if local.variables != there.variables or _normal(local) != _normal(there):
            differ.append(
                f"{name}: {len(local.rows)} rows locally, {len(there.rows)} remotely; only local: "
                f"{list((_normal(local) - _normal(there)).elements())[:2]}; only remote: "
                f"{list((_normal(there) - _normal(local)).elements())[:2]}"
            )
    assert not differ, "canned queries answer differently over HTTP:\n" + "\n".join(differ)


def test_the_store_holds_each_graph_of_the_build(built, pushed):
    counts = _counts(pushed)
    expected = _build_counts(built)
    assert set(expected) == set(OWN_GRAPHS)
    assert counts == expected


def test_push_again_replaces_each_graph(built, pushed):
    """A triple added on the server disappears on re-push, and nothing is duplicated."""
    stray = f'<{iris.MG}stray-test-entity> <{iris.PREFIXES["rdfs"]}label> "stray"'
    req = urllib.request.Request(
        pushed + "/update",
        method="POST",
        data=f"INSERT DATA {{ GRAPH <{iris.GRAPH}article> {{ {stray} }} }}".encode(),
        headers={"Content-Type": "application/sparql-update"},
    )
    urllib.request.urlopen(req, timeout=30).close()
    assert _counts(pushed)[iris.GRAPH + "article"] == _build_counts(built)[iris.GRAPH + "article"] + 1

    assert main(["push", "--endpoint", pushed + "/query", "--out", str(built), "-q"]) == 0
    assert _counts(pushed) == _build_counts(built)
    assert not _select(pushed + "/query", f"SELECT * WHERE {{ {stray} }}")


def test_the_default_graph_of_the_store_is_not_the_union(pushed):
    """The premise: a query that names no dataset sees nothing on this store (its default graph is
    empty), so the answers above come from the dataset named in the request."""
    assert _select(pushed + "/query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"] == "0"


def test_push_to_a_default_configured_store_gives_no_warning(built, fresh_server, capsys):
    assert main(["push", "--endpoint", fresh_server + "/query", "--out", str(built)]) == 0
    err = capsys.readouterr().err
    assert "warning" not in err and "counts match" in err


def test_sparql_and_recommend_with_endpoint_answer_as_locally(built, pushed, root, capsys):
    text = "SELECT ?s ?l WHERE { ?s a mgo:Seminar ; rdfs:label ?l } ORDER BY ?s"
    argv = [
        ["sparql", text, "-f", "json"],
        ["recommend", "--population", "women", "--want", "confidentiality", "--avoid", "travel", "--format", "json"],
    ]
    for args in argv:
        assert main([*args, "--out", str(built)]) == 0
        local = capsys.readouterr().out
        assert main([*args, "--out", str(built), "--endpoint", pushed + "/query"]) == 0
        remote, err = capsys.readouterr()
        assert remote == local and "warning" not in err, args[0]
        assert json.loads(local), args[0]  # not an empty answer


def test_no_rows_from_an_empty_store_is_explained(built, fresh_server, capsys):
    assert main(["query", "types", "--out", str(built), "--endpoint", fresh_server + "/query"]) == 0
    out, err = capsys.readouterr()
    assert "(0 rows)" in out
    assert "warning: no rows from the store, but the local build gives some" in err
    assert "holds none of mentorgraph's graphs" in err and "mentorgraph push --endpoint" in err


def test_no_rows_from_a_store_with_another_build_is_explained(built, fresh_server, capsys):
    assert main(["push", "--endpoint", fresh_server + "/query", "--out", str(built), "-q"]) == 0
    # Another build: the store lost the seven types' article triples
    urllib.request.urlopen(
        urllib.request.Request(
            fresh_server + "/update",
            method="POST",
            data=f"DELETE WHERE {{ GRAPH <{iris.GRAPH}article> {{ ?t a <{iris.MGO}MentoringModelType> }} }}".encode(),
            headers={"Content-Type": "application/sparql-update"},
        ),
        timeout=30,
    ).close()
    capsys.readouterr()
    assert main(["query", "types", "--out", str(built), "--endpoint", fresh_server + "/query"]) == 0
    err = capsys.readouterr().err
    assert "holds another build than the local one" in err and f"<{iris.GRAPH}article>" in err


class DatasetBlindStore(LocalServer):
    """A SPARQL endpoint on 127.0.0.1 over the build's quads that ignores default-graph-uri and
    named-graph-uri (its default graph is its own, empty one), as a store without SPARQL 1.1
    Protocol dataset support would; it accepts Graph Store PUTs too, so `push` can verify."""

    def __init__(self, nquads: bytes):
        import pyoxigraph as ox

        self.store = ox.Store()
        self.store.load(nquads, format=ox.RdfFormat.N_QUADS)
        store = self.store

        class Handler(Quiet):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                query = urllib.parse.parse_qs(body)["query"][0]
                answer = store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
                self.answer(200, answer, {"Content-Type": "application/sparql-results+json"})

            def do_PUT(self):
                graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["graph"][0]
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                store.clear_graph(ox.NamedNode(graph))
                store.load(data, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
                self.answer(204, b"")

        super().__init__(Handler)


def test_a_store_that_ignores_the_dataset_is_named_as_the_cause(built, capsys):
    with DatasetBlindStore((built / "mentorgraph.nq").read_bytes()) as blind:
        assert main(["query", "types", "--out", str(built), "--endpoint", blind.url + "/query"]) == 0
        err = capsys.readouterr().err
        assert "ignored the default-graph-uri / named-graph-uri parameters" in err
        assert main(["push", "--endpoint", blind.url + "/query", "--out", str(built)]) == 0
        err = capsys.readouterr().err
        assert "warning" in err and "ignored the default-graph-uri" in err


# -- HTTP failures, with a stub server ---------------------------------------------------------------
class Stub(LocalServer):
    """A graph store on 127.0.0.1 that records requests and answers per graph as told."""

    def __init__(self, answer):
        self.requests: list[dict] = []
        stub = self

        class Handler(Quiet):
            def do_PUT(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("graph", [""])[0]
                stub.requests.append(
                    {
                        "graph": graph,
                        "auth": self.headers.get("Authorization"),
                        "type": self.headers.get("Content-Type"),
                        "body": body,
                    }
                )
                status, headers, text = answer(graph, self.headers.get("Authorization"))
                self.answer(status, text, headers)

        super().__init__(Handler)


def _push(stub_url: str, built: Path, *extra: str) -> int:
    return main(
        [
            "push",
            "--endpoint",
            stub_url + "/query",
            "--graph-store",
            stub_url + "/store",
            "--out",
            str(built),
            "--no-verify",
            *extra,
        ]
    )


def test_a_failing_graph_is_named_with_status_and_body(built, capsys):
    evidence = iris.GRAPH + "evidence"

    def answer(graph, auth):
        if graph == evidence:
            return 500, {}, b"Internal error: disk quota exceeded"
        return 204, {}, b""

    with Stub(answer) as stub:
        assert _push(stub.url, built) == 3
    err = capsys.readouterr().err
    failures = [line for line in err.splitlines() if "error: graph <" in line]
    assert len(failures) == 1 and evidence in failures[0] and "HTTP 500" in failures[0]
    assert "disk quota exceeded" in err
    assert [r["graph"] for r in stub.requests] == OWN_GRAPHS, "push must go on after a failure"


def test_each_graph_is_sent_as_turtle_with_its_triples(built):
    with Stub(lambda graph, auth: (201, {}, b"")) as stub:
        assert _push(stub.url, built) == 0
    import pyoxigraph as ox

    expected = _build_counts(built)
    for r in stub.requests:
        assert r["type"].startswith("text/turtle")
        assert len(list(ox.parse(r["body"], format=ox.RdfFormat.TURTLE))) == expected[r["graph"]]


def _basic_only(user: str, password: str):
    import base64

    good = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def answer(graph, auth):
        if auth == good:
            return 204, {}, b""
        return 401, {"WWW-Authenticate": 'Basic realm="test"'}, b"authentication required"

    return answer


def test_user_and_password_from_the_environment(built, monkeypatch):
    monkeypatch.setenv("MENTORGRAPH_PASSWORD", "s3cret pass")
    with Stub(_basic_only("curator", "s3cret pass")) as stub:
        assert _push(stub.url, built, "--user", "curator") == 0
    assert {r["graph"] for r in stub.requests if r["auth"]} == set(OWN_GRAPHS)


def test_a_rejected_password_is_reported_per_graph(built, monkeypatch, capsys):
    monkeypatch.setenv("MENTORGRAPH_PASSWORD", "wrong")
    with Stub(_basic_only("curator", "right")) as stub:
        assert _push(stub.url, built, "--user", "curator") == 3
    err = capsys.readouterr().err
    for graph in OWN_GRAPHS:
        assert any(graph in line and "HTTP 401" in line for line in err.splitlines()), graph
    assert "authentication required" in err
    assert "wrong" not in err, "the password must never be printed"
    assert stub.requests


def test_no_password_and_no_terminal_is_a_usage_error(built, monkeypatch, capsys):
    monkeypatch.delenv("MENTORGRAPH_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with Stub(lambda graph, auth: (204, {}, b"")) as stub:
        assert _push(stub.url, built, "--user", "curator") == 2
    assert "MENTORGRAPH_PASSWORD" in capsys.readouterr().err
    assert not stub.requests


def test_auth_env_sends_the_header_as_given(built, monkeypatch):
    monkeypatch.setenv("MG_TEST_TOKEN", "Bearer t0ken")
    with Stub(lambda graph, auth: (204, {}, b"")) as stub:
        assert _push(stub.url, built, "--auth-env", "MG_TEST_TOKEN") == 0
    assert [r["auth"] for r in stub.requests] == ["Bearer t0ken"] * len(OWN_GRAPHS)


def test_auth_env_unset_is_a_usage_error(built, monkeypatch, capsys):
    monkeypatch.delenv("MG_TEST_TOKEN", raising=False)
    assert _push("http://127.0.0.1:9", built, "--auth-env", "MG_TEST_TOKEN") == 2
    assert "MG_TEST_TOKEN" in capsys.readouterr().err


def test_an_unreachable_store_is_an_io_failure(built, capsys):
    url = f"http://127.0.0.1:{_free_port()}"
    assert _push(url, built) == 3
    assert "cannot reach" in capsys.readouterr().err


def test_no_build_is_reported(tmp_path, capsys):
    assert main(["push", "--endpoint", "http://127.0.0.1:9/query", "--out", str(tmp_path)]) == 3
    assert "mentorgraph build" in capsys.readouterr().err


# -- units -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("endpoint", "user", "graph_store"),
    [
        # Oxigraph server: /query, /update, /store
        ("http://localhost:7878/query", False, "http://localhost:7878/store"),
        # Fuseki: /DATASET/query or /DATASET/sparql; read-write graph store /DATASET/data
        ("http://localhost:3030/mentorgraph/query", False, "http://localhost:3030/mentorgraph/data"),
        ("http://localhost:3030/mentorgraph/sparql", False, "http://localhost:3030/mentorgraph/data"),
        # GraphDB (RDF4J REST API): /repositories/ID and /repositories/ID/rdf-graphs/service
        (
            "http://localhost:7200/repositories/mg",
            False,
            "http://localhost:7200/repositories/mg/rdf-graphs/service",
        ),
        # Virtuoso: /sparql; /sparql-graph-crud, or /sparql-graph-crud-auth with web authentication
        ("http://localhost:8890/sparql", False, "http://localhost:8890/sparql-graph-crud"),
        ("http://localhost:8890/sparql", True, "http://localhost:8890/sparql-graph-crud-auth"),
        ("http://localhost:8890/some/other/path", False, None),
    ],
)
def test_graph_store_url_from_the_endpoint(endpoint, user, graph_store):
    from mentorgraph.remote.push import guess_graph_store

    assert guess_graph_store(endpoint, authenticated=user) == graph_store


def test_unknown_endpoint_layout_asks_for_graph_store(built, capsys):
    assert main(["push", "--endpoint", "http://127.0.0.1:9/ds/custom/path", "--out", str(built)]) == 2
    assert "--graph-store" in capsys.readouterr().err


def test_graphs_are_split_by_name_mentorgraph_first():
    from mentorgraph.remote.push import graphs_from_nquads

    nq = (
        f'<{iris.MG}a> <{iris.MGO}p> "x" <https://example.org/linked> .\n'
        f'<{iris.MG}a> <{iris.MGO}p> "y" <{iris.GRAPH}curation> .\n'
        f"<{iris.MG}b> <{iris.MGO}p> _:n <{iris.GRAPH}article> .\n"
        f'<{iris.MG}c> <{iris.MGO}p> "z" <{iris.GRAPH}article> .\n'
    ).encode()
    graphs = graphs_from_nquads(nq)
    assert [(g.iri, g.triples) for g in graphs] == [
        (iris.GRAPH + "article", 2),
        (iris.GRAPH + "curation", 1),
        ("https://example.org/linked", 1),
    ]


def test_a_triple_outside_named_graphs_is_refused():
    from mentorgraph.remote.push import PushError, graphs_from_nquads

    with pytest.raises(PushError, match="outside any named graph"):
        graphs_from_nquads(f'<{iris.MG}a> <{iris.MGO}p> "x" .\n'.encode())


# -- a broken endpoint: one paragraph and exit code 3, never a traceback ----------------------------
class Answering(LocalServer):
    """An endpoint on 127.0.0.1 that answers every POST the same way, after `delay` seconds."""

    def __init__(self, status: int, ctype: str, body: bytes, delay: float = 0.0):
        class Handler(Quiet):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(delay)
                self.answer(status, body, {"Content-Type": ctype})

        super().__init__(Handler)
        self.url += "/sparql"


@pytest.mark.parametrize(
    ("status", "ctype", "body", "says"),
    [
        (500, "text/plain", b"Internal error: out of disk", "answered HTTP 500: Internal error: out of disk"),
        (
            200,
            "text/html",
            b"<html><body>Welcome to our store</body></html>",
            "did not answer with SPARQL JSON results",
        ),
        (
            200,
            "application/sparql-results+json",
            b'{"head": {"vars": ["item"]}, "res',
            "did not answer with SPARQL JSON",
        ),
        (200, "application/sparql-results+json", b'{"head": {"vars": ["item"]}}', "did not answer with SPARQL JSON"),
    ],
)
def test_a_broken_endpoint_is_reported_in_one_paragraph(built, capsys, status, ctype, body, says):
    with Answering(status, ctype, body) as stub:
        for argv in (["query", "types"], ["sparql", "SELECT * WHERE { ?s ?p ?o }"]):
            assert main([*argv, "--out", str(built), "--endpoint", stub.url]) == 3
            err = capsys.readouterr().err
            assert err.startswith("mentorgraph: error: ") and says in err and stub.url in err
            assert "Traceback" not in err


def test_an_unreachable_endpoint_is_reported(built, capsys):
    url = f"http://127.0.0.1:{_free_port()}/sparql"
    assert main(["query", "types", "--out", str(built), "--endpoint", url]) == 3
    err = capsys.readouterr().err
    assert "cannot reach the SPARQL endpoint" in err and url in err


def test_a_slow_endpoint_is_stopped_at_the_time_limit(built, capsys):
    with Answering(200, "application/sparql-results+json", b'{"head":{"vars":[]},"results":{"bindings":[]}}', 30) as s:
        assert main(["sparql", "ASK { ?s ?p ?o }", "--out", str(built), "--endpoint", s.url, "--timeout", "1"]) == 3
    assert "time limit of 1 s" in capsys.readouterr().err


def test_an_answer_larger_than_the_byte_limit_is_dropped(built, capsys):
    big = b'{"head":{"vars":["s"]},"results":{"bindings":[' + b'{"s":{"type":"literal","value":"x"}},' * 200_000
    with Answering(200, "application/sparql-results+json", big) as s:
        argv = ["sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--out", str(built), "--endpoint", s.url, "--max-memory", "8"]
        assert main(argv) == 3
    assert "more than 2 MiB, a quarter of the memory limit of 8 MiB" in capsys.readouterr().err


def test_an_endpoint_that_is_not_http_is_a_usage_error(built, capsys):
    assert main(["query", "types", "--out", str(built), "--endpoint", "file:///etc/passwd"]) == 2
    assert "http(s) URL" in capsys.readouterr().err
