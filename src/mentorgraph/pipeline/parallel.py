"""Run one stage in a forked process while the caller runs another: the build's use of a second core.

The build's SHACL validation and its OWL RL closure read the same loaded graphs and do not depend on
each other; each is pure Python and holds the interpreter, so threads cannot overlap them. A forked
child starts with the loaded graphs already in its memory (nothing is copied or re-parsed), runs
one function and sends back its result, pickled, through a pipe. The child writes no file: a kill
of the build at any moment leaves nothing of it behind (an orphaned child finds the pipe closed
and exits).

Forking is only done where it is safe and useful: on a platform with `fork` (not macOS or Windows,
where it is unsafe or absent), in a process running no other thread (a thread holding a lock at
the fork would leave the child stuck), with more than one CPU available, and unless
$MENTORGRAPH_PROCESSES is 1. Otherwise, and whenever the child dies without an answer, the
function runs in the caller's own process: the result is the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

ENV = "MENTORGRAPH_PROCESSES"


def can_fork() -> bool:
    """Whether a stage may run in a forked process here (see the module docstring)."""
    if os.environ.get(ENV, "").strip() == "1" or sys.platform != "linux":
        return False
    if threading.active_count() > 1:
        return False
    return len(os.sched_getaffinity(0)) > 1


def processes() -> int:
    """How many processes may work at once here: the CPUs available, or 1 where forking is not done."""
    return len(os.sched_getaffinity(0)) if can_fork() else 1


def die_with(parent: int) -> bool:
    """SIGKILL this process when `parent` dies, however it dies (Linux; elsewhere a pipe or socket
    tells); False when `parent` has already died, and the caller should exit.

    A process killed with SIGKILL cannot end its children, and a child blocked on a pipe or socket
    whose other end it inherited too would wait for ever. Used by the build's stage child and the
    server's query processes."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass
    return os.getppid() == parent  # not: the parent died before the line above


def _child(conn, parent: int, fn: Callable[..., Any], args: tuple) -> None:
    """The forked process: run `fn(*args)`, send ("ok", value) or ("error", exception)."""
    if not die_with(parent):
        os._exit(0)
    # Ctrl-C goes to the whole process group: the parent handles it (and ends this child).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        message = ("ok", fn(*args))
    except Exception as exc:  # sent to the parent, which raises it as its own
        message = ("error", exc)
    try:
        conn.send(message)
    except Exception:
        try:  # an exception that cannot be pickled travels as its text
            conn.send(("error", RuntimeError(f"{type(message[1]).__name__}: {message[1]}")))
        except OSError:  # the parent is gone (killed): nothing to report to
            pass
    finally:
        conn.close()


class Stage:
    """`fn(*args)` started in a forked process, or run on `result()` when it cannot be."""

    def __init__(self, fn: Callable[..., Any], *args: Any, fork: bool = True):
        self._fn, self._args = fn, args
        self._proc = self._conn = None
        if fork and can_fork():
            for stream in (sys.stdout, sys.stderr):  # or the child would write their buffers a second time
                if stream is not None:
                    stream.flush()
            ctx = multiprocessing.get_context("fork")
            self._conn, child_conn = ctx.Pipe(duplex=False)
            self._proc = ctx.Process(target=_child, args=(child_conn, os.getpid(), fn, args), daemon=True)
            self._proc.start()
            child_conn.close()

    @property
    def forked(self) -> bool:
        """Whether the stage runs in a child process."""
        return self._proc is not None

    def result(self) -> Any:
        """The function's value (its exception is raised here), waiting for the child if there is one."""
        if self._proc is None:
            return self._fn(*self._args)
        try:
            status, value = self._conn.recv()
        except (EOFError, OSError):  # the child died without an answer: do the work here
            status, value = "ok", self._fn(*self._args)
        finally:
            self.close()
        if status == "error":
            raise value
        return value

    def close(self) -> None:
        """End the child (if it still runs) and release the pipe; safe to call more than once."""
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join()
            self._conn.close()
            self._proc = None
