"""The build orchestrator: load -> reason -> validate -> export, each a small stage, into a new generation.

Nothing is written unless every stage succeeds: a SHACL violation or an OWL RL inconsistency fails
the build with a readable report and leaves the build directory as it was. A build that succeeds
writes a complete new generation (layout.py) and switches to it in one atomic step; linked datasets
(ROR) are files of the generation like the exports, carried over from the previous generation
unless the build is given new ones.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .. import iris, layout
from ..namespaces import GRAPH
from . import export, parallel
from .load import Sources, load_sources
from .reason import reason
from .validate import Report, load_shapes, shapes_data_graph, validate


class ValidationError(Exception):
    """SHACL found problems; `report` says which."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.text())


@dataclass
class BuildResult:
    """What a build wrote: the generation, its files, triple counts per graph and each stage's time."""

    out: Path
    files: list[Path]
    counts: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)
    generation: layout.Generation | None = None
    reused: bool = False


@dataclass
class Checked:
    """The sources loaded, reasoned over and validated (not yet written anywhere)."""

    sources: Sources
    inferred: Graph
    report: Report
    timings: dict[str, float] = field(default_factory=dict)


def asserted_graph(sources: Sources) -> Graph:
    """What people assert (with the ontology, so SHACL sees subclasses): the data SHACL validates."""
    names = ("ontology", "article", "curation", "evidence")
    return shapes_data_graph(t for name in names for t in sources.graph(name))


def _timed(timings: dict[str, float], say: Callable[[str], None], name: str, fn, *args):
    say(f"{name}...")
    t0 = time.perf_counter()
    value = fn(*args)
    timings[name] = time.perf_counter() - t0
    return value


def _validated(sources: Sources, shapes: Graph) -> tuple[Report, float]:
    """SHACL on the asserted graphs, and the seconds it took."""
    t0 = time.perf_counter()
    report = validate(asserted_graph(sources), shapes, sources.origins)
    return report, time.perf_counter() - t0


def check(
    root: Path,
    sources: Sources | None = None,
    progress: Callable[[str], None] | None = None,
    processes: bool = True,
) -> Checked:
    """Load (unless `sources` are given), reason and validate without writing anything.

    SHACL runs in a second process while OWL RL runs in this one (parallel.py), unless `processes`
    is false or forking is not safe here. Raises InputError for bad sources and
    InconsistencyError; a SHACL failure is in `report`.
    """
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    if sources is None:
        sources = _timed(timings, say, "load", load_sources, root)
    parts = (sources.graph("ontology"), sources.graph("article"), sources.graph("curation"))
    # The shapes are read here, so that a problem with the file is this process's own error.
    shacl = parallel.Stage(_validated, sources, load_shapes(root), fork=processes)
    try:
        if shacl.forked:
            say("validate (in a second process)...")
        reasoned = _timed(timings, say, "reason", reason, *parts)
        if not shacl.forked:
            say("validate...")
        report, timings["validate"] = shacl.result()
    finally:
        shacl.close()
    return Checked(sources, reasoned.inferred, report, timings)


def render(root: Path, checked: Checked, progress: Callable[[str], None] | None = None) -> dict[str, bytes]:
    """Every export file's bytes (ValidationError if SHACL failed); adds the inferred graph to the dataset."""
    if not checked.report.conforms:
        raise ValidationError(checked.report)
    say = progress or (lambda _msg: None)
    inferred = checked.sources.dataset.graph(GRAPH.inferred)
    if not len(inferred):
        for t in checked.inferred:
            inferred.add(t)
    context = json.loads((root / layout.CONTEXT_FILE).read_text(encoding="utf-8"))
    ontology_text = (root / layout.ONTOLOGY_FILE).read_bytes()
    args = (checked.sources.dataset, context, ontology_text, checked.report.graph)
    return _timed(checked.timings, say, "serialize", export.render_all, *args)


def counts_of(sources: Sources) -> dict[str, int]:
    """Triples per named graph of the loaded (and reasoned) sources."""
    return {name: len(sources.graph(name)) for name in iris.GRAPH_NAMES}


