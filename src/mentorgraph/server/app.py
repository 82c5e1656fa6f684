"""The HTTP server: SPARQL 1.1 Protocol at /sparql, linked-data IRIs, the web view, /health.

Standard library only (ThreadingHTTPServer, HTTP/1.1 keep-alive, TCP_NODELAY: without it every
response waits ~40 ms for Nagle's algorithm, measured on this project). No query runs in this
process: every one goes to the worker pool (pool.py), which enforces the time limit. See
docs/server.md for the limits and the security model.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import socket
import sys
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar

from .. import iris, layout, mediatypes
from . import negotiate, pages
from .pool import Pool, PoolError
from .worker import ERROR_KINDS, RDF_TYPES, WorkerError, refusal, serialize_graph

STATIC = Path(__file__).parent / "static"
# The files of a build that /download/ serves (by extension; media types from mediatypes.py).
DOWNLOADS = (".ttl", ".nt", ".jsonld", ".trig", ".nq", ".json")
# Drain at most this much of an oversized body before answering 413, so the client reads the answer.
DRAIN_LIMIT = 32 * 1024 * 1024
SLUG = re.compile(r"^[A-Za-z0-9._~-]+$")
EXTENSIONS = mediatypes.IRI_EXTENSIONS
FORMAT_SPEC = "http://www.w3.org/ns/formats/"
# The parameters of the "Find a model" form (mentorgraph.advise.html.person_from_params); others are ignored.
FIND_PARAMS = ("career-stage", "population", "specialty", "mode", "want", "avoid")
CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
HTML_SECURITY = {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer"}
STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)
# The dataset descriptions kept (one per host name the server is reached by; normally one).
DATASET_CACHE = 8
T = TypeVar("T")
# Paths answered by the web view (mentorgraph.web.urls.ROUTES) -> route name.
WEB_ROUTES = {
    "/": "home",
    "/browse": "browse",
    "/types": "types",
    "/populations": "populations",
    "/organizations": "organizations",
    "/compare": "compare",
    "/find": "find",
    "/find/brief": "find-brief",
    "/charts": "charts",
    "/download": "download",
    "/about": "about",
}


def csp_allowing_styles(page: str) -> dict[str, str]:
    """Security headers that also allow `page`'s own <style> elements, by hash (CSP Level 3 §8.3).

    For pages generated whole by the project (the ontology docs, the "Find a model" page): their style
    elements are fixed text, and every value in them is escaped, so no request can add one. Inline
    style *attributes* stay refused; static/style.css repeats what they say."""
    hashes = sorted(
        {
            base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
            for css in STYLE_ELEMENT.findall(page)
        }
    )
    style_src = " ".join(["'self'", *(f"'sha256-{h}'" for h in hashes)])
    return {**HTML_SECURITY, "Content-Security-Policy": f"{CSP}; style-src {style_src}"}


@dataclass
class Config:
    """Everything `mentorgraph serve` is told; the defaults are the documented limits."""

    out: Path
    root: Path
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10000
    max_body: int = 1024 * 1024
    workers: int = 2
    cache_size: int = 256
    allowed_services: list[str] = field(default_factory=list)


class ResultCache:
    """Answers to recent identical protocol requests. The store is read-only while the server runs, so
    an answer stays right; only small answers are kept, and `size` 0 turns the cache off."""

    MAX_ANSWER = 256 * 1024

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is not None:
                self._items.move_to_end(key)
            return answer

    def put(self, key: str, answer: dict) -> None:
        if self.size <= 0 or len(answer.get("body", b"")) > self.MAX_ANSWER or "result" in answer:
            return
        with self._lock:
            self._items[key] = answer
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class Response:
    def __init__(self, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None):
        self.status, self.ctype, self.body, self.headers = status, ctype, body, headers or {}


class HTTPError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.headers = status, headers or {}


class MentorServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, config: Config):
        self.config = config
        super().__init__((config.host, config.port), Handler)
        self.pool: Pool | None = None
        self.graphs: frozenset[str] = frozenset()
        self.cache = ResultCache(config.cache_size)
        # One generation for the life of the server: resolved once, so every answer comes from one build.
        self.generation = layout.current_generation(config.out)
        manifest = self.generation.manifest
        self.manifest = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
        # The web view's static files (mentorgraph.web, vendor/ included), by exact relative path.
        from ..web.render import STATIC as WEB_STATIC

        self.static = {p.name: p for p in STATIC.iterdir() if p.is_file()}
        self.static |= {p.relative_to(WEB_STATIC).as_posix(): p for p in WEB_STATIC.rglob("*") if p.is_file()}
        # Generated once per server start (the build does not change while it is served), on first use.
        self._generated: OrderedDict[tuple, object] = OrderedDict()
        self._generated_lock = threading.Lock()

    def generated(self, key: tuple, make: Callable[[], T], keep: int = DATASET_CACHE) -> T:
        """make() once per `key` for the life of the server; at most `keep` keys are remembered."""
        with self._generated_lock:
            if key in self._generated:
                self._generated.move_to_end(key)
                return self._generated[key]
            # Made under the lock: concurrent first requests wait for one answer instead of each making it.
            value = make()
            self._generated[key] = value
            while len(self._generated) > keep:
                self._generated.popitem(last=False)
            return value

    def start_pool(self) -> None:
        c = self.config
        self.pool = Pool(self.generation.path, c.root, size=c.workers, allowed_services=c.allowed_services)
        self.graphs = frozenset(self.pool.run("graphs", c.timeout))

    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.server_close()
        if self.pool is not None:
            self.pool.close()


@functools.lru_cache(maxsize=1024)
def _parse_query_string(query: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """parse_qs of a URL's query string, memoized: percent-decoding a long SPARQL query in pure Python
    costs more than answering it from the result cache, and links and forms repeat the same URLs."""
    return tuple((k, tuple(v)) for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items())


def log(event: dict) -> None:
    """One JSON object per line on stderr: the access log and lifecycle events."""
    event = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **event}
    try:
        sys.stderr.write(json.dumps(event, ensure_ascii=False) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mentorgraph"
    sys_version = ""
    timeout = 30  # seconds a connection may sit idle or trickle a request before it is dropped
    server: MentorServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # stdlib's own messages (bad request lines, timeouts) become JSON log lines too.
    def log_message(self, format: str, *args) -> None:
        log({"event": "http", "client": self.client_address[0], "message": format % args})

    def log_request(self, code="-", size="-") -> None:
        pass  # logged with timing in _finish

    # -- dispatch ---------------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_POST(self) -> None:
        self._handle("POST")

    def _not_allowed(self) -> None:
        self._handle(self.command)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    def _handle(self, method: str) -> None:
        t0 = time.perf_counter()
        self._body_read = method not in ("POST", "PUT", "PATCH")
        try:
            resp = self._route(method)
        except HTTPError as exc:
            resp = self._error(exc.status, str(exc), exc.headers)
        except PoolError as exc:
            resp = self._error(exc.status, str(exc), {"Retry-After": "1"})
        except WorkerError as exc:
            resp = self._error(ERROR_KINDS.get(exc.kind, 500), str(exc))
        except Exception as exc:
            log({"event": "internal-error", "path": self.path[:200], "error": f"{type(exc).__name__}: {exc}"})
            resp = self._error(500, "internal error; the server log has the details")
        if not self._body_read:
            self.close_connection = True
            resp.headers["Connection"] = "close"
        self._send(resp, method)
        log(
            {
                "event": "request",
                "client": self.client_address[0],
                "method": method,
                "path": self.path[:300],
                "status": resp.status,
                "bytes": len(resp.body),
                "ms": round((time.perf_counter() - t0) * 1000, 2),
                "agent": (self.headers.get("User-Agent") or "")[:120],
            }
        )

    def _send(self, resp: Response, method: str) -> None:
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.ctype)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if resp.ctype.startswith("text/html"):
            for k, v in HTML_SECURITY.items():
                if k not in resp.headers:  # a page may widen its own policy (csp_allowing_styles)
                    self.send_header(k, v)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(resp.body)

    def _wants_html(self) -> bool:
        # negotiate.choose only picks HTML when the client names text/html (browsers do).
        return negotiate.choose([("text/html", "html"), ("text/plain", "text")], self.headers.get("Accept")) == "html"

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        if self._wants_html():
            from ..web import ServerUrls, error_page

            body = error_page(self.server.config.root, status, message, ServerUrls()).body.encode("utf-8")
            return Response(status, "text/html; charset=utf-8", body, headers)
        return Response(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), headers)

    # -- routing --------------------------------------------------------------------------------------
    def _route(self, method: str) -> Response:
        split = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(split.path)
        self.params = {k: list(v) for k, v in _parse_query_string(split.query)}
        if path.rstrip("/") == "/sparql":
            return self.sparql(method)
        if method not in ("GET", "HEAD"):
            raise HTTPError(405, f"{method} is not allowed here: this server is read-only", {"Allow": "GET, HEAD"})
        if path in WEB_ROUTES:
            return self.web_page(WEB_ROUTES[path], self.params)
        if path.startswith("/cite/"):
            return self.web_page("cite", {**self.params, "name": [path[len("/cite/") :]]})
        if path == "/health":
            return self.health()
        if path == "/questions":
            return self.questions()
        if path.startswith("/questions/"):
            return self.question(path[len("/questions/") :])
        if path.startswith("/static/"):
            return self.static(path[len("/static/") :])
        if path.startswith("/download/"):
            return self.download(path[len("/download/") :])
        if path in ("/.well-known/void", "/dataset"):
            return self.rdf_document(self.dataset_turtle(), "VoID and DCAT description of the dataset")
        if path == "/ontology" or (path.startswith("/ontology.") and path[len("/ontology") :] in EXTENSIONS):
            return self.ontology(path[len("/ontology") :] or None)
        if path.startswith(("/id/", "/statement/", "/graph/")):
            return self.resource(path)
        raise HTTPError(404, f"nothing here at {path}; start at / or /sparql")

    def run(self, op: str, **args):
        pool = self.server.pool
        if pool is None:
            raise PoolError(503, "the server is starting")
        return pool.run(op, self.server.config.timeout, **args)

    def html(self, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(status, "text/html; charset=utf-8", body, headers)

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[-1] if values else None

    def fmt_param(self) -> str | None:
        return self.param("format") or self.param("output")

    # -- SPARQL 1.1 Protocol --------------------------------------------------------------------------
    def read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            raise HTTPError(411, "chunked request bodies are not accepted; send a Content-Length")
        if length is None:
            raise HTTPError(411, "a POST needs a Content-Length header")
        try:
            n = int(length)
        except ValueError:
            raise HTTPError(400, "Content-Length is not a number") from None
        limit = self.server.config.max_body
        if n > limit:
            if n <= DRAIN_LIMIT:
                self.connection.settimeout(5)
                remaining = n
                while remaining > 0:
                    chunk = self.rfile.read(min(remaining, 1 << 16))
                    if not chunk:
                        break
                    remaining -= len(chunk)
            raise HTTPError(413, f"the request body is {n} bytes; this server accepts at most {limit} bytes")
        body = self.rfile.read(n)
        self._body_read = True
        return body

    def sparql(self, method: str) -> Response:
        if method not in ("GET", "HEAD", "POST"):
            raise HTTPError(
                405, f"the SPARQL endpoint answers GET and POST, not {method}", {"Allow": "GET, HEAD, POST"}
            )
        params = {k: list(v) for k, v in self.params.items()}
        if method == "POST":
            body = self.read_body()
            raw_type = self.headers.get("Content-Type")
            if not raw_type:
                raise HTTPError(
                    400,
                    "a POST to /sparql needs a Content-Type: application/sparql-query or "
                    "application/x-www-form-urlencoded",
                )
            ctype, _, rest = raw_type.partition(";")
            ctype = ctype.strip().lower()
            charset = re.search(r"charset\s*=\s*\"?([\w-]+)", rest, re.IGNORECASE)
            if charset and charset.group(1).lower() not in ("utf-8", "utf8"):
                raise HTTPError(415, f"the body must be UTF-8 (SPARQL 1.1 Protocol 2.1), not {charset.group(1)}")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise HTTPError(400, "the body is not valid UTF-8") from None
            if ctype == "application/x-www-form-urlencoded":
                for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items():
                    params.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-query":
                if "query" in params:
                    raise HTTPError(400, "a query in both the body and the URL")
                params["query"] = [text]
            elif ctype == "application/sparql-update":
                raise HTTPError(
                    403,
                    "SPARQL Update is not accepted: this endpoint is read-only. Change data by "
                    "editing data/*.yaml and rebuilding.",
                )
            else:
                raise HTTPError(
                    415,
                    f"unsupported Content-Type {ctype}: use application/sparql-query or "
                    "application/x-www-form-urlencoded",
                )
        if "update" in params:
            raise HTTPError(403, "SPARQL Update is not accepted: this endpoint is read-only.")
        queries = params.get("query")
        if not queries:
            if method == "POST":
                raise HTTPError(400, "no query: send it as the body (application/sparql-query) or a query= field")
            return self.service_description()
        if len(queries) > 1:
            raise HTTPError(400, "more than one query parameter; send exactly one query")
        text = queries[0]
        if len(text.encode("utf-8")) > self.server.config.max_body:
            raise HTTPError(413, f"the query is longer than this server's limit of {self.server.config.max_body} bytes")
        reason = refusal(text, self.server.graphs, frozenset(self.server.config.allowed_services))
        if reason is not None:
            raise HTTPError(403, reason)
        fmt = None
        for key in ("format", "output"):
            if params.get(key):
                fmt = params[key][-1]
        accept = self.headers.get("Accept")
        result_fmt = negotiate.choose(negotiate.TABULAR, accept, fmt)
        graph_fmt = negotiate.choose(negotiate.GRAPH, accept, fmt)
        if result_fmt is None and graph_fmt is None:
            raise HTTPError(
                406,
                "no acceptable result format; this endpoint answers "
                + ", ".join(m for m, _ in negotiate.TABULAR + negotiate.GRAPH),
            )
        if result_fmt == "html" or (result_fmt is None and graph_fmt == "html"):
            # A browser's query: the editor page with the answer (mentorgraph.web, run in a worker).
            return self.web_page("sparql", {**params, "query": [text]})
        args = {
            "text": text,
            "default_graphs": params.get("default-graph-uri"),
            "named_graphs": params.get("named-graph-uri"),
            "result_fmt": result_fmt,
            "graph_fmt": graph_fmt,
            "max_rows": self.server.config.max_rows,
            "base_iri": self.endpoint_url(),
        }
        key = json.dumps(args, sort_keys=True)
        answer = self.server.cache.get(key)
        if answer is None:
            answer = self.run("sparql", **args)
            self.server.cache.put(key, answer)
        headers = {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
        if answer["truncated"]:
            headers["Mentorgraph-Truncated"] = f"only the first {self.server.config.max_rows} results are included"
        if "result" in answer:
            from ..query.engines import Result

            res: Result = answer["result"]
            return self.html(pages.editor(text, pages.result_table(res, answer["truncated"])), headers=headers)
        return Response(200, answer["ctype"] + "; charset=utf-8", answer["body"], headers)

    def endpoint_url(self) -> str:
        host = self.headers.get("Host") or ""
        if not re.fullmatch(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?", host):
            host = "{}:{}".format(*self.server.server_address[:2])
        return f"http://{host}/sparql"

    def service_description(self) -> Response:
        fmt = negotiate.choose(negotiate.GRAPH, self.headers.get("Accept"), self.fmt_param())
        if fmt == "html":
            return self.web_page("sparql", self.params)
        return self.rdf_document(self.sd_turtle(), "service description", fmt)

    def sd_turtle(self) -> str:
        ep = self.endpoint_url()
        counts = {g: int(i.get("triples", 0)) for g, i in self.server.manifest.get("graphs", {}).items()}

        def size(g: str) -> str:
            return f" ; void:triples {counts[g]}" if g in counts else ""

        named = "".join(
            f"""
    sd:namedGraph [ a sd:NamedGraph ; sd:name <{g}> ; sd:graph [ a sd:Graph{size(g)} ] ] ;"""
            for g in sorted(self.server.graphs)
        )
        total = f" ; void:triples {sum(counts.values())}" if counts else ""
        formats = " , ".join(
            f"<{FORMAT_SPEC}{f}>"
            for f in (
                "SPARQL_Results_JSON",
                "SPARQL_Results_XML",
                "SPARQL_Results_CSV",
                "SPARQL_Results_TSV",
                "Turtle",
                "N-Triples",
                "JSON-LD",
                "RDF_XML",
            )
        )
        c = self.server.config
        limits = json.dumps(
            f"Read-only. SPARQL Update, LOAD, FROM of a foreign graph and SERVICE (unless configured) "
            f"are refused. Time limit {c.timeout:g} s, at most {c.max_rows} results, request bodies "
            f"up to {c.max_body} bytes."
        )
        features = "sd:UnionDefaultGraph" + (", sd:BasicFederatedQuery" if self.server.config.allowed_services else "")
        return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{ep}> a sd:Service ;
  sd:endpoint <{ep}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature {features} ;
  sd:resultFormat {formats} ;
  dcterms:description {limits} ;
  sd:defaultDataset [ a sd:Dataset ;
    dcterms:source <{iris.DATASET}> ;
    sd:defaultGraph [ a sd:Graph ; dcterms:description "the union of the named graphs"{total} ] ;{named}
  ] .
"""

    def dataset_turtle(self) -> str:
        """The DCAT/VoID description (mentorgraph.release.dataset, as `mentorgraph release` writes it),
        naming this server's endpoint and downloads; made once per host name the server is reached by."""
        ep = self.endpoint_url()
        base = ep[: -len("/sparql")]
        return self.server.generated(
            ("dataset", base), lambda: self.run("dataset", endpoint=ep, base_url=base + "/download")
        )

    def rdf_document(self, turtle: str, what: str, fmt: str | None = None) -> Response:
        fmt = fmt or negotiate.choose(negotiate.GRAPH, self.headers.get("Accept"), self.fmt_param())
        if fmt is None:
            raise HTTPError(406, f"the {what} is available as " + ", ".join(RDF_TYPES.values()))
        if fmt == "html":
            # A browser gets the download-and-cite page, which links this description (issue 15, item 7).
            return self.web_page("download", {})
        if fmt == "turtle":
            body = turtle.encode("utf-8")
        else:
            import pyoxigraph as ox

            triples = [q.triple for q in ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
            body = serialize_graph(triples, fmt, self.context())
        return Response(
            200, RDF_TYPES[fmt] + "; charset=utf-8", body, {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
        )

    def context(self) -> dict:
        path = self.server.generation.context
        if not path.is_file():
            path = self.server.config.root / layout.CONTEXT_FILE
        return json.loads(path.read_text(encoding="utf-8"))["@context"]

    # -- linked data ----------------------------------------------------------------------------------
    def resource_format(self, ext: str | None) -> str:
        fmt = EXTENSIONS.get(ext) if ext else None
        fmt = fmt or negotiate.choose(negotiate.GRAPH, self.headers.get("Accept"), self.fmt_param())
        if fmt is None:
            raise HTTPError(406, "this resource is available as text/html, " + ", ".join(RDF_TYPES.values()))
        return fmt

    def resource(self, path: str) -> Response:
        prefix, _, name = path[1:].partition("/")
        stem, ext = name, None
        for e in EXTENSIONS:
            if name.endswith(e):
                stem, ext = name[: -len(e)], e
        if not SLUG.match(stem or "-/"):
            raise HTTPError(404, f"not an IRI of this dataset: {path}")
        iri = iris.BASE + prefix + "/" + stem
        fmt = self.resource_format(ext)
        headers = {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
        if prefix == "graph":
            if stem not in iris.GRAPH_NAMES:
                raise HTTPError(404, f"no named graph {stem!r}; the graphs are {', '.join(iris.GRAPH_NAMES)}")
            data = self.run("graph", iri=iri, fmt=fmt, max_triples=500)
            if fmt == "html":
                return self.web_page("graph", {"name": [stem]})
            return Response(200, RDF_TYPES[fmt] + "; charset=utf-8", data["body"], headers)
        if fmt == "html":
            return self.web_page("entity", {"iri": [iri]})
        return Response(200, RDF_TYPES[fmt] + "; charset=utf-8", self.run("describe", iri=iri, fmt=fmt), headers)

    def ontology(self, ext: str | None = None) -> Response:
        fmt = self.resource_format(ext)
        headers = {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
        if fmt == "html":
            return self.web_page("ontology", {})
        data = self.run("ontology", fmt=fmt)
        return Response(200, RDF_TYPES[fmt] + "; charset=utf-8", data["body"], headers)

    # -- web view -------------------------------------------------------------------------------------
    def catalogue(self) -> dict:
        from ..query.catalogue import load_catalogue

        return load_catalogue(self.server.config.root / layout.QUERIES_DIR)

    def candidates(self, catalogue: dict) -> dict[str, list[tuple[str, str]]]:
        kinds = sorted({p.kind for q in catalogue.values() for p in q.params if p.kind != "text"})
        return {k: self.run("candidates", kind=k) for k in kinds}

    def find(self) -> Response:
        """ "Find a model" (issue 8): mentorgraph.advise.html's page, run in a worker, in the site layout."""
        params = {k: v for k, v in self.params.items() if k in FIND_PARAMS}
        status, body = self.run("find", params=params)
        return self.html(pages.find(body), status, csp_allowing_styles(body))

    def questions(self) -> Response:
        return self.web_page("questions", self.params)

    def question(self, name: str) -> Response:
        from ..query import formats
        from ..problems import closest

        cat = self.catalogue()
        if name not in cat:
            hint = closest(name, cat, n=3)
            hint_text = f"; did you mean {', '.join(hint)}?" if hint else ""
            raise HTTPError(404, f"no canned question named {name!r}{hint_text}")
        q = cat[name]
        values = {p.name: self.param(p.name) for p in q.params if self.param(p.name) is not None}
        fmt_param = self.fmt_param()
        fmt = negotiate.choose(negotiate.TABULAR, self.headers.get("Accept"), fmt_param)
        if fmt is None:
            raise HTTPError(406, "answers are available as HTML, SPARQL JSON/XML, CSV and TSV")
        if fmt == "html":
            return self.web_page("question", {**self.params, "name": [name]})
        answer = self.run("canned", name=name, params=values, max_rows=self.server.config.max_rows)
        headers = {"Vary": "Accept"}
        if answer["truncated"]:
            headers["Mentorgraph-Truncated"] = f"only the first {self.server.config.max_rows} results are included"
        if fmt == "html":
            return self.web_page("question", {**self.params, "name": [name]})
        writer = {"json": formats.to_json, "xml": formats.to_xml, "csv": formats.to_csv, "tsv": formats.to_tsv}[fmt]
        media = negotiate.media_type(negotiate.TABULAR, fmt)
        if fmt_param:
            ext = {"json": "srj", "xml": "srx"}.get(fmt, fmt)
            headers["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
        return Response(200, media + "; charset=utf-8", writer(answer["result"]).encode("utf-8"), headers)

    def web_page(self, route: str, params: dict[str, list[str]]) -> Response:
        """A page of the web view (mentorgraph.web): its view runs in a worker, like every read."""
        c = self.server.config
        service = {"max_rows": c.max_rows, "limits": self.limits(), "endpoint": self.endpoint_url()}
        status, media, body, filename = self.run("page", route=route, params=params, service=service)
        headers = {"Vary": "Accept"}
        if filename:
            headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return Response(status, media, body.encode("utf-8"), headers)

    def static(self, name: str) -> Response:
        # Only the files shipped in static/ are served, by exact name: no path is ever built from the URL.
        path = self.server.static.get(name)
        if path is None:
            raise HTTPError(404, f"no static file {name!r}")
        return Response(
            200,
            mediatypes.of_file(path.name) or "application/octet-stream",
            path.read_bytes(),
            {"Cache-Control": "public, max-age=3600"},
        )

    def download(self, name: str) -> Response:
        files = set(self.server.manifest.get("files", {})) | {layout.MANIFEST}
        if name not in files or Path(name).suffix not in DOWNLOADS:
            raise HTTPError(404, f"no download {name!r}; see /dataset for the list")
        body = self.server.generation.file(name).read_bytes()
        return Response(200, f"{mediatypes.of_file(name)}; charset=utf-8", body, {"Access-Control-Allow-Origin": "*"})

    def limits(self) -> dict[str, str]:
        c = self.server.config
        return {
            "Time limit per query": f"{c.timeout:g} s (the query is stopped; 503)",
            "Rows per result": f"{c.max_rows} (more are cut; header Mentorgraph-Truncated)",
            "Request size": f"{c.max_body} bytes (413)",
            "Writes (SPARQL Update, LOAD, ...)": "refused (403)",
            "SERVICE (federation)": (
                "allowed only to " + ", ".join(c.allowed_services) if c.allowed_services else "refused (403)"
            ),
            "FROM / FROM NAMED": "only this dataset's named graphs (403 otherwise)",
            "Query workers": str(c.workers),
        }

    def health(self) -> Response:
        pool = self.server.pool
        try:
            ok = pool is not None and self.run("ping") is True
        except (PoolError, WorkerError):
            ok = False
        body = {
            "status": "ok" if ok else "unavailable",
            "workers": pool.alive() if pool else 0,
            "workers_replaced": pool.replaced if pool else 0,
            "triples": self.server.manifest.get("triples"),
        }
        return Response(
            200 if ok else 503,
            "application/json",
            (json.dumps(body) + "\n").encode("utf-8"),
            {"Cache-Control": "no-store"},
        )
