"""Helpers for the tests of mentorgraph.sparql: rdflib's algebra in a comparable form, a 127.0.0.1
HTTP listener that records every request it receives, and the hostile corpus with its placeholders
filled in (tests/fixtures/hostile_sparql.yaml; the server and CLI tests can reuse hostile_cases())."""

from __future__ import annotations

import http.server
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.compare import to_canonical_graph
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue


def normalise(algebra) -> object:
    """rdflib's algebra as nested tuples that compare by meaning: blank nodes numbered in order of
    appearance (rdflib names them at random), Literals by lexical form, datatype and language, and
    without the two entries that copy text (`service_string`, the original text of a SERVICE) or
    cache (`_vars`); a signed numeric literal (rdflib reads `-1` in an expression as UnaryMinus(1),
    `+1` as UnaryPlus(1)) as the literal; the triples of a basic graph pattern as a set up to blank-node renaming
    (rdflib sorts them by a key that includes its random blank node identifiers)."""
    bnodes: dict[str, int] = {}

    def norm(x):
        if isinstance(x, CompValue) and x.name == "BGP":
            return ("BGP", _canonical_triples(x["triples"]))
        if isinstance(x, CompValue):
            items = {k: norm(v) for k, v in x.items() if k not in ("service_string", "_vars")}
            inner = items.get("expr")
            if x.name in ("UnaryMinus", "UnaryPlus") and isinstance(inner, tuple) and inner[:1] == ("Literal",):
                if inner[2]:  # a number
                    lexical = inner[1].lstrip("+")
                    if x.name == "UnaryMinus":
                        lexical = lexical[1:] if lexical.startswith("-") else "-" + lexical
                    return ("Literal", lexical, inner[2], None)
            return (x.name, tuple(sorted(items.items(), key=lambda kv: kv[0])))
        if isinstance(x, dict):
            return ("dict", tuple(sorted((str(k), norm(v)) for k, v in x.items())))
        if isinstance(x, (list, tuple)):
            return tuple(norm(i) for i in x)
        if isinstance(x, set):
            return ("set", tuple(sorted(repr(norm(i)) for i in x)))
        if isinstance(x, BNode):
            return ("BNode", bnodes.setdefault(str(x), len(bnodes)))
        if isinstance(x, Literal):
            return ("Literal", str(x), str(x.datatype) if x.datatype else None, x.language)
        if isinstance(x, (URIRef, Variable)):
            return (type(x).__name__, str(x))
        if x is None or isinstance(x, (str, int, float, bool)):
            return x
        # property paths (rdflib.paths): their repr names their parts, with no identity
        return (type(x).__name__, repr(x))

    return norm(algebra)


def _canonical_triples(triples) -> tuple:
    """The triples as an rdflib graph (variables and paths as stand-in IRIs), canonically labelled."""
    graph = Graph()

    def node(term):
        if isinstance(term, Variable):
            return URIRef("urn:var:" + term)
        if isinstance(term, (URIRef, BNode, Literal)):
            return term
        return URIRef("urn:path:" + quote(repr(term), safe=""))

    for s, p, o in triples:
        graph.add((node(s), node(p), node(o)))
    return tuple(sorted(to_canonical_graph(graph), key=repr))


def rdflib_algebra(text: str, base: str | None = None) -> object:
    """The normalised algebra rdflib makes of a query text."""
    return normalise(translateQuery(parseQuery(text), base=base).algebra)


class Listener:
    """An HTTP server on 127.0.0.1 (a random port) in a thread; `requests` lists every path asked."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                listener.requests.append(f"{self.command} {self.path}")
                body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"fetched"}}]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


HOSTILE = Path(__file__).parent / "fixtures" / "hostile_sparql.yaml"


@dataclass(frozen=True)
class HostileCase:
    """One case of tests/fixtures/hostile_sparql.yaml, its placeholders filled in."""

    name: str
    text: str
    expect: str  # "refused:<kind>", "syntax" or "approved" (the control case)
    why: str
    allowed_services: frozenset[str]
    control: bool


def hostile_cases(listener: str) -> list[HostileCase]:
    """The hostile corpus with "{listener}" (http://127.0.0.1:PORT), "{port}" and each case's
    `repeat` placeholders substituted."""
    port = listener.rsplit(":", 1)[1]

    def fill(text: str, repeat: dict) -> str:
        text = text.replace("{listener}", listener).replace("{port}", port)
        for name, (piece, count) in repeat.items():
            text = text.replace("{" + name + "}", piece * count)
        return text

    cases = []
    for entry in yaml.safe_load(HOSTILE.read_text(encoding="utf-8")):
        repeat = entry.get("repeat", {})
        cases.append(
            HostileCase(
                name=entry["name"],
                text=fill(entry["text"], repeat),
                expect="approved" if entry.get("control") else entry["expect"],
                why=entry["why"],
                allowed_services=frozenset(fill(s, {}) for s in entry.get("allowed_services", ())),
                control=bool(entry.get("control")),
            )
        )
    return cases
