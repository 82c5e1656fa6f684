"""What every route handler shares: the generation a request answers from, errors, HTML responses.

A handler is written `@endpoint async def name(ctx: Context) -> Response`: the decorator leases the
generation current when the request starts (backend.Lease), so every operation the handler runs
(`await ctx.run(op, **args)`) goes to that generation's query processes and the answer is tagged with
its id (header X-Mentorgraph-Generation, added by middleware.py). Errors are raised as HTTPError and
answered as plain text, or as the site's error page for a browser.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import negotiate
from .backend import Served
from .config import Config

CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
HTML_TYPE = "text/html; charset=utf-8"
HOST = re.compile(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?")
GENERATION_KEY = "mentorgraph.generation"
# The dataset descriptions and documents kept per generation (one per host name the server is reached by).
GENERATED_KEEP = 8


class HTTPError(Exception):
    """An answer other than 200, with the reason in words (and headers such as Allow or Retry-After)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.headers = status, headers or {}


def wants_html(request: Request) -> bool:
    """Whether the client named text/html (browsers do; curl and SPARQL libraries do not)."""
    return negotiate.choose([("text/html", "html"), ("text/plain", "text")], request.headers.get("accept")) == "html"


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The answer for an error: the site's error page for a browser, else the message as plain text."""
    if wants_html(request):
        from ..web import ServerUrls, error_page

        page = error_page(request.app.state.backend.config.root, status, message, ServerUrls())
        return Response(page.body.encode("utf-8"), status, headers, HTML_TYPE)
    return Response((message + "\n").encode("utf-8"), status, headers, "text/plain; charset=utf-8")


class Context:
    """One request and the generation it answers from."""

    __slots__ = ("config", "request", "served")

    def __init__(self, request: Request, served: Served, config: Config):
        self.request, self.served, self.config = request, served, config

    # -- the generation's query processes ----------------------------------------------------------
    async def run(self, op: str, **args: Any) -> Any:
        """A query-process operation's answer (its JSON value or its bytes), under the time limit."""
        return await self.served.pool.call(op, args, self.config.timeout)

    async def page(
        self, route: str, params: dict[str, list[str]] | None = None, verdict: dict | None = None
    ) -> Response:
        """A page of the web view (mentorgraph.web, route names as in web/urls.py), made in a query
        process over this request's generation; `params` default to the request's query string.
        `verdict` is the server's check of a query the page runs (the editor): {"checked": text} or
        {"refused": message}."""
        if params is None:
            query = self.request.query_params
            params = {k: query.getlist(k) for k in query.keys()}
        service = {"max_rows": self.config.max_rows, "limits": self.config.limits(), "endpoint": self.endpoint_url()}
        service |= verdict or {}
        header, body = await self.request_raw("page", route=route, params=params, service=service)
        headers = {"Vary": "Accept"}
        if header.get("filename"):
            headers["Content-Disposition"] = f'attachment; filename="{header["filename"]}"'
        return Response(body, header["status"], headers, header["media"])

    async def request_raw(self, op: str, **args: Any) -> tuple[dict, bytes]:
        """A query-process operation's (header, body)."""
        return await self.served.pool.request(op, args, self.config.timeout)

    async def generated(self, key: tuple, op: str, **args: Any) -> bytes:
        """`op`'s bytes, made once per generation and `key` (documents that do not change with a build)."""
        cache = self.served.generated
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        value = await self.run(op, **args)
        cache[key] = value
        while len(cache) > GENERATED_KEEP:
            cache.popitem(last=False)
        return value

    # -- the request ---------------------------------------------------------------------------------
    def param(self, name: str) -> str | None:
        """The last value of a query-string parameter, or None."""
        values = self.request.query_params.getlist(name)
        return values[-1] if values else None

    def fmt_param(self) -> str | None:
        """The `format` (or `output`, as SPARQLWrapper sends) parameter."""
        return self.param("format") or self.param("output")

    @property
    def accept(self) -> str | None:
        """The Accept header."""
        return self.request.headers.get("accept")

    def endpoint_url(self) -> str:
        """This server's /sparql URL as the client reached it (a plain Host header), else as it listens."""
        host = self.request.headers.get("host") or ""
        if not HOST.fullmatch(host):
            host = f"{self.config.host}:{self.config.port}"
        return f"http://{host}/sparql"

    # -- answers -------------------------------------------------------------------------------------
    def html(self, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        """An HTML page (the CSP and other security headers are added by middleware.py)."""
        return Response(body, status, headers, HTML_TYPE)


Handler = Callable[[Context], Awaitable[Response]]


def endpoint(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint from `async def fn(ctx: Context) -> Response`, leasing one generation."""

    @functools.wraps(fn)
    async def handle(request: Request) -> Response:
        backend = request.app.state.backend
        with backend.lease() as served:
            request.scope[GENERATION_KEY] = served.id
            return await fn(Context(request, served, backend.config))

    return handle
