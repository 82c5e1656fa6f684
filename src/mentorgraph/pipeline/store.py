"""The embedded pyoxigraph store of a generation (dist/builds/<id>/store/).

The build writes it once from the N-Quads export (and the linked datasets); queries open it
read-only, so nothing is re-parsed, re-reasoned or re-validated per query. It is written inside the
generation's temporary directory, so it is only ever seen complete (layout.new_generation).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

from ..layout import Generation, current_generation


def build_store(nquads: bytes, path: Path) -> Path:
    """Create a new store at `path` (which must not exist yet) from N-Quads bytes."""
    store = pyoxigraph.Store(str(path))
    store.bulk_load(input=nquads, format=pyoxigraph.RdfFormat.N_QUADS)
    store.flush()
    del store
    return path


def open_store(where: Path | Generation) -> pyoxigraph.Store:
    """Open a generation's store read-only (a build directory: its current generation).

    Raises layout.NoBuild with the fix when there is no built store.
    """
    gen = where if isinstance(where, Generation) else current_generation(where)
    if not gen.store.is_dir():
        from ..layout import NoBuild

        raise NoBuild(f"no built store at {gen.store}; run `mentorgraph build` first")
    return pyoxigraph.Store.read_only(str(gen.store))
