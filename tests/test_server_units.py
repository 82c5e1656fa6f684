"""The server's parts without a server: form decoding (against urllib.parse), the frames between a
front end and its query processes, and the row cap of results.run_sparql on a small in-memory store
whose answer sizes are known by construction.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentorgraph.server import wire
from mentorgraph.server.checking import Checked, limited
from mentorgraph.server.protocol import _unquote, parse_params
from mentorgraph.server.results import run_sparql

PIECES = ["%", "=", "+", "&", " ", "\n", "a", "Z", "0", "9", "f", "g", "%2", "%20", "%0A", "%3D", "%3d", "%E2%82%AC"]


@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=12).map("".join))
def test_form_decoding_is_urllibs(text):
    raw = text.encode("utf-8")
    assert _unquote(raw) == urllib.parse.unquote_plus(text)
    assert list(parse_params(raw).multi_items()) == urllib.parse.parse_qsl(text, keep_blank_values=True)


def test_frames_round_trip():
    header = {"op": "sparql", "args": {"text": 'SELECT * { ?s ?p "é\\n" }', "max_rows": 3}}
    data = wire.frame(header, b"\x00body")
    assert wire.split(data[:-1]) is None  # incomplete
    assert wire.split(data + b"next") == (header, b"\x00body", len(data))
    assert wire.read_frame(io.BytesIO(data)) == (header, b"\x00body")
    with pytest.raises(EOFError):
        wire.read_frame(io.BytesIO(data[:5]))


def test_row_cap_clause():
    assert limited(Checked("q", "SELECT", True, 5), 10) == (None, True)  # its own LIMIT is within the cap
    assert limited(Checked("q", "SELECT", False, None), 10) == ("q\nLIMIT 11", False)
    assert limited(Checked("q", "SELECT", True, 50), 10) == (None, False)  # counted by the query process
    assert limited(Checked("q"), 10) == (None, False)  # form unknown: nothing is added


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    g = ox.NamedNode("urn:g")
    for i in range(30):
        s.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(f'v,{i}\n"x"'), g))
    return s


def context() -> dict:
    return {}


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize(("cap", "rows", "cut"), [(30, 30, False), (29, 29, True), (10, 10, True), (31, 30, False)])
def test_row_cap(store, fmt, cap, rows, cut):
    text = "SELECT ?s ?o WHERE { ?s <urn:p> ?o }"
    for clamped in (None, f"{text}\nLIMIT {cap + 1}"):
        reply = run_sparql(store, context, text, fmt, None, cap, clamped=clamped)
        assert reply.meta["truncated"] is cut
        if fmt == "csv":  # pyoxigraph does not read CSV results; the csv module does
            values = [r[1] for r in csv.reader(io.StringIO(reply.body.decode(), newline=""))][1:]
        else:
            back = ox.parse_query_results(reply.body, format=getattr(ox.QueryResultsFormat, fmt.upper()))
            values = [s["o"].value for s in back]
        assert len(values) == rows
        assert set(values) <= {f'v,{i}\n"x"' for i in range(30)}


def test_a_clause_that_cannot_be_added_falls_back(store):
    text = "SELECT ?s WHERE { ?s <urn:p> ?o } VALUES ?o { UNDEF }"
    reply = run_sparql(store, context, text, "json", None, 5, clamped=text + "\nLIMIT 6")  # LIMIT after VALUES
    assert reply.meta["truncated"] is True
    assert len(json.loads(reply.body)["results"]["bindings"]) == 5


def test_graph_answers_are_capped_in_triples(store):
    reply = run_sparql(store, context, "CONSTRUCT WHERE { ?s ?p ?o }", None, "ntriples", 7)
    assert reply.meta["truncated"] is True and reply.body.count(b"\n") == 7
    with pytest.raises(LookupError):
        run_sparql(store, context, "CONSTRUCT WHERE { ?s ?p ?o }", "json", None, 7)
