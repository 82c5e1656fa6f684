"""What every command of the shell shares: options, the one error and exit-code rule, the problem printer.

Exit codes (the same for every command):
  0 success, 1 invalid data or a failed check, 2 a usage error (unknown command, parameter, value or
  query), 3 an engine or I/O failure, 130 interrupted.

Only the standard library is imported here: a cold `mentorgraph query` must stay cheap.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

OK = 0
INVALID = 1
USAGE = 2
FAILURE = 3
INTERRUPTED = 130

RAW = argparse.RawDescriptionHelpFormatter
OUT_HELP = "the build directory (default: dist/ of the project; a given path is relative to the working directory)"


def error(message: str, code: int = FAILURE) -> int:
    """Print `message` as mentorgraph's one error line (paragraph) on stderr; return the exit code."""
    print(f"mentorgraph: error: {message}", file=sys.stderr)
    return code


def warn(message: str) -> None:
    """Print a warning on stderr."""
    print(f"mentorgraph: warning: {message}", file=sys.stderr)


def problems(intro: str, found: Iterable[Any], code: int = INVALID) -> int:
    """The one problem printer: an intro line, then each problem (file:line:column: ...) indented."""
    found = list(found)
    error(intro.format(n=len(found)), code)
    for p in found:
        print(f"  {p}", file=sys.stderr)
    return code


def exit_code(exc: BaseException) -> int | None:
    """The exit code for a known failure, or None for an unexpected one (then it is a bug: re-raised)."""
    from ..layout import NoBuild
    from ..pipeline.build import ValidationError
    from ..pipeline.reason import InconsistencyError
    from ..problems import InputError
    from ..query.api import ParameterError
    from ..query.engines import EngineError, QuerySyntaxError
    from ..query.policy import RefusedQuery

    if isinstance(exc, InputError | ValidationError | InconsistencyError):
        return INVALID
    if isinstance(exc, ParameterError | RefusedQuery | QuerySyntaxError | ValueError):
        return USAGE
    if isinstance(exc, EngineError | NoBuild | OSError):
        return FAILURE
    return None


def report(exc: BaseException, what: str = "") -> int:
    """Print a known failure for people (problems listed, SHACL report in words); return its exit code.

    Unexpected exceptions are re-raised: they are bugs, and a traceback is then the honest answer.
    """
    from ..pipeline.build import ValidationError
    from ..pipeline.reason import InconsistencyError
    from ..problems import InputError

    code = exit_code(exc)
    if code is None:
        raise exc
    prefix = f"{what}: " if what else ""
    if isinstance(exc, InputError):
        return problems(prefix + "{n} problem(s); nothing was written:", exc.problems)
    if isinstance(exc, ValidationError):
        error(prefix + "SHACL validation failed; nothing was written.", code)
        print(exc.report.text(), file=sys.stderr)
        return code
    if isinstance(exc, InconsistencyError):
        return error(f"{prefix}{exc}\nnothing was written.", code)
    if isinstance(exc, OSError) and exc.errno in _OS_WORDS:
        return error(prefix + os_message(exc), code)
    return error(prefix + str(exc), code)


# What a failed write means for the person running the command, by errno (one paragraph each).
_OS_WORDS = {
    28: "no space left on the device",  # ENOSPC
    30: "the file system is read-only",  # EROFS
    13: "permission denied",  # EACCES
    1: "operation not permitted",  # EPERM
    17: "a file is in the way",  # EEXIST
    20: "a file is in the way",  # ENOTDIR
    21: "it is a directory",  # EISDIR
    122: "disk quota exceeded",  # EDQUOT
}


def os_message(exc: OSError) -> str:
    """An I/O failure in words: what happened, where, what was left as it was, and what to do."""
    where = f" {exc.filename}" if exc.filename else ""
    what = _OS_WORDS.get(exc.errno or 0, exc.strerror or str(exc))
    if exc.errno in (17, 20):
        hint = "--out and -o name a directory, and a file of that name is there"
    elif exc.errno in (28, 122):
        hint = "free some space, or choose another place with --out or -o"
    else:
        hint = "choose a place you can write to with --out or -o"
    return (
        f"cannot write{where}: {what}; {hint}. Nothing was switched or replaced: "
        "the files that were there before (the current build included) are as they were."
    )


def project_root(args: argparse.Namespace) -> Path:
    """--root when given, else the project found from the working directory (layout.find_root)."""
    from ..layout import find_root

    return Path(args.root) if getattr(args, "root", None) else find_root()


def out_dir(args: argparse.Namespace) -> Path:
    """THE --out rule (layout.resolve_out), for every command."""
    from ..layout import resolve_out

    root = getattr(args, "root", None)
    return resolve_out(getattr(args, "out", None), root if root else None)


def add_out(p: argparse.ArgumentParser, help: str = OUT_HELP) -> None:
    """--out DIR, resolved by the one rule."""
    p.add_argument("--out", metavar="DIR", help=help)


def add_root(p: argparse.ArgumentParser) -> None:
    """--root DIR, the project directory."""
    p.add_argument("--root", metavar="DIR", help="project directory (default: found from the current directory)")


def add_quiet(p: argparse.ArgumentParser, help: str = "print nothing on success") -> None:
    """-q/--quiet."""
    p.add_argument("-q", "--quiet", action="store_true", help=help)


def add_engine(p: argparse.ArgumentParser, remote: bool = True) -> None:
    """--out, --engine, the query limits and (for query commands) --endpoint."""
    add_out(p)
    p.add_argument(
        "--engine",
        choices=["oxigraph", "rdflib"],
        default="oxigraph",
        help="query engine: the embedded pyoxigraph store (default) or rdflib",
    )
    if remote:
        p.add_argument("--endpoint", metavar="URL", help="run against a remote SPARQL 1.1 Protocol endpoint instead")
    limits = p.add_argument_group("limits (each query is stopped at the first it reaches; docs/security.md, section 3)")
    limits.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="time limit per query (default 10, or $MENTORGRAPH_TIMEOUT)"
    )
    limits.add_argument(
        "--max-rows",
        type=int,
        metavar="N",
        help="most rows or triples of a result (default 10000, or $MENTORGRAPH_MAX_ROWS)",
    )
    limits.add_argument(
        "--max-memory",
        type=int,
        metavar="MIB",
        help="memory of the query's worker process in MiB (default 2048, or $MENTORGRAPH_MAX_MEMORY)",
    )


def open_graph(args: argparse.Namespace, root: Path | None = None) -> Any:
    """The graph the engine options name (query.api.open_graph, the --out rule applied), every query
    in a bounded worker process under the limit options; remarks on results are printed as warnings."""
    from ..query.api import open_graph as _open

    mg = _open(
        out_dir(args),
        engine=args.engine,
        endpoint=getattr(args, "endpoint", None),
        root=root,
        timeout=getattr(args, "timeout", None),
        max_rows=getattr(args, "max_rows", None),
        max_memory=getattr(args, "max_memory", None),
        isolate="all",
    )
    mg.on_note = warn
    return mg


def parser(sub: Any, name: str, help: str, description: str, epilog: str) -> argparse.ArgumentParser:
    """A sub-command's parser with the house layout (description, examples)."""
    return sub.add_parser(name, help=help, description=description, epilog=epilog, formatter_class=RAW)


def stderr_progress(quiet: bool):
    """A `progress(message)` callback for pipeline stages: indented lines on stderr unless quiet."""

    def progress(msg: str) -> None:
        if not quiet:
            print(f"  {msg}", file=sys.stderr, flush=True)

    return progress
