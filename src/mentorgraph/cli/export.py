"""Sub-command `export` (named in cli.COMMANDS): the build in other systems' terms.

  mentorgraph export vivo [--out FILE]     VIVO-ISF Turtle (standard output without --out)
  mentorgraph export tables [--out DIR]    CSV files + datapackage.json (default: ./mentorgraph-tables)

Both read the current generation of the build directory (--build DIR, by the one rule of
layout.resolve_out) and write nothing unless the whole export succeeds: the VIVO file atomically,
the tables into a new directory that replaces DIR in one rename. Exit codes as everywhere: 0 success,
1 the export fails its own checks, 2 a usage error, 3 no build or an I/O failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import common

TABLES_OUT = "mentorgraph-tables"


def _nquads(args: argparse.Namespace) -> bytes:
    """The N-Quads of the build's current generation (layout.NoBuild if there is none)."""
    from ..layout import current_generation, resolve_out

    root = getattr(args, "root", None)
    return current_generation(resolve_out(args.build, root)).nquads.read_bytes()


def cmd_vivo(args: argparse.Namespace) -> int:
    """The VIVO profile export."""
    from ..atomic import atomic_write
    from ..interop.store import ExportError
    from ..interop.vivo import render_vivo

    try:
        data = render_vivo(_nquads(args), common.project_root(args))
    except ExportError as exc:
        return common.error(str(exc), common.INVALID)
    except Exception as exc:
        return common.report(exc)
    if not args.out or args.out == "-":
        sys.stdout.buffer.write(data)
        return common.OK
    target = Path(args.out).expanduser().absolute()
    try:
        atomic_write(target, data)
    except OSError as exc:
        return common.error(f"cannot write {target}: {exc.strerror or exc}")
    if not args.quiet:
        print(f"wrote {target} ({len(data)} bytes)", file=sys.stderr)
    return common.OK


def cmd_tables(args: argparse.Namespace) -> int:
    """The CSV tables and their datapackage.json."""
    from ..interop.store import ExportError
    from ..interop.tables import DATAPACKAGE, render_tables
    from ..release import project_version
    from ..release.release import replace_directory

    target = Path(args.out or TABLES_OUT).expanduser().absolute()
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and not (target / DATAPACKAGE).is_file())):
        return common.error(
            f"{target} exists and is not a tables export (no {DATAPACKAGE}); nothing was written. "
            "Give --out a new or empty directory, or an earlier export to replace.",
            common.USAGE,
        )
    try:
        root = common.project_root(args)
        files = render_tables(_nquads(args), project_version(root))
    except ExportError as exc:
        return common.error(str(exc), common.INVALID)
    except Exception as exc:
        return common.report(exc)
    try:
        replace_directory(target, files)
    except OSError as exc:
        return common.error(f"cannot write {target}: {exc.strerror or exc}; it is as it was")
    if not args.quiet:
        size = sum(len(b) for b in files.values())
        print(f"wrote {target} ({len(files)} files, {size} bytes)", file=sys.stderr)
    return common.OK


def register(subparsers) -> None:
    """Add `export vivo` and `export tables` to the `mentorgraph` command line."""
    p = common.parser(
        subparsers,
        "export",
        "write the graph for VIVO or for spreadsheets and BI tools",
        "Write the built graph in other systems' terms: `vivo`, the programs, their organizations and links "
        "in VIVO-ISF (docs/vivo.md); `tables`, one CSV per kind of thing with a frictionless datapackage.json "
        "(docs/tables.md). Run `mentorgraph build` first.",
        "examples:\n"
        "  mentorgraph export vivo --out mentorgraph-vivo.ttl\n"
        "  mentorgraph export vivo | head\n"
        "  mentorgraph export tables --out tables\n",
    )
    sub = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    for name, func, out_help in (
        ("vivo", cmd_vivo, "the Turtle file to write (default: standard output)"),
        (
            "tables",
            cmd_tables,
            f"the directory to write (default: ./{TABLES_OUT}); an earlier export there is replaced",
        ),
    ):
        q = sub.add_parser(name, help=func.__doc__, description=func.__doc__, formatter_class=common.RAW)
        q.add_argument("--out", metavar="FILE" if name == "vivo" else "DIR", help=out_help)
        q.add_argument("--build", metavar="DIR", help=common.OUT_HELP)
        common.add_root(q)
        common.add_quiet(q)
        q.set_defaults(func=func)
