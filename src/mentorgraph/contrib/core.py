"""Validate contributed files against the ontology, the shapes and the existing graph; import them.

The pipeline is the build's own: contributions become YAML-shaped documents, loaded together with
data/ by `load_sources(root, extra=...)` (so references resolve and problems point into the
contributor's file), then checked for OWL RL consistency and SHACL conformance with `build.check`.
`import_files` writes data/ only when all of that passes, atomically, then rebuilds; if the rebuild
fails the previous data files are put back.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..problems import InputError, Problem
from ..validate import Report
from .readers import FORMATS, rdf_records, read_csv, read_jsonld, read_rdf, read_text, read_yaml_contribution
from .records import Raw
from .resolve import Index, Plan, Resolver, _plain, subclasses, superclasses

CONTRIBUTIONS = "contributions.yaml"
ORGANIZATIONS = "organizations.yaml"


def dump_yaml(doc: Any) -> bytes:
    """`doc` in the canonical YAML form of data/ (tests/test_data_curation.py), non-ASCII written as is."""
    return yaml.safe_dump(_plain(doc), allow_unicode=True, sort_keys=False, width=4096).encode("utf-8")


@dataclass
class Outcome:
    """What validating or importing found and did."""

    problems: list[Problem] = field(default_factory=list)
    report: Report | None = None
    plan: Plan | None = None
    written: list[str] = field(default_factory=list)
    built: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and (self.report is None or self.report.conforms)

    def entries_planned(self) -> list:
        return (self.plan.organizations + self.plan.initiatives) if self.plan else []

    def entries(self) -> list[dict]:
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
        doc = {
            "valid": self.ok,
            "problems": [p.as_dict() for p in self.problems],
            "shacl": json.loads(self.report.as_json()) if self.report is not None else None,
            "notes": [p.as_dict() for p in self.plan.notes] if self.plan else [],
            "entries": self.entries(),
            "written": self.written,
            "rebuilt": self.built,
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    def text(self) -> str:
        lines = [str(p) for p in self.problems]
        if self.report is not None and not self.report.conforms:
            lines.append(self.report.text())
        if self.plan is not None:
            lines += [f"note: {p}" for p in self.plan.notes]
        if not self.ok:
            n = len(self.problems) + (len(self.report.violations) if self.report and not self.report.conforms else 0)
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


def _stored(root: Path, name: str, key: str) -> tuple[dict | None, dict[str, dict], list[Problem]]:
    """A data file's document and its records by id (an absent contributions.yaml is empty)."""
    from ..sources import read_yaml

    path = root / "data" / name
    if not path.exists():
        return None, {}, []
    try:
        doc = read_yaml(path, f"data/{name}")
    except InputError as exc:
        return None, {}, exc.problems
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
        return read_csv(text, display)
    if fmt == "yaml":
        return read_yaml_contribution(text, display)
    if fmt == "jsonld":
        triples, problems = read_jsonld(text, display, context)
    else:
        triples, problems = read_rdf(text, display, fmt)
    if triples is None:
        return [], problems
    return rdf_records(triples, display, classes["Organization"], classes["Initiative"])


class _Overlay:
    """A temporary project root that shares ontology/ and data/ with `root` but for given data files."""

    def __init__(self, root: Path, replaced: dict[str, bytes | None]):
        self._tmp = tempfile.TemporaryDirectory(prefix="mentorgraph-contrib-")
        self.path = Path(self._tmp.name)
        for name in ("ontology", "queries"):
            if (root / name).exists():
                os.symlink((root / name).resolve(), self.path / name)
        (self.path / "data").mkdir()
        for item in (root / "data").iterdir():
            if item.name not in replaced:
                os.symlink(item.resolve(), self.path / "data" / item.name)
        for name, data in replaced.items():
            if data is not None:
                (self.path / "data" / name).write_bytes(data)

    def close(self) -> None:
        self._tmp.cleanup()


