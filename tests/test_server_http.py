"""The HTTP/1.1 layer of `mentorgraph serve` on raw sockets: each answer is written in one piece
(server/http11.py holds the head back until the body), so these tests check what that could break,
against RFC 9110 / RFC 9112: a HEAD answer has headers and no body (§9.3.2), pipelined requests are
answered whole and in order on one connection (RFC 9112 §9.3.2), and `Expect: 100-continue` gets its
interim 100 answer before the client sends the body (RFC 9110 §10.1.1). ASK {} is true by SPARQL 1.1
Query §17 (the empty group pattern has one solution), so its answer is known without the server.
"""

from __future__ import annotations

import json
import socket
import urllib.parse

import pytest

from w3c.serverproc import ServerProcess

ASK = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})


@pytest.fixture(scope="module")
def server(built, root, tmp_path_factory):
    proc = ServerProcess(built, root, tmp_path_factory.mktemp("serve"), "--workers", "1")
    yield proc
    assert proc.stop() == 0


def connect(server) -> socket.socket:
    split = urllib.parse.urlsplit(server.url)
    return socket.create_connection((split.hostname, split.port), timeout=30)


def read_answers(data: bytes, methods: list[str]) -> list[tuple[int, dict[str, str], bytes]]:
    """Split the bytes of consecutive answers (Content-Length framed; a HEAD answer has no body)."""
    out = []
    for method in methods:
        head, sep, data = data.partition(b"\r\n\r\n")
        assert sep, f"an incomplete answer: {head[:200]!r}"
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
        size = 0 if method == "HEAD" else int(headers["content-length"])
        out.append((int(status_line.split()[1]), headers, data[:size]))
        data = data[size:]
    assert data == b"", f"bytes after the last answer: {data[:200]!r}"
    return out


def test_pipelined_requests_head_included_are_answered_whole_and_in_order(server):
    requests = [("HEAD", ASK, ""), ("GET", ASK, ""), ("GET", "/health", "Connection: close\r\n")]
    wire = "".join(
        f"{m} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n{extra}\r\n"
        for m, path, extra in requests
    )
    with connect(server) as s:
        s.sendall(wire.encode("ascii"))
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, get, health = read_answers(data, [m for m, _, _ in requests])
    assert head[0] == 200 and head[2] == b""
    assert head[1]["content-type"].startswith("application/sparql-results+json")
    assert get[0] == 200 and json.loads(get[2])["boolean"] is True
    # The HEAD answer's Content-Length is that of the GET's body (RFC 9110 §8.6).
    assert int(head[1]["content-length"]) == len(get[2])
    assert health[0] == 200 and json.loads(health[2])["status"] == "ok"


def test_expect_100_continue_is_answered_before_the_body_is_sent(server):
    body = b"ASK {}"
    with connect(server) as s:
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Accept: application/sparql-results+json\r\nExpect: 100-continue\r\nConnection: close\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        interim = b""
        while b"\r\n\r\n" not in interim:
            chunk = s.recv(1)
            assert chunk, "the connection closed before the 100 Continue"
            interim += chunk
        assert interim.startswith(b"HTTP/1.1 100 ")
        s.sendall(body)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    [(status, headers, answer)] = read_answers(data, ["POST"])
    assert status == 200 and json.loads(answer)["boolean"] is True
    assert headers["access-control-allow-origin"] == "*"  # Guard's headers on the direct /sparql path
