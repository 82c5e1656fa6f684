"""CLI commands for contributed data: `validate`, `import` and `template`.

Exit codes: 0 valid (or imported), 1 invalid input (nothing written), 2 usage error, 3 I/O failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import common

VALIDATE_EPILOG = """\
examples:
  mentorgraph template > programs.csv          start from the CSV template
  mentorgraph validate programs.csv            check a spreadsheet against the graph
  mentorgraph validate more.yaml extra.ttl --format json
"""
IMPORT_EPILOG = """\
examples:
  mentorgraph import programs.csv              validate, add to data/contributions.yaml, rebuild dist/
  mentorgraph import programs.csv --out build  rebuild into build/ instead
  mentorgraph import programs.csv --no-build   only update data/ (run `mentorgraph build` later)
"""


def _files(args) -> list[Path] | None:
    missing = [f for f in args.files if not Path(f).is_file()]
    for f in missing:
        common.error(f"no such file: {f}", common.USAGE)
    return None if missing else [Path(f) for f in args.files]


def _emit(outcome, fmt: str) -> None:
    text = outcome.as_json() if fmt == "json" else outcome.text()
    (sys.stdout if outcome.ok or fmt == "json" else sys.stderr).write(text)


def cmd_validate(args) -> int:
    """Check contributed files; write nothing."""
    from ..contrib.core import validate_files

    files = _files(args)
    if files is None:
        return common.USAGE
    try:
        outcome, _ = validate_files(common.project_root(args), files, args.accept_duplicates, displays=args.files)
    except Exception as exc:
        return common.report(exc)
    _emit(outcome, args.format)
    return common.OK if outcome.ok else common.INVALID


def cmd_import(args) -> int:
    """Validate, write data/ as one unit, then build."""
    from ..contrib.core import BuildAfterImport, import_files
    from ..datafiles import DataWriteError

    files = _files(args)
    if files is None:
        return common.USAGE

    def waiting() -> None:
        print("mentorgraph: another import is writing data/; waiting for it to finish...", file=sys.stderr)

    try:
        outcome = import_files(
            common.project_root(args),
            files,
            common.out_dir(args),
            args.accept_duplicates,
            rebuild=not args.no_build,
            displays=args.files,
            on_wait=waiting,
        )
    except DataWriteError as exc:
        return common.error(str(exc), common.FAILURE)
    except BuildAfterImport as exc:
        return common.report(exc.cause, "data/ was updated, but the build failed (run `mentorgraph build` again)")
    except Exception as exc:
        return common.report(exc)
    if outcome.recovered:
        print(f"mentorgraph: note: {outcome.recovered}", file=sys.stderr)
    _emit(outcome, args.format)
    return common.OK if outcome.ok else common.INVALID


def cmd_template(args) -> int:
    """The CSV template, or what each column means."""
    from ..contrib.readers import COLUMNS, template_csv

    if args.explain:
        for c in COLUMNS:
            need = "required" if c.required else "optional"
            print(f"{c.header:22} {need:9} {c.meaning}")
        return common.OK
    sys.stdout.write(template_csv())
    return common.OK


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="CSV, YAML, Turtle (.ttl/.nt), RDF/XML or JSON-LD files")
    p.add_argument("--format", choices=["text", "json"], default="text", help="report format (default: text)")
    common.add_root(p)
    p.add_argument(
        "--accept-duplicates",
        action="store_true",
        help="report probable duplicates of existing programs as notes instead of errors",
    )


def register(subparsers) -> None:
    """Add `validate`, `import` and `template` to the mentorgraph command line."""
    raw = argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser(
        "validate",
        help="check contributed programs (CSV, YAML, Turtle, JSON-LD) without writing anything",
        description="Check contributed files against the ontology, the SHACL shapes and the existing graph. "
        "Names of types, organizations, programs, populations and delivery modes are matched by "
        "label, alternative label or acronym. Every problem is reported with file, line or row, "
        "column, value, what was expected and the closest known value.",
        epilog=VALIDATE_EPILOG,
        formatter_class=raw,
    )
    _common(p)
    p.set_defaults(func=cmd_validate)

    p = subparsers.add_parser(
        "import",
        help="validate contributed programs and merge them into data/, then rebuild",
        description="Validate, and only if every file is valid, add the programs to data/contributions.yaml "
        "(new organizations of a YAML file to data/organizations.yaml) atomically, then rebuild. "
        "Ids are made from names once and kept. Re-importing the same file changes nothing.",
        epilog=IMPORT_EPILOG,
        formatter_class=raw,
    )
    _common(p)
    common.add_out(p)
    p.add_argument("--no-build", action="store_true", help="update data/ only; do not rebuild")
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser(
        "template",
        help="print the CSV template for contributing programs",
        description="Print the header row of the CSV template (open it in a spreadsheet, one program per row).",
        epilog="examples:\n  mentorgraph template > programs.csv\n  mentorgraph template --explain",
        formatter_class=raw,
    )
    p.add_argument("--explain", action="store_true", help="describe each column instead")
    p.set_defaults(func=cmd_template)
