"""A query process: opens one generation's store read-only and answers its front end, frame by frame.

The front end never runs a query itself. Neither pyoxigraph nor rdflib can interrupt a running query,
so the only time limit that really stops the work is killing the process doing it (pool.py does that
and starts a fresh one). Each query process serves exactly one generation for its whole life, so an
answer can never mix two builds. Its memory is capped with RLIMIT_AS (a query that needs more dies
and is answered 503), it dies with its front end (PR_SET_PDEATHSIG), and it talks over one socket
in wire.py's frames: JSON headers and raw bytes, never pickle.

    python -m mentorgraph.server.worker FD ROOT MAX_MEMORY_MIB FRONT_END_PID

It starts warm (interpreter up, modules imported, memory capped), says {"warm": true}, and waits for
{"op": "open", "args": {"generation": DIR}}; only then does it open that generation's store and
answer. A front end keeps such spare processes ready, so switching to a new build or replacing a
killed process costs the opening of a store, not the start of a Python interpreter.

The queries it runs were checked once, in the front end (checking.py): this process trusts its one
peer, the front end that started it, and runs the checked text it is sent.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

from .. import layout
from . import wire
from .results import Reply, run_sparql, serialize_graph

# Error kinds a query process reports, and the HTTP status the front end answers for each.
ERROR_KINDS = {"syntax": 400, "param": 400, "refused": 403, "notacceptable": 406, "notfound": 404, "internal": 500}


class WorkerError(Exception):
    """A request the query process could not answer; `kind` maps to an HTTP status (ERROR_KINDS)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class State:
    """What one query process holds for its lifetime: the store, the API over it, the JSON-LD context,
    the web view's source (its per-generation caches)."""

    def __init__(self, gen: Path, root: Path):
        from ..pipeline.store import open_store
        from ..query.api import MentorGraph
        from ..query.engines import OxigraphEngine

        self.gen, self.root = gen, root
        self.engine = OxigraphEngine(open_store(layout.Generation(gen.name, gen)))
        self.store = self.engine.store
        self.mg = MentorGraph(self.engine, root / layout.QUERIES_DIR)
        self.graphs = sorted(g.value for g in self.store.named_graphs() if hasattr(g, "value"))
        self._context: dict | None = None
        self.web = None  # the web view's Source (mentorgraph.web), made on the first page

    def context(self) -> dict:
        """The generation's JSON-LD @context (a dict), so JSON-LD output never names a remote context."""
        if self._context is None:
            path = self.gen / layout.CONTEXT
            if not path.is_file():
                path = self.root / layout.CONTEXT_FILE
            self._context = json.loads(path.read_text(encoding="utf-8"))["@context"]
        return self._context


# -- operations ----------------------------------------------------------------------------------------
def op_sparql(state: State, **args: Any) -> Reply:
    """A protocol query (checked by the front end), serialized: see results.run_sparql."""
    try:
        return run_sparql(state.store, state.context, **args)
    except SyntaxError as exc:
        raise WorkerError("syntax", f"the query could not be parsed or run: {exc}") from None
    except LookupError as exc:  # no format of the kind the client accepts for this query's form
        raise WorkerError("notacceptable", str(exc)) from None
    except OSError as exc:
        raise WorkerError("internal", f"the store could not be read: {exc}") from None


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
    return {"result": wire.result_json(res), "truncated": truncated}


def op_graph(state: State, iri: str, fmt: str) -> Reply:
    """One named graph, serialized."""
    import pyoxigraph as ox

    triples = [q.triple for q in state.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]
    if not triples:
        raise WorkerError("notfound", f"no named graph {iri} in this dataset")
    return Reply({}, serialize_graph(triples, fmt, state.context))


def op_describe(state: State, iri: str, fmt: str) -> Reply:
    """The RDF about one IRI (its triples in every graph and the triples pointing at it)."""
    import pyoxigraph as ox

    node = ox.NamedNode(iri)
    seen: set = set()
    triples = []
    for pattern in ((node, None, None), (None, None, node)):
        for q in state.store.quads_for_pattern(*pattern, None):
            t = q.triple
            if t not in seen:
                seen.add(t)
                triples.append(t)
    if not triples:
        raise WorkerError("notfound", f"nothing in the graph is named {iri}")
    return Reply({}, serialize_graph(triples, fmt, state.context))


