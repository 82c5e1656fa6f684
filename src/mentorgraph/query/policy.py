"""The one query policy: every SPARQL text that any part of mentorgraph runs passes `check_query`.

    approved = check_query(text)                    # raises QueryError (Refused or SparqlSyntaxError)
    engine.run(approved)                            # runs approved.text on approved's dataset

`check_query` is a thin layer over mentorgraph.sparql.check, which parses the text with a SPARQL 1.1
parser and decides on the parse tree (SERVICE, FROM / FROM NAMED, updates, size and nesting); no
regular expression over the text decides anything. It adds what the engines need to run the query
the same way everywhere:

- the text to run: the canonical serialization of the checked tree (`approved.text`), never the
  text as received, so an engine that reads the original differently cannot be steered;
- the dataset, decided here once: the query's own FROM / FROM NAMED (only the project's graphs may
  be named); or a SPARQL 1.1 Protocol dataset (default-graph-uri / named-graph-uri, section 2.1.4),
  which overrides the query's and is held to the same rule; or, when neither names one, None: the
  default graph is the union of the project's graphs and every one of them is a named graph. The
  embedded engines map that to their own options and a remote store gets it spelled out in the
  protocol request (engines.py), so a query means the same on every engine.

Errors are QueryError (from mentorgraph.sparql): Refused (kind "service", "dataset", "update" or
"limit", also known as RefusedQuery) or NotSparql, with the line and column in the text as written.
NotSparql is the parser's SparqlSyntaxError and the query layer's QuerySyntaxError at once, so a
caller catches every syntax error, the policy's or an engine's, by that one name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .. import iris
from ..layout import LINKED
from ..sparql import DEFAULT_LIMITS, CheckedQuery, IRI, Literal, QueryError, Refused, SparqlSyntaxError, check
from ..sparql import Limits as TextLimits
from .errors import QuerySyntaxError

# The project's graphs: mentorgraph's own and those of the linked datasets a build may hold.
PROJECT_GRAPHS: tuple[str, ...] = tuple(iris.GRAPH + name for name in (*iris.GRAPH_NAMES, *LINKED))
OWN_GRAPHS: frozenset[str] = frozenset(PROJECT_GRAPHS)

# The old name of Refused, kept for callers written against it.
RefusedQuery = Refused


class NotSparql(SparqlSyntaxError, QuerySyntaxError):
    """A text that is not SPARQL 1.1 Query, as check_query reports it: the parser's error (line,
    column, token, what was expected) that is also a QuerySyntaxError, the name the CLI and the web
    view catch."""


@dataclass(frozen=True)
class ApprovedQuery:
    """A query the policy passed and the dataset it runs on.

    `default_graphs` / `named_graphs` are None when neither the query nor the request named a
    dataset: the default graph is then the union of the project's graphs, all of them named.
    Otherwise both are tuples (possibly empty: FROM alone leaves no named graphs, SPARQL 1.1 13.2).
    """

    checked: CheckedQuery
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None

    @property
    def text(self) -> str:
        """The canonical text: what an engine runs."""
        return self.checked.text

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE."""
        return self.checked.form

    def bind(self, terms: Mapping[str, IRI | Literal]) -> ApprovedQuery:
        """This query with `VALUES ?name { UNDEF }` filled by terms[name] (no re-parse: CheckedQuery.bind)."""
        return replace(self, checked=self.checked.bind(terms))


def check_query(
    text: str,
    *,
    allowed_graphs: Iterable[str] = OWN_GRAPHS,
    allowed_services: Iterable[str] = frozenset(),
    prefixes: Mapping[str, str] = iris.PREFIXES,
    base: str | None = None,
    limits: TextLimits = DEFAULT_LIMITS,
    default_graph_uris: Iterable[str] | None = None,
    named_graph_uris: Iterable[str] | None = None,
) -> ApprovedQuery:
    """Check `text` as a read-only query and decide its dataset; raise QueryError if it may not run.

    `prefixes` are predeclared (the project's by default; the query's PREFIX overrides them);
    FROM / FROM NAMED and the protocol's `default_graph_uris` / `named_graph_uris` may name only
    `allowed_graphs`; SERVICE only a constant IRI in `allowed_services` (none by default).
    """
    allowed = allowed_graphs if isinstance(allowed_graphs, frozenset) else frozenset(allowed_graphs)
    services = allowed_services if isinstance(allowed_services, frozenset) else frozenset(allowed_services)
    try:
        checked = check(
            text, prefixes=prefixes, allowed_graphs=allowed, allowed_services=services, limits=limits, base=base
        )
    except SparqlSyntaxError as exc:
        raise NotSparql(str(exc), exc.line, exc.column, exc.token, exc.expected) from None
    if default_graph_uris is not None or named_graph_uris is not None:
        default = _protocol_graphs(default_graph_uris, "default-graph-uri", allowed)
        named = _protocol_graphs(named_graph_uris, "named-graph-uri", allowed)
        return ApprovedQuery(checked, default, named)
    if checked.dataset is not None:
        return ApprovedQuery(checked, checked.dataset.default, checked.dataset.named)
    return ApprovedQuery(checked)


def located(exc: QueryError, text: str) -> str:
    """The error's message, then the line of `text` it points at and a caret under its column."""
    message = str(exc)
    if exc.line is None or exc.column is None:
        return message
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not 1 <= exc.line <= len(lines):
        return message
    src = lines[exc.line - 1]
    start = max(0, exc.column - 40) if len(src) > 160 else 0  # a long line: 80 characters around the column
    end = start + 80 if len(src) > 160 else len(src)
    before, rest = _shown(src[start : exc.column - 1]), _shown(src[exc.column - 1 : end])
    return f"{message}\n  {before}{rest}\n  {' ' * len(before)}^"


def _shown(text: str) -> str:
    """`text` safe to print on a terminal: tabs as spaces, controls and lone surrogates escaped."""
    return "".join(" " if c == "\t" else c if c.isprintable() else ascii(c)[1:-1] for c in text)


def _protocol_graphs(graphs: Iterable[str] | None, parameter: str, allowed: frozenset[str]) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(graphs or ()))
    for g in out:
        if g not in allowed:
            raise Refused(
                "dataset",
                f"{parameter} <{g}> is not allowed: queries may only name the dataset's own graphs "
                "(see the service description); nothing is loaded from elsewhere.",
            )
    return out


__all__ = [
    "OWN_GRAPHS",
    "PROJECT_GRAPHS",
    "ApprovedQuery",
    "NotSparql",
    "QueryError",
    "Refused",
    "RefusedQuery",
    "SparqlSyntaxError",
    "check_query",
    "located",
]
