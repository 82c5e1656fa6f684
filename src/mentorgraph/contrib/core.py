"""Validate contributed files against the ontology, the shapes and the existing graph; import them.

The pipeline is the build's own: contributions become YAML-shaped documents, loaded together with
data/ by `load_sources(root, extra=...)` (so references resolve and problems point into the
contributor's file), then checked for OWL RL consistency and SHACL conformance with `build.check`.
`import_files` writes data/ only when all of that passes, as one unit through datafiles.write (lock,
journal: data/ is exactly old or exactly new), and only then builds, reusing the checked stages: the
build directory is never ahead of data/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import datafiles, schema
from ..datafiles import CONTRIBUTIONS, ORGANIZATIONS
from ..layout import CONTEXT_FILE
from ..pipeline.validate import Report
from ..problems import InputError, Problem
from .jsonld import read_jsonld
from .rdf import rdf_records, read_rdf
from .readers import FORMATS, read_csv, read_text, read_yaml_contribution, scan_text
from .records import Raw
from .report import MAX_PER_KIND, Problems, capped_lines
from .index import Index
from .resolve import Plan, Resolver


@dataclass
class Outcome:
    """What validating or importing found and did."""

    problems: Problems = field(default_factory=Problems)  # the first 50 of each kind, and counts (report.py)
    report: Report | None = None
    plan: Plan | None = None
    written: list[str] = field(default_factory=list)
    built: bool = False
    recovered: str | None = None  # what an earlier, interrupted write of data/ left and how it was resolved

    @property
    def ok(self) -> bool:
        """Whether nothing was wrong (no problem, and SHACL conforms when it ran)."""
        return not self.problems and (self.report is None or self.report.conforms)

    def entries_planned(self) -> list:
        """Every entity the import would write, organizations first."""
        return (self.plan.organizations + self.plan.initiatives) if self.plan else []

    def entries(self) -> list[dict]:
        """Each planned entity as plain data (kind, id, label, action, where)."""
        if self.plan is None:
            return []
        return [
            {
                "kind": p.raw.kind,
                "id": p.slug,
                "label": p.record["label"],
                "action": p.action,
                "file": p.raw.file,
                "line": p.raw.where.line,
            }
            for p in self.plan.organizations + self.plan.initiatives
        ]

    def as_json(self) -> str:
        """The outcome as JSON (problems, SHACL report, notes, entries, what was written)."""
        doc = {
            "valid": self.ok,
            "problems": [p.as_dict() for p in self.problems],
            "omitted": dict(getattr(self.problems, "omitted", {})),
            "shacl": _capped_shacl(self.report) if self.report is not None else None,
            "notes": [p.as_dict() for p in self.plan.notes] if self.plan else [],
            "entries": self.entries(),
            "written": self.written,
            "rebuilt": self.built,
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    def text(self) -> str:
        """The outcome for a terminal: problems, notes, then a summary line."""
        lines = [str(p) for p in self.problems]
        lines += self.problems.omitted_lines() if isinstance(self.problems, Problems) else []
        if self.report is not None and not self.report.conforms:
            lines.append(f"SHACL validation failed with {len(self.report.violations)} problem(s):")
            lines += ["  - " + line for line in capped_lines(self.report.violations, lambda v: v.message)]
        if self.plan is not None:
            lines += [f"note: {p}" for p in self.plan.notes]
        if not self.ok:
            total = self.problems.total if isinstance(self.problems, Problems) else len(self.problems)
            n = total + (len(self.report.violations) if self.report and not self.report.conforms else 0)
            lines.append(f"invalid: {n} problem(s); nothing was written.")
            return "\n".join(lines) + "\n"
        counts: dict[str, int] = {}
        for e in self.entries():
            counts[e["action"]] = counts.get(e["action"], 0) + 1
            lines.append(f"  {e['action']:9} {e['kind']:12} {e['id']}  {e['label']}")
        summary = ", ".join(f"{n} {a}" for a, n in sorted(counts.items())) or "nothing"
        lines.append(f"valid: {summary}.")
        if self.written:
            lines.append("wrote " + ", ".join(self.written) + ("; rebuilt the graph." if self.built else "."))
        return "\n".join(lines) + "\n"


def _capped_shacl(report: Report) -> dict:
    """The SHACL part of the JSON report: the first MAX_PER_KIND violations of each message, and counts."""
    listed: list[dict] = []
    seen: dict[str, int] = {}
    for v in report.violations:
        seen[v.message] = seen.get(v.message, 0) + 1
        if seen[v.message] <= MAX_PER_KIND:
            listed.append(asdict(v))
    omitted = {m: n - MAX_PER_KIND for m, n in seen.items() if n > MAX_PER_KIND}
    return {"conforms": report.conforms, "violations": listed, "omitted": omitted}


def _stored(root: Path, name: str, key: str) -> tuple[dict | None, dict[str, dict], list[Problem]]:
    """A data file's document and its records by id (an absent contributions.yaml is empty)."""
    try:
        doc = datafiles.read_optional(root, name)
    except InputError as exc:
        return None, {}, exc.problems
    if doc is None:
        return None, {}, []
    records = doc.get(key, []) if isinstance(doc, dict) else []
    return doc, {r["id"]: r for r in records or [] if isinstance(r, dict) and isinstance(r.get("id"), str)}, []


