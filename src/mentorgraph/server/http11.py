"""uvicorn's HTTP/1.1 protocol (httptools) with a deadline for a request's headers, and one write
per response.

uvicorn drops an idle keep-alive connection (timeout_keep_alive), but waits forever for the headers of
a request that trickles in or never comes, so a few slow clients could hold every connection. Here
each request's headers must arrive within HEADER_TIMEOUT seconds of its first byte (of the
connection, for the first request), else the connection is closed, as the standard-library server
this replaced did.

uvicorn writes a response's status line and headers to the socket as soon as the application starts
the response, and the body in a second write: two system calls and two TCP segments, so the client
wakes up twice for one answer (on loopback, a fifth of a front end's time went into these writes).
`_OneWrite` holds the head back and sends it with the first piece of the body, as one write; a
response with no body (HEAD, or an empty one) sends its head when it completes.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT = 30.0


class _OneWrite:
    """The transport as one response sees it: the head (the first write once the response has
    started) is held and written together with the next write; anything else goes straight through
    (a 100 Continue is written before the response starts)."""

    __slots__ = ("cycle", "head_done", "held", "on_response", "transport")

    def __init__(self, transport: asyncio.Transport, cycle) -> None:
        self.transport, self.cycle = transport, cycle
        self.on_response = cycle.on_response
        self.held: bytes | None = None
        self.head_done = False

    def write(self, data: bytes) -> None:
        """Write `data`, or hold it if it is the response's head."""
        if self.held is not None:
            data, self.held = self.held + data, None
        elif not self.head_done and self.cycle.response_started:
            self.head_done = True
            self.held = data
            return
        self.transport.write(data)

    def flush(self) -> None:
        """Write a held head (the response ended with no body to write)."""
        if self.held is not None:
            held, self.held = self.held, None
            self.transport.write(held)

    def completed(self) -> None:
        """The response is complete (uvicorn's on_response callback): write what is held, then go on."""
        self.flush()
        self.on_response()

    def close(self) -> None:
        """Close after writing whatever is held."""
        self.flush()
        self.transport.close()

    def __getattr__(self, name: str):
        return getattr(self.transport, name)


class TimedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol, closing a connection whose request headers take over HEADER_TIMEOUT seconds,
    and writing each response in one piece."""

    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        """Start the clock for the first request's headers."""
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        """A request starts: its headers must be complete within the deadline."""
        super().on_message_begin()
        if self._header_timer is None:
            self._arm()

    def on_headers_complete(self) -> None:
        """The headers are in: stop the clock; the new request's response is written in one piece
        (uvicorn made its cycle just now; the task that answers it has not run yet)."""
        self._disarm()
        before = self.cycle
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not before and cycle is not None:
            cycle.transport = _OneWrite(self.transport, cycle)
            cycle.on_response = cycle.transport.completed

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the clock with the connection."""
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._header_timer = self.loop.call_later(HEADER_TIMEOUT, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()
