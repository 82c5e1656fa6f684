"""The `mentorgraph` command line: a thin shell over the library's functions.

Heavy libraries (rdflib, owlrl, pyshacl) are imported inside the commands that need them, so a
cold `mentorgraph query` only loads pyoxigraph. Exit codes: 0 success, 1 invalid data or a failed
check, 2 a usage error (unknown command, parameter or value), 3 an engine or I/O failure.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import textwrap
from pathlib import Path

# Modules that add their own sub-commands: each has register(subparsers) -> None.
COMMAND_MODULES: list[str] = [
    "mentorgraph.contrib.commands",  # validate, import, template (contributed data)
    "mentorgraph.linking.commands",  # link ror (reconciliation with ROR)
    "mentorgraph.server.commands",  # serve (SPARQL endpoint and web view)
    "mentorgraph.remote.commands",  # push (SPARQL 1.1 Graph Store Protocol)
    "mentorgraph.advise.commands",  # themes, compare, recommend
    "mentorgraph.release.commands",  # docs, release, diff
]

EPILOG = """\
examples:
  mentorgraph build                          build dist/ from ontology/ and data/
  mentorgraph query underserved-programs     which programs target underserved populations?
  mentorgraph query programs-by-sponsor --param sponsor=ACR
  mentorgraph table --format markdown        Table 1, regenerated from the graph
  mentorgraph sparql 'SELECT * WHERE { ?s a mgo:Seminar }'

Run `mentorgraph COMMAND --help` for each command's options.
"""


def _err(msg: str) -> None:
    print(f"mentorgraph: error: {msg}", file=sys.stderr)


def _root(args) -> Path:
    from .api import find_root

    return Path(args.root) if getattr(args, "root", None) else find_root()


# -- build ---------------------------------------------------------------------------------------
def report_build_failure(exc: BaseException) -> int | None:
    """Print a failed build's problems for people; the exit code, or None if `exc` is not one."""
    from .build import ValidationError
    from .problems import InputError
    from .reason import InconsistencyError

    if isinstance(exc, InputError):
        _err(f"the curated sources have {len(exc.problems)} problem(s); nothing was written:")
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    if isinstance(exc, ValidationError):
        _err("SHACL validation failed; nothing was written.")
        print(exc.report.text(), file=sys.stderr)
        return 1
    if isinstance(exc, InconsistencyError):
        _err(f"{exc}\nnothing was written.")
        return 1
    return None


def cmd_build(args) -> int:
    import time

    from .build import build
    from .problems import InputError

    root = _root(args)
    out = Path(args.out) if Path(args.out).is_absolute() else Path.cwd() / args.out
    t0 = time.perf_counter()
    quiet = args.quiet

    def progress(msg: str) -> None:
        if not quiet:
            print(f"  {msg}", file=sys.stderr, flush=True)

    try:
        result = build(root, out, progress=progress)
    except Exception as exc:  # noqa: BLE001 - known failures are reported, others re-raised
        code = report_build_failure(exc)
        if code is None:
            raise
        return code
    for dataset, path in args.with_ or []:
        if dataset != "ror":
            _err(f"--with {dataset}: unknown dataset; supported: ror")
            return 2
        from .linking.rdf import load_ror
        from .linking.ror import iter_records

        progress(f"load ROR records from {path} into graph/ror...")
        try:
            _, quads = load_ror(out, iter_records([path]))
        except InputError as exc:
            _err(f"{path}: {len(exc.problems)} problem(s); the built graph is unchanged:")
            for p in exc.problems:
                print(f"  {p}", file=sys.stderr)
            return 1
        except OSError as exc:
            _err(f"cannot read {path}: {exc}")
            return 3
        progress(f"loaded {quads} quads from {path} beside the graph")
    if not quiet:
        total = time.perf_counter() - t0
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
        counts = ", ".join(f"{k} {v}" for k, v in result.counts.items())
        print(f"built {out} in {total:.2f}s ({stages})\n  triples per graph: {counts}", file=sys.stderr)
    return 0


# -- table ---------------------------------------------------------------------------------------
def cmd_table(args) -> int:
    from .api import open_graph
    from .table import RENDERERS, table_data

    mg = open_graph(args.out, engine=args.engine)
    sys.stdout.write(RENDERERS[args.format](table_data(mg)))
    return 0