def read_contribution(
    path: Path, display: str, classes: dict[str, set[str]], context: dict
) -> tuple[list[Raw], list[Problem]]:
    """One contributed file as raw records, whatever its format."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        return [], [
            Problem(
                display,
                f"unknown file type {path.suffix or '(none)'!r}",
                expected="one of " + ", ".join(sorted(FORMATS)),
            )
        ]
    text, problems = read_text(path, display)
    if text is None:
        return [], problems
    if fmt == "csv":
        return read_csv(text, display)  # every cell (and header) is checked with its row and column
    problems = scan_text(text, display)
    if problems:
        return [], problems
    if fmt == "yaml":
        return read_yaml_contribution(text, display)
    if fmt == "jsonld":
        triples, problems = read_jsonld(text, display, context)
    else:
        triples, problems = read_rdf(text, display, fmt)
    if triples is None:
        return [], problems
    return rdf_records(triples, display, classes["Organization"], classes["Initiative"])


def _prepare(
    root: Path, paths: list[Path], accept_duplicates: bool, displays: list[str] | None
) -> tuple[Outcome, Any, Mapping[str, bytes]]:
    """Read, resolve and load the contribution with data/; return the outcome, the sources, the new files.

    Loading is the build's own (`load_sources` with the contribution as `extra` documents), with
    data/contributions.yaml replaced by its records that this import does not restate, so those are
    loaded once, from the contributor's file, and every problem points there.
    """
    from ..pipeline.load import load_ontology, load_sources

    outcome = Outcome()
    vocabulary = schema.Vocabulary.from_graph(load_ontology(root))
    classes = {name: set(vocabulary.subclasses(name)) for name in ("Organization", "Initiative")}
    context = json.loads((root / CONTEXT_FILE).read_text(encoding="utf-8"))["@context"]
    raws: list[Raw] = []
    for i, path in enumerate(paths):
        display = displays[i] if displays else str(path)
        found, problems = read_contribution(Path(path), display, classes, context)
        raws += found
        outcome.problems += problems
    if not raws:
        # Every file was refused at the door (size, encoding, syntax): there is nothing to resolve.
        outcome.problems = outcome.problems or [
            Problem(", ".join(map(str, displays or paths)), "nothing to import", expected="at least one program")
        ]
        return outcome, None, {}
    try:
        base = load_sources(root)
    except InputError as exc:
        outcome.problems = [
            Problem(
                p.file, "(the project's own data) " + p.message, p.line, p.column, p.value, p.expected, p.suggestion
            )
            for p in exc.problems
        ]
        return outcome, None, {}
    contrib_doc, contributed, problems = _stored(root, CONTRIBUTIONS, "initiatives")
    orgs_doc, organizations, more = _stored(root, ORGANIZATIONS, "organizations")
    outcome.problems += problems + more
    plan = Resolver(Index(base), contributed, organizations, accept_duplicates).run(raws)
    outcome.plan = plan
    outcome.problems += plan.problems
    outcome.problems.sort(key=lambda p: (p.file, p.line or 0, p.column or 0))
    if outcome.problems:
        return outcome, None, {}
    in_batch = {p.slug for p in plan.initiatives}
    kept = [r for r in (contrib_doc or {}).get("initiatives") or [] if r.get("id") not in in_batch]
    extra = []
    for display in dict.fromkeys(p.raw.file for p in plan.initiatives + plan.organizations):
        doc: dict[str, list] = {}
        orgs = [p.record for p in plan.organizations if p.raw.file == display and p.action == "add"]
        inits = [p.record for p in plan.initiatives if p.raw.file == display]
        if orgs:
            doc["organizations"] = orgs
        if inits:
            doc["initiatives"] = inits
        extra.append((display, doc))
    sources = None
    try:
        sources = load_sources(root, extra=extra, replace={CONTRIBUTIONS: {"initiatives": kept} if kept else None})
    except InputError as exc:
        outcome.problems += exc.problems
    if not outcome.ok:
        return outcome, None, {}
    return outcome, sources, _NewFiles(contrib_doc, orgs_doc, plan)


def _inconsistency(outcome: Outcome, messages: list[str]) -> None:
    files = ", ".join(dict.fromkeys(p.raw.file for p in outcome.entries_planned()))
    outcome.problems += [
        Problem(files, f"OWL RL inconsistency: {m}", expected="a contribution consistent with the ontology")
        for m in messages
    ]


def validate_files(
    root: Path,
    paths: list[Path],
    accept_duplicates: bool = False,
    displays: list[str] | None = None,
    reason_and_shapes: bool = True,
) -> tuple[Outcome, Mapping[str, bytes]]:
    """Check contributed files; return the outcome and, when valid, the new bytes of each data file.

    `reason_and_shapes=False` stops after loading (references, ids, evidence), skipping the OWL RL and
    SHACL stages; the property-based tests use it to try many files quickly.
    """
    outcome, sources, files = _prepare(root, paths, accept_duplicates, displays)
    if sources is None or not reason_and_shapes:
        return outcome, files
    _check_contribution(root, sources, outcome)
    return outcome, files if outcome.ok else {}


def _check_contribution(root: Path, sources: Any, outcome: Outcome) -> None:
    """OWL RL and SHACL where the contribution can break them (neighbourhood.py), not on the whole graph.

    SHACL runs in other processes, a large contribution split in parts over the CPUs, while OWL RL
    runs in this one (pipeline/parallel.py); its report counts only if OWL RL finds the contribution
    consistent, as when they run one after the other.
    """
    from ..namespaces import MG
    from ..pipeline.validate import load_shapes
    from .neighbourhood import Shacl, inconsistencies

    contributed = [MG[p.slug] for p in outcome.entries_planned()]
    shacl = Shacl(sources, contributed, load_shapes(root))
    try:
        messages = inconsistencies(sources, contributed)
        if messages:
            _inconsistency(outcome, messages)
            return
        outcome.report = shacl.result()
    finally:
        shacl.close()


def _check_all(root: Path, sources: Any, outcome: Outcome) -> Any:
    """The build's own checks on the whole new graph (reused by the build that follows an import)."""
    from ..pipeline.build import check
    from ..pipeline.reason import InconsistencyError

    try:
        checked = check(root, sources)
    except InconsistencyError as exc:
        _inconsistency(outcome, exc.messages)
        return None
    outcome.report = checked.report
    return checked


