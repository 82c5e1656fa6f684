"""`mentorgraph diff OLD NEW`: what changed between two releases or builds, entity by entity.

A curator reviews a data change the way a programmer reviews code: which entities appeared or
disappeared, and for each changed entity which property gained or lost which values, with labels
and the named graph each statement sits in. Inputs are release directories (dist/mentorgraph-X/),
build directories (dist/), or single .nq, .trig, .nt or .ttl files. By default the inferred graph
is left out: it changes whenever what it is inferred from changes, and would bury the edit.

Blank nodes (only in the ontology's OWL lists) are compared by the canonical labels the build gives
them, so an unchanged list compares equal and a changed one shows as removed and added.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .. import iris, layout
from ..problems import Problem, closest

QUAD_FORMATS = {".nq": "N_QUADS", ".trig": "TRIG"}
TRIPLE_FORMATS = {".nt": "N_TRIPLES", ".ttl": "TURTLE"}
RDF = iris.PREFIXES["rdf"]
LABELS = (iris.PREFIXES["rdfs"] + "label", iris.PREFIXES["skos"] + "prefLabel")
DEFAULT_GRAPHS = ("ontology", "article", "curation", "evidence")


class DiffInputError(Exception):
    """An input cannot be read; `problem` says where and what was expected."""

    def __init__(self, problem: Problem, usage: bool = False):
        self.problem = problem
        self.usage = usage  # a wrong argument (exit 2) rather than unreadable data (exit 1)
        super().__init__(str(problem))


@dataclass(frozen=True, order=True)
class Term:
    """An RDF term as plain data, comparable across parsers."""

    kind: str  # "iri", "bnode" or "literal"
    value: str
    datatype: str = ""
    lang: str = ""


Quad = tuple[str, Term, Term, Term]  # (graph name or "", subject, predicate, object)


@dataclass
class Side:
    """One side of a diff: its quads, by graph."""

    path: Path
    file: Path
    quads: set[Quad]
    has_graphs: bool


def _term(t) -> Term:
    import pyoxigraph

    if isinstance(t, pyoxigraph.NamedNode):
        return Term("iri", t.value)
    if isinstance(t, pyoxigraph.BlankNode):
        return Term("bnode", t.value)
    lang = t.language or ""
    datatype = "" if lang or t.datatype.value == iris.PREFIXES["xsd"] + "string" else t.datatype.value
    return Term("literal", t.value, datatype, lang)


def data_file(path: Path) -> Path:
    """The RDF file to read for `path`: itself, or the N-Quads export of a build or release directory."""
    if path.is_dir():
        nq = path / layout.NQUADS
        if nq.is_file():
            return nq
        releases = sorted(p.parent.name for p in path.glob(f"{layout.release_dir(Path(), '*')}/{layout.NQUADS}"))
        hint = f"; it holds releases: {', '.join(r.split('/')[0] for r in releases)}" if releases else ""
        raise DiffInputError(
            Problem(
                str(path),
                "not a build or release directory (no mentorgraph.nq)" + hint,
                expected="a dist/ or dist/mentorgraph-VERSION/ directory, or an .nq, .trig, .nt or .ttl file",
            ),
            usage=True,
        )
    if not path.exists():
        raise DiffInputError(Problem(str(path), "no such file or directory"), usage=True)
    if path.suffix not in QUAD_FORMATS and path.suffix not in TRIPLE_FORMATS:
        raise DiffInputError(
            Problem(
                str(path),
                f"unknown RDF file type {path.suffix!r}",
                expected=".nq, .trig, .nt or .ttl (or a build directory)",
            ),
            usage=True,
        )
    return path


def load(path: Path, graphs: tuple[str, ...]) -> Side:
    """Read `path` into quads, keeping only the named graphs in `graphs` (by short name)."""
    import pyoxigraph

    file = data_file(path)
    has_graphs = file.suffix in QUAD_FORMATS
    fmt = getattr(pyoxigraph.RdfFormat, {**QUAD_FORMATS, **TRIPLE_FORMATS}[file.suffix])
    wanted = {iris.GRAPH + g for g in graphs}
    quads: set[Quad] = set()
    try:
        for q in pyoxigraph.parse(path=str(file), format=fmt):
            graph = q.graph_name.value if isinstance(q.graph_name, pyoxigraph.NamedNode) else ""
            if has_graphs and graph not in wanted:
                continue
            quads.add((graph, _term(q.subject), _term(q.predicate), _term(q.object)))
    except SyntaxError as exc:
        raise DiffInputError(Problem(str(file), f"not valid {file.suffix[1:]} RDF: {exc}")) from exc
    return Side(path, file, quads, has_graphs)


@dataclass
class Change:
    """One statement added or removed."""

    graph: str
    predicate: Term
    added: list[Term] = field(default_factory=list)
    removed: list[Term] = field(default_factory=list)


@dataclass
class EntityDiff:
    """The changes to one entity, with its label."""

    subject: Term
    status: str  # "added", "removed" or "changed"
    changes: list[Change]


@dataclass
class Diff:
    """Every change between two sides, grouped by entity."""

    old: Side
    new: Side
    graphs: tuple[str, ...]
    entities: list[EntityDiff]
    labels: dict[Term, str]  # NEW's labels first: for added and changed things
    old_labels: dict[Term, str]  # OLD's labels first: for removed things
    added: int
    removed: int

    @property
    def empty(self) -> bool:
        """Whether the two sides are the same."""
        return not self.entities


def _labels(quads: set[Quad]) -> dict[Term, str]:
    found: dict[Term, list[str]] = defaultdict(list)
    for _g, s, p, o in quads:
        if p.value in LABELS and o.kind == "literal":
            found[s].append(o.value)
    labels = {s: min(v) for s, v in found.items()}
    # An evidence statement (rdf:Statement) is named after the triple it supports.
    parts: dict[Term, dict[str, Term]] = defaultdict(dict)
    for _g, s, p, o in quads:
        if p.value in (RDF + "subject", RDF + "predicate", RDF + "object"):
            parts[s][p.value[len(RDF) :]] = o
    for s, spo in parts.items():
        if len(spo) == 3 and s not in labels:
            what = " ".join(labels.get(spo[k]) or show(spo[k]) for k in ("subject", "predicate", "object"))
            labels[s] = f"evidence for: {what}"
    return labels


def compare(old: Side, new: Side, graphs: tuple[str, ...]) -> Diff:
    """The differences between `old` and `new`, grouped by subject, then graph and property."""
    a, b = old.quads, new.quads
    if old.has_graphs != new.has_graphs:
        # One side has no named graphs (a .ttl or .nt file): compare triples only.
        a = {("", s, p, o) for _g, s, p, o in a}
        b = {("", s, p, o) for _g, s, p, o in b}
    added, removed = b - a, a - b
    old_subjects = {s for _g, s, _p, _o in a}
    new_subjects = {s for _g, s, _p, _o in b}
    labels_a, labels_b = _labels(a), _labels(b)
    labels = {**labels_a, **labels_b}
    grouped: dict[Term, dict[tuple[str, Term], Change]] = defaultdict(dict)
    for sign, quads in (("+", added), ("-", removed)):
        for g, s, p, o in quads:
            change = grouped[s].setdefault((g, p), Change(g, p))
            (change.added if sign == "+" else change.removed).append(o)
    entities = []
    for s in sorted(grouped, key=lambda t: (labels.get(t, "").casefold() or t.value, t)):
        status = "added" if s not in old_subjects else "removed" if s not in new_subjects else "changed"
        changes = sorted(grouped[s].values(), key=lambda c: (c.graph, c.predicate))
        for c in changes:
            c.added.sort()
            c.removed.sort()
        entities.append(EntityDiff(s, status, changes))
    return Diff(old, new, graphs, entities, labels, {**labels_b, **labels_a}, len(added), len(removed))


def check_graphs(names: list[str]) -> tuple[str, ...]:
    """Validate graph short names given on the command line."""
    for name in names:
        if name not in iris.GRAPH_NAMES:
            hint = closest(name, iris.GRAPH_NAMES)
            raise DiffInputError(
                Problem(
                    "--graphs",
                    f"unknown named graph {name!r}",
                    value=name,
                    expected=", ".join(iris.GRAPH_NAMES),
                    suggestion=hint[0] if hint else None,
                ),
                usage=True,
            )
    return tuple(names)


# -- rendering -------------------------------------------------------------------------------------
def curie(iri: str) -> str:
    """The shortest CURIE for `iri`, or <iri>."""
    for prefix, ns in sorted(iris.PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def show(t: Term) -> str:
    """A term as a reader writes it: CURIE, _:label, or a quoted literal with its language or type."""
    if t.kind == "iri":
        return curie(t.value)
    if t.kind == "bnode":
        return "_:" + t.value
    text = json.dumps(t.value, ensure_ascii=False)
    return text + (f"@{t.lang}" if t.lang else f"^^{curie(t.datatype)}" if t.datatype else "")


def _named(t: Term, labels: dict[Term, str]) -> str:
    label = labels.get(t)
    return f"{show(t)} {json.dumps(label, ensure_ascii=False)}" if label and t.kind != "literal" else show(t)


def _graph(g: str) -> str:
    return g[len(iris.GRAPH) :] if g.startswith(iris.GRAPH) else (g or "default")


def summary(d: Diff) -> dict[str, int]:
    """Counts of added, removed and changed entities and statements."""
    counts = {"added": 0, "removed": 0, "changed": 0}
    for e in d.entities:
        counts[e.status] += 1
    return {
        "entities_added": counts["added"],
        "entities_removed": counts["removed"],
        "entities_changed": counts["changed"],
        "statements_added": d.added,
        "statements_removed": d.removed,
    }


def to_text(d: Diff) -> str:
    """The diff for a terminal, grouped by entity and property."""
    s = summary(d)
    lines = [f"--- {d.old.path} ({d.old.file.name})", f"+++ {d.new.path} ({d.new.file.name})"]
    if d.old.has_graphs and d.new.has_graphs:
        left_out = [g for g in iris.GRAPH_NAMES if g not in d.graphs]
        lines.append(f"graphs: {', '.join(d.graphs)}" + (f" (left out: {', '.join(left_out)})" if left_out else ""))
    else:
        lines.append("graphs: none compared (an input has no named graphs): triples only")
    lines.append(
        f"entities: {s['entities_added']} added, {s['entities_removed']} removed, "
        f"{s['entities_changed']} changed; statements: {s['statements_added']} added, "
        f"{s['statements_removed']} removed"
    )
    if d.empty:
        lines.append("no differences")
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for e in d.entities:
        lines.append("")
        head = d.old_labels if e.status == "removed" else d.labels
        lines.append(
            f"{marks[e.status]} {_named(e.subject, head)}" + ("" if e.status == "changed" else f"  ({e.status})")
        )
        for c in e.changes:
            prop = _named(c.predicate, d.labels)
            where = f"  [{_graph(c.graph)}]" if c.graph else ""
            if len(c.added) == 1 and len(c.removed) == 1:
                lines.append(
                    f"    ~ {prop}: {_named(c.removed[0], d.old_labels)} -> {_named(c.added[0], d.labels)}{where}"
                )
                continue
            lines.extend(f"    - {prop}: {_named(o, d.old_labels)}{where}" for o in c.removed)
            lines.extend(f"    + {prop}: {_named(o, d.labels)}{where}" for o in c.added)
    return "\n".join(lines) + "\n"


def _json_term(t: Term, labels: dict[Term, str]) -> dict:
    out = {"kind": t.kind, "value": t.value}
    if t.kind == "iri":
        out["curie"] = curie(t.value)
    if t.datatype:
        out["datatype"] = t.datatype
    if t.lang:
        out["lang"] = t.lang
    if t in labels and t.kind != "literal":
        out["label"] = labels[t]
    return out


def to_json(d: Diff) -> str:
    """The diff as JSON."""
    doc = {
        "old": {"path": str(d.old.path), "file": str(d.old.file)},
        "new": {"path": str(d.new.path), "file": str(d.new.file)},
        "graphs": list(d.graphs) if d.old.has_graphs and d.new.has_graphs else [],
        "summary": summary(d),
        "entities": [
            {
                **_json_term(e.subject, d.old_labels if e.status == "removed" else d.labels),
                "status": e.status,
                "changes": [
                    {
                        "graph": _graph(c.graph) if c.graph else None,
                        "property": _json_term(c.predicate, d.labels),
                        "added": [_json_term(o, d.labels) for o in c.added],
                        "removed": [_json_term(o, d.old_labels) for o in c.removed],
                    }
                    for c in e.changes
                ],
            }
            for e in d.entities
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
