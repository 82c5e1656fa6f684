"""The `mentorgraph` command line: a thin shell over the library's functions.

Every command lives in one module of this package, named in COMMANDS (an explicit table: a module
that fails to import is an error, never skipped). Only the module of the command being run is
imported, so a cold `mentorgraph query` stays cheap; `--help` imports them all. Options, the error
and exit-code rule and the problem printer are shared (common.py).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import common

# Command -> the module of mentorgraph.cli that defines it (and its siblings), in help order.
COMMANDS: dict[str, str] = {
    "build": "core",
    "table": "core",
    "queries": "core",
    "query": "core",
    "sparql": "core",
    "validate": "contrib",
    "import": "contrib",
    "template": "contrib",
    "link": "link",
    "serve": "serve",
    "push": "push",
    "themes": "advise",
    "compare": "advise",
    "recommend": "advise",
    "docs": "release",
    "site": "site",
    "release": "release",
    "diff": "release",
    "export": "export",
}

EPILOG = """\
examples:
  mentorgraph build                          build dist/ from ontology/ and data/
  mentorgraph query underserved-programs     which programs target underserved populations?
  mentorgraph query programs-by-sponsor --param sponsor=ACR
  mentorgraph table --format markdown        Table 1, regenerated from the graph
  mentorgraph sparql 'SELECT * WHERE { ?s a mgo:Seminar }'

Run `mentorgraph COMMAND --help` for each command's options.
"""


class _Version(argparse.Action):
    """--version, the version read only when asked (importlib.metadata costs ~50 ms at every start)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from .. import __version__

        print(f"mentorgraph {__version__}")
        parser.exit()


def make_parser(commands: list[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser with the modules of `commands` (default: every command) registered."""
    parser = argparse.ArgumentParser(
        prog="mentorgraph",
        description="The open knowledge graph of peer-mentoring models in academic medicine: the "
        "models of Table 1 of a published article (`mentorgraph query table1-caption` cites it).",
        epilog=EPILOG,
        formatter_class=common.RAW,
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = commands if commands is not None else list(COMMANDS)
    for module in dict.fromkeys(COMMANDS[c] for c in wanted):
        importlib.import_module(f"{__name__}.{module}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (see common.py)."""
    argv = sys.argv[1:] if argv is None else argv
    first = argv[0] if argv else None
    parser = make_parser([first] if first in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return common.USAGE
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return common.error("interrupted", common.INTERRUPTED)
    except BrokenPipeError:
        return common.OK
    except Exception as exc:
        return common.report(exc)


if __name__ == "__main__":
    sys.exit(main())
