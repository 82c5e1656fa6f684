"""Sub-command `site` (named in cli.COMMANDS): the static website of the current build.

Exit codes as everywhere in mentorgraph: 0 success, 3 no build or an I/O failure. Heavy imports stay
inside the handler.
"""

from __future__ import annotations

import sys
import textwrap
import urllib.parse
from pathlib import Path

from . import common


def cmd_site(args) -> int:
    """Write the static site."""
    from ..layout import current_generation, site_path
    from ..site import build_site
    from .progress import Progress

    out = common.out_dir(args)
    if args.base_url:
        parts = urllib.parse.urlsplit(args.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            return common.error(
                f"--base-url {args.base_url!r} is not an http(s) address of a folder, such as "
                "https://example.org/mentorgraph/",
                common.USAGE,
            )
    try:
        current_generation(out)
    except Exception as exc:
        return common.report(exc)
    target = Path(args.output).absolute() if args.output else site_path(out)
    bars: list[Progress] = []  # made at the first tick, when the number of pages is known

    def tick(done: int, total: int, note: str) -> None:
        if not bars:
            bars.append(Progress(total, "writing the site", enabled=not args.quiet, unit="pages"))
        bars[0].update(done, note)

    def waiting() -> None:
        if not args.quiet:
            print(f"  waiting for another `mentorgraph site` writing beside {target}", file=sys.stderr)

    try:
        report = build_site(common.project_root(args), out, target, args.base_url, progress=tick, on_wait=waiting)
    except OSError as exc:
        return common.error(f"cannot write the site at {target}: {exc.strerror or exc}; the previous site is unchanged")
    except Exception as exc:
        return common.report(exc)
    finally:
        for bar in bars:
            bar.close()
    if not args.quiet:
        size = report.bytes / 2**20
        print(f"wrote {report.path} ({report.pages} pages, {report.files} files, {size:.1f} MiB)", file=sys.stderr)
        if not report.sitemap:
            print("  no sitemap.xml: it needs the address the site is published at (--base-url URL)", file=sys.stderr)
        for skipped in report.skipped:
            print(f"  warning: the web view has no page for {skipped}; left out", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    """Add `site` to the `mentorgraph` command line."""
    p = common.parser(
        subparsers,
        "site",
        help="write the graph as a static website any web space can host",
        description=textwrap.fill(
            "Write a static website of the current build: every page of the web view that needs "
            "no server (Table 1, a card for every entity, types, populations, organizations, the questions "
            "answered, comparisons, find a model, the ontology, downloads and citation, pictures), with "
            "queries answered in the browser. Relative links only: it works from any folder of a web space "
            "and opened from the disk (file://). All or nothing: a failed run leaves the previous site. "
            "Run `mentorgraph build` first. docs/site.md says how to publish it.",
            width=88,
        ),
        epilog="examples:\n"
        "  mentorgraph site                       writes dist/site/\n"
        "  mentorgraph site --base-url https://example.org/mentorgraph/   adds sitemap.xml\n"
        "  mentorgraph site -o public             for GitHub Pages or a web space",
    )
    common.add_out(p)
    p.add_argument("-o", "--output", metavar="DIR", help="where to write the site (default: OUT/site)")
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="the address the site will be published at: adds sitemap.xml and download addresses",
    )
    common.add_root(p)
    common.add_quiet(p)
    p.set_defaults(func=cmd_site)
