"""The bounded worker: a process that runs approved queries on one generation and is killed at the
limits (limits.py). Neither pyoxigraph nor rdflib can be interrupted while they evaluate, so the
only time limit that really stops the work, and the only Ctrl-C that works at once, is killing the
process doing it; and only a process of its own can carry a memory limit (RLIMIT_AS).

    engine = WorkerEngine("oxigraph", generation, Limits())   # an engine like the others
    result = engine.run(approved)                              # LimitExceeded at a limit
    engine.close()

The worker is started on first use: by fork() when the calling process has a single thread (the
CLI: a millisecond, and nothing is re-imported), else as a fresh interpreter (the Python API, whose
process may hold other threads and an open store that a forked child must not touch). Either way
it sets RLIMIT_AS on itself, ignores SIGINT (the caller kills it), arms a per-query alarm so that it
ends even if its caller is gone, opens the store itself, and answers requests over two pipes.

Wire format, both ways: frames of an 8-byte big-endian length and that many bytes. A request is
JSON {"text", "default", "named", "max_rows", "timeout"}: a text the policy approved and its
dataset. A reply is one byte and a payload: R ready; S SPARQL results TSV; B "true" or "false";
G N-Triples; E JSON {"error": kind, "message"}. Results are serialized by pyoxigraph in Rust
(counted against the row limit as they are written) and parsed back by pyoxigraph: bytes, never
pickled Python objects, cross the pipe.
"""

from __future__ import annotations

import json
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .engines import Result, ox_result, parse_ntriples
from .errors import EngineError, LimitExceeded, QuerySyntaxError
from .limits import DEFAULT, Limits

if TYPE_CHECKING:
    from ..layout import Generation
    from .policy import ApprovedQuery

START_TIMEOUT = 60.0  # seconds a worker may take to start and open the store
GRACE = 1.0  # the worker's own alarm fires this long after its caller's deadline
_HEADER = struct.Struct(">Q")
_CHILD = "import sys; from mentorgraph.query.worker import main; main(sys.argv[1:])"


class _WorkerDied(Exception):
    pass


# -- frames ----------------------------------------------------------------------------------------
def _send(fd: int, payload: bytes) -> None:
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        data = data[os.write(fd, data) :]


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes | None:
    chunks, left = [], n
    while left:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _recv(fd: int, deadline: float | None, max_bytes: int) -> bytes | None:
    """One frame; None at end of file; TimeoutError past the deadline."""
    header = _read_exactly(fd, _HEADER.size, deadline)
    if header is None:
        return None
    (n,) = _HEADER.unpack(header)
    if n > max_bytes:
        raise EngineError(f"the query worker sent an answer of {n:,} bytes, more than the memory limit")
    return _read_exactly(fd, n, deadline)


# -- the caller's side ------------------------------------------------------------------------------
class _Process:
    """One started worker: its pid (or Popen), the two pipe ends the caller holds, its stderr file."""

    def __init__(self, pid: int, popen: subprocess.Popen | None, rfd: int, wfd: int, err):
        self.pid, self.popen, self.rfd, self.wfd, self.err = pid, popen, rfd, wfd, err

    def wait(self, timeout: float) -> int | None:
        """The wait status (os.waitpid form; for Popen, a negative signal number or exit code)."""
        if self.popen is not None:
            try:
                return self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                return None
        deadline = time.monotonic() + timeout
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            if time.monotonic() > deadline:
                return None
            time.sleep(0.005)

    def kill(self) -> int | None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        status = self.wait(5.0)
        self.close_files()
        return status

    def close_files(self) -> None:
        for fd in (self.rfd, self.wfd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.rfd = self.wfd = -1
        self.err.close()

    def stderr_tail(self) -> str:
        try:
            self.err.seek(0, os.SEEK_END)
            size = self.err.tell()
            self.err.seek(max(0, size - 4000))
            return self.err.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""


def _single_threaded() -> bool:
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _start(spec: dict, how: str) -> _Process:
    req_r, req_w = os.pipe()
    rep_r, rep_w = os.pipe()
    err = tempfile.TemporaryFile()
    if how == "fork":
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                os.setsid()
                os.close(req_w)
                os.close(rep_r)
                os.dup2(err.fileno(), 1)
                os.dup2(err.fileno(), 2)
                serve(req_r, rep_w, spec)
            finally:
                os._exit(0)
        popen = None
    else:
        env = dict(os.environ)
        package_parent = str(Path(__file__).resolve().parents[2])  # so the child imports this mentorgraph
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
        popen = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(req_r), str(rep_w), json.dumps(spec)],
            pass_fds=(req_r, rep_w),
            stdin=subprocess.DEVNULL,
            stdout=err,
            stderr=err,
            env=env,
            start_new_session=True,  # a terminal's Ctrl-C reaches the caller, which stops the worker
        )
        pid = popen.pid
    os.close(req_r)
    os.close(rep_w)
    return _Process(pid, popen, rep_r, req_w, err)


