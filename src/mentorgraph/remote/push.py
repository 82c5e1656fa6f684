"""Upload the build's named graphs to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph is sent with `PUT <graph store>?graph=<IRI>` (SPARQL 1.1 Graph Store HTTP
Protocol, "Indirect Graph Identification" and "HTTP PUT"): PUT replaces the graph's content, so
pushing the same build twice leaves the store as after one push. Bodies are N-Triples sent as
text/turtle: N-Triples is a subset of Turtle (RDF 1.1 N-Triples, introduction), and text/turtle is
the one syntax every store's graph store endpoint accepts (Oxigraph, Fuseki, GraphDB, Virtuoso).

HTTP goes through httpx (one client per push, so connections are reused across graphs); no rdflib
on this path.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .. import iris, mediatypes
from ..layout import NoBuild, current_generation

CONTENT_TYPE = "text/turtle; charset=utf-8"
EXCERPT = 300  # characters of an error response body worth showing


class PushError(Exception):
    """Pushing could not start (no build, no graph store URL, unreachable store)."""


@dataclass
class Graph:
    """One named graph of the build, serialized for upload."""

    iri: str
    triples: int
    body: bytes


@dataclass
class Failure:
    """One graph that the store refused, with the HTTP status and the start of its answer."""

    graph: str
    url: str
    status: int | None
    reason: str
    excerpt: str

    def __str__(self) -> str:
        what = f"HTTP {self.status} {self.reason}" if self.status is not None else self.reason
        text = f"graph <{self.graph}>: PUT {self.url} failed: {what}"
        return text + (f"\n    response: {self.excerpt}" if self.excerpt else "")


@dataclass
class Outcome:
    """What a push did: the graphs sent, the failures, and how long it took."""

    pushed: list[Graph] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0


def graphs_from_nquads(data: bytes) -> list[Graph]:
    """Split N-Quads into one N-Triples document per named graph, mentorgraph's graphs first.

    Triples in the default graph are refused: every mentorgraph triple lives in a named graph, and
    queries name those graphs as their dataset (docs/triple-stores.md).
    """
    import pyoxigraph as ox

    by_graph: dict[str, list] = {}
    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            raise PushError(f"the N-Quads hold a triple outside any named graph: {quad.triple}")
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    own = [iris.GRAPH + name for name in iris.GRAPH_NAMES]
    order = [g for g in own if g in by_graph] + sorted(set(by_graph) - set(own))
    return [Graph(g, len(by_graph[g]), ox.serialize(by_graph[g], format=ox.RdfFormat.N_TRIPLES)) for g in order]


def load_build(out: Path) -> list[Graph]:
    """The named graphs of the current generation in `out`: mentorgraph.nq and its linked datasets."""
    try:
        gen = current_generation(out)
    except NoBuild as exc:
        raise PushError(str(exc)) from None
    return graphs_from_nquads(b"".join(p.read_bytes() for p in (gen.nquads, *gen.linked.values())))


# Where each store family serves the Graph Store Protocol, given its query endpoint
# (docs/triple-stores.md lists the sources). Anything else needs --graph-store.
def guess_graph_store(endpoint: str, authenticated: bool = False) -> str | None:
    """The graph store URL that goes with a SPARQL query endpoint of a known store, or None."""
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rstrip("/")
    segments = path.split("/")
    if path == "/query":  # Oxigraph server: /query, /update, /store
        new = "/store"
    elif path == "/sparql":  # Virtuoso: /sparql and /sparql-graph-crud[-auth]
        new = "/sparql-graph-crud-auth" if authenticated else "/sparql-graph-crud"
    elif len(segments) == 3 and segments[1] == "repositories":  # GraphDB / RDF4J: /repositories/ID
        new = path + "/rdf-graphs/service"
    elif len(segments) == 3 and segments[2] in ("query", "sparql"):  # Fuseki: /DATASET/query
        new = f"/{segments[1]}/data"
    else:
        return None
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new, "", ""))


@dataclass
class Credentials:
    """How to authenticate: a user and password (Basic or Digest, as the store asks) or a header."""

    user: str | None = None
    password: str | None = None
    authorization: str | None = None


class _ChallengeAuth(httpx.Auth):
    """A user and password offered the way the store's 401 challenge asks: Basic or Digest (Virtuoso's
    -auth endpoints use Digest). The scheme is learnt once, so later requests are sent authenticated."""

    def __init__(self, user: str, password: str):
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if self._scheme is None:
            response = yield request
            if response.status_code != 401:
                return
            challenge = response.headers.get("WWW-Authenticate", "")
            self._scheme = "digest" if challenge.lower().startswith("digest") else "basic"
        yield from (self._digest if self._scheme == "digest" else self._basic).auth_flow(request)


def _client(creds: Credentials | None, timeout: float) -> httpx.Client:
    auth = _ChallengeAuth(creds.user, creds.password or "") if creds and creds.user is not None else None
    return httpx.Client(auth=auth, timeout=timeout, trust_env=False)


def _headers(creds: Credentials | None, extra: dict[str, str]) -> dict[str, str]:
    headers = dict(extra)
    if creds and creds.authorization:
        headers["Authorization"] = creds.authorization
    return headers


def _excerpt(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + " ..."


def put_graph(
    graph_store: str,
    graph: Graph,
    creds: Credentials | None = None,
    timeout: float = 600.0,
    client: httpx.Client | None = None,
) -> Failure | None:
    """PUT one graph; None on success (any 2xx), else the failure with status and body excerpt."""
    url = graph_store + ("&" if "?" in graph_store else "?") + urllib.parse.urlencode({"graph": graph.iri})
    own = client is None
    client = client or _client(creds, timeout)
    try:
        resp = client.put(url, content=graph.body, headers=_headers(creds, {"Content-Type": CONTENT_TYPE}))
    except httpx.HTTPError as exc:
        raise PushError(f"cannot reach the graph store {graph_store}: {exc}") from None
    finally:
        if own:
            client.close()
    if resp.is_success:
        return None
    return Failure(graph.iri, url, resp.status_code, resp.reason_phrase or "", _excerpt(resp.content))


def push(
    graphs: list[Graph],
    graph_store: str,
    creds: Credentials | None = None,
    progress: Callable[[int, Graph, Failure | None, float], None] | None = None,
) -> Outcome:
    """PUT every graph in turn; an HTTP failure is recorded and the next graph is still tried."""
    outcome = Outcome()
    t0 = time.perf_counter()
    with _client(creds, 600.0) as client:
        for i, graph in enumerate(graphs):
            t = time.perf_counter()
            failure = put_graph(graph_store, graph, creds, client=client)
            if failure is None:
                outcome.pushed.append(graph)
            else:
                outcome.failures.append(failure)
            if progress:
                progress(i, graph, failure, time.perf_counter() - t)
    outcome.seconds = time.perf_counter() - t0
    return outcome


def store_counts(
    endpoint: str, graphs: list[str], creds: Credentials | None = None, timeout: float = 120.0
) -> tuple[dict[str, int], bool]:
    """Triples per named graph as the store reports them, and whether the store honours a dataset
    named in the request: mentorgraph's queries name the pushed graphs with default-graph-uri and
    named-graph-uri (SPARQL 1.1 Protocol 2.1.4; query/remote.py), whatever the store's own default
    graph is, so that is what they need.
    """
    values = " ".join(f"<{g}>" for g in graphs)
    counts = _select(
        endpoint,
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
        creds,
        timeout,
    )
    found = {row["g"]["value"]: int(row["n"]["value"]) for row in counts}
    dataset = [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
    probe = _select(endpoint, f"SELECT ?s WHERE {{ ?s a <{iris.MGO}Table> }} LIMIT 1", creds, timeout, dataset)
    return found, bool(probe)


def _select(
    endpoint: str, text: str, creds: Credentials | None, timeout: float, extra: list[tuple[str, str]] = ()
) -> list[dict]:
    # URL-encoded POST (SPARQL 1.1 Protocol 2.1.2) rather than a direct application/sparql-query
    # body: Virtuoso 7.2 (Debian's) leaves a direct POST unanswered.
    headers = _headers(creds, {"Accept": mediatypes.RESULTS["json"]})
    form: dict[str, list[str]] = {"query": [text]}
    for key, value in extra:
        form.setdefault(key, []).append(value)
    try:
        with _client(creds, timeout) as client:
            resp = client.post(endpoint, data=form, headers=headers)
    except httpx.HTTPError as exc:
        raise PushError(f"cannot reach {endpoint}: {exc}") from None
    if not resp.is_success:
        raise PushError(f"{endpoint} answered HTTP {resp.status_code} {resp.reason_phrase}: {_excerpt(resp.content)}")
    try:
        return resp.json()["results"]["bindings"]
    except (ValueError, KeyError) as exc:
        raise PushError(f"{endpoint} did not answer with SPARQL JSON results: {exc}") from None
