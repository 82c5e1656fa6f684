"""Validate stage: SHACL (pyshacl) over the asserted graphs, with a report people can read.

Validation runs on what people assert (article, curation and evidence graphs, with the ontology so
that sh:class sees subclasses); the OWL RL stage separately checks that the whole is consistent.

pyshacl runs the shapes' SPARQL constraints by handing their text to the data graph's `query`, and
rdflib parses a text again on every call (the 12 constraints were parsed 49 times per build, most
of SHACL's time). The data graph here is a `ShapesDataGraph`, whose `query` parses each text once
and runs the prepared query: the same algebra, with the graph's own prefixes as rdflib would bind
them. pyshacl validates it in place (no copy that would lose the cache); the shapes hold no SHACL
rules, so nothing is written into it (with rules, it validates a copy as before).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from ..layout import SHAPES_FILE


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in words: which entity, which property, what was expected, from where."""

    focus: str
    label: str
    path: str
    message: str
    value: str
    shape: str
    severity: str
    source: str

    def __str__(self) -> str:
        where = f" ({self.source})" if self.source else ""
        prop = f" {self.path}:" if self.path else ""
        value = f" [value: {self.value}]" if self.value else ""
        return f"{self.label!r} <{self.focus}>{where}{prop} {self.message}{value}"


@dataclass
class Report:
    """A SHACL validation report: whether the data conforms and each violation in words."""

    conforms: bool
    violations: list[Violation]
    graph: Graph

    def __reduce__(self):
        # Pickled (parallel.py) with the report graph as its triples and prefixes.
        return (_report, (self.conforms, self.violations, list(self.graph), list(self.graph.namespaces())))

    def text(self) -> str:
        """The report for people: "conforms", or each violation on its own line."""
        if self.conforms:
            return "SHACL validation: conforms."
        lines = [f"SHACL validation failed with {len(self.violations)} problem(s):"]
        lines += [f"  - {v}" for v in self.violations]
        return "\n".join(lines)

    def as_json(self) -> str:
        """The report as JSON (conforms and the violations)."""
        return json.dumps(
            {"conforms": self.conforms, "violations": [asdict(v) for v in self.violations]},
            ensure_ascii=False,
            indent=2,
        )


@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple):
    """A SPARQL text parsed and translated once (per text and prefix bindings)."""
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(namespaces))


class ShapesDataGraph(Graph):
    """An rdflib graph whose `query` prepares each query text once (see the module docstring)."""

    def query(
        self,
        query_object,
        processor="sparql",
        result="sparql",
        initNs=None,
        initBindings=None,
        use_store_provided: bool = True,
        **kwargs,
    ):
        """As rdflib's Graph.query; a text is parsed on its first use only."""
        if isinstance(query_object, str) and processor == "sparql" and not kwargs:
            # The prefixes rdflib would bind for a text: the given ones, else the graph's own.
            namespaces = tuple(sorted((initNs or dict(self.namespaces())).items()))
            query_object = _prepared(query_object, namespaces)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def shapes_data_graph(triples: Iterable = (), like: Graph | None = None) -> ShapesDataGraph:
    """A new ShapesDataGraph holding `triples`, with the prefixes of `like` (else the project's) bound."""
    from .export import bind_prefixes

    g = ShapesDataGraph()
    if like is None:
        bind_prefixes(g)
    else:
        for prefix, ns in like.namespaces():
            g.bind(prefix, ns, override=True, replace=True)
    for t in triples:
        g.add(t)
    return g


def _report(conforms: bool, violations: list[Violation], triples: list, namespaces: list) -> Report:
    """A Report rebuilt from its pickled parts."""
    g = Graph()
    for prefix, ns in namespaces:
        g.bind(prefix, ns, override=True, replace=True)
    for t in triples:
        g.add(t)
    return Report(conforms, violations, g)


def load_shapes(root: Path) -> Graph:
    """The SHACL shapes of ontology/shapes.ttl."""
    return Graph().parse(root / SHAPES_FILE, format="turtle")


def _short(g: Graph, term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return g.namespace_manager.normalizeUri(term)
        except Exception:
            return str(term)
    return str(term)


def _path(results: Graph, data: Graph, path) -> str:
    """A result path in SPARQL property-path syntax (inverse paths as ^p)."""
    if isinstance(path, BNode):
        inverse = results.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _short(data, inverse)
    return _short(data, path)


def _node_shape(shapes: Graph, shape):
    """The named node shape a result came from (a property shape's parent node shape)."""
    parent = shapes.value(predicate=SH.property, object=shape)
    return parent if parent is not None else shape


def validate(
    data: Graph, shapes: Graph, origins: dict[URIRef, str] | None = None, keep: Callable[[Any, Any], bool] | None = None
) -> Report:
    """Validate `data` against `shapes`; never raises for invalid data, returns the report.

    `keep(focus, value)`, when given, selects the results that count (a contribution's
    neighbourhood: contrib/neighbourhood.py); the others are left out of the report. A
    ShapesDataGraph is validated as it is; any other graph is copied into one first.
    """
    from pyshacl import validate as shacl_validate  # here: 0.24 s to import, and a build may validate elsewhere

    target = data if isinstance(data, ShapesDataGraph) else shapes_data_graph(data, like=data)
    # In place only while no SHACL rule could write into the graph (pyshacl copies it otherwise).
    inplace = (None, SH.rule, None) not in shapes
    conforms, results, _ = shacl_validate(
        target,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=False,
        meta_shacl=False,
        inplace=inplace,
    )
    violations = []
    for r in list(results.subjects(predicate=SH.focusNode)):
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        if keep is not None and not keep(focus, value):
            results.remove((None, SH.result, r))
            results.remove((r, None, None))
            continue
        messages = sorted(str(m) for m in results.objects(r, SH.resultMessage))
        label = data.value(focus, RDFS.label)
        violations.append(
            Violation(
                focus=str(focus),
                label=str(label) if label is not None else str(focus).rsplit("/", 1)[-1],
                path=_path(results, data, path),
                message=" ".join(messages),
                value=_short(data, value),
                shape=_short(shapes, _node_shape(shapes, results.value(r, SH.sourceShape))),
                severity=_short(results, results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                source=(origins or {}).get(focus, ""),
            )
        )
    violations.sort(key=lambda v: (v.source, v.focus, v.path, v.message))
    if keep is not None:
        conforms = not violations
        results.set((next(results.subjects(RDF.type, SH.ValidationReport), BNode()), SH.conforms, Literal(conforms)))
    return Report(bool(conforms), violations, results)
