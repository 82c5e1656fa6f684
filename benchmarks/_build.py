"""What the benchmarks share: a build to measure, given (--out) or made into a temporary directory."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def build_dir(out: Path | None, prefix: str) -> Iterator[Path]:
    """`out` as it is when given; else a fresh build of the project, removed afterwards."""
    if out is not None:
        yield out
        return
    from mentorgraph.pipeline.build import build

    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        build(ROOT, tmp / "dist")
        yield tmp / "dist"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
