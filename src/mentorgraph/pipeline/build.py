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

from typing import TYPE_CHECKING

from .. import iris, layout
from . import cache, parallel

# rdflib, owlrl and the stages are imported where they are used: a rebuild that reuses its generation
# (or every export) never needs them, and importing them is most of its time.
if TYPE_CHECKING:
    from rdflib import Graph

    from . import export
    from .load import Sources
    from .validate import Report


class ValidationError(Exception):
    """SHACL found problems; `report` says which."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.text())


@dataclass
class BuildResult:
    """What a build wrote: the generation, its files, triple counts per graph and each stage's time.

    `reused` is true when the whole generation existed already; `reused_stages` names the stages whose
    output was taken from the previous generation (cache.py)."""

    out: Path
    files: list[Path]
    counts: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)
    generation: layout.Generation | None = None
    reused: bool = False
    reused_stages: list[str] = field(default_factory=list)


@dataclass
class Checked:
    """The sources loaded, reasoned over and validated (not yet written anywhere).

    With `exports`, also what check() rendered on the way: graphs' shares of the exports (`parts`),
    the Turtle and JSON-LD of the union (`union`) and the report's Turtle (`report_ttl`). `keys` are
    the stage keys (cache.py) and `reused` the stages whose output came from the current generation.
    """

    sources: Sources
    inferred: Graph
    report: Report
    timings: dict[str, float] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    reused: list[str] = field(default_factory=list)
    parts: dict[str, export.GraphText] = field(default_factory=dict)
    union: tuple[dict[str, bytes], int] | None = None
    report_ttl: bytes | None = None


_ASSERTED = ("ontology", "article", "curation", "evidence")
_REASONED = ("ontology", "article", "curation")


def asserted_graph(sources: Sources) -> Graph:
    """What people assert (with the ontology, so SHACL sees subclasses): the data SHACL validates."""
    from .validate import shapes_data_graph

    return shapes_data_graph(t for name in _ASSERTED for t in sources.graph(name))


def _timed(timings: dict[str, float], say: Callable[[str], None], name: str, fn, *args):
    say(f"{name}...")
    t0 = time.perf_counter()
    value = fn(*args)
    timings[name] = time.perf_counter() - t0
    return value


def _reason_key(sources: Sources, code: str) -> str:
    from .reason import closure_input

    return cache.triples_key(closure_input(*(sources.graph(name) for name in _REASONED)), code)


def _validate_key(sources: Sources, code: str, shapes_text: bytes) -> str:
    return cache.triples_key((t for name in _ASSERTED for t in sources.graph(name)), code, shapes_text)


def stage_keys(root: Path, sources: Sources, code: str | None = None) -> dict[str, str]:
    """The keys of the reason and validate stages' inputs (cache.py); `code` is cache.code_key's."""
    code = code if code is not None else cache.code_key(layout.input_parts(root))
    shapes_text = (root / layout.SHAPES_FILE).read_bytes()
    return {"reason": _reason_key(sources, code), "validate": _validate_key(sources, code, shapes_text)}


def _beside(
    sources: Sources,
    shapes: Graph,
    shapes_text: bytes,
    exports: bool,
    previous: cache.Previous,
    code: str | None,
) -> tuple:
    """The second process's share of check(): SHACL, unless `previous` holds the report for these
    inputs (their key is computed when `code` is given), and, with `exports`, the export parts of the
    graphs reasoning does not change. Returns (key, report, its Turtle, parts, timings)."""
    from . import export
    from .validate import validate

    timings: dict[str, float] = {}
    key = _validate_key(sources, code, shapes_text) if code is not None else None
    report, report_ttl = None, (previous.report(key) if key is not None else None)
    if report_ttl is None:
        t0 = time.perf_counter()
        report = validate(asserted_graph(sources), shapes, sources.origins)
        if exports and report.conforms:
            report_ttl = export.render_report(report.graph)
        timings["validate"] = time.perf_counter() - t0
    parts = {}
    if exports:
        t0 = time.perf_counter()
        names = [name for name in iris.GRAPH_NAMES if name != "inferred"]
        parts = {name: export.render_graph(name, sources.graph(name)) for name in names}
        timings["graphs"] = time.perf_counter() - t0
    return key, report, report_ttl, parts, timings


def check(
    root: Path,
    sources: Sources | None = None,
    progress: Callable[[str], None] | None = None,
    processes: bool = True,
    previous: cache.Previous | None = None,
    exports: bool = False,
    code: str | None = None,
) -> Checked:
    """Load (unless `sources` are given), reason and validate without writing anything.

    SHACL runs in a second process while OWL RL runs in this one (parallel.py), unless `processes`
    is false or forking is not safe here. With `previous` (cache.previous), a stage whose inputs are
    unchanged takes its output from the current generation instead of running. With `exports`, the
    export files are rendered on the way, beside the stages (see Checked). Raises InputError for bad
    sources and InconsistencyError; a SHACL failure is in `report`.
    """
    from rdflib import Graph

    from . import export
    from .load import load_sources
    from .validate import Report, load_shapes

    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    if sources is None:
        sources = _timed(timings, say, "load", load_sources, root)
    previous = previous or cache.Previous()
    if exports or previous.generation is not None:  # keys: to look outputs up, or to record them
        code = code if code is not None else cache.code_key(layout.input_parts(root))
    else:
        code = None
    # The shapes are read here, so that a problem with the file is this process's own error.
    shapes, shapes_text = load_shapes(root), (root / layout.SHAPES_FILE).read_bytes()
    side = parallel.Stage(_beside, sources, shapes, shapes_text, exports, previous, code, fork=processes)
    checked = Checked(sources, Graph(), Report(True, [], Graph()), timings)
    try:
        if side.forked:
            say("validate (in a second process)...")
        reason_key = _reason_key(sources, code) if code is not None else None
        inferred = previous.inferred(reason_key) if reason_key is not None else None
        if inferred is None:
            from .reason import reason

            parts = (sources.graph(name) for name in _REASONED)
            inferred = _timed(timings, say, "reason", lambda: reason(*parts).inferred)
        else:
            checked.reused.append("reason")
        checked.inferred = inferred
        if exports:
            _add_inferred(checked)
            t0 = time.perf_counter()
            graph = export.render_graph("inferred", sources.graph("inferred"))
            checked.union = export.render_union(sources.dataset, _context(root))
            checked.parts["inferred"] = graph
            timings["serialize"] = time.perf_counter() - t0
        if not side.forked:
            say("validate...")
        validate_key, report, report_ttl, parts, side_timings = side.result()
    finally:
        side.close()
    timings.update(side_timings)
    checked.parts.update(parts)
    if report is not None:
        checked.report = report
    else:
        checked.reused.append("validate")
    checked.report_ttl = report_ttl
    if reason_key is not None and validate_key is not None:
        checked.keys = {"reason": reason_key, "validate": validate_key}
    return checked


def _context(root: Path) -> dict:
    return json.loads((root / layout.CONTEXT_FILE).read_text(encoding="utf-8"))


def _add_inferred(checked: Checked) -> None:
    """Put the inferred triples into the dataset's inferred graph (once)."""
    from ..namespaces import GRAPH

    inferred = checked.sources.dataset.graph(GRAPH.inferred)
    if not len(inferred):
        for t in checked.inferred:
            inferred.add(t)