class _NewFiles(Mapping):
    """The new bytes of data/'s files, written out (YAML, a third of validating 1,000 rows) on first use:
    `validate` never needs them, `import` does."""

    def __init__(self, contrib_doc: dict | None, orgs_doc: dict | None, plan: Plan):
        self._args: tuple | None = (contrib_doc, orgs_doc, plan)
        self._files: dict[str, bytes] = {}

    def _done(self) -> dict[str, bytes]:
        if self._args is not None:
            self._files, self._args = _new_files(*self._args), None
        return self._files

    def __getitem__(self, name: str) -> bytes:
        return self._done()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._done())

    def __len__(self) -> int:
        return len(self._done())


def _new_files(contrib_doc: dict | None, orgs_doc: dict | None, plan: Plan) -> dict[str, bytes]:
    """The new bytes of data/contributions.yaml and data/organizations.yaml (only those that change)."""
    files: dict[str, bytes] = {}
    changed = {p.slug: p.record for p in plan.initiatives if p.action == "update"}
    added = [p.record for p in plan.initiatives if p.action == "add"]
    if changed or added:
        stored = list((contrib_doc or {}).get("initiatives") or [])
        merged = [changed.get(r.get("id"), r) for r in stored] + added
        files[CONTRIBUTIONS] = datafiles.dump({"initiatives": merged})
    new_orgs = [p.record for p in plan.organizations if p.action == "add"]
    if new_orgs:
        doc = dict(orgs_doc or {"organizations": []})
        doc["organizations"] = list(doc.get("organizations") or []) + new_orgs
        files[ORGANIZATIONS] = datafiles.dump(doc)
    return files