class WorkerEngine:
    """An engine ("oxigraph" or "rdflib") over one generation, run in a bounded worker process."""

    def __init__(self, engine: str, generation: Generation, limits: Limits = DEFAULT, start: str = "auto"):
        if engine not in ("oxigraph", "rdflib"):
            raise ValueError(f"unknown engine {engine!r}; use oxigraph or rdflib")
        self.name = engine
        self.generation = generation
        self.limits = limits
        self.start = start
        self._proc: list[_Process] = []  # the running worker, if any (a list: the finalizer shares it)
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _stop, self._proc)

    def _spec(self) -> dict:
        return {
            "engine": self.name,
            "generation": [self.generation.id, str(self.generation.path)],
            "max_memory": self.limits.max_memory,
        }

    def _ensure(self) -> _Process:
        if self._proc:
            return self._proc[0]
        how = self.start if self.start != "auto" else ("fork" if _single_threaded() else "spawn")
        proc = _start(self._spec(), how)
        try:
            reply = _recv(proc.rfd, time.monotonic() + START_TIMEOUT, self.limits.address_space)
        except TimeoutError:
            proc.kill()
            raise EngineError(f"the query worker did not open the store within {START_TIMEOUT:g} s") from None
        except BaseException:
            proc.kill()
            raise
        if reply is None:
            raise self._death(proc, self.limits)
        if reply[:1] != b"R":
            proc.kill()
            raise _error(reply, self.limits)
        self._proc.append(proc)
        return proc

    def run(self, q: ApprovedQuery, limits: Limits | None = None) -> Result:
        """Run an approved query in the worker; LimitExceeded at the time, row or memory limit."""
        limits = limits or self.limits
        request = {
            "text": q.text,
            "default": q.default_graphs,
            "named": q.named_graphs,
            "max_rows": limits.max_rows,
            "timeout": limits.timeout,
        }
        with self._lock:
            proc = self._ensure()
            try:
                _send(proc.wfd, json.dumps(request).encode("utf-8"))
                reply = _recv(proc.rfd, time.monotonic() + limits.timeout, self.limits.address_space)
            except TimeoutError:
                self._discard(proc)
                raise limits.time_exceeded() from None
            except (BrokenPipeError, ConnectionResetError):
                reply = None
            except BaseException:  # KeyboardInterrupt above all: the worker is stopped with the caller
                self._discard(proc)
                raise
            if reply is None:
                self._proc.clear()
                raise self._death(proc, limits)
        return _decode(reply, limits)

    def _discard(self, proc: _Process) -> None:
        self._proc.clear()
        proc.kill()

    def _death(self, proc: _Process, limits: Limits) -> EngineError:
        status = proc.wait(2.0)
        if status is None:
            status = proc.kill()
        tail = proc.stderr_tail()
        proc.close_files()
        if "memory allocation" in tail or "MemoryError" in tail:
            return limits.memory_exceeded()
        if status == -signal.SIGALRM:
            return limits.time_exceeded()
        if status == -signal.SIGKILL:
            return EngineError("the query worker was killed by the system (SIGKILL: out of memory?)")
        how = f"signal {-status}" if status is not None and status < 0 else f"exit status {status}"
        last = tail.strip().splitlines()[-1:] or ["no message"]
        return EngineError(f"the query worker stopped unexpectedly ({how}): {last[0]}")

    def close(self) -> None:
        """Stop the worker (it is started again by the next query)."""
        with self._lock:
            _stop(self._proc)


def _stop(procs: list[_Process]) -> None:
    while procs:
        proc = procs.pop()
        try:
            os.close(proc.wfd)  # end of file: an idle worker exits by itself
            proc.wfd = -1
        except OSError:
            pass
        if proc.wait(1.0) is None:
            proc.kill()
        else:
            proc.close_files()


def _error(reply: bytes, limits: Limits) -> Exception:
    try:
        info = json.loads(reply[1:])
    except ValueError:
        return EngineError(f"the query worker answered something unreadable: {reply[:200]!r}")
    kind, message = info.get("error"), info.get("message", "")
    if kind == "memory":
        return limits.memory_exceeded()
    if kind == "rows":
        return limits.rows_exceeded()
    if kind == "syntax":
        return QuerySyntaxError(message)
    if kind == "nobuild":
        from ..layout import NoBuild

        return NoBuild(message)
    return EngineError(message)


