"""The Python API: open the built graph, run canned questions by name, run SPARQL.

    from mentorgraph import open_graph
    mg = open_graph()                               # dist/, built by `mentorgraph build`
    for row in mg.query("programs-by-sponsor", sponsor="ACR").plain():
        print(row["label"])
    mg.sparql("SELECT ?s WHERE { ?s a mgo:Seminar }")   # in a bounded worker process

Parameters accept a label, an alternative label, an acronym, a CURIE (mg:acr-programs) or an IRI,
case- and accent-insensitively; an unknown value raises UnknownValue with the closest known values,
an ambiguous one raises AmbiguousValue with the candidates.

Every text goes through the one query policy (policy.check_query) and runs as its canonical text.
Where queries run (the limits are in limits.py):
- `sparql()`, ad-hoc and untrusted: in the bounded worker (worker.py), killed at the time limit,
  with RLIMIT_AS; Ctrl-C stops it at once.
- `query()`, the project's own reviewed canned questions, confined to the project's graphs: in
  this process by default, under the row limit, for speed (their cost is known:
  benchmarks/bench_api.py); `open_graph(isolate="all")` runs them in the worker too (the CLI does).
- a caller that is itself a bounded process (the server's query processes, server/worker.py, which
  its front end kills at the time limit) runs both in its own process: `open_graph(isolate="none")`,
  or `MentorGraph(engine, queries_dir)` without `adhoc`. No worker is ever started from there.
A remote endpoint is asked over HTTP within the same time, row and byte limits.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from .. import iris
from ..layout import QUERIES_DIR, Generation, current_generation, find_root, resolve_out
from ..problems import closest
from ..sparql import IRI, Literal
from ..text import normalize
from .catalogue import CannedQuery, load_catalogue
from .engines import EngineError, OxigraphEngine, RdflibEngine, Result
from .errors import LimitExceeded
from .limits import DEFAULT, Limits
from .policy import ApprovedQuery, check_query
from .remote import RemoteEngine, diagnose
from .worker import WorkerEngine


# Where open_graph runs queries: see the module docstring.
ISOLATE = ("sparql", "all", "none")


class ParameterError(Exception):
    """A parameter value could not be resolved (CLI exit code 2)."""


class UnknownValue(ParameterError):
    """A value names no entity of the expected kind; `suggestions` are the closest known names."""

    def __init__(self, param: str, value: str, suggestions: list[str], kind: str):
        self.param, self.value, self.suggestions = param, value, suggestions
        hint = ("; closest known: " + ", ".join(repr(s) for s in suggestions)) if suggestions else ""
        super().__init__(f"unknown {param} {value!r} (expected {kind_words(kind)}){hint}")


class AmbiguousValue(ParameterError):
    """A value names several entities; `candidates` are (IRI, label) pairs."""

    def __init__(self, param: str, value: str, candidates: list[tuple[str, str]]):
        self.param, self.value, self.candidates = param, value, candidates
        listed = "; ".join(f"{label} <{iri}>" for iri, label in candidates)
        super().__init__(f"{param} {value!r} is ambiguous; it names: {listed}. Use the full label or the IRI.")


class RemoteDifference(UserWarning):
    """A remote store gave no rows where the local build gives some; the message says why."""


def kind_words(kind: str) -> str:
    """A parameter kind (a class CURIE, 'any' or 'text') in words, for messages."""
    if kind == "text":
        return "some text"
    if kind == "any":
        return "an entity of the graph, by label, acronym, CURIE or IRI"
    local = kind.split(":", 1)[-1]
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", local).lower()
    article = "an" if words[0] in "aeiou" else "a"
    return f"{article} {words} of the graph, by label, acronym, CURIE or IRI"


@dataclass
class Candidate:
    """An entity a parameter may name: its IRI, its label and every name it answers to."""

    iri: str
    label: str
    names: set[str]


# Names come from mentorgraph's own graphs only: a linked dataset loaded beside them (a ROR dump of
# millions of triples) must not be scanned to resolve a parameter. VALUES ?cls is bound per kind.
CANDIDATES = """
SELECT ?item ?label ?name WHERE {
  VALUES ?g { mgg:article mgg:curation }
  GRAPH ?g { ?item rdfs:label ?plain }
  # A preferred name (an umbrella's, beside the table's text) is the canonical label.
  OPTIONAL { GRAPH mgg:curation { ?item skos:prefLabel ?preferred } }
  BIND (COALESCE(?preferred, ?plain) AS ?label)
  FILTER (isIRI(?item) && STRSTARTS(STR(?item), "%s"))
  %s
  VALUES ?ng { mgg:article mgg:curation mgg:inferred }
  GRAPH ?ng {
    { ?item rdfs:label ?name } UNION { ?item skos:altLabel ?name }
    UNION { ?item mgo:acronym ?name } UNION { ?item skos:prefLabel ?name }
  }
}"""


class MentorGraph:
    """The built knowledge graph behind one engine, with the catalogue of canned questions.

    `engine` runs the canned questions, `adhoc` the ad-hoc SPARQL. Without `adhoc` both run on
    `engine` in this process and no worker process is started: for a caller that is itself bounded
    (the server's query processes construct it so, server/worker.py). `on_note` receives remarks about a
    result (a remote store's empty answer explained); by default they are warnings (RemoteDifference).
    """

    def __init__(self, engine, queries_dir: Path, *, adhoc=None, limits: Limits = DEFAULT, local=None):
        self.engine = engine
        self.adhoc = adhoc or engine
        self.limits = limits
        self._catalogue: dict[str, CannedQuery] = load_catalogue(queries_dir)
        self._local = local  # for a remote graph: () -> the local build's MentorGraph, to explain empty answers
        self._candidates: dict[str, tuple[list[Candidate], dict[str, list[Candidate]]]] = {}
        self._prepared: dict[tuple, ApprovedQuery] = {}
        self.on_note = lambda note: warnings.warn(note, RemoteDifference, stacklevel=3)

    @property
    def catalogue(self) -> dict[str, CannedQuery]:
        """The canned questions by name (queries/*.rq)."""
        return self._catalogue

    @catalogue.setter
    def catalogue(self, catalogue: dict[str, CannedQuery]) -> None:
        self._catalogue = catalogue
        self._prepared.clear()  # a query's text may have changed

    # -- SPARQL ----------------------------------------------------------------------------------
    def sparql(self, text: str, prefixes: bool = True) -> Result:
        """Run a read-only SPARQL query (the project's prefixes predeclared unless `prefixes` is false).

        Raises QueryError (refused, or a syntax error with its line and column), LimitExceeded."""
        approved = check_query(text, prefixes=iris.PREFIXES if prefixes else {})
        res = self.adhoc.run(approved, self.limits)
        return self._explained(res, lambda local: local.sparql(text, prefixes))

    # -- canned questions -------------------------------------------------------------------------
    def query(self, name: str, **params: str) -> Result:
        """Run the canned question `name` with its parameters (keyword arguments)."""
        approved = self.prepare(name, **params)
        try:
            res = self.engine.run(approved, self.limits)
        except LimitExceeded as exc:
            gen = getattr(self.engine, "generation", None)
            if exc.limit not in ("time", "memory") or gen is None:
                raise
            # A canned question takes milliseconds on a sound store (benchmarks/bench_api.py).
            raise LimitExceeded(
                exc.limit,
                f"the canned question {name!r} {self.limits.stopped(exc.limit)} and was stopped; it normally "
                f"takes milliseconds, so unless the build holds a large linked dataset the store at {gen.store} "
                f"is probably damaged: rebuild it with `mentorgraph build` (or raise the limit: "
                f"{self.limits.how(exc.limit)}).",
            ) from None
        return self._explained(res, lambda local: local.query(name, **params))

    def prepare(self, name: str, **params: str) -> ApprovedQuery:
        """The approved query that `query(name, **params)` runs: its text and dataset, values bound.

        Kept for the same name and values (the graph is one generation: a value always resolves
        to the same IRI), so a repeated question reuses its bound text."""
        key = (name, *sorted((k, str(v)) for k, v in params.items()))
        approved = self._prepared.get(key)
        if approved is None:
            approved = self._prepare(name, params)
            if len(self._prepared) >= 512:
                self._prepared.clear()
            self._prepared[key] = approved
        return approved

    def _prepare(self, name: str, params: dict[str, str]) -> ApprovedQuery:
        q = self.get(name)
        names = [p.name for p in q.params]
        if params.keys() != set(names):
            unknown = sorted(set(params) - set(names))
            if unknown:
                raise ParameterError(
                    f"query {name!r} has no parameter {unknown[0]!r}; its parameters: {', '.join(names) or 'none'}"
                )
            p = next(p for p in q.params if p.name not in params)
            raise ParameterError(
                f"query {name!r} needs parameter {p.name!r} ({p.meaning}), e.g. --param {p.name}={p.example!r}"
            )
        if not q.params:
            return q.approved
        terms = {}
        for p in q.params:
            value = str(params[p.name])
            terms[p.name] = Literal(value) if p.kind == "text" else IRI(self.resolve(value, p.kind, p.name))
        try:
            return q.approved.bind(terms)
        except ValueError as exc:
            raise ParameterError(f"query {name!r}: {exc}") from None

    def get(self, name: str) -> CannedQuery:
        """The canned query `name`, or ParameterError naming the closest names."""
        if name not in self.catalogue:
            hint = closest(name, self.catalogue, n=3)
            raise ParameterError(
                f"no canned query named {name!r}"
                + (f"; did you mean {', '.join(hint)}?" if hint else "")
                + " (`mentorgraph queries` lists them)"
            )
        return self.catalogue[name]

    def _explained(self, res: Result, again) -> Result:
        """For a remote graph: if the store gave no rows and the local build gives some, say why."""
        if self._local is None or res.kind != "select" or res.rows:
            return res
        try:
            local = self._local()
            if not again(local).rows:
                return res
            counts = local.graph_counts()
        except (EngineError, FileNotFoundError, ParameterError):
            return res  # no local build to compare with
        note = f"no rows from the store, but the local build gives some: {diagnose(self.engine, counts)}"
        res.notes.append(note)
        self.on_note(note)
        return res

    def graph_counts(self) -> dict[str, int] | None:
        """Triples per named graph of the local build (its manifest), or None for a remote graph."""
        import json

        gen = getattr(self.engine, "generation", None)
        if gen is None:
            return None
        manifest = json.loads(gen.manifest.read_text(encoding="utf-8"))
        return {g: v["triples"] for g, v in manifest.get("graphs", {}).items()}

    # -- resolving parameter values ---------------------------------------------------------------
    def candidates(self, kind: str) -> list[Candidate]:
        """Every entity a parameter of `kind` (a class CURIE, or 'any') may name, with all its names."""
        return self._index(kind)[0]

    def _index(self, kind: str) -> tuple[list[Candidate], dict[str, list[Candidate]]]:
        if kind not in self._candidates:
            cls = "" if kind == "any" else f"?item a {kind} ."
            res = self.engine.run(check_query(CANDIDATES % (iris.MG, cls)), Limits(self.limits.timeout, 10**7))
            by_iri: dict[str, Candidate] = {}
            for row in res:
                iri = row["item"].value
                c = by_iri.setdefault(iri, Candidate(iri, row["label"].value, set()))
                c.names.add(row["name"].value)
                c.label = min(c.label, row["label"].value)
            cands = sorted(by_iri.values(), key=lambda c: c.iri)
            by_name: dict[str, list[Candidate]] = {}
            for c in cands:
                for n in {normalize(n) for n in c.names}:
                    by_name.setdefault(n, []).append(c)
            self._candidates[kind] = (cands, by_name)
        return self._candidates[kind]

    def resolve(self, value: str, kind: str, param: str = "value") -> str:
        """The IRI that `value` names among entities of `kind` (a class CURIE, or 'any')."""
        cands, by_name = self._index(kind)
        value = value.strip()
        iri = None
        if value.startswith("<") and value.endswith(">"):
            iri = value[1:-1]
        elif value.startswith(("http://", "https://")):
            iri = value
        elif ":" in value and value.split(":", 1)[0] in iris.PREFIXES and " " not in value:
            prefix, local = value.split(":", 1)
            iri = iris.PREFIXES[prefix] + local
        if iri is not None:
            if any(c.iri == iri for c in cands):
                return iri
            raise UnknownValue(param, value, [], kind)
        key = normalize(value)
        hits = by_name.get(key, [])
        if len(hits) == 1:
            return hits[0].iri
        if len(hits) > 1:
            # A canonical label beats an alternative label or acronym of something else.
            by_label = [c for c in hits if normalize(c.label) == key]
            if len(by_label) == 1:
                return by_label[0].iri
            raise AmbiguousValue(param, value, [(c.iri, c.label) for c in hits])
        names = {n: c for c in cands for n in c.names}
        raise UnknownValue(param, value, closest(value, names, n=3), kind)

    def close(self) -> None:
        """Stop the worker processes (a later query starts them again)."""
        for engine in {id(self.engine): self.engine, id(self.adhoc): self.adhoc}.values():
            if hasattr(engine, "close"):
                engine.close()

    def __enter__(self) -> MentorGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_graph(
    out: str | Path | None = None,
    engine: str = "oxigraph",
    endpoint: str | None = None,
    root: str | Path | None = None,
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
    max_memory: int | None = None,
    isolate: str = "sparql",
) -> MentorGraph:
    """Open the built graph with the named engine ('oxigraph', 'rdflib' or 'remote' with `endpoint`).

    `out` follows the one rule of layout.resolve_out: relative to the working directory when given,
    else the project's dist/. The current generation is resolved once: the graph stays that build
    even if a later build switches `current`. Limits (limits.py): `timeout` seconds, `max_rows`,
    `max_memory` MiB; each not given comes from $MENTORGRAPH_TIMEOUT / _MAX_ROWS / _MAX_MEMORY, else
    the defaults. `isolate`: "sparql" runs ad-hoc SPARQL in the bounded worker and canned questions
    in this process; "all" runs both in the worker; "none" runs both in this process, under the row
    limit only, for a caller that is itself a bounded process (it starts no worker).
    """
    if isolate not in ISOLATE:
        raise ValueError(f"isolate must be one of {', '.join(map(repr, ISOLATE))}, not {isolate!r}")
    limits = Limits.from_env(timeout=timeout, max_rows=max_rows, max_memory=max_memory)
    root = Path(root) if root else find_root()
    queries = root / QUERIES_DIR
    if endpoint or engine == "remote":
        if not endpoint:
            raise ValueError("the remote engine needs an endpoint URL")
        if not endpoint.startswith(("http://", "https://")):
            raise ValueError(f"the endpoint must be an http(s) URL, got {endpoint!r}")
        eng = RemoteEngine(endpoint, limits)
        local = _lazy_local(out, root, isolate, limits)
        return MentorGraph(eng, queries, limits=limits, local=local)
    if engine not in ("oxigraph", "rdflib"):
        raise ValueError(f"unknown engine {engine!r}; use oxigraph, rdflib or remote")
    gen = current_generation(resolve_out(out, root))
    if isolate == "none":
        return MentorGraph(_in_process(engine, gen), queries, limits=limits)
    worker = WorkerEngine(engine, gen, limits)
    if isolate == "all":
        return MentorGraph(worker, queries, limits=limits)
    return MentorGraph(_in_process(engine, gen), queries, adhoc=worker, limits=limits)


def _in_process(engine: str, gen: Generation):
    eng = OxigraphEngine.open(gen) if engine == "oxigraph" else RdflibEngine.open(gen)
    eng.generation = gen
    return eng


def _lazy_local(out, root: Path, isolate: str, limits: Limits):
    """A function giving the local build's graph (opened once, on first use), to explain remote answers."""
    opened: list[MentorGraph] = []

    def local() -> MentorGraph:
        if not opened:
            opened.append(
                open_graph(
                    out,
                    root=root,
                    timeout=limits.timeout,
                    max_rows=limits.max_rows,
                    max_memory=limits.max_memory,
                    isolate=isolate,
                )
            )
        return opened[0]

    return local


__all__ = [
    "AmbiguousValue",
    "EngineError",
    "MentorGraph",
    "ParameterError",
    "RemoteDifference",
    "Result",
    "UnknownValue",
    "open_graph",
]
