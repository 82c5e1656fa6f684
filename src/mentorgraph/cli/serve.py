"""The `serve` sub-command: argument parsing only; the server lives in mentorgraph.server."""

from __future__ import annotations

import argparse

from . import common

EPILOG = """\
examples:
  mentorgraph serve                                  http://127.0.0.1:8000/ (web view), /sparql
  mentorgraph serve --host 0.0.0.0 --port 8080       listen on every interface
  mentorgraph serve --timeout 5 --max-rows 1000      tighter limits for a public deployment
  mentorgraph serve --workers 4 --query-processes 2  4 front ends, each with 2 query processes
  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' \\
       http://127.0.0.1:8000/sparql

Access logs are JSON lines on standard error. A new `mentorgraph build` is picked up within
seconds, without a restart. Stop with Ctrl-C or SIGTERM (in-flight requests finish first).
docs/server.md documents the limits and the security model.
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


def _count(text: str) -> int:
    """A whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {text!r}")
    return value


# The numeric options: flag, type, default, metavar, help.
NUMBERS = (
    (
        "--timeout",
        _positive(float),
        10.0,
        "SECONDS",
        "time limit per query; a longer query is stopped and answered 503 (default: 10)",
    ),
    ("--max-rows", _positive(int), 10000, "N", "most result rows or triples returned; more are cut (default: 10000)"),
    (
        "--max-body",
        _positive(int),
        1024 * 1024,
        "BYTES",
        "largest request body or query accepted; larger is answered 413 (default: 1048576)",
    ),
    (
        "--workers",
        _positive(int),
        0,
        "N",
        "front-end processes answering HTTP (default: the number of CPUs, at least 2, at most 8)",
    ),
    (
        "--query-processes",
        _positive(int),
        2,
        "N",
        "query processes per front end; a query runs in one and is stopped by killing it (default: 2)",
    ),
    (
        "--max-memory",
        _count,
        2048,
        "MIB",
        "address space per query process in MiB (RLIMIT_AS); a query needing more is answered 503; "
        "0: no cap (default: 2048)",
    ),
    (
        "--cache-size",
        _count,
        256,
        "N",
        "answers to recent identical queries kept in memory per build; 0 turns the cache off (default: 256)",
    ),
)


def cmd_serve(args) -> int:
    """Serve the current generation until SIGINT or SIGTERM."""
    import os

    from ..layout import NoBuild, current_generation
    from ..server import Config, serve

    root = common.project_root(args)
    out = common.out_dir(args)
    try:
        if not current_generation(out).store.is_dir():
            raise NoBuild(f"no built store in {out}; run `mentorgraph build` first")
    except NoBuild as exc:
        return common.error(str(exc))
    workers = args.workers or max(2, min(os.cpu_count() or 2, 8))
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
            query_processes=args.query_processes,
            max_memory=args.max_memory,
            cache_size=args.cache_size,
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
    for flag, kind, default, metavar, text in NUMBERS:
        p.add_argument(flag, type=kind, default=default, metavar=metavar, help=text)
    p.add_argument(
        "--allow-service",
        action="append",
        type=_service,
        metavar="URL",
        help="allow SERVICE clauses to this endpoint (repeatable; default: SERVICE is refused and the "
        "server never makes an outbound request)",
    )
    p.set_defaults(func=cmd_serve)
