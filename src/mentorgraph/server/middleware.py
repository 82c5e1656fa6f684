"""The outermost layer of the application (plain ASGI, so it costs a few microseconds a request):

- refuses a request target longer than MAX_TARGET (414), before anything parses it;
- adds the security headers to every response (CSP, nosniff, Referrer-Policy; a page that brings its
  own CSP keeps it), `Access-Control-Allow-Origin: *` (every route is a public read), the headers a
  browser client may read, and the generation the answer came from (X-Mentorgraph-Generation);
- hands CORS preflights (OPTIONS) to Starlette's CORSMiddleware;
- writes the access log: one JSON line per request, written just before the last piece of the
  answer goes out (a client that has its answer can already read its line);
- turns an unexpected exception, which has already been answered 500 (by Starlette's
  ServerErrorMiddleware, or by app.Dispatch), into a JSON log line instead of a traceback.
"""

from __future__ import annotations

import time

from .context import CSP, GENERATION_KEY
from .log import log

# The longest request target (path and query string) accepted, in bytes: 64 KiB, as before.
MAX_TARGET = 64 * 1024
SECURITY = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"access-control-expose-headers", b"Mentorgraph-Truncated, X-Mentorgraph-Generation"),
]
CORS_ORIGIN = (b"access-control-allow-origin", b"*")
CSP_HEADER = (b"content-security-policy", CSP.encode("ascii"))
TOO_LONG = b"the request target is longer than this server's limit of 65536 bytes; send the query by POST\n"


class Guard:
    """Wraps the Starlette application (see the module docstring); `preflight` answers OPTIONS
    requests (Starlette's CORSMiddleware around the same application: only a preflight needs it,
    and it costs as much as the routing, so other requests do not pass through it)."""

    def __init__(self, app, preflight):
        self.app, self.preflight = app, preflight

    async def __call__(self, scope, receive, send) -> None:
        """Answer one ASGI event (HTTP requests guarded; lifespan passed through)."""
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        app = self.preflight if scope["method"] == "OPTIONS" else self.app
        t0 = time.perf_counter()
        outcome = [500, 0, False]  # status, bytes, logged

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                outcome[0] = message["status"]
                headers = list(message.get("headers", ()))
                names = {k for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append(CSP_HEADER)
                if b"access-control-allow-origin" not in names:  # a preflight answer has its own
                    headers.append(CORS_ORIGIN)
                headers += SECURITY
                gen = scope.get(GENERATION_KEY)
                if gen is not None:
                    headers.append((b"x-mentorgraph-generation", gen.encode("ascii")))
                message["headers"] = headers
            elif message["type"] == "http.response.body":
                outcome[1] += len(message.get("body", b""))
                if not message.get("more_body", False):
                    _access(scope, outcome, t0)
            await send(message)

        try:
            if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > MAX_TARGET:
                await _plain(send_with_headers, 414, TOO_LONG)
            else:
                await app(scope, receive, send_with_headers)
        except Exception as exc:  # already answered 500 by Starlette's ServerErrorMiddleware
            log(
                {
                    "event": "internal-error",
                    "path": scope.get("path", "")[:200],
                    "error": f"{type(exc).__name__}: {exc}",
                }
            )
        finally:
            if not outcome[2]:  # no complete answer was sent (the client went away, or an error)
                _access(scope, outcome, t0)


async def _plain(send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _access(scope, outcome: list, t0: float) -> None:
    outcome[2] = True
    agent = ""
    for k, v in scope.get("headers", ()):
        if k == b"user-agent":
            agent = v[:120].decode("latin-1")
            break
    query = scope.get("query_string") or b""
    path = scope.get("path", "") + ("?" + query.decode("latin-1") if query else "")
    client = scope.get("client")
    log(
        {
            "event": "request",
            "client": client[0] if client else None,
            "method": scope.get("method"),
            "path": path[:300],
            "status": outcome[0],
            "bytes": outcome[1],
            "ms": round((time.perf_counter() - t0) * 1000, 2),
            "agent": agent,
        }
    )
