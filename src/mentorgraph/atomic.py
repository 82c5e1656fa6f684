"""Crash-safe file primitives shared by the build (layout.py) and the data writer (datafiles.py).

A file is replaced by writing a temporary file beside it, fsyncing it and renaming it over the old
one (rename is atomic on POSIX: a reader sees the old bytes or the new, never a mix). A lock is an
advisory `flock` on a lock file; the kernel drops it when its holder exits, even after kill -9, so a
crashed writer never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


class Busy(Exception):
    """Another process holds the lock and the caller asked not to wait."""


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink inside `path` durable (the directory entry itself is data)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same directory and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_symlink(target: str, link: Path) -> None:
    """Point `link` at `target` in one step: a temporary symlink renamed over the old link or file."""
    tmp = link.parent / f".{link.name}.{os.getpid()}.link"
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    try:
        os.replace(tmp, link)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def file_lock(path: Path, on_wait: Callable[[], None] | None = None, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on `path` (a directory, or a file created if needed) during the block.

    Locking a directory itself leaves nothing behind in it (no lock file to clean up or to mistake
    for data).

    When another process holds it, `on_wait()` is called once (to tell the person why nothing
    happens) and the call blocks until the lock is free, or raises Busy when `wait` is false.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDONLY) if path.is_dir() else os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            if not wait:
                raise Busy(str(path)) from None
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
