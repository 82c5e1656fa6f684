"""The embedded pyoxigraph store of a generation (dist/builds/<id>/store/).

The build writes it once from the N-Quads export (and the linked datasets); queries open it
read-only, so nothing is re-parsed, re-reasoned or re-validated per query. It is written inside the
generation's temporary directory, so it is only ever seen complete (layout.new_generation).
"""

from __future__ import annotations

import errno
from pathlib import Path

import pyoxigraph

from ..layout import Generation, current_generation


def build_store(nquads: bytes, path: Path) -> Path:
    """Create a new store at `path` (which must not exist yet) from N-Quads bytes."""
    try:
        store = pyoxigraph.Store(str(path))
        store.bulk_load(input=nquads, format=pyoxigraph.RdfFormat.N_QUADS)
        store.flush()
        del store
    except OSError as exc:
        # The store's own I/O errors carry no errno; a full disk is named in words (RocksDB's message).
        if exc.errno is None and "No space left on device" in str(exc):
            raise OSError(errno.ENOSPC, "No space left on device", str(path)) from exc
        raise
    return path


def open_store(where: Path | Generation) -> pyoxigraph.Store:
    """Open a generation's store read-only (a build directory: its current generation).

    Raises layout.NoBuild with the fix when there is no built store, layout.DamagedBuild when its
    files do not match the checksums recorded when it was built.
    """
    from ..layout import STORE, NoBuild, verify

    gen = where if isinstance(where, Generation) else current_generation(where)
    if not gen.store.is_dir():
        raise NoBuild(f"no built store at {gen.store}; run `mentorgraph build` first")
    # A damaged store can make the engine read garbage for minutes and gigabytes: check it first.
    verify(gen, STORE + "/")
    return pyoxigraph.Store.read_only(str(gen.store))