def _linked_of(out: Path) -> dict[str, bytes]:
    """The linked datasets of the current generation (carried over by the next build)."""
    try:
        gen = layout.current_generation(out)
    except layout.NoBuild:
        return {}
    return {name: p.read_bytes() for name, p in gen.linked.items()}


def build(
    root: Path,
    out: Path,
    progress: Callable[[str], None] | None = None,
    store: bool = True,
    linked: dict[str, bytes | None] | None = None,
    checked: Checked | None = None,
) -> BuildResult:
    """Build the knowledge graph from `root` (ontology/ and data/) into a new generation under `out`.

    `linked` replaces (bytes) or drops (None) linked datasets by name; the others are carried over
    from the current generation. `checked` reuses stages already run on exactly these inputs (import).
    An unchanged rebuild (same inputs, code and linked datasets) reuses its generation.
    """
    say = progress or (lambda _msg: None)
    out = Path(out).absolute()
    datasets = {**_linked_of(out), **(linked or {})}
    datasets = {k: v for k, v in datasets.items() if v is not None}
    parts = list(layout.input_parts(root))
    parts += [(f"linked/{name}", data) for name, data in datasets.items()]
    parts.append(("store", b"yes" if store else b"no"))
    gen_id = layout.generation_id(parts)
    if layout.intact(out / layout.BUILDS / gen_id):
        return _publish(out, gen_id, None, datasets, store, say, {})
    checked = checked or check(root, progress=say)
    files = render(root, checked, say)
    result = _publish(out, gen_id, files, datasets, store, say, checked.timings)
    result.counts = counts_of(checked.sources)
    return result


def _publish(
    out: Path,
    gen_id: str,
    files: dict[str, bytes] | None,
    datasets: dict[str, bytes],
    store: bool,
    say: Callable[[str], None],
    timings: dict[str, float],
) -> BuildResult:
    """Write the generation (unless it exists) and switch to it."""
    from .store import build_store

    waiting = f"another build is writing {out}; waiting for it to finish..."
    with layout.new_generation(out, gen_id, on_wait=lambda: say(waiting)) as w:
        if not w.reused and files is not None:
            for name, data in datasets.items():
                files[layout.LINKED[name]] = data
            if store:
                nquads = files[layout.NQUADS] + b"".join(datasets.values())
                _timed(timings, say, "store", build_store, nquads, w.path / layout.STORE)
            t0 = time.perf_counter()
            for name in sorted(files):
                w.write(name, files[name])
            layout.write_checksums(w.path)
            timings["write"] = time.perf_counter() - t0
    gen = w.generation
    manifest = json.loads(gen.manifest.read_text(encoding="utf-8"))
    counts = {g.rsplit("/", 1)[-1]: int(v["triples"]) for g, v in manifest.get("graphs", {}).items()}
    written = sorted(out / name for name in gen.files())
    return BuildResult(out, written, counts, timings, gen, reused=files is None or w.reused)


def relink(out: Path, linked: dict[str, bytes | None], progress: Callable[[str], None] | None = None) -> BuildResult:
    """A new generation: the current one's exports with linked datasets replaced (bytes) or dropped (None).

    Raises layout.NoBuild if there is no build yet. The store is rebuilt from the exports plus the
    linked datasets; nothing is re-reasoned or re-validated (linked datasets never are).
    """
    say = progress or (lambda _msg: None)
    out = Path(out).absolute()
    gen = layout.current_generation(out)
    files = {
        name: p.read_bytes() for name, p in gen.files().items() if p.is_file() and name not in layout.LINKED.values()
    }
    datasets = {**{n: p.read_bytes() for n, p in gen.linked.items()}, **linked}
    datasets = {k: v for k, v in datasets.items() if v is not None}
    parts = [(name, data) for name, data in files.items()] + [(f"linked/{n}", d) for n, d in datasets.items()]
    gen_id = layout.generation_id(parts + [("store", b"yes")])
    return _publish(out, gen_id, files, datasets, True, say, {})
