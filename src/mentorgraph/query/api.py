"""The Python API: open the built graph, run canned questions by name, run SPARQL.

    from mentorgraph import open_graph
    mg = open_graph()                               # dist/store, built by `mentorgraph build`
    for row in mg.query("programs-by-sponsor", sponsor="ACR").plain():
        print(row["label"])

Parameters accept a label, an alternative label, an acronym, a CURIE (mg:acr-programs) or an IRI,
case- and accent-insensitively; an unknown value raises UnknownValue with the closest known values,
an ambiguous one raises AmbiguousValue with the candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import iris
from ..layout import QUERIES_DIR, current_generation, find_root, resolve_out
from .catalogue import CannedQuery, bind, load_catalogue, sparql_iri, sparql_string
from .engines import EngineError, OxigraphEngine, RdflibEngine, RemoteEngine, Result
from ..problems import closest
from ..text import normalize
from .policy import check_query


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


def kind_words(kind: str) -> str:
    if kind == "text":
        return "some text"
    if kind == "any":
        return "an entity of the graph, by label, acronym, CURIE or IRI"
    local = kind.split(":", 1)[-1]
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", local).lower()
    article = "an" if words[0] in "aeiou" else "a"
    return f"{article} {words} of the graph, by label, acronym, CURIE or IRI"


def locate_syntax_error(message: str, text: str, offset_lines: int = 0) -> str:
    """Rewrite an engine's 'error at LINE:COLUMN' so it points into the user's text, with the token."""
    m = re.search(r"at (\d+):(\d+)", message) or re.search(r"line:?\s*(\d+),?\s*col:?\s*(\d+)", message)
    if not m:
        return message
    line, col = int(m.group(1)) - offset_lines, int(m.group(2))
    lines = text.splitlines() or [""]
    if not 1 <= line <= len(lines):
        return message
    src = lines[line - 1]
    token = re.match(r"\S+", src[col - 1 :]) if col - 1 < len(src) else None
    detail = re.sub(r"^.*?at \d+:\d+:?\s*", "", message)
    found = f"at {token.group(0)!r}" if token else "at the end of the line"
    return f"syntax error at line {line}, column {col}, {found}: {detail}\n  {src}\n  {' ' * (col - 1)}^"


@dataclass
class Candidate:
    iri: str
    label: str
    names: set[str]


class MentorGraph:
    """The built knowledge graph behind one engine, with the catalogue of canned questions."""

    def __init__(self, engine, queries_dir: Path):
        self.engine = engine
        self.catalogue: dict[str, CannedQuery] = load_catalogue(queries_dir)
        self._candidates: dict[str, list[Candidate]] = {}

    # -- SPARQL ----------------------------------------------------------------------------------
    def sparql(self, text: str, prefixes: bool = True) -> Result:
        """Run a read-only SPARQL query (prefixes predeclared). Updates and SERVICE are refused."""
        check_query(text, allowed_graphs={iris.GRAPH + g for g in iris.GRAPH_NAMES})
        prologue = iris.sparql_prologue() if prefixes else ""
        try:
            return self.engine.query(prologue + text)
        except EngineError as exc:
            raise type(exc)(locate_syntax_error(str(exc), text, prologue.count("\n"))) from None

    # -- canned questions -------------------------------------------------------------------------
    def query(self, name: str, **params: str) -> Result:
        """Run the canned question `name` with its parameters (keyword arguments)."""
        q = self.get(name)
        missing = [p.name for p in q.params if p.name not in params]
        unknown = sorted(set(params) - {p.name for p in q.params})
        if unknown:
            raise ParameterError(
                f"query {name!r} has no parameter {unknown[0]!r}; "
                f"its parameters: {', '.join(p.name for p in q.params) or 'none'}"
            )
        if missing:
            p = next(p for p in q.params if p.name == missing[0])
            raise ParameterError(
                f"query {name!r} needs parameter {p.name!r} ({p.meaning}), e.g. --param {p.name}={p.example!r}"
            )
        terms = {}
        for p in q.params:
            value = str(params[p.name])
            if p.kind == "text":
                terms[p.name] = sparql_string(value)
            else:
                terms[p.name] = sparql_iri(self.resolve(value, p.kind, p.name))
        return self.engine.query(bind(q, terms))

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

    # -- resolving parameter values ---------------------------------------------------------------
    def candidates(self, kind: str) -> list[Candidate]:
        """Every entity a parameter of `kind` (a class CURIE, or 'any') may name, with all its names."""
        if kind not in self._candidates:
            cls = "" if kind == "any" else f"?item a {kind} ."
            # Names come from mentorgraph's own graphs only: a linked dataset loaded beside them (a ROR
            # dump of millions of triples) must not be scanned to resolve a parameter.
            res = self.engine.query(
                iris.sparql_prologue()
                + f"""
                SELECT ?item ?label ?name WHERE {{
                  VALUES ?g {{ mgg:article mgg:curation }}
                  GRAPH ?g {{ ?item rdfs:label ?plain }}
                  # A preferred name (an umbrella's, beside the table's text) is the canonical label.
                  OPTIONAL {{ GRAPH mgg:curation {{ ?item skos:prefLabel ?preferred }} }}
                  BIND (COALESCE(?preferred, ?plain) AS ?label)
                  FILTER (isIRI(?item) && STRSTARTS(STR(?item), "{iris.MG}"))
                  {cls}
                  VALUES ?ng {{ mgg:article mgg:curation mgg:inferred }}
                  GRAPH ?ng {{
                    {{ ?item rdfs:label ?name }} UNION {{ ?item skos:altLabel ?name }}
                    UNION {{ ?item mgo:acronym ?name }} UNION {{ ?item skos:prefLabel ?name }}
                  }}
                }}"""
            )
            by_iri: dict[str, Candidate] = {}
            for row in res.rows:
                iri = row["item"].value
                c = by_iri.setdefault(iri, Candidate(iri, row["label"].value, set()))
                c.names.add(row["name"].value)
                c.label = min(c.label, row["label"].value)
            self._candidates[kind] = sorted(by_iri.values(), key=lambda c: c.iri)
        return self._candidates[kind]

    def resolve(self, value: str, kind: str, param: str = "value") -> str:
        """The IRI that `value` names among entities of `kind` (a class CURIE, or 'any')."""
        cands = self.candidates(kind)
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
            for c in cands:
                if c.iri == iri:
                    return iri
            raise UnknownValue(param, value, [], kind)
        key = normalize(value)
        hits = [c for c in cands if key in {normalize(n) for n in c.names}]
        if len(hits) == 1:
            return hits[0].iri
        if len(hits) > 1:
            # A canonical label beats an alternative label or acronym of something else.
            by_label = [c for c in hits if normalize(c.label) == key]
            if len(by_label) == 1:
                return by_label[0].iri
            raise AmbiguousValue(param, value, [(c.iri, c.label) for c in hits])
        names = {n: c for c in cands for n in c.names}
        near = closest(value, names, n=3)
        raise UnknownValue(param, value, near, kind)


def open_graph(
    out: str | Path | None = None,
    engine: str = "oxigraph",
    endpoint: str | None = None,
    root: str | Path | None = None,
) -> MentorGraph:
    """Open the built graph with the named engine ('oxigraph', 'rdflib' or 'remote').

    `out` follows the one rule of layout.resolve_out: relative to the working directory when given,
    else the project's dist/. The current generation is resolved once: the graph stays that build
    even if a later build switches `current`.
    """
    root = Path(root) if root else find_root()
    if endpoint or engine == "remote":
        if not endpoint:
            raise ValueError("the remote engine needs an endpoint URL")
        eng = RemoteEngine(endpoint)
    elif engine == "rdflib":
        eng = RdflibEngine.open(current_generation(resolve_out(out, root)))
    elif engine == "oxigraph":
        eng = OxigraphEngine.open(current_generation(resolve_out(out, root)))
    else:
        raise ValueError(f"unknown engine {engine!r}; use oxigraph, rdflib or remote")
    return MentorGraph(eng, root / QUERIES_DIR)


__all__ = [
    "MentorGraph",
    "open_graph",
    "ParameterError",
    "UnknownValue",
    "AmbiguousValue",
    "EngineError",
    "Result",
]
