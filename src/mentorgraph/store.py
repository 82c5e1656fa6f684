"""The embedded pyoxigraph store under the build directory (dist/store/).

The build writes it once from the N-Quads export; queries open it read-only, so nothing is
re-parsed, re-reasoned or re-validated per query. The store is built in a temporary directory and
swapped into place, so an interrupted build leaves the previous store intact.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pyoxigraph

STORE_DIR = "store"


def build_store(nquads: bytes, out: Path) -> Path:
    """Create out/store from N-Quads bytes, replacing any previous store only once complete."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".store.", dir=out))
    try:
        store = pyoxigraph.Store(str(tmp / "db"))
        store.bulk_load(input=nquads, format=pyoxigraph.RdfFormat.N_QUADS)
        store.flush()
        del store
        final = out / STORE_DIR
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=".store-old.", dir=out))
            final.rename(old / "store")
        (tmp / "db").rename(final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out / STORE_DIR


def open_store(out: Path) -> pyoxigraph.Store:
    """Open the built store read-only; raise FileNotFoundError with a hint if it is missing."""
    path = out / STORE_DIR
    if not path.is_dir():
        raise FileNotFoundError(f"no built graph at {path}; run `mentorgraph build` first")
    return pyoxigraph.Store.read_only(str(path))
