"""`mentorgraph push` to Virtuoso (Debian's virtuoso-opensource-7-bin), when it is installed.

A private Virtuoso instance is started in a temporary directory on 127.0.0.1 and stopped afterwards.
The push goes to /sparql-graph-crud-auth, where Virtuoso demands HTTP Digest authentication from the
new database's administrator (dba/dba), so this also proves Digest works. Canned queries are not
compared here: docs/triple-stores.md lists where Virtuoso 7.2 answers differently.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from mentorgraph import iris
from mentorgraph.cli import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _build_counts(built) -> dict[str, int]:
    manifest = json.loads((built / "manifest.json").read_text())
    return {g: v["triples"] for g, v in manifest["graphs"].items()}


INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}/www
MaxClientConnections = 4
ServerThreads = 4
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    exe = shutil.which("virtuoso-t")
    if exe is None:
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)")
    d = tmp_path_factory.mktemp("virtuoso")
    (d / "www").mkdir()
    http = _free_port()
    (d / "virtuoso.ini").write_text(INI.format(d=d, sql=_free_port(), http=http))
    proc = subprocess.Popen(
        [exe, "+configfile", str(d / "virtuoso.ini"), "+foreground"],
        cwd=d,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{http}/sparql"
    deadline = time.monotonic() + 90  # a new database takes ~15 s on 2 busy cores
    while True:
        try:
            with urllib.request.urlopen(endpoint + "?" + urllib.parse.urlencode({"query": "ASK {}"}), timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log = d / "virtuoso.log"
                tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
                pytest.fail(f"Virtuoso did not start: {tail}")
            time.sleep(0.25)
    yield endpoint
    proc.terminate()
    proc.wait(timeout=60)


def test_push_to_virtuoso_with_digest_authentication(virtuoso, built, monkeypatch, capsys):
    monkeypatch.setenv("MENTORGRAPH_PASSWORD", "dba")
    # Twice: the second push must replace, so the verified counts still equal the build's.
    for _ in range(2):
        assert main(["push", "--endpoint", virtuoso, "--user", "dba", "--out", str(built)]) == 0
    err = capsys.readouterr().err
    assert "/sparql-graph-crud-auth" in err
    assert "counts match" in err and "warning" not in err

    text = (
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f'FILTER (STRSTARTS(STR(?g), "{iris.GRAPH}")) }} GROUP BY ?g'
    )
    req = urllib.request.Request(
        virtuoso,
        data=urllib.parse.urlencode({"query": text}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        rows = json.loads(resp.read())["results"]["bindings"]
    assert {r["g"]["value"]: int(r["n"]["value"]) for r in rows} == _build_counts(built)


def test_virtuoso_refuses_a_wrong_password(virtuoso, built, monkeypatch, capsys):
    monkeypatch.setenv("MENTORGRAPH_PASSWORD", "not-the-password")
    assert main(["push", "--endpoint", virtuoso, "--user", "dba", "--out", str(built)]) == 3
    err = capsys.readouterr().err
    assert "HTTP 401" in err and iris.GRAPH + "ontology" in err