# -- queries / query / sparql --------------------------------------------------------------------
def cmd_queries(args) -> int:
    from .api import find_root
    from .catalogue import load_catalogue

    cat = load_catalogue(find_root() / "queries")
    if args.format == "json":
        import json

        print(
            json.dumps(
                [
                    {
                        "name": q.name,
                        "question": q.question,
                        "params": [p.__dict__ for p in q.params],
                        "columns": [c.__dict__ for c in q.columns],
                    }
                    for q in cat.values()
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for q in cat.values():
        print(q.name)
        print(textwrap.indent(textwrap.fill(q.question, 90), "    "))
        for p in q.params:
            print(f"    --param {p.name}=...  {p.meaning} (e.g. {p.example!r})")
    return 0


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ValueError(f"--param expects key=value, got {pair!r}")
        k, v = pair.split("=", 1)
        out[k.strip()] = v
    return out


def _open(args):
    from .api import open_graph

    return open_graph(args.out, engine=args.engine, endpoint=args.endpoint)


def cmd_query(args) -> int:
    from .api import ParameterError
    from .engines import EngineError
    from .formats import RESULT_FORMATS

    try:
        params = _params(args.param)
        mg = _open(args)
        res = mg.query(args.name, **params)
    except (ParameterError, ValueError) as exc:
        _err(str(exc))
        return 2
    except (EngineError, FileNotFoundError) as exc:
        _err(str(exc))
        return 3
    sys.stdout.write(RESULT_FORMATS[args.format](res))
    return 0


def cmd_sparql(args) -> int:
    from .engines import EngineError
    from .formats import RESULT_FORMATS, graph_to_ntriples
    from .safety import RefusedQuery

    source = args.query
    if source == "-":
        text = sys.stdin.read()
    elif Path(source).is_file():
        text = Path(source).read_text(encoding="utf-8")
    else:
        text = source
    try:
        mg = _open(args)
        res = mg.sparql(text)
    except RefusedQuery as exc:
        _err(str(exc))
        return 2
    except EngineError as exc:
        _err(f"query failed: {exc}")
        return 2
    except FileNotFoundError as exc:
        _err(str(exc))
        return 3
    if res.kind == "graph":
        sys.stdout.write(graph_to_ntriples(res))
    else:
        sys.stdout.write(RESULT_FORMATS[args.format](res))
    return 0


def _engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="dist", help="the build directory holding the graph (default: dist)")
    p.add_argument(
        "--engine",
        choices=["oxigraph", "rdflib"],
        default="oxigraph",
        help="query engine: the embedded pyoxigraph store (default) or rdflib",
    )
    p.add_argument("--endpoint", metavar="URL", help="run against a remote SPARQL 1.1 Protocol endpoint instead")


CORE_COMMANDS = {"build", "table", "queries", "query", "sparql"}


def make_parser(extensions: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorgraph",
        description="The open knowledge graph of peer-mentoring models in academic medicine "
        "(Table 1 of Cree-Green et al., J Investig Med 2020).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"mentorgraph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "build",
        help="load, reason, validate and export the graph",
        description="Load ontology/ and data/, run OWL RL reasoning, validate with SHACL and "
        "write every export to the build directory. A problem writes nothing.",
        epilog="examples:\n  mentorgraph build --out dist\n"
        "  mentorgraph build --with ror ror-data.jsonl\n"
        "  mentorgraph query ror-sponsor-locations      # needs the ROR data loaded",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", default="dist", help="output directory (default: dist)")
    p.add_argument("--root", help="project directory (default: found from the current directory)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    p.add_argument(
        "--with",
        dest="with_",
        nargs=2,
        action="append",
        metavar=("DATASET", "FILE"),
        help="load a linked dataset beside the graph in its own named graph, never reasoned over; "
        "DATASET is ror and FILE a ROR dump (JSON or JSON Lines, schema v1 or v2)",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "table",
        help="regenerate Table 1 from the built graph",
        description="Regenerate Table 1 from the built graph alone, by SPARQL.",
        epilog="examples:\n  mentorgraph table\n  mentorgraph table --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.add_argument("--out", default="dist", help="the build directory (default: dist)")
    p.add_argument("--engine", choices=["oxigraph", "rdflib"], default="oxigraph")
    p.set_defaults(func=cmd_table)

    p = sub.add_parser(
        "queries",
        help="list the canned questions and their parameters",
        description="List the catalogue of canned competency questions (queries/*.rq).",
        epilog="examples:\n  mentorgraph queries\n  mentorgraph queries --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_queries)

    p = sub.add_parser(
        "query",
        help="run a canned question by name",
        description="Run a canned question. Parameters accept a label, alternative label, "
        "acronym, CURIE or IRI, case- and accent-insensitively.",
        epilog="examples:\n  mentorgraph query types\n"
        "  mentorgraph query type-profile --param type='Social media'\n"
        "  mentorgraph query programs-by-sponsor --param sponsor=ACR --format csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", help="the question's name (see `mentorgraph queries`)")
    p.add_argument("--param", "-p", action="append", metavar="KEY=VALUE", help="a parameter (repeatable)")
    p.add_argument(
        "--format",
        "-f",
        choices=["table", "csv", "tsv", "json", "markdown", "xml"],
        default="table",
        help="table (default, for terminals), csv/tsv/json/xml (SPARQL 1.1 results formats), markdown",
    )
    _engine_options(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser(
        "sparql",
        help="run an ad-hoc read-only SPARQL query",
        description="Run a SELECT, ASK, CONSTRUCT or DESCRIBE query with the project's prefixes "
        "predeclared (mg:, mgo:, rdfs:, skos:, schema:, ...). Updates are refused.",
        epilog="examples:\n  mentorgraph sparql 'SELECT ?s WHERE { ?s a mgo:Seminar }'\n"
        "  mentorgraph sparql my-question.rq\n  echo 'ASK { ?s a mgo:Forum }' | "
        "mentorgraph sparql -",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("query", help="the query text, a file holding it, or - for standard input")
    p.add_argument("--format", "-f", choices=["table", "csv", "tsv", "json", "markdown", "xml"], default="table")
    _engine_options(p)
    p.set_defaults(func=cmd_sparql)

    for name in COMMAND_MODULES if extensions else []:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that part of mentorgraph is not installed in this checkout
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # A core command does not need the other commands' modules: keep the cold start of `query` fast.
    parser = make_parser(extensions=not (argv and argv[0] in CORE_COMMANDS))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
