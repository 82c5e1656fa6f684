"""Sub-commands `docs`, `release` and `diff` (named in cli.COMMANDS).

Exit codes as everywhere in mentorgraph: 0 success, 1 invalid data or a failed check, 2 a usage
error, 3 an I/O failure. Heavy imports stay inside the handlers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import common


def cmd_docs(args) -> int:
    """The ontology's HTML documentation."""
    from ..atomic import atomic_write
    from ..layout import current_generation, docs_path
    from ..release.docs import render_docs

    out = common.out_dir(args)
    try:
        html = render_docs(common.project_root(args), current_generation(out).path)
    except Exception as exc:
        return common.report(exc)
    if args.output == "-":
        sys.stdout.write(html.decode("utf-8"))
        return 0
    target = Path(args.output) if args.output else docs_path(out)
    try:
        atomic_write(target, html)
    except OSError as exc:
        return common.error(f"cannot write {target}: {exc.strerror or exc}")
    if not args.quiet:
        print(f"wrote {target}", file=sys.stderr)
    return 0


def cmd_release(args) -> int:
    """A versioned, checksummed release directory."""
    from ..release.release import ReleaseError, make_release

    quiet = args.quiet
    try:
        rel = make_release(
            common.project_root(args), common.out_dir(args), force=args.force, progress=common.stderr_progress(quiet)
        )
    except ReleaseError as exc:
        return common.problems("cannot make the release; nothing was written:", exc.problems)
    except OSError as exc:
        return common.error(f"cannot write the release: {exc}")
    except Exception as exc:
        return common.report(exc)
    if not quiet:
        print(
            f"wrote {rel.path} ({len(rel.files)} files; release notes from CHANGELOG.md [{rel.notes_from}])",
            file=sys.stderr,
        )
        if rel.notes_from != rel.version:
            print(
                f"  note: CHANGELOG.md has no [{rel.version}] section yet; rename [Unreleased] to "
                f"'[{rel.version}] - YYYY-MM-DD' when you tag this version",
                file=sys.stderr,
            )
    return 0


def cmd_diff(args) -> int:
    """What changed between two releases or builds."""
    from ..release.diff import DEFAULT_GRAPHS, DiffInputError, check_graphs, compare, load, to_json, to_text

    try:
        if args.graphs:
            graphs = check_graphs([g.strip() for g in args.graphs.split(",") if g.strip()])
        else:
            graphs = DEFAULT_GRAPHS + (("inferred",) if args.inferred else ())
        old = load(Path(args.old), graphs)
        new = load(Path(args.new), graphs)
    except DiffInputError as exc:
        return common.error(str(exc.problem), common.USAGE if exc.usage else common.INVALID)
    except OSError as exc:
        return common.error(str(exc))
    d = compare(old, new, graphs)
    sys.stdout.write(to_json(d) if args.format == "json" else to_text(d))
    return 1 if args.exit_code and not d.empty else 0


def register(subparsers) -> None:
    """Add `docs`, `release` and `diff` to the `mentorgraph` command line."""
    raw = argparse.RawDescriptionHelpFormatter

    p = subparsers.add_parser(
        "docs",
        help="write the ontology's HTML documentation",
        description="Write HTML documentation of ontology/mentorgraph.ttl: every class, property and concept "
        "scheme with labels, definitions, domains and ranges, alignments and examples from the "
        "built graph (run `mentorgraph build` first).",
        epilog="examples:\n  mentorgraph docs                      writes dist/ontology.html\n"
        "  mentorgraph docs -o site/index.html\n  mentorgraph docs -o - > ontology.html",
        formatter_class=raw,
    )
    common.add_out(p)
    p.add_argument("-o", "--output", help="where to write the HTML, - for standard output (default: OUT/ontology.html)")
    common.add_root(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    p.set_defaults(func=cmd_docs)

    p = subparsers.add_parser(
        "release",
        help="build and write a versioned, checksummed release directory",
        description="Build from scratch and write OUT/mentorgraph-VERSION/: every serialization, the JSON-LD "
        "context, the ontology (Turtle, RDF/XML), the validation report, the HTML documentation, "
        "the DCAT/VoID dataset description (dataset.ttl), CITATION.cff, this version's CHANGELOG "
        "section (RELEASE-NOTES.md) and SHA256SUMS. VERSION is pyproject.toml's; the release "
        "refuses to run while the ontology or CITATION.cff states another. All or nothing.",
        epilog="examples:\n  mentorgraph release\n  mentorgraph release --out dist --force\n"
        "  (cd dist/mentorgraph-0.1.0 && sha256sum -c SHA256SUMS)",
        formatter_class=raw,
    )
    common.add_out(p, "directory to put the release directory in (default: dist/ of the project)")
    p.add_argument("--force", action="store_true", help="replace an existing release of the same version")
    common.add_root(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    p.set_defaults(func=cmd_release)

    p = subparsers.add_parser(
        "diff",
        help="compare two releases or builds entity by entity",
        description="Report the entities and statements added, removed or changed between OLD and NEW, "
        "grouped by entity and property, with labels and named graphs. OLD and NEW are release "
        "directories, build directories, or .nq/.trig/.nt/.ttl files. The inferred graph is left "
        "out unless --inferred.",
        epilog="examples:\n  mentorgraph diff dist/mentorgraph-0.1.0 dist\n"
        "  mentorgraph diff old.nq new.nq --format json\n"
        "  mentorgraph diff dist/mentorgraph-0.1.0 dist --graphs curation,evidence --exit-code",
        formatter_class=raw,
    )
    p.add_argument("old", help="the earlier release, build directory or RDF file")
    p.add_argument("new", help="the later release, build directory or RDF file")
    p.add_argument("--format", "-f", choices=["text", "json"], default="text")
    p.add_argument(
        "--graphs",
        metavar="NAMES",
        help="comma-separated named graphs to compare (default: ontology,article,curation,evidence)",
    )
    p.add_argument("--inferred", action="store_true", help="also compare the inferred graph")
    p.add_argument("--exit-code", action="store_true", help="exit with 1 when there are differences (like diff)")
    p.set_defaults(func=cmd_diff)
