"""SPARQL engines behind one small interface: the embedded pyoxigraph store (default), rdflib
(fallback, and the reference for portability tests), and any remote SPARQL 1.1 Protocol endpoint.

Results come back as plain Python values (see `Term`) so callers never depend on an engine's
term classes. Literals typed xsd:string are treated as plain strings everywhere: pyoxigraph types
plain literals as xsd:string where rdflib leaves them untyped (measured on this project).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ..layout import Generation

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD = "http://www.w3.org/2001/XMLSchema#"


class Term(NamedTuple):
    """An RDF term as plain data: kind is 'uri', 'literal' or 'bnode'."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def python(self) -> Any:
        """The term as a Python value: IRIs and strings as str, numbers as int/float, booleans as bool."""
        if self.kind != "literal" or not self.datatype:
            return self.value
        local = self.datatype[len(XSD) :] if self.datatype.startswith(XSD) else ""
        try:
            if local in {"integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"}:
                return int(self.value)
            if local in {"decimal", "double", "float"}:
                return float(self.value)
            if local == "boolean":
                return self.value in ("true", "1")
        except ValueError:
            return self.value
        return self.value

    def sparql_json(self) -> dict:
        """The term in SPARQL 1.1 Query Results JSON form."""
        if self.kind == "uri":
            return {"type": "uri", "value": self.value}
        if self.kind == "bnode":
            return {"type": "bnode", "value": self.value}
        out = {"type": "literal", "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out


@dataclass
class Result:
    """A SELECT result (variables and rows), an ASK result (boolean), or graph triples."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str]
    rows: list[dict[str, Term | None]]
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] | None = None

    def plain(self) -> list[dict[str, Any]]:
        """Rows as plain Python dicts (unbound variables are None)."""
        return [{v: (row[v].python() if row.get(v) is not None else None) for v in self.variables} for row in self.rows]


def _literal(value: str, datatype: str | None, lang: str | None) -> Term:
    if lang:
        return Term("literal", value, None, lang.lower())
    if datatype in (None, XSD_STRING):
        return Term("literal", value)
    return Term("literal", value, datatype)


class EngineError(Exception):
    """A query failed in the engine (timeout, HTTP failure, unreadable store): CLI exit code 3."""


class QuerySyntaxError(EngineError):
    """The engine could not parse the query: the user's text is wrong (CLI exit code 2)."""


class OxigraphEngine:
    """The embedded pyoxigraph store; queries see the union of all named graphs."""

    name = "oxigraph"

    def __init__(self, store):
        self.store = store

    @classmethod
    def open(cls, gen: Generation) -> OxigraphEngine:
        """The store of one generation, read-only."""
        from ..pipeline.store import open_store

        return cls(open_store(gen))

    @staticmethod
    def _term(t) -> Term | None:
        import pyoxigraph as ox

        if t is None:
            return None
        if isinstance(t, ox.NamedNode):
            return Term("uri", t.value)
        if isinstance(t, ox.BlankNode):
            return Term("bnode", t.value)
        return _literal(t.value, t.datatype.value if t.datatype else None, t.language)

    def query(self, text: str) -> Result:
        """Run `text` on the store (the default graph is the union unless the query names a dataset)."""
        from .policy import keywords

        # The default graph is the union of the named graphs, unless the query names its own dataset
        # (FROM / FROM NAMED), which pyoxigraph would otherwise ignore.
        union = "FROM" not in keywords(text)
        try:
            res = self.store.query(text, use_default_graph_as_union=union)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from None
        import pyoxigraph as ox

        if isinstance(res, ox.QueryBoolean):
            return Result("ask", [], [], boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            rows = [{v: self._term(sol[v]) for v in variables} for sol in res]
            return Result("select", variables, rows)
        triples = [(self._term(t.subject), self._term(t.predicate), self._term(t.object)) for t in res]
        return Result("graph", [], [], triples=triples)


class RdflibEngine:
    """rdflib over a Dataset whose default graph is the union of the named graphs."""

    name = "rdflib"

    def __init__(self, dataset):
        import rdflib.plugins.sparql

        # Never let FROM / FROM NAMED load a graph from the web or the file system: they can only
        # select graphs the dataset already holds.
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        self.dataset = dataset
        self.graph_names = {str(g.identifier) for g in dataset.graphs()}

    @classmethod
    def open(cls, gen: Generation) -> RdflibEngine:
        """One generation's N-Quads and its linked datasets, parsed: the same quads its store holds."""
        from rdflib import Dataset

        ds = Dataset(default_union=True)
        for path in (gen.nquads, *gen.linked.values()):
            ds.parse(path, format="nquads")
        return cls(ds)

    @staticmethod
    def _term(t) -> Term | None:
        from rdflib import BNode, Literal, URIRef

        if t is None:
            return None
        if isinstance(t, URIRef):
            return Term("uri", str(t))
        if isinstance(t, BNode):
            return Term("bnode", str(t))
        if isinstance(t, Literal):
            return _literal(str(t), str(t.datatype) if t.datatype else None, t.language)
        return Term("literal", str(t))

    def query(self, text: str) -> Result:
        """Run `text` on the dataset, after the query policy (rdflib would follow SERVICE)."""
        from .policy import check_query

        # rdflib would follow SERVICE and read FROM <file:...>; refuse them before it sees the query.
        check_query(text, allowed_graphs=self.graph_names)
        try:
            res = self.dataset.query(text)
        except Exception as exc:
            syntax = type(exc).__name__ in ("ParseException", "ParseSyntaxException") or isinstance(exc, SyntaxError)
            raise (QuerySyntaxError if syntax else EngineError)(str(exc)) from None
        if res.type == "ASK":
            return Result("ask", [], [], boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            variables = [str(v) for v in res.vars]
            rows = [{v: self._term(row[i]) for i, v in enumerate(variables)} for row in res]
            return Result("select", variables, rows)
        triples = [tuple(self._term(x) for x in t) for t in res]
        return Result("graph", [], [], triples=triples)


class RemoteEngine:
    """Any SPARQL 1.1 Protocol endpoint, by HTTP POST of a URL-encoded form (the protocol's most widely
    supported binding: Debian's Virtuoso 7.2 never answers a direct application/sparql-query POST)."""

    name = "remote"

    def __init__(self, endpoint: str, timeout: float = 60.0, headers: dict[str, str] | None = None):
        self.endpoint = endpoint
        self.timeout = timeout
        self.headers = headers or {}

    def query(self, text: str) -> Result:
        """POST the query (application/x-www-form-urlencoded) and read SPARQL JSON or N-Triples back."""
        import httpx

        from .. import mediatypes

        accept = f"{mediatypes.RESULTS['json']}, {mediatypes.RDF['ntriples'][0]};q=0.9"
        try:
            with httpx.Client(timeout=self.timeout, trust_env=False) as client:
                resp = client.post(self.endpoint, data={"query": text}, headers={"Accept": accept, **self.headers})
        except httpx.HTTPError as exc:
            raise EngineError(f"cannot reach {self.endpoint}: {exc}") from None
        if not resp.is_success:
            detail = resp.content[:500].decode("utf-8", "replace")
            raise EngineError(f"{self.endpoint} answered HTTP {resp.status_code}: {detail}")
        if "n-triples" in resp.headers.get("Content-Type", ""):
            return Result("graph", [], [], triples=_parse_ntriples(resp.content.decode("utf-8")))
        data = json.loads(resp.content)
        if "boolean" in data:
            return Result("ask", [], [], boolean=bool(data["boolean"]))
        variables = data["head"]["vars"]
        rows = [{v: _from_json(b.get(v)) for v in variables} for b in data["results"]["bindings"]]
        return Result("select", variables, rows)


def _from_json(b: dict | None) -> Term | None:
    if b is None:
        return None
    if b["type"] == "uri":
        return Term("uri", b["value"])
    if b["type"] == "bnode":
        return Term("bnode", b["value"])
    return _literal(b["value"], b.get("datatype"), b.get("xml:lang"))


def _parse_ntriples(text: str) -> list[tuple[Term, Term, Term]]:
    import pyoxigraph as ox

    out = []
    for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        out.append((OxigraphEngine._term(t.subject), OxigraphEngine._term(t.predicate), OxigraphEngine._term(t.object)))
    return out
