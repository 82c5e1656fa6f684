"""`mentorgraph push`: upload the built graph to a SPARQL 1.1 triple store.

Credentials never appear on the command line (where shell history and `ps` would keep them): a
password comes from $MENTORGRAPH_PASSWORD or a prompt, a token from an environment variable named
by --auth-env.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import common

PASSWORD_ENV = "MENTORGRAPH_PASSWORD"

EPILOG = f"""\
examples:
  oxigraph serve --location store &
  mentorgraph push --endpoint http://localhost:7878/query
  mentorgraph push --endpoint http://localhost:3030/mentorgraph/query --user admin
  MG_TOKEN="Bearer ..." mentorgraph push --endpoint https://example.org/sparql \\
      --graph-store https://example.org/graph-store --auth-env MG_TOKEN

The graph store URL is derived from the endpoint for Oxigraph (/query -> /store), Fuseki
(/DATASET/query -> /DATASET/data), GraphDB (/repositories/ID -> .../rdf-graphs/service) and
Virtuoso (/sparql -> /sparql-graph-crud, or /sparql-graph-crud-auth with --user); otherwise give
--graph-store. With --user the password is read from ${PASSWORD_ENV} or prompted for.
See docs/triple-stores.md for each store's set-up.
"""


def _credentials(args):
    """Credentials from the environment or a prompt; raise ValueError with the fix if unavailable."""
    from ..remote.push import Credentials

    if args.auth_env:
        value = os.environ.get(args.auth_env)
        if not value:
            raise ValueError(
                f"--auth-env {args.auth_env}: the environment variable {args.auth_env} is "
                f"not set; set it to an Authorization header value, e.g. 'Bearer <token>'"
            )
        return Credentials(authorization=value)
    if args.user:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise ValueError(
                    f"--user {args.user}: no password; set {PASSWORD_ENV} "
                    f"(standard input is not a terminal, so it cannot be prompted for)"
                )
            import getpass

            password = getpass.getpass(f"password for {args.user}: ")
        return Credentials(user=args.user, password=password)
    return None


def cmd_push(args) -> int:
    """Upload every named graph of the current generation, then compare the store's counts."""
    from ..remote.push import PushError, guess_graph_store, load_build, push, store_counts
    from .progress import Progress

    try:
        creds = _credentials(args)
    except ValueError as exc:
        return common.error(str(exc), common.USAGE)
    graph_store = args.graph_store or guess_graph_store(args.endpoint, authenticated=creds is not None)
    if not graph_store:
        return common.error(
            f"cannot tell where {args.endpoint} accepts uploads; give its SPARQL 1.1 Graph Store "
            f"Protocol URL with --graph-store URL (see docs/triple-stores.md)",
            common.USAGE,
        )
    try:
        graphs = load_build(common.out_dir(args))
    except PushError as exc:
        return common.error(str(exc))
    total = sum(len(g.body) for g in graphs)
    bar = Progress(total, "pushing", enabled=not args.quiet)
    done = 0

    def progress(i: int, graph, failure, seconds: float) -> None:
        nonlocal done
        done += len(graph.body)
        bar.update(done, f"{i + 1}/{len(graphs)} graphs")
        if failure is None and args.quiet:
            return
        state = "FAILED" if failure else f"{seconds:.2f}s"
        print(
            f"  {i + 1}/{len(graphs)} <{graph.iri}> {graph.triples} triples, {len(graph.body) / 1e6:.1f} MB, {state}",
            file=sys.stderr,
            flush=True,
        )

    if not args.quiet:
        print(f"pushing {len(graphs)} graphs ({total / 1e6:.1f} MB) to {graph_store}", file=sys.stderr)
    try:
        outcome = push(graphs, graph_store, creds, progress)
    except PushError as exc:
        return common.error(str(exc))
    finally:
        bar.close()
    for failure in outcome.failures:
        common.error(str(failure))
    if outcome.failures:
        return common.error(f"pushed {len(outcome.pushed)} of {len(graphs)} graphs; the failed ones are listed above")
    if args.no_verify:
        return common.OK
    try:
        counts, dataset_honoured = store_counts(args.endpoint, [g.iri for g in graphs], creds)
    except PushError as exc:
        return common.error(f"pushed, but could not check the result: {exc}")
    wrong = [(g, counts.get(g.iri, 0)) for g in graphs if counts.get(g.iri, 0) != g.triples]
    for g, n in wrong:
        common.error(
            f"graph <{g.iri}>: the store reports {n} triples, the build has {g.triples} "
            f"(does the store add inferred triples to the graph, or did another client write to it?)"
        )
    if not dataset_honoured and not wrong:
        common.warn(
            f"{args.endpoint} holds the graphs but ignored the default-graph-uri / named-graph-uri "
            "parameters of a query (SPARQL 1.1 Protocol, section 2.1.4), which mentorgraph's queries use to "
            "name the pushed graphs; they will find nothing there (docs/triple-stores.md)"
        )
    if wrong:
        return common.INVALID
    if not args.quiet:
        print(
            f"pushed {len(graphs)} graphs in {outcome.seconds:.2f}s; the store's triple counts match the build",
            file=sys.stderr,
        )
    return common.OK


def register(subparsers) -> None:
    """Add the `push` command."""
    p = subparsers.add_parser(
        "push",
        help="upload the built graph to a SPARQL 1.1 triple store",
        description="Upload every named graph of the build (dist/mentorgraph.nq) to a triple store with the "
        "SPARQL 1.1 Graph Store HTTP Protocol, one PUT per graph, so pushing again replaces "
        "rather than duplicates. Then check the store's triple count per graph.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the store's SPARQL 1.1 query endpoint (used to derive the graph store URL and to check the result)",
    )
    p.add_argument(
        "--graph-store",
        metavar="URL",
        help="the store's SPARQL 1.1 Graph Store Protocol URL (default: derived from --endpoint)",
    )
    auth = p.add_mutually_exclusive_group()
    auth.add_argument(
        "--user",
        metavar="NAME",
        help=f"user name for HTTP Basic or Digest authentication; the password comes from ${PASSWORD_ENV} or a prompt",
    )
    auth.add_argument(
        "--auth-env",
        metavar="VAR",
        help="name of an environment variable holding an Authorization header value (e.g. 'Bearer <token>')",
    )
    common.add_out(p)
    p.add_argument(
        "--no-verify",
        action="store_true",
        help="do not query the endpoint afterwards for triple counts per graph",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    p.set_defaults(func=cmd_push)
