"""uvicorn's HTTP/1.1 protocol (httptools) with a deadline for a request's headers.

uvicorn drops an idle keep-alive connection (timeout_keep_alive), but waits forever for the headers of
a request that trickles in or never comes, so a few slow clients could hold every connection. Here
each request's headers must arrive within HEADER_TIMEOUT seconds of its first byte (of the
connection, for the first request), else the connection is closed, as the standard-library server
this replaced did.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT = 30.0


class TimedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol, closing a connection whose request headers take over HEADER_TIMEOUT seconds."""

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
        """The headers are in: stop the clock."""
        self._disarm()
        super().on_headers_complete()

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
