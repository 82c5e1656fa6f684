"""The query worker: a child process that opens the built store read-only and answers requests.

The HTTP server never runs a query in its own process. Neither pyoxigraph nor rdflib can interrupt a
running query, so the only time limit that really stops the work is killing the process doing it
(pool.py does that and starts a fresh worker). Every request reaches a worker as (op, args) over a
pipe; the answer is ("ok", value) or ("error", kind, message), with kind one of ERROR_KINDS.
"""

from __future__ import annotations

import functools
import json
import signal
from pathlib import Path
from typing import Any

from .. import iris, layout, mediatypes

# Error kinds a worker reports, and the HTTP status the server answers for each.
ERROR_KINDS = {"syntax": 400, "param": 400, "refused": 403, "notacceptable": 406, "notfound": 404, "internal": 500}

SPARQL_RESULT_TYPES = mediatypes.RESULTS
RDF_TYPES = {name: media for name, (media, _ext) in mediatypes.RDF.items()}


@functools.lru_cache(maxsize=1024)
def refusal(text: str, allowed_graphs: frozenset[str], allowed_services: frozenset[str]) -> str | None:
    """Why safety.check_query refuses `text`, or None; cached, as clients repeat the same queries."""
    from ..query.policy import RefusedQuery, check_query

    try:
        check_query(text, allowed_graphs=set(allowed_graphs), allowed_services=set(allowed_services))
    except RefusedQuery as exc:
        return str(exc)
    return None


