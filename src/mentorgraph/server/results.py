"""Run one checked protocol query in a query process and serialize its answer, in Rust where it can.

SELECT and ASK results are written by pyoxigraph's own serializers (QuerySolutions.serialize: SPARQL
JSON, XML, CSV, TSV); graphs by pyoxigraph's RDF serializers (Turtle, N-Triples, RDF/XML). Python
writes only what they lack: JSON-LD compacted with the project's context (rdflib), and the first
`max_rows` rows of a result that is longer than the cap (rare: the cap is 10,000 rows by default).

The row cap never needs a whole result in memory:
- a query whose own LIMIT is within the cap (`exact`) cannot be cut, and is serialized as it comes;
- the front end may send a `clamped` text (the checked, canonical text with LIMIT max_rows + 1), so
  the store stops one row past the cap;
- otherwise the serializer writes into a buffer that refuses to grow past MAX_ANSWER bytes; a longer
  answer is run again row by row and cut at the cap.
Whether an answer holds more than `max_rows` rows is read from its bytes: a row takes at least
MIN_ROW_BYTES in each format, so a short answer cannot be over the cap; a long one is counted by
parsing it back (in Rust; CSV with the csv module), and one over the cap is run again as a stream
and cut at the cap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from .. import iris, mediatypes

RDF_TYPES = {name: media for name, (media, _ext) in mediatypes.RDF.items()}
# Upper bound on a serialized answer before it is redone row by row (bounded memory for any result).
MAX_ANSWER = 64 * 1024 * 1024
# The fewest bytes one row takes in each results format ("{}," in JSON, "<result/>" in XML, a line end).
MIN_ROW_BYTES = {"json": 3, "xml": 9, "csv": 2, "tsv": 1}


class Reply:
    """An operation's answer as bytes: `meta` goes into the frame header, `body` follows it."""

    __slots__ = ("body", "meta")

    def __init__(self, meta: dict, body: bytes):
        self.meta, self.body = meta, body


class _Capped:
    """A write target for pyoxigraph's serializers that refuses to hold more than `cap` bytes."""

    __slots__ = ("buf", "cap")

    def __init__(self, cap: int):
        self.buf, self.cap = bytearray(), cap

    def write(self, data: bytes) -> int:
        if len(self.buf) + len(data) > self.cap:
            raise _TooLong
        self.buf += data
        return len(data)

    def flush(self) -> None:
        pass


class _TooLong(Exception):
    pass


RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def _results_format(fmt: str):
    return RESULTS_FORMATS[fmt]


def serialize_graph(triples: list, fmt: str, context: Callable[[], dict]) -> bytes:
    """pyoxigraph triples as Turtle, N-Triples, RDF/XML, or JSON-LD compacted with the shipped context."""
    if fmt == "jsonld":
        from rdflib import Graph

        g = Graph()
        g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
        # A dict context is used as given; rdflib only fetches a context named by URL.
        return g.serialize(format="json-ld", context=context(), auto_compact=True).encode("utf-8")
    formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}
    prefixes = iris.PREFIXES if fmt == "turtle" else None
    return ox.serialize(triples, format=formats[fmt], prefixes=prefixes) or b""


def _count_rows(body: bytes, fmt: str) -> int:
    """The number of rows of a serialized SELECT result."""
    if fmt == "tsv":  # one line per row after the header; line breaks in values are escaped
        return body.count(b"\n") - 1
    if fmt == "csv":  # pyoxigraph does not read CSV results back (they are lossy); the csv module does
        import csv
        import io

        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1
    return sum(1 for _ in ox.parse_query_results(body, format=_results_format(fmt)))


def _python_rows(solutions, variables: list[str], max_rows: int) -> tuple[Any, bool]:
    """At most `max_rows` solutions as an engines.Result, and whether there were more."""
    from ..query.engines import OxigraphEngine, Result

    term = OxigraphEngine._term
    rows = []
    for sol in solutions:
        if len(rows) == max_rows:
            return Result("select", variables, rows), True
        rows.append({v: term(sol[v]) for v in variables})
    return Result("select", variables, rows), False


