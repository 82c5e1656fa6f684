"""Commands `build`, `table`, `queries`, `query` and `sparql`: the pipeline and the query layer's shell.

Heavy libraries (rdflib, owlrl, pyshacl) are imported inside the commands that need them, so a cold
`mentorgraph query` only loads pyoxigraph.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from . import common

FORMATS = ["table", "csv", "tsv", "json", "markdown", "xml"]


# -- build ---------------------------------------------------------------------------------------
def _linked(pairs: list[list[str]] | None, drop: list[str] | None) -> dict[str, bytes | None]:
    """--with NAME FILE and --without NAME as the build's linked datasets (N-Quads, or None to drop)."""
    from ..layout import LINKED

    linked: dict[str, bytes | None] = {}
    for name in drop or []:
        if name not in LINKED:
            raise ValueError(f"--without {name}: unknown dataset; supported: {', '.join(LINKED)}")
        linked[name] = None
    for name, path in pairs or []:
        if name not in LINKED:
            raise ValueError(f"--with {name}: unknown dataset; supported: {', '.join(LINKED)}")
        if not Path(path).is_file():
            raise FileNotFoundError(f"cannot read {path}: no such file")
        from ..linking.rdf import ror_nquads  # here: a build without --with does not need them
        from ..linking.ror import iter_records

        linked[name] = ror_nquads(iter_records([path]))
    return linked


def cmd_build(args: argparse.Namespace) -> int:
    """Load, reason, validate and write a new generation of the build directory."""
    import time

    from ..pipeline.build import build

    out = common.out_dir(args)
    t0 = time.perf_counter()
    progress = common.stderr_progress(args.quiet)
    try:
        linked = _linked(args.with_, args.without)
        result = build(common.project_root(args), out, progress=progress, linked=linked)
    except Exception as exc:
        return common.report(exc)
    if not args.quiet:
        total = time.perf_counter() - t0
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
        counts = ", ".join(f"{k} {v}" for k, v in result.counts.items())
        how = "unchanged inputs: reused" if result.reused else "built"
        print(
            f"{how} {out} (generation {result.generation.id}) in {total:.2f}s"
            + (f" ({stages})" if stages else "")
            + f"\n  triples per graph: {counts}",
            file=sys.stderr,
        )
        if result.reused_stages:
            reused = ", ".join(result.reused_stages)
            print(f"  inputs unchanged since the previous generation, output reused: {reused}", file=sys.stderr)
        for name in result.generation.linked:
            print(f"  linked dataset: {name}", file=sys.stderr)
    return common.OK


# -- table ---------------------------------------------------------------------------------------
def cmd_table(args: argparse.Namespace) -> int:
    """Table 1, regenerated from the built graph."""
    from ..query.table import RENDERERS, table_data

    try:
        with common.open_graph(args) as mg:
            text = RENDERERS[args.format](table_data(mg))
    except Exception as exc:
        return common.report(exc)
    sys.stdout.write(text)
    return common.OK


# -- queries / query / sparql --------------------------------------------------------------------
def cmd_queries(args: argparse.Namespace) -> int:
    """The catalogue of canned questions."""
    from ..layout import QUERIES_DIR
    from ..query.catalogue import load_catalogue

    cat = load_catalogue(common.project_root(args) / QUERIES_DIR)
    if args.format == "json":
        import json

        doc = [
            {
                "name": q.name,
                "question": q.question,
                "params": [p.__dict__ for p in q.params],
                "columns": [c.__dict__ for c in q.columns],
            }
            for q in cat.values()
        ]
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return common.OK
    for q in cat.values():
        print(q.name)
        print(textwrap.indent(textwrap.fill(q.question, 90), "    "))
        for p in q.params:
            print(f"    --param {p.name}=...  {p.meaning} (e.g. {p.example!r})")
    return common.OK


