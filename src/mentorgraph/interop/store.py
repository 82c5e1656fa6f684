"""The exports' one way to read a build: its N-Quads in an in-memory pyoxigraph store, queried as a union.

`mentorgraph export` reads the current generation's mentorgraph.nq and `mentorgraph release` the
N-Quads it has just rendered, so both get the same answers from the same queries.
"""

from __future__ import annotations

from typing import Any

from .. import iris


class ExportError(Exception):
    """An export cannot be made (its output would not pass its own checks): CLI exit code 1."""


def open_nquads(nquads: bytes) -> Any:
    """An in-memory pyoxigraph store holding every named graph of `nquads`."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    return store


def run(store: Any, body: str) -> Any:
    """Run a SPARQL query (the project's prefixes declared) with the default graph as the union of all graphs."""
    return store.query(iris.sparql_prologue() + body, use_default_graph_as_union=True)