def _decode(reply: bytes, limits: Limits) -> Result:
    kind, payload = reply[:1], reply[1:]
    if kind == b"S":
        return ox_result(ox.parse_query_results(payload, format=ox.QueryResultsFormat.TSV), limits)
    if kind == b"B":
        return Result("ask", [], boolean=payload == b"true")
    if kind == b"G":
        return Result("graph", [], triples=parse_ntriples(payload))
    return _raise(_error(reply, limits))


def _raise(exc: Exception) -> Any:
    raise exc


# -- the worker's side ------------------------------------------------------------------------------
class _TooMany(Exception):
    pass


class _Capped:
    """A file-like sink for pyoxigraph's serializers that stops past `lines` lines."""

    def __init__(self, lines: int):
        self.left, self.parts = lines, []

    def write(self, data) -> int:
        data = bytes(data)
        self.left -= data.count(b"\n")
        if self.left < 0:
            raise _TooMany
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        pass


def _open(spec: dict):
    from ..layout import Generation
    from .engines import OxigraphEngine, RdflibEngine

    gen = Generation(spec["generation"][0], Path(spec["generation"][1]))
    return (OxigraphEngine if spec["engine"] == "oxigraph" else RdflibEngine).open(gen)


def _execute(engine, request: dict) -> bytes:
    from .formats import ntriples_term, to_tsv

    text, max_rows = request["text"], request["max_rows"]
    default, named = request["default"], request["named"]
    if engine.name == "rdflib":
        res = engine.execute(text, Limits(max_rows=max_rows))
        if res.kind == "ask":
            return b"B" + (b"true" if res.boolean else b"false")
        if res.kind == "select":
            return b"S" + to_tsv(res).encode("utf-8")
        return b"G" + "".join(" ".join(map(ntriples_term, t)) + " .\n" for t in res.triples or []).encode("utf-8")
    res = engine.raw(text, None if default is None else tuple(default), None if named is None else tuple(named))
    if isinstance(res, ox.QueryBoolean):
        return b"B" + (b"true" if res else b"false")
    if isinstance(res, ox.QuerySolutions):
        sink = _Capped(max_rows + 1)  # the header line, then one line per row
        kind, fmt = b"S", ox.QueryResultsFormat.TSV
    else:
        sink = _Capped(max_rows)
        kind, fmt = b"G", ox.RdfFormat.N_TRIPLES
    try:
        res.serialize(sink, format=fmt)
    except _TooMany:
        raise LimitExceeded("rows", "") from None
    return kind + b"".join(sink.parts)


def _failure(kind: str, message: str = "") -> bytes:
    return b"E" + json.dumps({"error": kind, "message": message}).encode("utf-8")


def serve(rfd: int, wfd: int, spec: dict) -> None:
    """The worker's loop: limit itself, open the store, then answer requests until end of file."""
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the alarm ends the process, whatever it is doing
    limit = spec["max_memory"] * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    try:
        engine = _open(spec)
    except MemoryError:
        return _send(wfd, _failure("memory"))
    except FileNotFoundError as exc:
        return _send(wfd, _failure("nobuild", str(exc)))
    except Exception as exc:
        return _send(wfd, _failure("engine", f"cannot open the built graph: {exc}"))
    _send(wfd, b"R")
    while True:
        frame = _recv(rfd, None, 1 << 30)
        if frame is None:
            return
        request = json.loads(frame)
        signal.setitimer(signal.ITIMER_REAL, request["timeout"] + GRACE)
        try:
            reply = _execute(engine, request)
        except MemoryError:
            reply = _failure("memory")
        except LimitExceeded as exc:
            reply = _failure(exc.limit, str(exc))
        except QuerySyntaxError as exc:
            reply = _failure("syntax", str(exc))
        except Exception as exc:
            reply = _failure("engine", str(exc) if isinstance(exc, EngineError) else f"{type(exc).__name__}: {exc}")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            _send(wfd, reply)
        except MemoryError:
            _send(wfd, _failure("memory"))
        except BrokenPipeError:
            return


def main(argv: list[str]) -> None:
    """Entry point of a spawned worker: argv is the request pipe's fd, the reply pipe's fd, the spec."""
    serve(int(argv[0]), int(argv[1]), json.loads(argv[2]))
