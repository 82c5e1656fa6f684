"""Write the static site: all or nothing, deterministic.

The site is made in a temporary directory beside the target (`.NAME.tmp-PID`), then put in place with
one rename: exchanged with the previous site in one step where Linux allows it (renameat2 with
RENAME_EXCHANGE), else renamed over an empty place. A run killed before that step leaves the previous
site whole and a temporary directory that the next run removes. Two runs for the same target take
turns (an flock on the target's parent directory). Unchanged inputs give byte-identical files: nothing
carries a time stamp, and every list is sorted.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from ..atomic import file_lock, fsync_dir

_TMP = ".tmp-"
_OLD = ".old-"
RENAME_EXCHANGE = 2  # linux/fs.h
AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _stale(target: Path) -> Iterator[Path]:
    for prefix in (_TMP, _OLD):
        yield from target.parent.glob(f".{target.name}{prefix}*")


@contextlib.contextmanager
def site_directory(target: Path, on_wait: Callable[[], None] | None = None) -> Iterator[Path]:
    """A fresh directory to fill; on a normal exit it becomes `target`, on an exception it is removed."""
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a directory; the site needs a directory there", str(target))
    with file_lock(target.parent, on_wait):
        for p in _stale(target):
            shutil.rmtree(p, ignore_errors=True)
        tmp = target.parent / f".{target.name}{_TMP}{os.getpid()}"
        tmp.mkdir()
        try:
            yield tmp
            os.chmod(tmp, 0o755)
            os.sync()  # the files' bytes on disk before the rename that publishes them
            if target.exists() and _exchange(tmp, target):
                old = tmp  # the exchange left the previous site under the temporary name
            else:
                old = target.parent / f".{target.name}{_OLD}{os.getpid()}"
                if target.exists():
                    os.rename(target, old)
                os.rename(tmp, target)
            fsync_dir(target.parent)
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def write_file(base: Path, name: str, data: bytes) -> None:
    """One file of the site (a plain write: the whole directory is published by one rename)."""
    path = base / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, 0o644)
