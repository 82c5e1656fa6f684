"""The query processes of one generation in one front end, with a time limit that really stops the work.

Each request borrows an idle query process (process.py, worker.py), sends it one frame and awaits
the answer until the deadline, on the front end's event loop (no thread per request). A process
that misses the deadline is killed (SIGKILL: the engine cannot be interrupted any other way) and
replaced by a spare that opens the same generation, so a long query costs one process for at most
the time limit and never stalls the other clients.
"""

from __future__ import annotations

import asyncio
import collections
import json
import signal
import subprocess
from pathlib import Path
from typing import Any

from . import wire
from .log import log
from .process import QueryProcess, Spares, StartError, _expire
from .worker import WorkerError


class PoolError(Exception):
    """The pool could not answer: `status` is the HTTP status to send (503 for a timeout or overload)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class _Stopping(Exception):
    """The server is stopping and this request's grace period is over."""


def _stop(fut: asyncio.Future | None) -> None:
    if fut is not None and not fut.done():
        fut.set_exception(_Stopping())


class Pool:
    """`size` query processes over one generation; `request` answers one operation within a deadline."""

    def __init__(self, gen: Path, size: int, spares: Spares, start_timeout: float = 60.0):
        self.gen, self.size, self.spares = gen, size, spares
        self.start_timeout = start_timeout
        self.graphs: list[str] = []
        self.replaced = 0
        self.busy = 0
        self._all: set[QueryProcess] = set()
        self._killed: list[QueryProcess] = []  # killed, maybe not yet reaped: close(wait) waits for them
        self._idle: collections.deque[QueryProcess] = collections.deque()
        self._waiters: collections.deque[asyncio.Future] = collections.deque()
        self._closed = False
        self._stopping = False

    async def _open_one(self) -> tuple[QueryProcess, dict]:
        qp = await self.spares.take()
        return qp, await qp.open(self.gen, self.start_timeout)

    async def start(self) -> None:
        """Open the generation in `size` processes; PoolError (and nothing left running) if one cannot."""
        started = await asyncio.gather(*(self._open_one() for _ in range(self.size)), return_exceptions=True)
        failure = next((s for s in started if isinstance(s, BaseException)), None)
        if failure is not None:
            for s in started:
                if not isinstance(s, BaseException):
                    s[0].kill()
            raise PoolError(503, str(failure)) if isinstance(failure, StartError | OSError) else failure
        self.graphs = started[0][1].get("graphs", [])
        for qp, _ in started:
            self._all.add(qp)
            self._idle.append(qp)

    # -- borrowing -------------------------------------------------------------------------------------
    async def _acquire(self, timeout: float) -> QueryProcess:
        if self._idle:
            # The process that answered last: its caches (the store's blocks, the CPU's) are warm, and
            # under light load one process does most of the work instead of all taking turns.
            return self._idle.pop()
        if self._stopping:  # no process will come free in time
            raise PoolError(503, "the server is stopping; try again in a moment")
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._waiters.append(fut)
        timer = loop.call_later(max(timeout, 0.001), _expire, fut)
        try:
            return await fut
        except TimeoutError:
            raise PoolError(503, f"every query process stayed busy for {timeout:g} s; try again shortly") from None
        finally:
            timer.cancel()

    def _release(self, qp: QueryProcess) -> None:
        if self._closed:
            self._discard(qp)
            return
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(qp)
                return
        self._idle.append(qp)

    def _discard(self, qp: QueryProcess, wait: bool = False) -> None:
        self._all.discard(qp)
        qp.kill(wait)
        if not wait:
            self._killed = [k for k in self._killed if k.proc.returncode is None] + [qp]

    def _replace(self, qp: QueryProcess, why: str) -> None:
        """Kill `qp` now; start its successor in the background (start-up takes a fraction of a second)."""
        self._discard(qp)
        self.replaced += 1
        log({"event": "query-process-replaced", "generation": self.gen.name, "reason": why})
        asyncio.get_running_loop().create_task(self._refill())

    async def _refill(self) -> None:
        if self._closed or self._stopping:
            return
        try:
            qp, _ = await self._open_one()
        except (StartError, OSError) as exc:
            log({"event": "query-process-lost", "generation": self.gen.name, "error": str(exc)})
            return
        self._all.add(qp)
        self._release(qp)

    # -- requests --------------------------------------------------------------------------------------
    async def request(self, op: str, args: dict[str, Any], timeout: float) -> tuple[dict, bytes]:
        """The (header, body) answer to `op`; PoolError for a timeout or a dead process, WorkerError
        for an operation that failed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        self.busy += 1
        try:
            qp = await self._acquire(timeout)
            try:
                header, body = await qp.ask(wire.frame({"op": op, "args": args}), deadline - loop.time())
            except TimeoutError:
                self._replace(qp, "time limit")
                raise PoolError(
                    503,
                    f"the query ran longer than the time limit of {timeout:g} s and was stopped; narrow it "
                    "down (LIMIT, more specific patterns) and try again",
                ) from None
            except _Stopping:
                self._discard(qp)
                raise PoolError(503, "the server is stopping; try again in a moment") from None
            except (EOFError, OSError):
                raise PoolError(503, await self._died(qp)) from None
            except asyncio.CancelledError:  # the client went away: the process may still be working
                self._replace(qp, "cancelled")
                raise
            self._release(qp)
        finally:
            self.busy -= 1
        if not header["ok"]:
            raise WorkerError(header["kind"], header["message"])
        return header, body

    async def _died(self, qp: QueryProcess) -> str:
        """Replace a process that died answering; say why (SIGABRT: an allocation over RLIMIT_AS failed)."""
        loop = asyncio.get_running_loop()
        try:
            code = await loop.run_in_executor(None, qp.proc.wait, 2)
        except Exception:  # still not gone: it is killed below
            code = None
        self._replace(qp, "exited")
        if code == -signal.SIGABRT and self.spares.max_memory:
            return (
                f"the query needed more memory than this server allows ({self.spares.max_memory} MiB per query); "
                "narrow it down (LIMIT, more specific patterns, no ORDER BY over everything) and try again"
            )
        return "the query process stopped unexpectedly; try again"

    async def call(self, op: str, args: dict[str, Any], timeout: float) -> Any:
        """An operation's answer: its JSON value, or its bytes."""
        header, body = await self.request(op, args, timeout)
        return json.loads(body) if header.get("json") else body

    def stop_within(self, grace: float) -> None:
        """The server is stopping: requests still running after `grace` seconds are answered 503 (their
        processes killed), so every in-flight request gets a whole answer before the front end exits."""
        self._stopping = True
        loop = asyncio.get_running_loop()
        for qp in self._all:
            if qp.channel.waiter is not None:
                loop.call_later(grace, _stop, qp.channel.waiter)
        while self._waiters:  # requests waiting for a process would wait past the end
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_exception(PoolError(503, "the server is stopping; try again in a moment"))

    def alive(self) -> int:
        """How many of the processes are running."""
        return sum(1 for qp in self._all if qp.proc.poll() is None)

    def close(self, wait: bool = False) -> None:
        """Kill every process (they hold nothing that needs saving: the store is read-only); with
        `wait`, reap them before returning, so nothing outlives a stopping front end."""
        self._closed = True
        for qp in list(self._all):
            self._discard(qp, wait)
        if wait:
            for qp in self._killed:
                try:
                    qp.proc.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    pass
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_exception(PoolError(503, "the server is stopping"))
