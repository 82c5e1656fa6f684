"""The `serve` sub-command: argument parsing only; the server lives in mentorgraph.server."""

from __future__ import annotations

import argparse

from . import common

EPILOG = """\
examples:
  mentorgraph serve                                  http://127.0.0.1:8000/ (web view), /sparql
  mentorgraph serve --host 0.0.0.0 --port 8080       listen on every interface
  mentorgraph serve --timeout 5 --max-rows 1000      tighter limits for a public deployment
  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' \\
       http://127.0.0.1:8000/sparql

Access logs are JSON lines on standard error. Stop with Ctrl-C or SIGTERM. docs/server.md documents
the limits and the security model.
"""


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value

    return parse


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number 0-65535, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 0-65535, got {text!r}")
    return value


def _service(text: str) -> str:
    if not text.startswith(("http://", "https://")) or any(c in text for c in '<> "{}|^`\\'):
        raise argparse.ArgumentTypeError(f"expected an http(s) endpoint URL, got {text!r}")
    return text


def cmd_serve(args) -> int:
    """Serve the current generation until SIGINT or SIGTERM."""
    import os

    from ..layout import NoBuild, current_generation
    from ..server import serve
    from ..server.app import Config

    root = common.project_root(args)
    out = common.out_dir(args)
    try:
        if not current_generation(out).store.is_dir():
            raise NoBuild(f"no built store in {out}; run `mentorgraph build` first")
    except NoBuild as exc:
        return common.error(str(exc))
    workers = args.workers or max(2, os.cpu_count() or 2)
    return serve(
        Config(
            out=out.resolve(),
            root=root.resolve(),
            host=args.host,
            port=args.port,
            timeout=args.timeout,
            max_rows=args.max_rows,
            max_body=args.max_body,
            workers=workers,
            cache_size=max(args.cache_size, 0),
            allowed_services=args.allow_service or [],
        )
    )


def register(subparsers) -> None:
    """Add `serve`."""
    p = subparsers.add_parser(
        "serve",
        help="serve the graph: SPARQL endpoint, linked-data IRIs and a web view",
        description="Serve the built graph read-only over HTTP: a SPARQL 1.1 Protocol endpoint at /sparql, "
        "every project IRI (/id/..., /ontology, /graph/...) with content negotiation, a VoID/DCAT "
        "description, and web pages (Table 1, one page per entity, the canned questions, a SPARQL "
        "editor). Updates are refused, SERVICE is refused unless allowed, each query is stopped at "
        "the time limit.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8000, help="port to listen on; 0 picks a free one (default: 8000)")
    common.add_out(p)
    common.add_root(p)
    p.add_argument(
        "--timeout",
        type=_positive(float),
        default=10.0,
        metavar="SECONDS",
        help="time limit per query; a longer query is stopped and answered 503 (default: 10)",
    )
    p.add_argument(
        "--max-rows",
        type=_positive(int),
        default=10000,
        metavar="N",
        help="most result rows or triples returned; more are cut (default: 10000)",
    )
    p.add_argument(
        "--max-body",
        type=_positive(int),
        default=1024 * 1024,
        metavar="BYTES",
        help="largest request body or query accepted; larger is answered 413 (default: 1048576)",
    )
    p.add_argument(
        "--workers",
        type=_positive(int),
        default=0,
        metavar="N",
        help="query worker processes (default: the number of CPUs, at least 2)",
    )
    p.add_argument(
        "--cache-size",
        type=int,
        default=256,
        metavar="N",
        help="answers to recent identical queries kept in memory (the store is read-only while "
        "serving); 0 turns the cache off (default: 256)",
    )
    p.add_argument(
        "--allow-service",
        action="append",
        type=_service,
        metavar="URL",
        help="allow SERVICE clauses to this endpoint (repeatable; default: SERVICE is refused and the "
        "server never makes an outbound request)",
    )
    p.set_defaults(func=cmd_serve)