def _write_python(res, fmt: str) -> bytes:
    from ..query import formats

    writer = {"json": formats.to_json, "xml": formats.to_xml, "csv": formats.to_csv, "tsv": formats.to_tsv}[fmt]
    return writer(res).encode("utf-8")


def run_sparql(
    store,
    context: Callable[[], dict],
    text: str,
    result_fmt: str | None,
    graph_fmt: str | None,
    max_rows: int,
    clamped: str | None = None,
    exact: bool = False,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    base_iri: str | None = None,
) -> Reply:
    """Run a checked query; answer its serialization. `result_fmt` is for SELECT/ASK, `graph_fmt` for
    CONSTRUCT/DESCRIBE (None: the client accepts no format of that kind: LookupError)."""
    # Relative IRIs resolve against the endpoint's URL (SPARQL 1.1 Protocol allows a service-defined base).
    kwargs: dict[str, Any] = {"base_iri": base_iri}
    if default_graphs is None and named_graphs is None:
        kwargs["use_default_graph_as_union"] = True
    else:
        # A protocol-specified dataset (SPARQL 1.1 Protocol 2.1.4): graphs the store lacks are empty;
        # nothing is ever loaded from their IRIs.
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
    res = None
    if clamped is not None:
        try:
            res = store.query(clamped, **kwargs)
        except SyntaxError:  # the clause could not be added (a trailing VALUES block): run the text as sent
            res = None
    if res is None:
        res = store.query(text, **kwargs)
    if isinstance(res, ox.QueryTriples):
        return _graph_reply(res, graph_fmt, max_rows, context)
    if result_fmt is None:
        raise LookupError("a SELECT/ASK result is available as " + ", ".join(mediatypes.RESULTS.values()))
    meta = {"ctype": mediatypes.RESULTS[result_fmt], "truncated": False}
    if isinstance(res, ox.QueryBoolean):
        return Reply(meta, res.serialize(format=_results_format(result_fmt)))
    fmt = _results_format(result_fmt)
    if exact or clamped is not None:
        body = res.serialize(format=fmt)  # at most max_rows + 1 rows: bounded
    else:
        out = _Capped(MAX_ANSWER)
        try:
            res.serialize(out, format=fmt)
            body = bytes(out.buf)
        except _TooLong:
            del out
            again = store.query(text, **kwargs)
            result, truncated = _python_rows(again, [v.value for v in again.variables], max_rows)
            return Reply({**meta, "truncated": truncated}, _write_python(result, result_fmt))
    if exact or len(body) // MIN_ROW_BYTES[result_fmt] <= max_rows or _count_rows(body, result_fmt) <= max_rows:
        return Reply(meta, body)
    # Longer than the cap (rare): the first max_rows rows, read again as a stream, written by Python.
    again = store.query(text, **kwargs)
    result, _ = _python_rows(again, [v.value for v in again.variables], max_rows)
    return Reply({**meta, "truncated": True}, _write_python(result, result_fmt))


def _graph_reply(res, graph_fmt: str | None, max_rows: int, context: Callable[[], dict]) -> Reply:
    """A CONSTRUCT/DESCRIBE answer: at most `max_rows` triples (read as a stream and cut there)."""
    import json

    if graph_fmt is None:
        raise LookupError("a CONSTRUCT/DESCRIBE result is available as " + ", ".join(RDF_TYPES.values()))
    triples, truncated = [], False
    for t in res:
        if len(triples) == max_rows:
            truncated = True
            break
        triples.append(t)
    if graph_fmt == "html":
        from ..query.engines import OxigraphEngine

        term = OxigraphEngine._term
        rows = [{"s": term(t.subject), "p": term(t.predicate), "o": term(t.object)} for t in triples]
        return Reply({"rows": True, "truncated": truncated}, json.dumps(rows).encode("utf-8"))
    body = serialize_graph(triples, graph_fmt, context)
    return Reply({"ctype": RDF_TYPES[graph_fmt], "truncated": truncated}, body)
