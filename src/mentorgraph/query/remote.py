"""Any SPARQL 1.1 Protocol endpoint as an engine, on the store's default settings.

Every mentorgraph triple lives in a named graph, and most canned queries match triples without a
GRAPH clause: locally the default graph is the union of the project's graphs. A store's default
graph is often something else (Oxigraph's own default graph, empty; a library's other data), so the
request names the dataset itself: SPARQL 1.1 Protocol section 2.1.4 lets a query request carry
`default-graph-uri` (the graphs merged into the default graph) and `named-graph-uri` (the graphs
GRAPH may match), and they override the store's configuration. A query with its own FROM / FROM
NAMED keeps it. So a canned query gives the local answer on a store that holds the pushed graphs,
whatever its settings; `diagnose` says why when it does not.

Requests are URL-encoded POSTs (SPARQL 1.1 Protocol 2.1.2), the most widely supported binding
(Debian's Virtuoso 7.2 never answers a direct application/sparql-query POST). The answer is read
against the query's time limit and a byte limit, and its rows against the row limit.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from .. import mediatypes
from .engines import Result, Term, _literal, ox_term, parse_ntriples
from .errors import EngineError, LimitExceeded
from .limits import DEFAULT, Limits
from .policy import PROJECT_GRAPHS

if TYPE_CHECKING:
    from .policy import ApprovedQuery

EXCERPT = 300
GRAPH_ACCEPT = f"{mediatypes.RDF['ntriples'][0]}, {mediatypes.RDF['turtle'][0]};q=0.9, {mediatypes.PLAIN};q=0.5"


class RemoteEngine:
    """A SPARQL 1.1 Protocol query endpoint; `graphs` are the project's graphs named in each request."""

    name = "remote"

    def __init__(
        self,
        endpoint: str,
        limits: Limits = DEFAULT,
        headers: dict[str, str] | None = None,
        graphs: tuple[str, ...] = PROJECT_GRAPHS,
    ):
        self.endpoint = endpoint
        self.limits = limits
        self.headers = headers or {}
        self.graphs = graphs

    def protocol_dataset(self, q: ApprovedQuery) -> list[tuple[str, str]]:
        """The default-graph-uri / named-graph-uri parameters for `q`: the project's graphs when no
        dataset was named, the request's own when it differs from the query's, else none."""
        if q.default_graphs is None:
            default, named = self.graphs, self.graphs
        elif q.checked.dataset is not None and (q.checked.dataset.default, q.checked.dataset.named) == (
            q.default_graphs,
            q.named_graphs,
        ):
            return []  # FROM / FROM NAMED in the text say it
        else:
            default, named = q.default_graphs, q.named_graphs or ()
        return [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]

    def run(self, q: ApprovedQuery, limits: Limits | None = None) -> Result:
        """POST the approved query with its dataset; read SPARQL JSON results or N-Triples back."""
        limits = limits or self.limits
        graph = q.form in ("CONSTRUCT", "DESCRIBE")
        accept = GRAPH_ACCEPT if graph else mediatypes.RESULTS["json"]
        ctype, body = self.post([("query", q.text), *self.protocol_dataset(q)], accept, limits)
        if graph:
            return Result("graph", [], triples=self._triples(ctype, body, limits))
        return self._results(body, ctype, limits)

    def post(self, form: list[tuple[str, str]], accept: str, limits: Limits) -> tuple[str, bytes]:
        """(Content-Type, body) of the endpoint's answer to a URL-encoded POST, within the limits."""
        import httpx

        deadline = time.monotonic() + limits.timeout
        data: dict[str, list[str]] = {}
        for key, value in form:
            data.setdefault(key, []).append(value)
        try:
            with (
                httpx.Client(timeout=limits.timeout, trust_env=False) as client,
                client.stream("POST", self.endpoint, data=data, headers={"Accept": accept, **self.headers}) as resp,
            ):
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > limits.response_bytes:
                        raise limits.response_exceeded(self.endpoint)
                    if time.monotonic() > deadline:
                        raise limits.time_exceeded()
                status, ctype = resp.status_code, resp.headers.get("Content-Type", "")
        except httpx.TimeoutException:
            raise limits.time_exceeded() from None
        except httpx.HTTPError as exc:
            raise EngineError(
                f"cannot reach the SPARQL endpoint {self.endpoint}: {exc}. Check the URL, that the store "
                "is running, and that this machine may connect to it."
            ) from None
        if not 200 <= status < 300:
            raise EngineError(
                f"the SPARQL endpoint {self.endpoint} answered HTTP {status}: {_excerpt(bytes(body))}. "
                "Check that the URL is the store's query endpoint (docs/triple-stores.md lists them)."
            )
        return ctype, bytes(body)

    def _results(self, body: bytes, ctype: str, limits: Limits) -> Result:
        try:
            data = json.loads(body)
            if "boolean" in data:
                return Result("ask", [], boolean=bool(data["boolean"]))
            variables = data["head"]["vars"]
            bindings = data["results"]["bindings"]
            if len(bindings) > limits.max_rows:
                raise limits.rows_exceeded()
            rows = [{v: _from_json(b.get(v)) for v in variables} for b in bindings]
        except LimitExceeded:
            raise
        except (ValueError, KeyError, TypeError, AttributeError):
            raise EngineError(
                f"the SPARQL endpoint {self.endpoint} did not answer with SPARQL JSON results "
                f"(Content-Type {ctype or 'none'}): {_excerpt(body)}. Check that the URL is the store's "
                "query endpoint, not its web page."
            ) from None
        return Result("select", variables, rows)

    def _triples(self, ctype: str, body: bytes, limits: Limits) -> list[tuple[Term, Term, Term]]:
        import pyoxigraph as ox

        try:
            if "turtle" in ctype:
                triples = [
                    (ox_term(t.subject), ox_term(t.predicate), ox_term(t.object))
                    for t in ox.parse(body, format=ox.RdfFormat.TURTLE)
                ]
            else:
                triples = parse_ntriples(body)
        except SyntaxError:
            raise EngineError(
                f"the SPARQL endpoint {self.endpoint} did not answer with RDF (Content-Type {ctype or 'none'}): "
                f"{_excerpt(body)}"
            ) from None
        if len(triples) > limits.max_rows:
            raise limits.rows_exceeded()
        return triples

    def select(self, text: str, dataset: bool = False) -> list[dict[str, Term | None]]:
        """Rows of a SELECT written here (the diagnosis' own queries), without or with the project's dataset."""
        from .policy import check_query

        q = check_query(text)
        form = [("query", q.text), *(self.protocol_dataset(q) if dataset else [])]
        ctype, body = self.post(form, mediatypes.RESULTS["json"], self.limits)
        return self._results(body, ctype, self.limits).rows


