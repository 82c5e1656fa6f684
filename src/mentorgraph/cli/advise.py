"""CLI commands `themes`, `compare` and `recommend` (registered by mentorgraph.cli).

Exit codes: 0 success, 1 invalid curated data (data/themes.yaml), 2 a usage error (an unknown type,
theme or population, listed with the closest known ones), 3 the graph cannot be opened or queried.
"""

from __future__ import annotations

import argparse
import sys

from . import common

RECOMMEND_EPILOG = """\
examples:
  mentorgraph recommend --population women --career-stage early-career \\
      --want confidentiality --avoid travel
  mentorgraph recommend --career-stage fellows --specialty pediatrics endocrinology
  mentorgraph recommend --avoid time --want advice --format json
  mentorgraph recommend --career-stage residents --specialty pediatrics --mode hybrid --want visibility
  mentorgraph recommend --designing

Rule: score = +1 for each bullet of Table 1 that counts for a theme you want, -1 for each that counts
against a theme you want or avoid; ties keep Table 1's order. Each initiative fits (you are in the
group it is for), may fit (it is for a narrower group than you named) or is excluded, with the reason;
an option you leave out filters nothing. docs/choosing-a-model.md explains it with worked examples.
"""

# The options that describe the person: each fills the facet of data/themes.yaml with the same id
# (the option's name without the dashes); --designing asks the view of that id.
FACET_OPTIONS = ("career-stage", "specialty", "population", "mode")
DESIGNING = "designing"


THEMES = "data/themes.yaml has {n} problem(s):"


def _run(args, body) -> int:
    """Open the graph and the themes, run `body(mg, root)`, and map failures to exit codes."""
    from ..advise.words import ThemeError
    from ..problems import InputError

    try:
        root = common.project_root(args)
        text = body(common.open_graph(args, root), root)
    except InputError as exc:
        return common.problems(THEMES, exc.problems)
    except ThemeError as exc:
        return common.error(f"{exc} (`mentorgraph themes` lists the themes)", common.USAGE)
    except Exception as exc:
        return common.report(exc)
    sys.stdout.write(text)
    return common.OK


def cmd_themes(args) -> int:
    """The themes --want and --avoid accept, and the views that offer each."""
    from ..pipeline.themes import load_themes
    from ..problems import InputError

    try:
        scheme = load_themes(common.project_root(args))
    except InputError as exc:
        return common.problems(THEMES, exc.problems)
    if args.format == "json":
        import json

        out = [
            {
                "id": t.id,
                "label": t.label,
                "altLabels": list(t.alt_labels),
                "definition": t.definition,
                "members": [m.attribute for m in scheme.memberships if m.theme == t.id],
                "interpretive": [m.attribute for m in scheme.memberships if m.theme == t.id and m.interpretive],
                "views": [v.id for v in scheme.views if t.id in v.themes],
            }
            for t in scheme.themes
        ]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return common.OK
    for t in scheme.themes:
        members = [m for m in scheme.memberships if m.theme == t.id]
        read = sum(m.interpretive for m in members)
        print(f"{t.label}  ({len(members)} bullet{'s' if len(members) != 1 else ''} of Table 1", end="")
        print(f", {read} of them a reading)" if read else ")")
        if t.alt_labels:
            print(f"    also: {', '.join(t.alt_labels)}")
        print(f"    {t.definition}")
        print(f"    for: {', '.join(v.label.lower() for v in scheme.views if t.id in v.themes)}")
    return common.OK


def cmd_compare(args) -> int:
    """Types side by side, by theme."""
    from ..advise.comparison import RENDERERS, compare, resolve_type
    from ..advise.model import load_model
    from ..pipeline.themes import load_themes

    if len(args.types) < 2:
        return common.error("compare needs at least two types, e.g. mentorgraph compare formal committed", 2)

    def body(mg, root):
        scheme = load_themes(root)
        model = load_model(mg)
        types = [resolve_type(mg, model, v) for v in args.types]
        return RENDERERS[args.format](compare(model, scheme, types))

    return _run(args, body)


