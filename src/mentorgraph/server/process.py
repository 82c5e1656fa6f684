"""One query process as its front end sees it: the child process, its socket, and its answers.

A query process (worker.py) starts warm, with nothing opened; `open` binds it to one generation for
the rest of its life. `Spares` keeps a few warm processes ready per front end, so that switching
to a new build, or replacing a process killed at the time limit, costs opening a store (tens of
milliseconds), not starting an interpreter. Processes are started with fork+exec of
`python -m mentorgraph.server.worker`, so they share nothing with the front end but their socket.
"""

from __future__ import annotations

import asyncio
import collections
import os
import socket
import subprocess
import sys
from pathlib import Path

from . import wire


class StartError(Exception):
    """A query process could not be started or could not open its generation."""


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
    async def spawn(
        cls, root: Path, max_memory: int, timeout: float, starting: set[subprocess.Popen] | None = None
    ) -> QueryProcess:
        """Start one warm query process (interpreter up, nothing opened). While it starts, its child is in
        `starting`, so a front end that stops meanwhile can kill it instead of leaving it behind."""
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "mentorgraph.server.worker", str(theirs.fileno()), str(root)]
                + [str(max_memory), str(os.getpid())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=False,
            )
        finally:
            theirs.close()
        if starting is not None:
            starting.add(proc)
        try:
            transport, channel = await loop.create_unix_connection(_Channel, sock=ours)
            qp = cls(proc, transport, channel)
            try:
                await qp.ask(None, timeout)
            except (TimeoutError, EOFError):
                qp.kill()
                raise StartError("a query process did not start") from None
            except asyncio.CancelledError:
                qp.kill(wait=True)
                raise
        finally:
            if starting is not None:
                starting.discard(proc)
        return qp

    async def open(self, gen: Path, timeout: float) -> dict:
        """Bind this warm process to generation `gen`; its ready message (the graphs it holds)."""
        try:
            header, _ = await self.ask(wire.frame({"op": "open", "args": {"generation": str(gen)}}), timeout)
        except (TimeoutError, EOFError):
            self.kill()
            raise StartError(f"a query process could not open generation {gen.name} in time") from None
        if not header.get("ok"):
            self.kill()
            raise StartError(header.get("message", f"a query process could not open generation {gen.name}"))
        return header

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


def _expire(fut: asyncio.Future) -> None:
    if not fut.done():
        fut.set_exception(TimeoutError())


class Spares:
    """Warm query processes kept ready by one front end (`count` of them)."""

    def __init__(self, root: Path, max_memory: int, count: int, timeout: float):
        self.root, self.max_memory, self.count, self.timeout = root, max_memory, count, timeout
        self._ready: collections.deque[QueryProcess] = collections.deque()
        self._starting = 0
        self._children: set[subprocess.Popen] = set()  # started, not yet ready
        self._closed = False

    async def take(self) -> QueryProcess:
        """A warm process: a spare if one is ready (then another is started), else a new one."""
        if self._closed:
            raise StartError("the server is stopping")
        while self._ready:
            qp = self._ready.popleft()
            if qp.proc.poll() is None and not qp.channel.lost:
                self.fill()
                return qp
            qp.kill()
        self.fill()
        return await QueryProcess.spawn(self.root, self.max_memory, self.timeout, self._children)

    async def prime(self, n: int) -> None:
        """Start `n` processes now and wait for them (at start-up: the first pool takes its processes
        from these, and the rest stay spares, so the server is warm when it says it listens)."""
        started = await asyncio.gather(
            *(QueryProcess.spawn(self.root, self.max_memory, self.timeout, self._children) for _ in range(n)),
            return_exceptions=True,
        )
        self._ready.extend(qp for qp in started if isinstance(qp, QueryProcess))

    def fill(self) -> None:
        """Start processes in the background until `count` are ready or starting."""
        loop = asyncio.get_running_loop()
        while not self._closed and len(self._ready) + self._starting < self.count:
            self._starting += 1
            loop.create_task(self._start_one())

    async def _start_one(self) -> None:
        try:
            qp = await QueryProcess.spawn(self.root, self.max_memory, self.timeout, self._children)
        except (StartError, OSError):
            return
        finally:
            self._starting -= 1
        if self._closed:
            qp.kill(wait=True)
        else:
            self._ready.append(qp)

    def close(self) -> None:
        """Stop every spare (they hold nothing), and every process still starting."""
        self._closed = True
        while self._ready:
            self._ready.popleft().kill(wait=True)
        for proc in list(self._children):
            proc.kill()
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