class WorkerError(Exception):
    """A request the worker could not answer; `kind` maps to an HTTP status (ERROR_KINDS)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class State:
    """What one worker holds for its lifetime: the store, the API over it, the JSON-LD context."""

    def __init__(self, out: Path, root: Path, allowed_services: set[str]):
        from ..query.api import MentorGraph
        from ..query.engines import OxigraphEngine
        from ..pipeline.store import open_store

        self.out, self.root = out, root
        self.engine = OxigraphEngine(open_store(out))
        self.mg = MentorGraph(self.engine, root / layout.QUERIES_DIR)
        self.allowed_services = frozenset(allowed_services)
        # FROM / FROM NAMED may name the store's own graphs, and nothing else.
        self.allowed_graphs = frozenset(g.value for g in self.engine.store.named_graphs() if hasattr(g, "value"))
        self._context: dict | None = None

    def context(self) -> dict:
        """The shipped JSON-LD @context (a dict), so JSON-LD output never names a remote context."""
        if self._context is None:
            path = self.out / layout.CONTEXT
            if not path.is_file():
                path = self.root / layout.CONTEXT_FILE
            self._context = json.loads(path.read_text(encoding="utf-8"))["@context"]
        return self._context


# -- serialization -----------------------------------------------------------------------------------
def serialize_graph(triples: list, fmt: str, context: dict) -> bytes:
    """pyoxigraph triples as Turtle, N-Triples, RDF/XML, or JSON-LD compacted with the shipped context."""
    import pyoxigraph as ox

    if fmt == "jsonld":
        from rdflib import Graph

        g = Graph()
        g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
        # A dict context is used as given; rdflib only fetches a context named by URL.
        return g.serialize(format="json-ld", context=context, auto_compact=True).encode("utf-8")
    formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}
    prefixes = iris.PREFIXES if fmt == "turtle" else None
    return ox.serialize(triples, format=formats[fmt], prefixes=prefixes) or b""


def serialize_result(res, fmt: str) -> bytes:
    from ..query import formats

    writer = {"json": formats.to_json, "xml": formats.to_xml, "csv": formats.to_csv, "tsv": formats.to_tsv}[fmt]
    return writer(res).encode("utf-8")


# -- operations --------------------------------------------------------------------------------------
def op_sparql(
    state: State,
    text: str,
    default_graphs: list[str] | None,
    named_graphs: list[str] | None,
    result_fmt: str | None,
    graph_fmt: str | None,
    max_rows: int,
    base_iri: str | None = None,
) -> dict:
    """Run a protocol query; answer the serialized body, its media type and whether rows were cut."""
    import pyoxigraph as ox

    from ..query.engines import Result

    # Checked again here although the server checked it: this process is the one that could connect.
    reason = refusal(text, state.allowed_graphs, state.allowed_services)
    if reason is not None:
        raise WorkerError("refused", reason)
    # Relative IRIs resolve against the endpoint's URL (SPARQL 1.1 Protocol allows a service-defined base).
    kwargs: dict[str, Any] = {"base_iri": base_iri}
    if default_graphs is None and named_graphs is None:
        kwargs["use_default_graph_as_union"] = True
    else:
        # A protocol-specified dataset (SPARQL 1.1 Protocol 2.1.4): graphs the store lacks are empty;
        # nothing is ever loaded from their IRIs.
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
    try:
        res = state.engine.store.query(text, **kwargs)
        term = state.engine._term
        truncated = False
        if isinstance(res, ox.QueryBoolean):
            result, kind = Result("ask", [], [], boolean=bool(res)), "ask"
        elif isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            rows = []
            for sol in res:  # streamed: a huge result is cut at the cap, never built whole
                if len(rows) == max_rows:
                    truncated = True
                    break
                rows.append({v: term(sol[v]) for v in variables})
            result, kind = Result("select", variables, rows), "select"
        else:
            triples = []
            for t in res:
                if len(triples) == max_rows:
                    truncated = True
                    break
                triples.append(t)
            kind = "graph"
    except (SyntaxError, ValueError) as exc:
        raise WorkerError("syntax", f"the query could not be parsed or run: {exc}") from None
    except OSError as exc:
        raise WorkerError("internal", f"the store could not be read: {exc}") from None
    if kind == "graph":
        if graph_fmt is None:
            raise WorkerError(
                "notacceptable", "a CONSTRUCT/DESCRIBE result is available as " + ", ".join(RDF_TYPES.values())
            )
        if graph_fmt == "html":
            rows = [{"s": term(t.subject), "p": term(t.predicate), "o": term(t.object)} for t in triples]
            return {"kind": kind, "result": Result("select", ["s", "p", "o"], rows), "truncated": truncated}
        return {
            "kind": kind,
            "body": serialize_graph(triples, graph_fmt, state.context()),
            "ctype": RDF_TYPES[graph_fmt],
            "truncated": truncated,
        }
    if result_fmt is None:
        raise WorkerError(
            "notacceptable", "a SELECT/ASK result is available as " + ", ".join(SPARQL_RESULT_TYPES.values())
        )
    if result_fmt == "html":
        return {"kind": kind, "result": result, "truncated": truncated}
    return {
        "kind": kind,
        "body": serialize_result(result, result_fmt),
        "ctype": SPARQL_RESULT_TYPES[result_fmt],
        "truncated": truncated,
    }


def op_canned(state: State, name: str, params: dict[str, str], max_rows: int) -> dict:
    """Run a canned question through the API; the catalogue is re-read so new queries/*.rq appear."""
    from ..query.api import ParameterError
    from ..query.catalogue import CatalogueError, load_catalogue
    from ..query.engines import EngineError

    try:
        state.mg.catalogue = load_catalogue(state.root / layout.QUERIES_DIR)
        res = state.mg.query(name, **params)
    except ParameterError as exc:
        raise WorkerError("param", str(exc)) from None
    except (EngineError, CatalogueError) as exc:
        raise WorkerError("internal", str(exc)) from None
    truncated = len(res.rows) > max_rows
    res.rows = res.rows[:max_rows]
    return {"result": res, "truncated": truncated}


def op_candidates(state: State, kind: str) -> list[tuple[str, str]]:
    """(IRI, label) of every entity a parameter of `kind` accepts, for the questions page's lists."""
    return [(c.iri, c.label) for c in state.mg.candidates(kind)]


def _rows(state: State, query: str) -> list[dict]:
    return state.engine.query(iris.sparql_prologue() + query).rows


def op_entity(state: State, iri: str) -> dict:
    """Everything a page about `iri` shows: its triples by graph, evidence, incoming links, labels."""
    from ..query.catalogue import sparql_iri

    node = sparql_iri(iri)
    out_rows = _rows(
        state,
        f"""SELECT ?p ?o ?g ?plabel ?olabel WHERE {{
        GRAPH ?g {{ {node} ?p ?o }}
        OPTIONAL {{ ?p rdfs:label ?plabel }} OPTIONAL {{ ?o rdfs:label ?olabel }} }}""",
    )
    in_rows = _rows(
        state,
        f"""SELECT ?s ?p ?g ?plabel ?slabel WHERE {{
        GRAPH ?g {{ ?s ?p {node} }} FILTER (?g != mgg:evidence && ?p != rdf:subject && ?p != rdf:object)
        OPTIONAL {{ ?p rdfs:label ?plabel }} OPTIONAL {{ ?s rdfs:label ?slabel }} }} LIMIT 2000""",
    )
    evidence = _rows(
        state,
        f"""SELECT ?st ?p ?o ?kind ?kindLabel ?quote ?source ?note WHERE {{
        GRAPH mgg:evidence {{ ?st rdf:subject {node} ; rdf:predicate ?p ; rdf:object ?o .
          OPTIONAL {{ ?st mgo:evidenceKind ?kind }} OPTIONAL {{ ?st mgo:evidenceQuote ?quote }}
          OPTIONAL {{ ?st dcterms:source ?source }} OPTIONAL {{ ?st mgo:curationNote ?note }} }}
        OPTIONAL {{ ?kind rdfs:label ?kindLabel }} }}""",
    )
    if not out_rows and not in_rows:
        raise WorkerError("notfound", f"nothing in the graph is named {iri}")
    return {"iri": iri, "out": out_rows, "in": in_rows, "evidence": evidence}


def op_browse(state: State) -> list[dict]:
    """Every labelled instance of the main classes, for the browse page."""
    return _rows(
        state,
        """SELECT ?cls ?clsLabel ?item ?label WHERE {
        VALUES ?cls { mgo:MentoringModelType mgo:Initiative mgo:Organization mgo:Population }
        ?item a ?cls ; rdfs:label ?label . OPTIONAL { ?cls rdfs:label ?clsLabel }
        FILTER (isIRI(?item)) } ORDER BY ?cls LCASE(STR(?label))""",
    )


def op_graph(state: State, iri: str, fmt: str, max_triples: int) -> dict:
    """One named graph's triples, serialized, or for HTML its first triples as rows."""
    import pyoxigraph as ox

    node = ox.NamedNode(iri)
    quads = state.engine.store.quads_for_pattern(None, None, None, node)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    if not triples:
        raise WorkerError("notfound", f"no named graph {iri} in this dataset")
    if fmt == "html":
        term = state.engine._term
        rows = [{"s": term(t.subject), "p": term(t.predicate), "o": term(t.object)} for t in triples[:max_triples]]
        return {"count": len(triples), "rows": rows}
    return {"count": len(triples), "body": serialize_graph(triples, fmt, state.context())}


def op_describe(state: State, iri: str, fmt: str) -> bytes:
    """The RDF about one IRI (its triples in every graph and the triples pointing at it)."""
    import pyoxigraph as ox

    node = ox.NamedNode(iri)
    store = state.engine.store
    seen = set()
    triples = []
    for pattern in ((node, None, None), (None, None, node)):
        for q in store.quads_for_pattern(*pattern, None):
            t = ox.Triple(q.subject, q.predicate, q.object)
            if t not in seen:
                seen.add(t)
                triples.append(t)
    if not triples:
        raise WorkerError("notfound", f"nothing in the graph is named {iri}")
    return serialize_graph(triples, fmt, state.context())


def op_ontology(state: State, fmt: str) -> dict:
    """The ontology graph, serialized (browsers get the documentation page instead: op_docs)."""
    return op_graph(state, iris.GRAPH + "ontology", fmt, 0)


def op_docs(state: State) -> bytes:
    """The ontology's HTML documentation (mentorgraph.release.docs), served at the ontology IRI."""
    from ..release.docs import render_docs

    return render_docs(state.root, state.out)


def op_dataset(state: State, endpoint: str, base_url: str) -> str:
    """The DCAT/VoID description of the build (mentorgraph.release.dataset) as Turtle, naming this
    server's endpoint and download URLs: the same description `mentorgraph release` writes."""
    from ..release.dataset import describe, render

    return render(describe(state.out, state.root, endpoint=endpoint, base_url=base_url)).decode("utf-8")


def op_find(state: State, params: dict[str, list[str]]) -> tuple[int, str]:
    """(status, body) of the "Find a model" page (mentorgraph.advise.html) for the form's parameters.

    Here rather than in the server process: the recommendation reads the graph (the first request of a
    worker loads the advice model, ~0.4 s), and like every read it runs under the pool's time limit."""
    from ..advise.html import find_page
    from .pages import local_path

    return find_page(state.mg, params, state.root, action="/find", link=lambda iri: local_path(iri) or iri)


def op_page(state: State, route: str, params: dict[str, list[str]], service: dict) -> tuple:
    """(status, media type, body, file name) of a page of the web view (mentorgraph.web), rendered here:
    its view reads the graph, and like every read it runs under the pool's time limit."""
    from ..web import ServerUrls, Source, respond

    if getattr(state, "web", None) is None:
        state.web = Source(state.mg, state.root, state.out, service)
    state.web.service = service
    out = respond(state.web, route, params, ServerUrls())
    return out.status, out.media_type, out.body, out.filename


def op_graphs(state: State) -> list[str]:
    return sorted(state.allowed_graphs)


def op_ping(state: State) -> bool:
    return bool(state.engine.store.query("ASK { }"))


OPS = {
    "sparql": op_sparql,
    "canned": op_canned,
    "candidates": op_candidates,
    "entity": op_entity,
    "browse": op_browse,
    "graph": op_graph,
    "describe": op_describe,
    "ontology": op_ontology,
    "docs": op_docs,
    "dataset": op_dataset,
    "find": op_find,
    "graphs": op_graphs,
    "page": op_page,
    "ping": op_ping,
}


def main(conn, out: str, root: str, allowed_services: list[str]) -> None:
    """Worker entry point (multiprocessing target): open the store, then answer until the pipe closes."""
    # Ctrl-C reaches the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        state = State(Path(out), Path(root), set(allowed_services))
    except Exception as exc:
        conn.send(("error", "internal", f"cannot open the built graph: {exc}"))
        return
    conn.send(("ok", "ready"))
    while True:
        try:
            op, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", OPS[op](state, **args)))
        except WorkerError as exc:
            conn.send(("error", exc.kind, str(exc)))
        except Exception as exc:
            conn.send(("error", "internal", f"{type(exc).__name__}: {exc}"))
