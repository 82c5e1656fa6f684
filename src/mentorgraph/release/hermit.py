"""HermiT, a real OWL 2 DL reasoner (bundled with owlready2), run on the machine's Java."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from rdflib import Graph, URIRef
from .profile import curie
from rdflib.namespace import OWL


@dataclass(frozen=True)
class HermitResult:
    """What HermiT said: consistent or not, and the unsatisfiable classes."""

    consistent: bool
    unsatisfiable: list[str]


class ReasonerUnavailable(RuntimeError):
    """Java or owlready2 is missing."""


def hermit(g: Graph, java: str | None = None) -> HermitResult:
    """Classify `g` with HermiT (owlready2's bundled jar). Raises owlready2's error for non-DL input."""
    java = java or shutil.which("java")
    if not java:
        raise ReasonerUnavailable("no `java` on PATH: HermiT needs a Java runtime")
    import owlready2

    owlready2.JAVA_EXE = java
    with tempfile.TemporaryDirectory(prefix="mentorgraph-hermit-") as tmp:
        # owlready2 reads RDF/XML, OWL/XML or N-Triples, not Turtle.
        path = Path(tmp) / "ontology.nt"
        g.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return HermitResult(False, [])
        # owlready2 lists owl:Nothing among them whenever any class is unsatisfiable.
        unsat = sorted(curie(URIRef(c.iri)) for c in world.inconsistent_classes() if URIRef(c.iri) != OWL.Nothing)
        world.close()
        return HermitResult(True, unsat)
