"""The build orchestrator: load -> reason -> validate -> export, each a small stage.

Nothing is written unless every stage succeeds: a SHACL violation or an OWL RL inconsistency fails
the build with a readable report and leaves the output directory as it was.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from . import export
from .namespaces import GRAPH
from .reason import reason
from .sources import Sources, load_sources
from .validate import Report, load_shapes, validate


class ValidationError(Exception):
    """SHACL found problems; `report` says which."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.text())


@dataclass
class BuildResult:
    out: Path
    files: list[Path]
    counts: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)


def asserted_graph(sources: Sources) -> Graph:
    """What people assert (with the ontology, so SHACL sees subclasses): the data SHACL validates."""
    g = Graph()
    for name in ("ontology", "article", "curation", "evidence"):
        for t in sources.graph(name):
            g.add(t)
    export._bind(g)
    return g


def check(root: Path, sources: Sources | None = None) -> tuple[Sources, Graph, Report]:
    """Load, reason and validate without writing anything. Raises on inconsistency."""
    sources = sources or load_sources(root)
    reasoned = reason(sources.graph("ontology"), sources.graph("article"), sources.graph("curation"))
    report = validate(asserted_graph(sources), load_shapes(root), sources.origins)
    return sources, reasoned.inferred, report


def build(root: Path, out: Path, progress: Callable[[str], None] | None = None, store: bool = True) -> BuildResult:
    """Build the knowledge graph from `root` (ontology/ and data/) into `out`."""
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}

    def stage(name: str, fn, *args):
        say(f"{name}...")
        t0 = time.perf_counter()
        value = fn(*args)
        timings[name] = time.perf_counter() - t0
        return value

    sources = stage("load", load_sources, root)
    reasoned = stage("reason", reason, sources.graph("ontology"), sources.graph("article"), sources.graph("curation"))
    report = stage("validate", validate, asserted_graph(sources), load_shapes(root), sources.origins)
    if not report.conforms:
        raise ValidationError(report)
    inferred = sources.dataset.graph(GRAPH.inferred)
    for t in reasoned.inferred:
        inferred.add(t)
    context = json.loads((root / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
    ontology_text = (root / "ontology" / "mentorgraph.ttl").read_bytes()
    files = stage("serialize", export.render_all, sources.dataset, context, ontology_text, report.graph)
    if store:
        from .store import build_store

        stage("store", build_store, files["mentorgraph.nq"], out)
    written = stage("write", export.write_all, files, out)
    counts = {name: len(sources.graph(name)) for name in ("ontology", "article", "curation", "evidence", "inferred")}
    return BuildResult(out, written, counts, timings)
