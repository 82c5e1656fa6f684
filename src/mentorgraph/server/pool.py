"""A pool of warm query workers (worker.py) with a time limit that really stops the work.

Each request borrows an idle worker, sends it (op, args) and waits for the answer until the deadline.
A worker that misses the deadline is killed (SIGKILL: the engine cannot be interrupted any other way)
and replaced by a fresh one started in the background, so a long query costs one worker for at most
the time limit and never stalls the other clients. Workers are started with the "spawn" method: a
forked child would inherit the server's threads and sockets.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from pathlib import Path
from typing import Any

from . import worker


class PoolError(Exception):
    """The pool could not answer: `status` is the HTTP status to send (503 for timeout or overload)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class _Worker:
    def __init__(self, process, conn):
        self.process, self.conn = process, conn

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=5)
        finally:
            self.conn.close()


class Pool:
    """`size` worker processes over the store in `out`; `run` answers one request within a deadline."""

    def __init__(
        self,
        out: Path,
        root: Path,
        size: int = 2,
        allowed_services: list[str] | None = None,
        start_timeout: float = 60.0,
    ):
        self.out, self.root, self.size = out, root, size
        self.allowed_services = list(allowed_services or [])
        self.start_timeout = start_timeout
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0
        starting = [self._spawn() for _ in range(size)]
        for w in starting:
            self._await_ready(w)
            self._idle.put(w)

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=worker.main,
            name="mentorgraph-query-worker",
            daemon=True,
            args=(child, str(self.out), str(self.root), self.allowed_services),
        )
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        with self._lock:
            self._all.add(w)
        return w

    def _await_ready(self, w: _Worker) -> None:
        if not w.conn.poll(self.start_timeout):
            self._discard(w)
            raise RuntimeError("a query worker did not start in time")
        try:
            status, *rest = w.conn.recv()
        except EOFError:
            self._discard(w)
            raise RuntimeError("a query worker exited while starting") from None
        if status != "ok":
            self._discard(w)
            raise RuntimeError(rest[-1])

    def _discard(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
        w.kill()

    def _replace(self, w: _Worker) -> None:
        """Kill `w` now; start its successor in the background (start-up takes a fraction of a second)."""
        self._discard(w)
        self.replaced += 1

        def start() -> None:
            if self._closed:
                return
            fresh = self._spawn()
            try:
                self._await_ready(fresh)
            except RuntimeError:
                return
            if self._closed:
                self._discard(fresh)
            else:
                self._idle.put(fresh)

        threading.Thread(target=start, name="mentorgraph-worker-replace", daemon=True).start()

    def run(self, op: str, timeout: float, **args: Any) -> Any:
        """The worker's answer to (op, args), or raise PoolError / worker.WorkerError."""
        deadline = time.monotonic() + timeout
        try:
            w = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolError(503, f"every query worker stayed busy for {timeout:g} s; try again shortly") from None
        remaining = deadline - time.monotonic()
        try:
            w.conn.send((op, args))
            if not w.conn.poll(max(remaining, 0.001)):
                self._replace(w)
                raise PoolError(
                    503,
                    f"the query ran longer than the time limit of {timeout:g} s and was "
                    "stopped; narrow it down (LIMIT, more specific patterns) and try again",
                )
            answer = w.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(w)
            raise PoolError(503, "the query worker stopped unexpectedly (out of memory?); try again") from None
        self._idle.put(w)
        if answer[0] == "ok":
            return answer[1]
        raise worker.WorkerError(answer[1], answer[2])

    def alive(self) -> int:
        with self._lock:
            return sum(1 for w in self._all if w.process.is_alive())

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()
