"""`mentorgraph serve --workers N` stopped by SIGTERM or SIGINT while clients are being answered: every
request in flight gets a whole answer (a long query is answered 503 "stopping" when the grace period
ends instead of being dropped), then every front end and query process is gone and the port is free.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from w3c.serverproc import ServerProcess, request

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def children(pid: int) -> set[int]:
    """Every process descended from `pid` (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie, waiting to be reaped, is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def query_processes(tree: set[int]) -> list[int]:
    out = []
    for pid in tree:
        try:
            if b"mentorgraph.server.worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.append(pid)
        except OSError:
            pass
    return out


def quick_client(url: str, stop: threading.Event, outcomes: list) -> None:
    """Keep asking quick queries on one keep-alive connection; record each whole answer's status."""
    split = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(split.hostname, split.port, timeout=30)
    n = 0
    while not stop.is_set():
        n += 1
        q = urllib.parse.quote(f"ASK {{ ?s ?p ?o }} # {threading.get_ident()} {n}")
        try:
            conn.request("GET", f"/sparql?query={q}", headers={"Accept": "application/sparql-results+json"})
            resp = conn.getresponse()
            body = resp.read()  # raises IncompleteRead if the answer were cut
        except (OSError, http.client.HTTPException) as exc:
            if isinstance(exc, http.client.IncompleteRead):
                outcomes.append(("cut", str(exc)))
            return  # the server closed the connection between answers: it is stopping
        outcomes.append((resp.status, body))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stop_during_requests(built, root, tmp_path, sig):
    proc = ServerProcess(built, root, tmp_path, "--workers", "2", "--query-processes", "1", "--timeout", "600")
    try:
        port = urllib.parse.urlsplit(proc.url).port
        tree = children(proc.proc.pid)
        workers = query_processes(tree)
        assert len(workers) >= 2  # a query process for each of the two front ends (and warm spares)
        long_answer: dict = {}

        def long_query() -> None:
            qs = urllib.parse.urlencode({"query": CARTESIAN})
            long_answer["answer"] = request(f"{proc.url}/sparql?{qs}", headers={"Accept": "text/plain"}, timeout=120)

        stop = threading.Event()
        outcomes: list = []
        threads = [threading.Thread(target=long_query)]
        threads += [threading.Thread(target=quick_client, args=(proc.url, stop, outcomes)) for _ in range(3)]
        before = {pid: cpu_seconds(pid) for pid in workers}
        for t in threads:
            t.start()
        # The long query is in flight once a query process has spent a second of CPU on it; the quick
        # clients have been answered at least once (on two busy cores the first may take longer).
        for _ in range(600):
            if outcomes and any(cpu_seconds(pid) - before[pid] > 1.0 for pid in workers):
                break
            time.sleep(0.1)
        else:
            pytest.fail("the long query never started running, or no quick query was answered meanwhile")
        answered_before = len(outcomes)
        code = proc.stop(sig)
        stop.set()
        for t in threads:
            t.join(60)
    finally:
        proc.stop()  # (already stopped unless a step above failed)
    assert code == 0
    status, _, body = long_answer["answer"]
    assert status == 503 and b"stopping" in body  # answered whole, not dropped
    assert answered_before > 0 and outcomes
    assert all(s == 200 or (s == 503 and b"stopping" in b) for s, b in outcomes), outcomes[-3:]
    events = [e["event"] for e in proc.events()]
    assert events[-1] == "stopped" and events.count("stopping") == 1
    assert not [pid for pid in tree if running(pid)]  # every front end and query process is gone
    with socket.socket() as s:  # the port is free again
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))


def test_health_names_the_processes(built, root, tmp_path):
    proc = ServerProcess(built, root, tmp_path, "--workers", "1", "--query-processes", "3")
    try:
        status, _, body = request(f"{proc.url}/health")
        health = json.loads(body)
        assert status == 200 and health["query_processes"] == 3
        assert health["front_end"] in children(proc.proc.pid)
    finally:
        assert proc.stop() == 0
