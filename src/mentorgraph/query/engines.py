"""SPARQL engines behind one small interface: the embedded pyoxigraph store (default) and rdflib
(fallback, and the reference for portability tests). A remote SPARQL 1.1 Protocol endpoint is in
remote.py, the bounded worker process that runs either engine in worker.py.

    result = engine.run(approved, limits)      # approved: policy.check_query's ApprovedQuery

An engine runs only what the policy approved: `approved.text` (the canonical text, never the text as
received) on `approved`'s dataset (dataset_kwargs). Results come back as plain Python values (see
`Term`), streamed: a SELECT result converts each row when it is read, and stops with LimitExceeded
past the row limit. Literals typed xsd:string are treated as plain strings everywhere: pyoxigraph
types plain literals as xsd:string where rdflib leaves them untyped (measured on this project).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import pyoxigraph as ox

from .errors import EngineError, LimitExceeded, QuerySyntaxError
from .limits import DEFAULT, Limits

if TYPE_CHECKING:
    from ..layout import Generation
    from .policy import ApprovedQuery

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
_INTEGERS = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger"}
_INTEGERS |= {"negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort"}


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
            if local in _INTEGERS:
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


Row = dict[str, Term | None]


class Result:
    """A SELECT result (variables and rows), an ASK result (boolean), or graph triples.

    Rows are streamed: iterating converts them as the engine yields them, and what was read is
    kept, so `rows`, `plain()` and a later iteration see every row (iterate once at a time). `notes`
    are remarks for the reader (a remote store's empty answer explained, for instance)."""

    __slots__ = ("boolean", "kind", "notes", "triples", "variables", "_rows", "_more", "_fresh")

    def __init__(
        self,
        kind: str,
        variables: Iterable[str],
        rows: Iterable[Row] = (),
        boolean: bool | None = None,
        triples: list[tuple[Term, Term, Term]] | None = None,
    ):
        self.kind = kind  # "select", "ask" or "graph"
        self.variables = list(variables)
        self.boolean = boolean
        self.triples = triples
        self.notes: list[str] = []
        self._rows: list[Row] = list(rows)
        self._more: Iterator[Row] | None = None  # a stream that appends each row to _rows as it yields it
        self._fresh = True

    def __iter__(self) -> Iterator[Row]:
        if self._more is None:
            return iter(self._rows)
        if self._fresh:  # the first reader takes the stream itself: no second generator per row
            self._fresh = False
            return self._more
        return self._pull()

    def _pull(self) -> Iterator[Row]:
        rows, i = self._rows, 0
        while True:
            if i < len(rows):
                yield rows[i]
                i += 1
                continue
            if self._more is None:
                return
            try:
                next(self._more)
            except StopIteration:
                self._more = None
                return

    @property
    def rows(self) -> list[Row]:
        """Every row (read to the end first)."""
        if self._more is not None:
            self._fresh = False
            for _ in self._pull():
                pass
        return self._rows

    @rows.setter
    def rows(self, rows: Iterable[Row]) -> None:
        self._rows, self._more = list(rows), None

    def plain(self) -> list[dict[str, Any]]:
        """Rows as plain Python dicts (unbound variables are None)."""
        vs = self.variables
        return [{v: (row[v].python() if row.get(v) is not None else None) for v in vs} for row in self]


def _literal(value: str, datatype: str | None, lang: str | None) -> Term:
    if lang:
        return Term("literal", value, None, lang.lower())
    if datatype in (None, XSD_STRING):
        return Term("literal", value)
    return Term("literal", value, datatype)


# -- pyoxigraph terms --------------------------------------------------------------------------------
_NEW = tuple.__new__
_NAMED, _BLANK, _LITERAL = ox.NamedNode, ox.BlankNode, ox.Literal


def ox_term(t) -> Term | None:
    """A pyoxigraph term as a Term (None stays None)."""
    cls = type(t)
    if cls is _NAMED:
        return _NEW(Term, ("uri", t.value, None, None))
    if cls is _LITERAL:
        lang = t.language
        if lang:
            return _NEW(Term, ("literal", t.value, None, lang.lower()))
        dt = t.datatype.value
        return _NEW(Term, ("literal", t.value, None if dt == XSD_STRING else dt, None))
    if cls is _BLANK:
        return _NEW(Term, ("bnode", t.value, None, None))
    if t is None:
        return None
    return _NEW(Term, ("literal", str(t), None, None))  # an RDF 1.2 triple term: shown as text


class _Converted(dict):
    """pyoxigraph term -> Term, converting on a miss. A lookup (in C) is cheaper than reading
    `.value` back from Rust, and rows repeat terms. Cleared when it holds _CACHE_MAX terms."""

    def __missing__(self, t):
        term = self[t] = ox_term(t)
        return term


_CACHE = _Converted()
_CACHE_MAX = 50_000


def _ox_rows(solutions, variables: list[str], limits: Limits, res: Result) -> Iterator[Row]:
    if len(_CACHE) > _CACHE_MAX:
        _CACHE.clear()
    convert, rows, left = _CACHE.__getitem__, res._rows, limits.max_rows
    try:
        for sol in solutions:
            if not left:
                raise limits.rows_exceeded()
            left -= 1
            row = dict(zip(variables, map(convert, sol), strict=False))  # a solution has one value a variable
            rows.append(row)
            yield row
    except (OSError, RuntimeError) as exc:
        error: Exception = EngineError(f"the store failed while reading the results: {exc}")
    except LimitExceeded as exc:
        error = exc
    else:
        res._more = None
        return
    res._more = _raising(error)  # a later reader gets the same error, never a silently short result
    raise error


def _raising(error: Exception) -> Iterator[Row]:
    raise error
    yield  # a generator


# The variables of a query's solutions, by query text: reading them from Rust costs as much as a
# row (measured), and a text always has the same ones.
_VARIABLES: dict[str, list[str]] = {}


def ox_result(res, limits: Limits = DEFAULT, text: str | None = None) -> Result:
    """A pyoxigraph query result (QueryBoolean, QuerySolutions or QueryTriples) as a Result, streamed.

    `text`, the query's text, lets the result's variables be remembered for the next run of it."""
    cls = type(res)
    if cls is ox.QuerySolutions:
        variables = _VARIABLES.get(text) if text is not None else None
        if variables is None:
            variables = [v.value for v in res.variables]
            if text is not None and len(text) <= 8192:
                if len(_VARIABLES) >= 1024:
                    _VARIABLES.clear()
                _VARIABLES[text] = variables
        out = Result("select", variables)
        out._more = _ox_rows(res, variables, limits, out)
        return out
    if cls is ox.QueryBoolean:
        return Result("ask", (), boolean=bool(res))
    return Result("graph", (), triples=capped_triples(res, limits))


def capped_triples(triples: Iterable, limits: Limits) -> list[tuple[Term, Term, Term]]:
    """pyoxigraph triples as Term triples; LimitExceeded past the row limit."""
    out = []
    try:
        for t in triples:
            if len(out) == limits.max_rows:
                raise limits.rows_exceeded()
            out.append((ox_term(t.subject), ox_term(t.predicate), ox_term(t.object)))
    except (OSError, RuntimeError) as exc:
        raise EngineError(f"the store failed while reading the results: {exc}") from None
    return out


def dataset_kwargs(default_graphs: tuple[str, ...] | None, named_graphs: tuple[str, ...] | None) -> dict:
    """pyoxigraph Store.query's dataset options for an approved query's dataset (policy.ApprovedQuery):
    None is the union of the store's graphs with all of them named; else exactly the graphs given."""
    if default_graphs is None:
        return {"use_default_graph_as_union": True}
    return {
        "default_graph": [ox.NamedNode(g) for g in default_graphs],
        "named_graphs": [ox.NamedNode(g) for g in named_graphs or ()],
    }


class OxigraphEngine:
    """The embedded pyoxigraph store of one generation, opened read-only."""

    name = "oxigraph"

    def __init__(self, store):
        self.store = store

    @classmethod
    def open(cls, gen: Generation) -> OxigraphEngine:
        """The store of one generation, read-only; EngineError if it cannot be opened."""
        from ..layout import DamagedBuild
        from ..pipeline.store import open_store

        try:
            return cls(open_store(gen))
        except OSError as exc:
            if isinstance(exc, FileNotFoundError | DamagedBuild):  # their messages say what to do
                raise
            raise EngineError(
                f"the built store at {gen.store} cannot be read ({exc}); rebuild it with `mentorgraph build`"
            ) from None

    _term = staticmethod(ox_term)  # the name the server's worker uses

    def raw(self, text: str, default_graphs: tuple[str, ...] | None, named_graphs: tuple[str, ...] | None):
        """pyoxigraph's own result for an approved text and dataset (the worker serializes it in Rust)."""
        try:
            return self.store.query(text, **dataset_kwargs(default_graphs, named_graphs))
        except SyntaxError as exc:
            raise QuerySyntaxError(f"pyoxigraph could not parse the checked query: {exc}") from None
        except (OSError, RuntimeError) as exc:
            raise EngineError(f"the store failed to run the query: {exc}") from None

    def run(self, q: ApprovedQuery, limits: Limits = DEFAULT) -> Result:
        """Run an approved query (its canonical text, on its dataset)."""
        return ox_result(self.raw(q.text, q.default_graphs, q.named_graphs), limits, q.text)

    def query(self, text: str, limits: Limits = DEFAULT) -> Result:
        """Check `text` with the one query policy (project prefixes predeclared), then run it."""
        from .policy import check_query

        return self.run(check_query(text), limits)


class RdflibEngine:
    """rdflib over a Dataset whose default graph is the union of the named graphs."""

    name = "rdflib"

    def __init__(self, dataset):
        import rdflib.plugins.sparql

        # FROM / FROM NAMED only ever select graphs the dataset holds (the policy allows no others);
        # never let rdflib load one from the web or the file system.
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        self.dataset = dataset

    @classmethod
    def open(cls, gen: Generation) -> RdflibEngine:
        """One generation's N-Quads and its linked datasets, parsed: the same quads its store holds."""
        from rdflib import Dataset

        ds = Dataset(default_union=True)
        try:
            for path in (gen.nquads, *gen.linked.values()):
                ds.parse(path, format="nquads")
        except FileNotFoundError:
            raise
        except Exception as exc:  # rdflib raises many kinds for a damaged file
            raise EngineError(f"the build's N-Quads cannot be read ({exc}); rebuild with `mentorgraph build`") from None
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

    def run(self, q: ApprovedQuery, limits: Limits = DEFAULT) -> Result:
        """Run an approved query; its dataset must be the query's own (rdflib takes no other)."""
        own = q.checked.dataset
        if q.default_graphs is not None and (
            own is None or (own.default, own.named) != (q.default_graphs, q.named_graphs)
        ):
            raise EngineError("the rdflib engine takes a dataset from the query's FROM / FROM NAMED only")
        return self.execute(q.text, limits)

    def execute(self, text: str, limits: Limits = DEFAULT) -> Result:
        """Run a text the policy approved (its canonical text: the dataset is in it, or the union)."""
        try:
            res = self.dataset.query(text)
            if res.type == "ASK":
                return Result("ask", [], boolean=bool(res.askAnswer))
            if res.type == "SELECT":
                variables = [str(v) for v in res.vars]
                rows = []
                for row in res:
                    if len(rows) == limits.max_rows:
                        raise limits.rows_exceeded()
                    rows.append({v: self._term(row[i]) for i, v in enumerate(variables)})
                return Result("select", variables, rows)
            triples = []
            for t in res:
                if len(triples) == limits.max_rows:
                    raise limits.rows_exceeded()
                triples.append(tuple(self._term(x) for x in t))
            return Result("graph", [], triples=triples)
        except (LimitExceeded, MemoryError):
            raise
        except Exception as exc:  # rdflib raises many kinds; the policy parsed the text already
            syntax = type(exc).__name__ in ("ParseException", "ParseSyntaxException") or isinstance(exc, SyntaxError)
            raise (QuerySyntaxError if syntax else EngineError)(f"rdflib: {exc}") from None

    def query(self, text: str, limits: Limits = DEFAULT) -> Result:
        """Check `text` with the one query policy (project prefixes predeclared), then run it."""
        from .policy import check_query

        return self.run(check_query(text), limits)


def parse_ntriples(data: bytes) -> list[tuple[Term, Term, Term]]:
    """N-Triples bytes as Term triples."""
    return [
        (ox_term(t.subject), ox_term(t.predicate), ox_term(t.object))
        for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    ]


__all__ = [
    "EngineError",
    "LimitExceeded",
    "OxigraphEngine",
    "QuerySyntaxError",
    "RdflibEngine",
    "Result",
    "Term",
    "dataset_kwargs",
    "ox_result",
]