def render(root: Path, checked: Checked, progress: Callable[[str], None] | None = None) -> dict[str, bytes]:
    """Every export file's bytes (ValidationError if SHACL failed); adds the inferred graph to the dataset."""
    from . import export

    if not checked.report.conforms:
        raise ValidationError(checked.report)
    say = progress or (lambda _msg: None)
    _add_inferred(checked)
    ontology_text = (root / layout.ONTOLOGY_FILE).read_bytes()
    report = checked.report_ttl if checked.report_ttl is not None else checked.report.graph
    args = (checked.sources.dataset, _context(root), ontology_text, report, checked.parts, checked.union)
    t0 = time.perf_counter()
    say("serialize...")
    files = export.render_all(*args)
    checked.timings["serialize"] = checked.timings.get("serialize", 0.0) + time.perf_counter() - t0
    return files


def _graph_order(name: str) -> tuple[int, str]:
    """Named graphs in iris.GRAPH_NAMES's order (others after them)."""
    order = iris.GRAPH_NAMES
    return (order.index(name) if name in order else len(order), name)


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
    previous = cache.previous(out)
    code, exports_key = cache.code_key(parts), cache.files_key(parts)
    files = previous.exports(exports_key) if checked is None else None
    if files is not None:  # only queries/ or the linked datasets changed: every export as it is
        keys = {**previous.keys, "exports": exports_key}
        result = _publish(out, gen_id, files, datasets, store, say, {}, keys)
        result.reused_stages = list(cache.STAGES)
        return result
    checked = checked or check(root, progress=say, previous=previous, exports=True, code=code)
    files = render(root, checked, say)
    keys = {**(checked.keys or stage_keys(root, checked.sources, code)), "exports": exports_key}
    result = _publish(out, gen_id, files, datasets, store, say, checked.timings, keys)
    result.counts = counts_of(checked.sources)
    result.reused_stages = list(checked.reused)
    return result


def _publish(
    out: Path,
    gen_id: str,
    files: dict[str, bytes] | None,
    datasets: dict[str, bytes],
    store: bool,
    say: Callable[[str], None],
    timings: dict[str, float],
    keys: dict[str, str] | None = None,
) -> BuildResult:
    """Write the generation (unless it exists) and switch to it; `keys` are its stage keys (cache.py)."""
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
            if keys:
                w.write(layout.STAGES, cache.record(keys))
            layout.write_checksums(w.path)
            timings["write"] = time.perf_counter() - t0
    gen = w.generation
    manifest = json.loads(gen.manifest.read_text(encoding="utf-8"))
    graphs = {g.rsplit("/", 1)[-1]: int(v["triples"]) for g, v in manifest.get("graphs", {}).items()}
    counts = {name: graphs[name] for name in sorted(graphs, key=_graph_order)}
    written = sorted(out / name for name in gen.files())
    return BuildResult(out, written, counts, timings, gen, reused=files is None or w.reused)


def relink(out: Path, linked: dict[str, bytes | None], progress: Callable[[str], None] | None = None) -> BuildResult:
    """A new generation: the current one's exports with linked datasets replaced (bytes) or dropped (None).

    Raises layout.NoBuild if there is no build yet. The store is rebuilt from the exports plus the
    linked datasets; nothing is re-reasoned or re-validated (linked datasets never are).
    """
    say = progress or (lambda _msg: None)
    out = Path(out).absolute()
    prev = cache.previous(out)  # read once: the exports and their stage keys come from one generation
    gen = prev.generation or layout.current_generation(out)
    keys = prev.keys if prev.generation is gen else {}
    files = {
        name: p.read_bytes() for name, p in gen.files().items() if p.is_file() and name not in layout.LINKED.values()
    }
    datasets = {**{n: p.read_bytes() for n, p in gen.linked.items()}, **linked}
    datasets = {k: v for k, v in datasets.items() if v is not None}
    parts = [(name, data) for name, data in files.items()] + [(f"linked/{n}", d) for n, d in datasets.items()]
    gen_id = layout.generation_id(parts + [("store", b"yes")])
    return _publish(out, gen_id, files, datasets, True, say, {}, keys)