def _prepare(
    root: Path, paths: list[Path], accept_duplicates: bool, displays: list[str] | None
) -> tuple[Outcome, Any, dict[str, bytes]]:
    """Read, resolve and load the contribution with data/; return the outcome, the sources, the new files.

    Loading is the build's own (`load_sources` with the contribution as `extra` documents), over an
    overlay of data/ without the records this import restates, so those are loaded once, from the
    contributor's file, and every problem points there.
    """
    from ..sources import load_ontology, load_sources

    outcome = Outcome()
    classes = subclasses(superclasses(load_ontology(root)))
    context = json.loads((root / "ontology" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
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
    overlay = _Overlay(root, {CONTRIBUTIONS: dump_yaml({"initiatives": kept}) if kept else None})
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
        sources = load_sources(overlay.path, extra=extra)
    except InputError as exc:
        outcome.problems += exc.problems
    finally:
        overlay.close()
    if not outcome.ok:
        return outcome, None, {}
    return outcome, sources, _new_files(contrib_doc, orgs_doc, plan)


def _inconsistency(outcome: Outcome, exc: Exception) -> None:
    files = ", ".join(dict.fromkeys(p.raw.file for p in outcome.entries_planned()))
    outcome.problems += [
        Problem(files, f"OWL RL inconsistency: {m}", expected="a contribution consistent with the ontology")
        for m in getattr(exc, "messages", [str(exc)])
    ]


def validate_files(
    root: Path,
    paths: list[Path],
    accept_duplicates: bool = False,
    displays: list[str] | None = None,
    reason_and_shapes: bool = True,
) -> tuple[Outcome, dict[str, bytes]]:
    """Check contributed files; return the outcome and, when valid, the new bytes of each data file.

    `reason_and_shapes=False` stops after loading (references, ids, evidence), skipping the OWL RL and
    SHACL stages; the property-based tests use it to try many files quickly.
    """
    from ..build import check
    from ..reason import InconsistencyError

    outcome, sources, files = _prepare(root, paths, accept_duplicates, displays)
    if sources is None or not reason_and_shapes:
        return outcome, files
    try:
        _, _, outcome.report = check(root, sources)
    except InconsistencyError as exc:
        _inconsistency(outcome, exc)
    return outcome, files if outcome.ok else {}


def _new_files(contrib_doc: dict | None, orgs_doc: dict | None, plan: Plan) -> dict[str, bytes]:
    """The new bytes of data/contributions.yaml and data/organizations.yaml (only those that change)."""
    files: dict[str, bytes] = {}
    changed = {p.slug: p.record for p in plan.initiatives if p.action == "update"}
    added = [p.record for p in plan.initiatives if p.action == "add"]
    if changed or added:
        stored = list((contrib_doc or {}).get("initiatives") or [])
        merged = [changed.get(r.get("id"), r) for r in stored] + added
        files[CONTRIBUTIONS] = dump_yaml({"initiatives": merged})
    new_orgs = [p.record for p in plan.organizations if p.action == "add"]
    if new_orgs:
        doc = dict(orgs_doc or {"organizations": []})
        doc["organizations"] = list(doc.get("organizations") or []) + new_orgs
        files[ORGANIZATIONS] = dump_yaml(doc)
    return files


def import_files(
    root: Path,
    paths: list[Path],
    out: Path,
    accept_duplicates: bool = False,
    rebuild: bool = True,
    displays: list[str] | None = None,
    reason_and_shapes: bool = True,
) -> Outcome:
    """Validate, then (only if everything is valid) rebuild into `out` and write data/ atomically.

    The new data files are first placed in an overlay of the project and built (or, without `rebuild`,
    checked) from there, so reasoning and SHACL run once and invalid input never reaches data/ or `out`.
    Only after that are they renamed into data/. A program already imported with the same content
    costs no rebuild.
    """
    from ..build import ValidationError, build, check
    from ..export import atomic_write
    from ..reason import InconsistencyError

    outcome, sources, files = _prepare(root, paths, accept_duplicates, displays)
    if not outcome.ok or not files:
        return outcome
    overlay = _Overlay(root, files)
    try:
        if rebuild:
            build(overlay.path, out)
            outcome.built = True
        elif reason_and_shapes:
            _, _, outcome.report = check(overlay.path)
            outcome.report = _relocated(outcome.report, overlay.path, outcome)
    except ValidationError as exc:
        outcome.report = _relocated(exc.report, overlay.path, outcome)
    except InconsistencyError as exc:
        _inconsistency(outcome, exc)
    finally:
        overlay.close()
    if not outcome.ok:
        return outcome
    previous = {
        name: (root / "data" / name).read_bytes() if (root / "data" / name).exists() else None for name in files
    }
    try:
        # Organizations first: initiatives may refer to them, never the other way round.
        for name in sorted(files, key=lambda n: n != ORGANIZATIONS):
            atomic_write(root / "data" / name, files[name])
            outcome.written.append(f"data/{name}")
    except BaseException:
        for name, data in previous.items():
            if data is None:
                (root / "data" / name).unlink(missing_ok=True)
            else:
                atomic_write(root / "data" / name, data)
        outcome.written.clear()
        raise
    return outcome


def _relocated(report: Report | None, overlay: Path, outcome: Outcome) -> Report | None:
    """The report with each violation's source moved from the overlay's data file to the contributor's row."""
    from dataclasses import replace

    from ..sources import read_yaml

    if report is None or report.conforms:
        return report
    where: dict[str, str] = {}
    for name, key in ((CONTRIBUTIONS, "initiatives"), (ORGANIZATIONS, "organizations")):
        path = overlay / "data" / name
        if path.exists():
            for rec in read_yaml(path).get(key) or []:
                where[rec.get("id")] = f"data/{name}:{rec.line}"
    moved = {}
    for p in outcome.entries_planned():
        if p.slug in where:
            moved[where[p.slug]] = f"{p.raw.file}:{p.raw.where.line}" if p.raw.where.line else p.raw.file
    violations = [replace(v, source=moved.get(v.source, v.source)) for v in report.violations]
    return Report(report.conforms, violations, report.graph)
