"""`mentorgraph link ...`: reconcile organizations with ROR, and load ROR beside the built graph.

Exit codes as everywhere in mentorgraph: 0 success, 1 invalid input (a bad record, malformed
data), 2 usage error, 3 I/O failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import common

LINK_EPILOG = """\
examples:
  mentorgraph link ror v2.9-ror-data.json                       confident matches as SSSOM on stdout
  mentorgraph link ror dump.jsonl --output ror.sssom.tsv --review ror-review.sssom.tsv
  mentorgraph link ror dump.jsonl --format ttl --output ror.ttl
  mentorgraph link ror dump.jsonl --country US --accept         add confident links to data/organizations.yaml
  mentorgraph link load-ror dump.jsonl                          ROR graph into dist/ for queries/ror-*.rq
"""


class _Reading:
    """Progress over the bytes of the input files, counting records (cli.progress draws it)."""

    def __init__(self, paths: list[str], enabled: bool):
        from .progress import Progress

        self.sizes = [Path(p).stat().st_size if Path(p).is_file() else 0 for p in paths]
        self.records = 0
        self.bar = Progress(sum(self.sizes), "reading ROR records", enabled)

    def on_bytes(self, index: int, pos: int) -> None:
        self.records += 1
        self.bar.update(sum(self.sizes[:index]) + pos, f"{self.records:,} records")

    def close(self) -> None:
        self.bar.close()


def _progress_enabled(args) -> bool:
    return bool(args.progress) or (not args.quiet and sys.stderr.isatty())


def _fmt(args, path: str | None) -> str:
    if args.format:
        return args.format
    return "ttl" if path and path.endswith((".ttl", ".turtle")) else "sssom"


def cmd_link_ror(args) -> int:
    """Match the organizations of data/ to ROR records; write SSSOM or Turtle."""
    from ..problems import InputError
    from ..linking.reconcile import load_subjects, reconcile
    from ..linking.ror import iter_records
    from ..linking.sssom import accept, render_sssom, render_turtle, write_mappings

    countries = [c.strip().upper() for c in args.country or []]
    bad = [c for c in countries if len(c) != 2 or not c.isalpha()]
    if bad:
        return common.error(f"--country expects an ISO 3166-1 alpha-2 code such as US, got {bad[0]!r}", common.USAGE)
    root = common.project_root(args)
    progress = _Reading(args.files, _progress_enabled(args))
    t0 = time.perf_counter()
    try:
        subjects = load_subjects(root)
        skipped: list = []
        records = iter_records(args.files, on_bytes=progress.on_bytes, errors=skipped if args.skip_invalid else None)
        mappings = reconcile(subjects, records, countries)
    except InputError as exc:
        progress.close()
        return common.problems("{n} problem(s) in the input; nothing was written:", exc.problems)
    progress.close()
    for p in skipped:
        common.warn(f"skipped {p}")
    confident = [m for m in mappings if m.confident]
    review = [m for m in mappings if not m.confident]
    try:
        if args.output:
            write_mappings(
                Path(args.output),
                confident,
                _fmt(args, args.output),
                "ror",
                "mentorgraph organizations to ROR: confident matches",
            )
        else:
            render = render_turtle if _fmt(args, None) == "ttl" else None
            data = (
                render(confident, "mentorgraph organizations to ROR: confident matches")
                if render
                else render_sssom(confident, "ror", "mentorgraph organizations to ROR: confident matches")
            )
            sys.stdout.write(data.decode("utf-8"))
        if args.review:
            write_mappings(
                Path(args.review),
                review,
                _fmt(args, args.review),
                "ror-review",
                "mentorgraph organizations to ROR: candidates for a curator's review",
            )
        added = accept(root, confident) if args.accept else []
    except OSError as exc:
        return common.error(f"cannot write: {exc}")
    if not args.quiet:
        matched = len({m.slug for m in confident})
        print(
            f"read {progress.records:,} ROR records in {time.perf_counter() - t0:.1f}s: "
            f"{matched} of {len(subjects)} organizations matched confidently, "
            f"{len(review)} candidate(s) for review"
            + (f", {len(added)} link(s) added to data/organizations.yaml" if args.accept else ""),
            file=sys.stderr,
        )
        if args.accept and added:
            print("  run `mentorgraph build` to check and publish them", file=sys.stderr)
    return 0


def cmd_load_ror(args) -> int:
    """ROR records as the linked dataset `ror` of a new generation."""
    from ..problems import InputError
    from ..linking.rdf import load_ror
    from ..linking.ror import iter_records

    out = common.out_dir(args)
    progress = _Reading(args.files, _progress_enabled(args))
    try:
        path, quads = load_ror(out, iter_records(args.files, on_bytes=progress.on_bytes))
    except InputError as exc:
        progress.close()
        return common.problems("{n} problem(s) in the input; nothing was written:", exc.problems)
    except Exception as exc:
        progress.close()
        return common.report(exc)
    progress.close()
    if not args.quiet:
        print(
            f"loaded {progress.records:,} ROR records ({quads:,} quads) as graph "
            f"<https://w3id.org/mentorgraph/graph/ror>: {path} and its store, now current in {out}",
            file=sys.stderr,
        )
    return common.OK


def register(subparsers) -> None:
    """Add `link ror` and `link load-ror`."""
    link = subparsers.add_parser(
        "link",
        help="link the graph to other datasets (ROR)",
        description="Reconcile the graph's organizations with the Research Organization Registry (ROR), "
        "or load ROR records beside the built graph for cross-dataset questions.",
        epilog=LINK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = link.add_subparsers(dest="link_command", metavar="SUBCOMMAND")
    link.set_defaults(func=lambda args: (link.print_help(), 2)[1])

    p = sub.add_parser(
        "ror",
        help="match organizations to ROR records; write SSSOM or Turtle",
        description="Match the organizations of data/organizations.yaml to ROR records (schema v1 and v2, "
        "JSON, JSON arrays or JSON Lines, optionally .gz) by name after normalization, ranked "
        "by context (type, parent, country). An acronym alone never matches. Withdrawn records "
        "resolve to their successor. Confident matches go to --output (stdout by default), "
        "the rest to --review.",
        epilog=LINK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="ROR records: .json, .jsonl, or either .gz")
    p.add_argument("--output", "-o", metavar="FILE", help="write the confident matches here (default: stdout)")
    p.add_argument("--review", metavar="FILE", help="write the candidates that need a curator's eye here")
    p.add_argument(
        "--format",
        choices=["sssom", "ttl"],
        help="sssom (TSV, default) or ttl (Turtle); default from the file name's extension",
    )
    p.add_argument(
        "--accept",
        action="store_true",
        help="add the confident matches to data/organizations.yaml with their evidence",
    )
    p.add_argument(
        "--country",
        action="append",
        metavar="CC",
        help="ISO country code the organizations are expected in, to rank namesakes (repeatable)",
    )
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="warn about and skip JSON values that are not ROR records (default: stop at the first)",
    )
    common.add_root(p)
    p.add_argument("--progress", action="store_true", help="show a progress bar even when stderr is not a terminal")
    p.add_argument("-q", "--quiet", action="store_true", help="print no summary and no progress bar")
    p.set_defaults(func=cmd_link_ror)

    p = sub.add_parser(
        "load-ror",
        help="load ROR records as a named graph beside the built graph",
        description="Describe ROR records with schema.org in the named graph "
        "https://w3id.org/mentorgraph/graph/ror as a new generation of the build directory (its ror.nq "
        "and store), so that queries/ror-*.rq can join the graph's organizations (through their "
        "skos:exactMatch links) to ROR's locations and hierarchy. Later builds keep it "
        "(`mentorgraph build --without ror` drops it).",
        epilog="examples:\n  mentorgraph build && mentorgraph link load-ror v2.9-ror-data.json\n"
        "  mentorgraph query ror-sponsor-locations",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="ROR records: .json, .jsonl, or either .gz")
    common.add_out(p)
    p.add_argument("--progress", action="store_true", help="show a progress bar even when stderr is not a terminal")
    p.add_argument("-q", "--quiet", action="store_true", help="print no summary and no progress bar")
    p.set_defaults(func=cmd_load_ror)
