"""`mentorgraph link ...`: reconcile organizations with ROR, and load ROR beside the built graph.

Exit codes as everywhere in mentorgraph: 0 success, 1 invalid input (a bad record, malformed
data), 2 usage error, 3 I/O failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

LINK_EPILOG = """\
examples:
  mentorgraph link ror v2.9-ror-data.json                       confident matches as SSSOM on stdout
  mentorgraph link ror dump.jsonl --output ror.sssom.tsv --review ror-review.sssom.tsv
  mentorgraph link ror dump.jsonl --format ttl --output ror.ttl
  mentorgraph link ror dump.jsonl --country US --accept         add confident links to data/organizations.yaml
  mentorgraph link load-ror dump.jsonl                          ROR graph into dist/ for queries/ror-*.rq
"""


def _err(msg: str) -> None:
    print(f"mentorgraph: error: {msg}", file=sys.stderr)


class Progress:
    """A one-line progress bar on stderr over the input's bytes; silent unless enabled."""

    def __init__(self, paths: list[str], enabled: bool):
        self.enabled = enabled
        self.sizes = [Path(p).stat().st_size if Path(p).is_file() else 0 for p in paths]
        self.total = max(sum(self.sizes), 1)
        self.records = 0
        self.shown = 0.0

    def on_bytes(self, index: int, pos: int) -> None:
        self.records += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.shown >= 0.2:
            self.shown = now
            self._draw(min(1.0, (sum(self.sizes[:index]) + pos) / self.total))

    def _draw(self, frac: float) -> None:
        bar = "#" * int(frac * 30)
        sys.stderr.write(f"\r  [{bar:<30}] {frac:6.1%}  {self.records:,} records")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(1.0)
            sys.stderr.write("\n")
            sys.stderr.flush()


def _progress_enabled(args) -> bool:
    return bool(args.progress) or (not args.quiet and sys.stderr.isatty())


def _fmt(args, path: str | None) -> str:
    if args.format:
        return args.format
    return "ttl" if path and path.endswith((".ttl", ".turtle")) else "sssom"


def cmd_link_ror(args) -> int:
    from ..api import find_root
    from ..problems import InputError
    from .reconcile import load_subjects, reconcile
    from .ror import iter_records
    from .sssom import accept, render_sssom, render_turtle, write_mappings

    countries = [c.strip().upper() for c in args.country or []]
    bad = [c for c in countries if len(c) != 2 or not c.isalpha()]
    if bad:
        _err(f"--country expects an ISO 3166-1 alpha-2 code such as US, got {bad[0]!r}")
        return 2
    root = Path(args.root) if args.root else find_root()
    progress = Progress(args.files, _progress_enabled(args))
    t0 = time.perf_counter()
    try:
        subjects = load_subjects(root)
        skipped: list = []
        records = iter_records(args.files, on_bytes=progress.on_bytes, errors=skipped if args.skip_invalid else None)
        mappings = reconcile(subjects, records, countries)
    except InputError as exc:
        progress.close()
        _err(f"{len(exc.problems)} problem(s) in the input; nothing was written:")
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    progress.close()
    for p in skipped:
        print(f"mentorgraph: warning: skipped {p}", file=sys.stderr)
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
        _err(f"cannot write: {exc}")
        return 3
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
    from ..problems import InputError
    from .rdf import load_ror
    from .ror import iter_records

    out = Path(args.out)
    progress = Progress(args.files, _progress_enabled(args))
    try:
        path, quads = load_ror(out, iter_records(args.files, on_bytes=progress.on_bytes))
    except InputError as exc:
        progress.close()
        _err(f"{len(exc.problems)} problem(s) in the input; nothing was written:")
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        progress.close()
        _err(str(exc))
        return 3
    except OSError as exc:
        progress.close()
        _err(f"cannot write: {exc}")
        return 3
    progress.close()
    if not args.quiet:
        print(
            f"loaded {progress.records:,} ROR records ({quads:,} quads) as graph "
            f"<https://w3id.org/mentorgraph/graph/ror>: {path} and {out / 'store'}",
            file=sys.stderr,
        )
    return 0


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
    p.add_argument("--root", help="project directory (default: found from the current directory)")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when stderr is not a terminal")
    p.add_argument("-q", "--quiet", action="store_true", help="print no summary and no progress bar")
    p.set_defaults(func=cmd_link_ror)

    p = sub.add_parser(
        "load-ror",
        help="load ROR records as a named graph beside the built graph",
        description="Describe ROR records with schema.org in the named graph "
        "https://w3id.org/mentorgraph/graph/ror, write it to OUT/ror.nq and rebuild OUT/store with "
        "it, so that queries/ror-*.rq can join the graph's organizations (through their "
        "skos:exactMatch links) to ROR's locations and hierarchy. Run it again after each build.",
        epilog="examples:\n  mentorgraph build && mentorgraph link load-ror v2.9-ror-data.json\n"
        "  mentorgraph query ror-sponsor-locations",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="ROR records: .json, .jsonl, or either .gz")
    p.add_argument("--out", default="dist", help="the build directory (default: dist)")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when stderr is not a terminal")
    p.add_argument("-q", "--quiet", action="store_true", help="print no summary and no progress bar")
    p.set_defaults(func=cmd_load_ror)