def import_files(
    root: Path,
    paths: list[Path],
    out: Path,
    accept_duplicates: bool = False,
    rebuild: bool = True,
    displays: list[str] | None = None,
    reason_and_shapes: bool = True,
    on_wait: Any = None,
) -> Outcome:
    """Validate, then (only if everything is valid) write data/ as one unit, then rebuild into `out`.

    Order matters: data/ first, the build after, so `out` is never ahead of data/. The build reuses
    the reasoning and SHACL already run on the contribution (they ran on exactly the new data/), so
    each runs once. A program already imported with the same content writes nothing and builds nothing.
    `on_wait()` is called if another import holds data/'s lock (this one then waits for it).
    """
    # data/'s lock from the first read to the last write: a second import waits here, then reads
    # what this one wrote (two imports at once never lose a program).
    with datafiles.locked(root, on_wait):
        return _import(root, paths, out, accept_duplicates, rebuild, displays, reason_and_shapes)


def _import(
    root: Path,
    paths: list[Path],
    out: Path,
    accept_duplicates: bool,
    rebuild: bool,
    displays: list[str] | None,
    reason_and_shapes: bool,
) -> Outcome:
    from ..pipeline.build import build

    outcome, sources, files = _prepare(root, paths, accept_duplicates, displays)
    if not outcome.ok or not files:
        return outcome
    if reason_and_shapes:
        _check_contribution(root, sources, outcome)  # the verdict of `validate`, at its cost
    # The build that follows checks the whole new graph; it runs before data/ is written, so that a
    # problem found there (none should be: tests/test_contrib_scope.py) still writes nothing.
    checked = _check_all(root, sources, outcome) if rebuild and outcome.ok else None
    if not outcome.ok:
        return outcome
    done = datafiles.write(root, dict(files))
    outcome.written = done.written
    outcome.recovered = done.recovered
    if rebuild:
        try:
            build(root, out, checked=checked)
        except Exception as exc:
            raise BuildAfterImport(exc) from exc
        outcome.built = True
    return outcome


class BuildAfterImport(Exception):
    """data/ was written, then the build failed (`cause` says why); `mentorgraph build` can be run again."""

    def __init__(self, cause: Exception):
        self.cause = cause
        super().__init__(str(cause))
