"""The query processes of one generation in one front end, with a time limit that really stops the work.

Each request borrows an idle query process (worker.py), sends it one frame and awaits the answer
until the deadline, on the front end's event loop (no thread per request). A process that misses the
deadline is killed (SIGKILL: the engine cannot be interrupted any other way) and replaced by a fresh
one started in the background, so a long query costs one process for at most the time limit and
never stalls the other clients. Query processes are started with fork+exec of
`python -m mentorgraph.server.worker`, so they share nothing with the front end but their socket.
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from . import wire
from .log import log
from .worker import WorkerError


class PoolError(Exception):
    """The pool could not answer: `status` is the HTTP status to send (503 for a timeout or overload)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class _Channel(asyncio.Protocol):
    """The front end's end of one query process's socket: collects bytes until a frame is complete."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.waiter: asyncio.Future | None = None
        self.lost = False

    def data_received(self, data: bytes) -> None:
        self.buf += data
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        try:
            parsed = wire.split(self.buf)
        except ValueError as exc:
            waiter.set_exception(EOFError(str(exc)))
            return
        if parsed is not None:
            header, body, used = parsed
            del self.buf[:used]
            waiter.set_result((header, body))

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(EOFError("the query process closed its socket"))


class QueryProcess:
    """One running `mentorgraph.server.worker` and the socket to it."""

    def __init__(self, proc: subprocess.Popen, transport: asyncio.Transport, channel: _Channel):
        self.proc, self.transport, self.channel = proc, transport, channel

    @classmethod
    async def start(cls, gen: Path, root: Path, max_memory: int, timeout: float) -> tuple[QueryProcess, dict]:
        """Start one query process over `gen`; return it and its ready message (the graphs it holds)."""
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "mentorgraph.server.worker", str(theirs.fileno()), str(gen), str(root)]
                + [str(max_memory), str(os.getpid())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=False,
            )
        finally:
            theirs.close()
        transport, channel = await loop.create_unix_connection(_Channel, sock=ours)
        qp = cls(proc, transport, channel)
        try:
            header, _ = await qp.ask(None, timeout)
        except (TimeoutError, EOFError):
            qp.kill()
            raise PoolError(503, f"a query process for generation {gen.name} did not start") from None
        if not header.get("ok"):
            qp.kill()
            raise PoolError(503, header.get("message", "a query process could not start"))
        return qp, header

    async def ask(self, data: bytes | None, timeout: float) -> tuple[dict, bytes]:
        """Send `data` (None: just wait) and await one answer frame for at most `timeout` seconds."""
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self.channel.waiter = fut
        if self.channel.lost:
            raise EOFError("the query process is gone")
        parsed = wire.split(self.channel.buf) if self.channel.buf else None
        if parsed is not None:  # an answer already waiting (the ready message)
            del self.channel.buf[: parsed[2]]
            return parsed[0], parsed[1]
        if data is not None:
            self.transport.write(data)
        timer = loop.call_later(max(timeout, 0.001), _expire, fut)
        try:
            return await fut
        finally:
            timer.cancel()
            self.channel.waiter = None

    def kill(self, wait: bool = False) -> None:
        """SIGKILL the process and close the socket; reaped now (`wait`) or in the background."""
        try:
            self.proc.kill()
        except OSError:
            pass
        self.transport.close()
        if wait:
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
            return
        try:
            asyncio.get_running_loop().run_in_executor(None, self.proc.wait)
        except RuntimeError:  # no running loop: reap now
            self.proc.wait()


def _expire(fut: asyncio.Future) -> None:
    if not fut.done():
        fut.set_exception(TimeoutError())


class Pool:
    """`size` query processes over one generation; `request` answers one operation within a deadline."""

    def __init__(self, gen: Path, root: Path, size: int, max_memory: int, start_timeout: float = 60.0):
        self.gen, self.root, self.size, self.max_memory = gen, root, size, max_memory
        self.start_timeout = start_timeout
        self.graphs: list[str] = []
        self.replaced = 0
        self.busy = 0
        self._all: set[QueryProcess] = set()
        self._idle: collections.deque[QueryProcess] = collections.deque()
        self._waiters: collections.deque[asyncio.Future] = collections.deque()
        self._closed = False

    async def start(self) -> None:
        """Start every process; raise PoolError (and leave nothing running) if one cannot open the store."""
        started = await asyncio.gather(
            *(QueryProcess.start(self.gen, self.root, self.max_memory, self.start_timeout) for _ in range(self.size)),
            return_exceptions=True,
        )
        failure = next((s for s in started if isinstance(s, BaseException)), None)
        if failure is not None:
            for s in started:
                if not isinstance(s, BaseException):
                    s[0].kill()
            raise failure if isinstance(failure, PoolError) else PoolError(503, str(failure))
        self.graphs = started[0][1].get("graphs", [])
        for qp, _ in started:
            self._all.add(qp)
            self._idle.append(qp)

    # -- borrowing -------------------------------------------------------------------------------------
    async def _acquire(self, timeout: float) -> QueryProcess:
        if self._idle:
            return self._idle.popleft()
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

    def _replace(self, qp: QueryProcess, why: str) -> None:
        """Kill `qp` now; start its successor in the background (start-up takes a fraction of a second)."""
        self._discard(qp)
        self.replaced += 1
        log({"event": "query-process-replaced", "generation": self.gen.name, "reason": why})
        asyncio.get_running_loop().create_task(self._refill())

    async def _refill(self) -> None:
        if self._closed:
            return
        try:
            qp, _ = await QueryProcess.start(self.gen, self.root, self.max_memory, self.start_timeout)
        except PoolError as exc:
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
            except (EOFError, OSError):
                self._replace(qp, "exited")
                raise PoolError(
                    503, "the query process stopped (the query needed more memory than allowed?); try again"
                ) from None
            except asyncio.CancelledError:  # the client went away: the process may still be working
                self._replace(qp, "cancelled")
                raise
            self._release(qp)
        finally:
            self.busy -= 1
        if not header["ok"]:
            raise WorkerError(header["kind"], header["message"])
        return header, body

    async def call(self, op: str, args: dict[str, Any], timeout: float) -> Any:
        """An operation's answer: its JSON value, or its bytes."""
        header, body = await self.request(op, args, timeout)
        return json.loads(body) if header.get("json") else body

    def alive(self) -> int:
        """How many of the processes are running."""
        return sum(1 for qp in self._all if qp.proc.poll() is None)

    def close(self, wait: bool = False) -> None:
        """Kill every process (they hold nothing that needs saving: the store is read-only); with
        `wait`, reap them before returning, so nothing outlives a stopping front end."""
        self._closed = True
        for qp in list(self._all):
            self._discard(qp, wait)
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_exception(PoolError(503, "the server is stopping"))
