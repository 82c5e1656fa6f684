"""The ASGI application: Starlette routing over the server's parts, split by job.

    protocol.py      /sparql (SPARQL 1.1 Protocol, service description, editor)
    linked.py        /id/..., /statement/..., /graph/..., /ontology, /dataset, /.well-known/void
    routes_pages.py  the web view's HTML pages
    api.py           /api/questions/... (JSON for browser clients)
    files.py         /static/..., /download/...
    here             /health

Each front-end process builds one application (`create_app`, a factory the production server calls)
whose lifespan starts its Backend: the query processes of the current generation and the watcher
that switches to a new one. CORS preflights are answered by Starlette's CORSMiddleware; security
headers (with `Access-Control-Allow-Origin: *` on every answer), the access log and the
request-target limit by middleware.Guard, the outermost layer. Queries to /sparql (GET, HEAD, POST)
go from Guard straight to their handler (`Dispatch`), with the same error answers, and skip
Starlette's routing and middleware stack, which cost as much per request as the rest of the
protocol's Python work; every other request goes through Starlette.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import api, files, linked, protocol, routes_pages
from .backend import Backend
from .checking import QueryRefused
from .config import Config
from .context import Context, HTTPError, endpoint, error_response
from .log import log
from .middleware import Guard
from .pool import PoolError
from .worker import ERROR_KINDS, WorkerError

# Request headers a cross-origin script may send (CORS preflight): what SPARQL clients and fetch() use.
CORS_HEADERS = ["Accept", "Accept-Language", "Content-Language", "Content-Type"]


@endpoint
async def health(ctx: Context) -> Response:
    """/health: whether this front end answers, from which generation, and what it knows of a newer one."""
    backend = ctx.request.app.state.backend
    try:
        ok = await ctx.run("ping") is True
    except (PoolError, WorkerError):
        ok = False
    info = backend.health()
    status = "ok" if ok and not info["problem"] else "degraded" if ok else "unavailable"
    return JSONResponse({"status": status, **info}, 200 if ok else 503, {"Cache-Control": "no-store"})


ROUTES = [
    Route("/sparql", protocol.sparql, methods=["GET", "POST"]),
    Route("/sparql/", protocol.sparql, methods=["GET", "POST"]),
    Route("/id/{name}", linked.entity, methods=["GET"]),
    Route("/statement/{name}", linked.statement, methods=["GET"]),
    Route("/graph/{name}", linked.graph, methods=["GET"]),
    Route("/ontology", linked.ontology, methods=["GET"]),
    Route("/ontology.{ext}", linked.ontology, methods=["GET"]),
    Route("/dataset", linked.dataset, methods=["GET"]),
    Route("/.well-known/void", linked.dataset, methods=["GET"]),
    Route("/static/{name:path}", files.static, methods=["GET"]),
    Route("/download/{name}", files.download, methods=["GET"]),
    Route("/health", health, methods=["GET"]),
    *api.ROUTES,
    *routes_pages.ROUTES,
]


async def _http_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPError):
        return error_response(request, exc.status, str(exc), exc.headers)
    if isinstance(exc, QueryRefused):
        return error_response(request, exc.status, str(exc))
    if isinstance(exc, PoolError):
        return error_response(request, exc.status, str(exc), {"Retry-After": "1"})
    if isinstance(exc, WorkerError):
        return error_response(request, ERROR_KINDS.get(exc.kind, 500), str(exc))
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        message = f"{request.method} is not allowed here: this server is read-only"
        return error_response(request, 405, message, dict(exc.headers or {}))
    if exc.status_code == 404:
        return error_response(request, 404, f"nothing here at {request.url.path}; start at / or /sparql")
    return error_response(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))


async def _internal(request: Request, exc: Exception) -> Response:
    return error_response(request, 500, "internal error; the server log has the details")


# The exception handlers, by class: Starlette's, and Dispatch's for /sparql.
HANDLERS = {
    HTTPError: _http_error,
    QueryRefused: _http_error,
    PoolError: _http_error,
    WorkerError: _http_error,
    StarletteHTTPException: _http_error,
    Exception: _internal,
}
SPARQL_PATHS = frozenset(("/sparql", "/sparql/"))
SPARQL_METHODS = frozenset(("GET", "HEAD", "POST"))


class Dispatch:
    """The application inside Guard: a query to /sparql is answered by protocol.sparql directly (as
    Starlette would, errors included: an unexpected one is answered 500 and raised on to Guard, which
    logs it); any other request goes to the Starlette application."""

    __slots__ = ("app",)

    def __init__(self, app: Starlette):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        """Answer one ASGI event."""
        if scope["type"] != "http" or scope["path"] not in SPARQL_PATHS or scope["method"] not in SPARQL_METHODS:
            return await self.app(scope, receive, send)
        scope["app"] = self.app
        request = Request(scope, receive, send)
        try:
            response = await protocol.sparql(request)
        except Exception as exc:
            handler = next(HANDLERS[c] for c in type(exc).__mro__ if c in HANDLERS)
            await (await handler(request, exc))(scope, receive, send)
            if handler is _internal:
                raise
            return
        await response(scope, receive, send)


def _tell_on_stop(backend: Backend) -> None:
    """Chain onto the production server's SIGTERM/SIGINT handlers: it stops accepting and waits for
    the requests in flight, and the backend bounds how long they may still take (Config.grace)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)

        def handler(signum, frame, previous=previous) -> None:
            loop.call_soon_threadsafe(backend.stopping)
            if callable(previous):
                previous(signum, frame)

        signal.signal(sig, handler)


def create_app(config: Config | None = None) -> Guard:
    """The application for one front-end process (the configuration from the environment by default)."""
    config = config or Config.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        backend = Backend(config)
        await backend.start()
        app.state.backend = backend
        _tell_on_stop(backend)
        log({"event": "front-end-ready", "generation": backend.current.id, "processes": config.query_processes})
        try:
            yield
        finally:
            await backend.close(config.grace)

    app = Starlette(
        routes=ROUTES,
        exception_handlers=HANDLERS,
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False
    preflight = CORSMiddleware(
        app,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=CORS_HEADERS,
        max_age=86400,
    )
    return Guard(Dispatch(app), preflight)