def op_dataset(state: State, endpoint: str, base_url: str) -> Reply:
    """The DCAT/VoID description of the build (mentorgraph.release.dataset) as Turtle, naming this
    server's endpoint and download URLs: the same description `mentorgraph release` writes."""
    from ..release.dataset import describe, render

    return Reply({}, render(describe(state.gen, state.root, endpoint=endpoint, base_url=base_url)))


def _web(state: State, service: dict | None):
    """The web view's Source over this generation (made once: it caches what pages share)."""
    from ..web import Source

    if state.web is None:
        state.web = Source(state.mg, state.root, state.gen, service)
    if service is not None:
        state.web.service = service
    return state.web


def op_page(state: State, route: str, params: dict[str, list[str]], service: dict) -> Reply:
    """A page of the web view (mentorgraph.web.respond: its view reads the graph, its template renders
    it), made here because, like every read, it runs under the pool's time limit. The header says the
    status, media type and, for a download, the file name."""
    from ..web import ServerUrls, respond

    out = respond(_web(state, service), route, params, ServerUrls())
    meta = {"status": out.status, "media": out.media_type, "filename": out.filename}
    return Reply(meta, out.body.encode("utf-8"))


def op_api(state: State, name: str | None, params: dict[str, str], max_rows: int) -> dict:
    """The JSON API for browsers (mentorgraph.web.api): the catalogue when `name` is None, else one
    question's answer, as {"status", "body"}."""
    from ..web import api

    source = _web(state, None)
    if name is None:
        return {"status": 200, "body": api.catalogue(source)}
    status, body = api.answer(source, name, params, max_rows)
    return {"status": status, "body": body}


def op_ping(state: State) -> bool:
    """Whether the store answers a query."""
    return bool(state.store.query("ASK { }"))


OPS = {
    "sparql": op_sparql,
    "canned": op_canned,
    "graph": op_graph,
    "describe": op_describe,
    "dataset": op_dataset,
    "page": op_page,
    "api": op_api,
    "ping": op_ping,
}


def _confine(mib: int, parent: int) -> None:
    """Cap this process's address space (RLIMIT_AS), and die with the front end that started it."""
    import resource

    if mib > 0:
        limit = mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from ..pipeline.parallel import die_with

    if not die_with(parent):  # the front end died already: nobody will ask anything
        sys.exit(0)


def serve(sock, root: Path, max_memory: int, parent: int) -> None:
    """Start warm, open the generation the front end names, then answer until the socket closes."""
    # Ctrl-C and SIGTERM reach the whole process group; the front end stops its query processes itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _confine(max_memory, parent)
    from ..pipeline import store  # noqa: F401 - imported before the front end needs this process
    from ..query import api  # noqa: F401
    from ..web import views  # noqa: F401

    sock.sendall(wire.frame({"ok": True, "warm": True}))
    frames = wire.FrameReader(sock)
    try:
        header, _ = frames.read()
        gen = Path(header["args"]["generation"])
        state = State(gen, root)
    except (EOFError, OSError, ValueError):
        return
    except Exception as exc:
        sock.sendall(wire.error_frame("internal", f"cannot open the generation {gen.name}: {exc}"))
        return
    sock.sendall(wire.frame({"ok": True, "ready": True, "graphs": state.graphs}))
    while True:
        try:
            header, _ = frames.read()
        except (EOFError, OSError, ValueError):
            return
        try:
            out = OPS[header["op"]](state, **header.get("args", {}))
            answer = wire.frame({"ok": True, **out.meta}, out.body) if isinstance(out, Reply) else wire.value_frame(out)
        except WorkerError as exc:
            answer = wire.error_frame(exc.kind, str(exc))
        except MemoryError:
            answer = wire.error_frame("internal", "the query needed more memory than this server allows")
        except Exception as exc:
            answer = wire.error_frame("internal", f"{type(exc).__name__}: {exc}")
        try:
            sock.sendall(answer)
        except OSError:
            return


def main(argv: list[str]) -> None:
    """Entry point: python -m mentorgraph.server.worker FD ROOT MAX_MEMORY_MIB FRONT_END_PID."""
    import socket

    fd, root, max_memory, parent = argv
    sock = socket.socket(fileno=int(fd))
    try:
        serve(sock, Path(root), int(max_memory), int(parent))
    finally:
        sock.close()


if __name__ == "__main__":
    main(sys.argv[1:])