def _params(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ValueError(f"--param expects key=value, got {pair!r}")
        k, v = pair.split("=", 1)
        out[k.strip()] = v
    return out


def cmd_query(args: argparse.Namespace) -> int:
    """Run one canned question."""
    from ..query.formats import RESULT_FORMATS

    try:
        with common.open_graph(args) as mg:
            text = RESULT_FORMATS[args.format](mg.query(args.name, **_params(args.param)))
    except Exception as exc:
        return common.report(exc)
    sys.stdout.write(text)
    return common.OK


def _query_text(source: str) -> str:
    """The query: standard input for -, the file's text if `source` names a file, else `source`."""
    if source == "-":
        return sys.stdin.read()
    try:
        is_file = Path(source).is_file()
    except (OSError, ValueError):  # a query text that is no possible path (too long, a surrogate)
        is_file = False
    return Path(source).read_text(encoding="utf-8") if is_file else source


def cmd_sparql(args: argparse.Namespace) -> int:
    """Run an ad-hoc read-only query."""
    from ..query.formats import RESULT_FORMATS, graph_to_ntriples
    from ..query.policy import QueryError, located

    try:
        text = _query_text(args.query)
        with common.open_graph(args) as mg:
            res = mg.sparql(text)
            out = graph_to_ntriples(res) if res.kind == "graph" else RESULT_FORMATS[args.format](res)
    except QueryError as exc:
        return common.error(located(exc, text), common.USAGE)
    except Exception as exc:
        return common.report(exc)
    sys.stdout.write(out)
    return common.OK


def register(sub) -> None:
    """Add `build`, `table`, `queries`, `query` and `sparql`."""
    p = common.parser(
        sub,
        "build",
        "load, reason, validate and export the graph",
        "Load ontology/ and data/, run OWL RL reasoning, validate with SHACL and write every export "
        "as a new generation of the build directory (dist/builds/ID/, then dist/current switches to it "
        "in one step). A problem writes nothing. Linked datasets of the previous generation are kept.",
        "examples:\n  mentorgraph build\n  mentorgraph build --out build\n"
        "  mentorgraph build --with ror ror-data.jsonl\n"
        "  mentorgraph query ror-sponsor-locations      # needs the ROR data loaded",
    )
    common.add_out(p)
    common.add_root(p)
    common.add_quiet(p)
    p.add_argument(
        "--with",
        dest="with_",
        nargs=2,
        action="append",
        metavar=("DATASET", "FILE"),
        help="load a linked dataset beside the graph in its own named graph, never reasoned over; "
        "DATASET is ror and FILE a ROR dump (JSON or JSON Lines, schema v1 or v2)",
    )
    p.add_argument("--without", action="append", metavar="DATASET", help="drop a linked dataset (ror)")
    p.set_defaults(func=cmd_build)

    p = common.parser(
        sub,
        "table",
        "regenerate Table 1 from the built graph",
        "Regenerate Table 1 from the built graph alone, by SPARQL.",
        "examples:\n  mentorgraph table\n  mentorgraph table --format json",
    )
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    common.add_engine(p, remote=False)
    p.set_defaults(func=cmd_table)

    p = common.parser(
        sub,
        "queries",
        "list the canned questions and their parameters",
        "List the catalogue of canned competency questions (queries/*.rq).",
        "examples:\n  mentorgraph queries\n  mentorgraph queries --format json",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    common.add_root(p)
    p.set_defaults(func=cmd_queries)

    p = common.parser(
        sub,
        "query",
        "run a canned question by name",
        "Run a canned question. Parameters accept a label, alternative label, acronym, CURIE or IRI, "
        "case- and accent-insensitively.",
        "examples:\n  mentorgraph query types\n"
        "  mentorgraph query type-profile --param type='Social media'\n"
        "  mentorgraph query programs-by-sponsor --param sponsor=ACR --format csv",
    )
    p.add_argument("name", help="the question's name (see `mentorgraph queries`)")
    p.add_argument("--param", "-p", action="append", metavar="KEY=VALUE", help="a parameter (repeatable)")
    p.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default="table",
        help="table (default, for terminals), tsv/json/xml (SPARQL 1.1 results formats), csv (spreadsheet-safe: "
        "a cell a spreadsheet would run as a formula starts with '), markdown",
    )
    common.add_engine(p)
    p.set_defaults(func=cmd_query)

    p = common.parser(
        sub,
        "sparql",
        "run an ad-hoc read-only SPARQL query",
        "Run a SELECT, ASK, CONSTRUCT or DESCRIBE query with the project's prefixes predeclared "
        "(mg:, mgo:, rdfs:, skos:, schema:, ...). Updates, SERVICE and datasets other than the project's "
        "graphs are refused; the query runs in a worker process stopped at the time, row and memory limits.",
        "examples:\n  mentorgraph sparql 'SELECT ?s WHERE { ?s a mgo:Seminar }'\n"
        "  mentorgraph sparql my-question.rq\n  echo 'ASK { ?s a mgo:Forum }' | mentorgraph sparql -",
    )
    p.add_argument("query", help="the query text, a file holding it, or - for standard input")
    p.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default="table",
        help="as for `query` (csv is spreadsheet-safe); CONSTRUCT and DESCRIBE give N-Triples",
    )
    common.add_engine(p)
    p.set_defaults(func=cmd_sparql)