def _from_json(b: dict | None) -> Term | None:
    if b is None:
        return None
    if b["type"] == "uri":
        return Term("uri", b["value"])
    if b["type"] == "bnode":
        return Term("bnode", b["value"])
    # "literal", and "typed-literal" of the 2008 results format (still sent by Virtuoso 7)
    return _literal(b["value"], b.get("datatype"), b.get("xml:lang"))


def _excerpt(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + " ..."


def diagnose(remote: RemoteEngine, local_counts: dict[str, int] | None) -> str:
    """Why a query gave rows locally and none on the store, and what to check, in one paragraph.

    `local_counts` are the triples per graph of the local build (its manifest), or None."""
    graphs = [g for g in remote.graphs if local_counts is None or g in local_counts]
    values = " ".join(f"<{g}>" for g in graphs)
    try:
        rows = remote.select(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
        )
        there = {r["g"].value: int(r["n"].value) for r in rows if r.get("g") and r.get("n")}
    except EngineError as exc:
        return f"the store could not be asked what it holds: {exc}"
    where = remote.endpoint
    if not any(there.values()):
        return (
            f"the store at {where} holds none of mentorgraph's graphs ({', '.join(graphs)}). Push the build "
            f"(`mentorgraph push --endpoint {where}`), or check that this is the endpoint of the dataset "
            "it was pushed to."
        )
    if local_counts is not None:
        differ = [
            f"<{g}> {there.get(g, 0)} triples there, {n} here" for g, n in local_counts.items() if there.get(g, 0) != n
        ]
        if differ:
            return (
                f"the store at {where} holds another build than the local one ({'; '.join(differ)}). "
                f"Push this build again (`mentorgraph push --endpoint {where}`)."
            )
    try:
        seen = remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", dataset=True)
        honoured = bool(seen) and seen[0]["n"] is not None and int(seen[0]["n"].value) > 0
    except EngineError as exc:
        return f"the store holds the graphs, but a query naming them in the request failed: {exc}"
    if not honoured:
        return (
            f"the store at {where} holds the graphs but ignored the default-graph-uri / named-graph-uri "
            "parameters of the request (SPARQL 1.1 Protocol, section 2.1.4), so the query saw none of them. "
            "Check the store's protocol support with its administrator (docs/triple-stores.md)."
        )
    return (
        f"the store at {where} holds the same graphs and honours the dataset named in the request, so the "
        "difference is in how it evaluates this query; docs/triple-stores.md lists the known differences "
        "of each store."
    )