def cmd_recommend(args) -> int:
    """The seven types ranked for a person joining a program, or for one designing a program."""
    from ..advise.ranking import Person, recommend
    from ..advise.render import render_json, render_text

    person = Person(
        facets={f: getattr(args, f.replace("-", "_")) for f in FACET_OPTIONS if getattr(args, f.replace("-", "_"))},
        want=args.want or [],
        avoid=args.avoid or [],
        view=DESIGNING if args.designing else None,
    )

    def body(mg, root):
        rec = recommend(mg, person, root)
        if args.format == "json":
            return render_json(rec)
        hints = (
            [] if rec.want or rec.avoid else ["name themes with --want and --avoid (`mentorgraph themes` lists them)"]
        )
        return render_text(rec, hints)

    return _run(args, body)


def register(subparsers) -> None:
    """Add `themes`, `compare` and `recommend` to the mentorgraph command line."""
    raw = argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser(
        "themes",
        help="list the themes that group Table 1's strengths and weaknesses",
        description="List the themes of data/themes.yaml: the words --want and --avoid "
        "accept, each with its alternative labels and definition.",
        epilog="examples:\n  mentorgraph themes\n  mentorgraph themes --format json",
        formatter_class=raw,
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_themes)

    p = subparsers.add_parser(
        "compare",
        help="compare mentoring model types side by side, by theme",
        description="Compare two or more of Table 1's types: their examples, and their "
        "strengths (+) and weaknesses (-) aligned by theme. A type is named "
        "by its label, a word or phrase of it, a CURIE or an IRI.",
        epilog="examples:\n  mentorgraph compare formal committed\n"
        "  mentorgraph compare 'Social media' 'Grant based' trainees --format markdown\n"
        "  mentorgraph compare mg:grant-based mg:social-media --format csv",
        formatter_class=raw,
    )
    p.add_argument("types", nargs="+", metavar="TYPE", help="two or more mentoring model types")
    p.add_argument(
        "--format",
        "-f",
        choices=["table", "markdown", "csv", "html"],
        default="table",
        help="table (default, for terminals), markdown, csv or a standalone html page",
    )
    common.add_engine(p)
    p.set_defaults(func=cmd_compare)

    p = subparsers.add_parser(
        "recommend",
        help="rank the seven types for a person and sort the initiatives into fit, may fit and excluded",
        description="Rank Table 1's seven types for a person's needs and constraints, explain every "
        "rank, and list under each type the initiatives of the graph that fit the person, may fit them "
        "(they are for a narrower group than the person named) or are excluded, with why. An option left "
        "out filters nothing. With --designing, rank the types for a person organizing a program instead, "
        "with no initiative to join. Themes (--want/--avoid) accept a label, alternative label or a word "
        "of it; the other values a label, alternative label, id or CURIE, in any case, singular or plural.",
        epilog=RECOMMEND_EPILOG,
        formatter_class=raw,
    )
    p.add_argument(
        "--career-stage",
        action="extend",
        nargs="+",
        metavar="STAGE",
        help="your career stage, e.g. fellows, 'early-career faculty', residents",
    )
    p.add_argument(
        "--population",
        action="extend",
        nargs="+",
        metavar="POPULATION",
        help="a population you belong to, e.g. women, 'racial and ethnic minorities', mothers",
    )
    p.add_argument(
        "--specialty",
        action="extend",
        nargs="+",
        metavar="SPECIALTY",
        help="your specialty, e.g. endocrinology, pediatrics",
    )
    p.add_argument(
        "--want",
        action="extend",
        nargs="+",
        metavar="THEME",
        help="a theme you want (see `mentorgraph themes`), e.g. confidentiality, visibility",
    )
    p.add_argument(
        "--avoid",
        action="extend",
        nargs="+",
        metavar="THEME",
        help="a theme whose drawbacks you want to avoid, e.g. travel, time",
    )
    p.add_argument(
        "--mode",
        action="extend",
        nargs="+",
        metavar="MODE",
        help="how you can take part, e.g. online, 'in person', hybrid; initiatives delivered otherwise are excluded",
    )
    p.add_argument(
        "--designing",
        action="store_true",
        help="you are organizing a program (a chair, a faculty-development office): rank the types by what "
        "weighs with an organizer (cost, effort to run, structure, reach...), with no initiative to join",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=["table", "json"],
        default="table",
        help="table (default, for terminals) or json for other tools",
    )
    common.add_engine(p)
    p.set_defaults(func=cmd_recommend)
