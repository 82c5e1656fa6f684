"""Stage outputs of the current generation, reused by the next build when their inputs are unchanged.

A build records, in its generation's `.stages.json` (layout.STAGES), a key for the inputs of each
stage: a SHA-256 over what the stage reads and over the code (every module of the package, as in
the generation id). The next build computes the same keys and takes a stage's output from the
current generation instead of running the stage when its key is the one recorded there:

- "exports": the files of ontology/ and data/ (and the code). Unchanged, every export file is
  copied from the current generation; only queries/ or the linked datasets differ (new generation
  id), so nothing is loaded, reasoned over or validated.
- "reason": the triples the OWL RL stage reasons over (reason.closure_input: annotations, labels and
  the evidence graph are not among them), blank nodes canonically labelled. Unchanged, the inferred
  graph is read back from the current generation's N-Quads export.
- "validate": the asserted triples SHACL validates, the shapes file and the code. Unchanged, the
  validation report is copied from the current generation (only a conforming build is ever written).

Reused outputs are files of a complete generation whose checksums match (layout.verify); a stage whose
recorded output cannot be used (damaged, absent, blank nodes in the inferred graph) simply runs. The
new generation is written exactly as a full build writes it: tests/test_build_cache.py compares every
file with a build from scratch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import iris, layout
from ..layout import CODE_PREFIX

if TYPE_CHECKING:  # rdflib is imported where it is used: reusing every export does not need it
    from rdflib import Graph

STAGES = ("exports", "reason", "validate")


def _digest(parts: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def files_key(parts: Iterable[tuple[str, bytes]]) -> str:
    """The key of the exports: every ontology/, data/ and code part of layout.input_parts."""
    wanted = (layout.ONTOLOGY_DIR + "/", layout.DATA_DIR + "/", CODE_PREFIX)
    return _digest(name.encode("utf-8") + b"\0" + data for name, data in sorted(parts) if name.startswith(wanted))


def code_key(parts: Iterable[tuple[str, bytes]]) -> str:
    """The key of the code alone (the code parts of layout.input_parts)."""
    return _digest(name.encode("utf-8") + b"\0" + data for name, data in sorted(parts) if name.startswith(CODE_PREFIX))


def triples_key(triples: Iterable[tuple], code: str, *extra: bytes) -> str:
    """A key for a set of triples (blank nodes labelled canonically), the code and `extra` bytes.

    Only the triples that hold a blank node are canonicalized (the others cannot be renamed): two
    inputs get the same key exactly when they are isomorphic graphs.
    """
    from rdflib import BNode, Graph
    from rdflib.compare import to_canonical_graph

    ground, blank = [], Graph()
    for t in triples:
        if any(isinstance(x, BNode) for x in t):
            blank.add(t)
        else:
            ground.append(" ".join(x.n3() for x in t))
    if len(blank):
        ground += (" ".join(x.n3() for x in t) for t in to_canonical_graph(blank))
    rows = "\n".join(sorted(set(ground))).encode("utf-8")
    return _digest([code.encode("ascii"), rows, *extra])


@dataclass
class Previous:
    """The current generation's recorded stage keys, and its outputs read on demand."""

    generation: layout.Generation | None = None
    keys: dict[str, str] = field(default_factory=dict)

    def matches(self, stage: str, key: str) -> bool:
        """Whether `stage` ran on inputs with this key in the current generation."""
        return self.generation is not None and self.keys.get(stage) == key

    # A generation read here may be removed meanwhile by builds writing two newer ones (layout.py keeps
    # the current and the previous): an output that cannot be read is an output not reused.
    def exports(self, key: str) -> dict[str, bytes] | None:
        """Every export file of the current generation (not its store or linked datasets), or None."""
        if not self.matches("exports", key):
            return None
        gen, linked = self.generation, set(layout.LINKED.values())
        try:
            return {n: p.read_bytes() for n, p in gen.files().items() if p.is_file() and n not in linked}
        except OSError:
            return None

    def inferred(self, key: str) -> Graph | None:
        """The inferred graph of the current generation, or None (also when it holds blank nodes)."""
        if not self.matches("reason", key):
            return None
        tail = f" <{iris.GRAPH}inferred> ."
        try:
            text = self.generation.file(layout.NQUADS).read_text(encoding="utf-8")
        except OSError:
            return None
        rows = [q[: -len(tail)] + " ." for q in text.split("\n") if q.endswith(tail)]
        if any("_:" in row for row in rows):  # blank nodes would not be the loaded graphs' own
            return None
        from rdflib import Graph

        return Graph().parse(data="\n".join(rows) + "\n", format="nt")

    def report(self, key: str) -> bytes | None:
        """The current generation's validation report (Turtle), or None."""
        if not self.matches("validate", key):
            return None
        try:
            return self.generation.file(layout.REPORT).read_bytes()
        except OSError:
            return None


def previous(out: Path) -> Previous:
    """The current generation of `out` as a source of stage outputs; empty if there is none to trust."""
    try:
        gen = layout.current_generation(out)
        keys = json.loads(gen.file(layout.STAGES).read_text(encoding="utf-8"))
        layout.verify(gen)  # its files are what was built, or nothing is reused from it
    except (OSError, ValueError):
        return Previous()
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        return Previous()
    return Previous(gen, {k: v for k, v in keys.items() if k in STAGES})


def record(keys: dict[str, str]) -> bytes:
    """The bytes of a generation's `.stages.json`."""
    return (json.dumps(dict(sorted(keys.items())), indent=1) + "\n").encode("utf-8")
