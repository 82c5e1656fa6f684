"""The "Find a model" web page and the types x themes matrix, as escaped HTML strings.

Server-independent: the web server mounts `find_page(mg, params)` on a route and wraps the body it
returns in its page layout. The matrix is inline SVG drawn here (no JavaScript, no external files),
scales to phone width through its viewBox, and prints in black and white (+ and - carry the meaning,
colour only repeats it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from pathlib import Path

from ..query.api import MentorGraph, ParameterError
from ..layout import find_root
from ..problems import InputError
from .model import Model, cached_model
from .recommend import RULE, Person, Recommendation, facet_of, recommend
from ..pipeline.themes import ThemeError, ThemeScheme, load_themes

MODES = ("online", "in-person", "hybrid")
# Scoped to the page's own classes; the form is not printed, the ranking and the matrix are.
PAGE_CSS = (
    ".mg-find fieldset{border:1px solid #999;margin:.5em 0}.mg-find label{display:inline-block;"
    "margin:.15em .6em .15em 0}.mg-types h3{margin:.6em 0 .2em}.mg-error{color:#8a1c1c;font-weight:bold}"
    ".mg-matrix-figure ol{margin:.2em 0;padding-left:1.5em}"
    "@media print{.mg-find{display:none}.mg-types details>ul{display:block}}"
)


def _q(text: object) -> str:
    return escape(str(text), quote=True)


def matrix_svg(model: Model, scheme: ThemeScheme, want: Sequence[str] = (), avoid: Sequence[str] = ()) -> str:
    """Themes (rows) x types (columns, numbered as Table 1's rows): in each cell, +n for the type's
    strengths in the theme and -n for its weaknesses; hovering shows the bullets. Themes the person
    wants or avoids (theme ids) are marked."""
    # Sized so that at a 360 px phone width the text is still about 11 px high.
    label_w, cell_w, cell_h, head_h = 180, 46, 42, 34
    width = label_w + cell_w * len(model.types)
    height = head_h + cell_h * len(scheme.themes) + 4
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="mg-matrix" role="img" viewBox="0 0 {width} {height}" '
            f'width="100%" style="max-width:{width}px;height:auto" font-family="sans-serif" font-size="16" '
            'aria-labelledby="mg-matrix-title">'
        ),
        (
            '<title id="mg-matrix-title">Strengths (+) and weaknesses (\u2212) of each mentoring model type '
            "of Table 1, by theme</title>"
        ),
        f'<text x="4" y="{head_h - 12}" font-weight="bold">Theme</text>',
    ]
    for k, t in enumerate(model.types):
        x = label_w + k * cell_w + cell_w / 2
        out.append(
            f'<text x="{x:g}" y="{head_h - 12}" text-anchor="middle" font-weight="bold">'
            f"<title>{_q(t.label)}</title>{t.position}</text>"
        )
    for r, theme in enumerate(scheme.themes):
        y = head_h + r * cell_h
        mark = " (wanted)" if theme.id in want else " (avoided)" if theme.id in avoid else ""
        weight = ' font-weight="bold"' if mark else ""
        fill = "#f4f4f4" if r % 2 == 0 else "#ffffff"
        out.append(f'<rect x="0" y="{y}" width="{width}" height="{cell_h}" fill="{fill}"/>')
        lines = _two_lines(theme.label + mark, 20)
        spans = "".join(
            f'<tspan x="4" y="{y + (cell_h / 2 + 6 if len(lines) == 1 else 17 + n * 18):g}">{_q(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        out.append(f"<text{weight}><title>{_q(theme.definition)}</title>{spans}</text>")
        for k, t in enumerate(model.types):
            x = label_w + k * cell_w
            s = [a.label for a in t.strengths if theme.id in scheme.themes_of(a.id)]
            w = [a.label for a in t.weaknesses if theme.id in scheme.themes_of(a.id)]
            if not s and not w:
                continue
            tip = "; ".join([f"+ {a}" for a in s] + [f"\u2212 {a}" for a in w])
            out.append(
                f"<g><title>{_q(t.label)}: {_q(tip)}</title>"
                f'<rect x="{x + 2}" y="{y + 2}" width="{cell_w - 4}" height="{cell_h - 4}" fill="none" '
                f'stroke="#999"/>'
            )
            marks = ([(f"+{len(s)}", "#1c5e20")] if s else []) + ([(f"\u2212{len(w)}", "#8a1c1c")] if w else [])
            for n, (txt, colour) in enumerate(marks):
                ty = y + (cell_h / 2 + 6 if len(marks) == 1 else 18 + n * 17)
                out.append(
                    f'<text x="{x + cell_w / 2:g}" y="{ty:g}" text-anchor="middle" fill="{colour}" '
                    f'font-weight="bold">{txt}</text>'
                )
            out.append("</g>")
    out.append("</svg>")
    legend = "".join(f'<li value="{t.position}">{_q(t.label)}</li>' for t in model.types)
    return (
        f'<figure class="mg-matrix-figure" style="margin:0">{"".join(out)}'
        f"<figcaption>Columns are Table 1's types: <ol>{legend}</ol>"
        "+n: n strengths in the theme; \u2212n: n weaknesses.</figcaption></figure>"
    )


def _two_lines(text: str, limit: int) -> list[str]:
    """`text` on one line, or split at the space nearest its middle when longer than `limit`."""
    if len(text) <= limit or " " not in text:
        return [text]
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:cut], text[cut + 1 :]]


def _select(name: str, label: str, options: list[tuple[str, str]], chosen: Sequence[str], hint: str) -> str:
    opts = ['<option value="">(any)</option>'] + [
        f'<option value="{_q(v)}"{" selected" if v in chosen else ""}>{_q(text)}</option>' for v, text in options
    ]
    return (
        f'<p><label for="mg-{name}">{_q(label)}</label> <select id="mg-{name}" name="{name}">'
        f"{''.join(opts)}</select> <small>{_q(hint)}</small></p>"
    )


def _checkboxes(name: str, legend: str, scheme: ThemeScheme, chosen: Sequence[str]) -> str:
    boxes = "".join(
        f'<label title="{_q(t.definition)}"><input type="checkbox" name="{name}" value="{_q(t.id)}"'
        f"{' checked' if t.id in chosen else ''}> {_q(t.label)}</label> "
        for t in scheme.themes
    )
    return f"<fieldset><legend>{_q(legend)}</legend>{boxes}</fieldset>"


def form_html(model: Model, scheme: ThemeScheme, params: Mapping[str, Sequence[str]], action: str = "") -> str:
    """The form: career stage, population, specialty and mode menus; themes to want and avoid."""
    pops = sorted(model.populations.values(), key=lambda p: p.label)
    by_facet: dict[str, list[tuple[str, str]]] = {f.id: [] for f in scheme.facets}
    for p in pops:
        f = facet_of(p.iri, model, scheme)
        if f is not None:
            by_facet[f.id].append((p.label, p.label))
    options = {"career-stage": "career-stage", "specialty": "specialty", "population": "identity"}
    parts = [f'<form class="mg-find" method="get" action="{_q(action)}">']
    for name, facet_id in options.items():
        facet = next((f for f in scheme.facets if f.id == facet_id), None)
        if facet is not None:
            parts.append(
                _select(
                    name,
                    facet.label,
                    by_facet[facet.id],
                    params.get(name, ()),
                    "initiatives for other ones are filtered out, with the reason",
                )
            )
    parts.append(
        _select(
            "mode",
            "Delivery mode",
            [(m, m) for m in MODES],
            params.get("mode", ()),
            "initiatives recorded with another mode are filtered out",
        )
    )
    want = [scheme.resolve(v).id for v in params.get("want", ()) if _known(scheme, v)]
    avoid = [scheme.resolve(v).id for v in params.get("avoid", ()) if _known(scheme, v)]
    parts.append(_checkboxes("want", "I want", scheme, want))
    parts.append(_checkboxes("avoid", "I want to avoid the drawbacks of", scheme, avoid))
    parts.append('<p><button type="submit">Find a model</button></p></form>')
    return "".join(parts)


def _known(scheme: ThemeScheme, value: str) -> bool:
    try:
        scheme.resolve(value)
    except ThemeError:
        return False
    return True


def results_html(rec: Recommendation, link: Callable[[str], str] = lambda iri: iri) -> str:
    """The ranked types with every reason, the initiatives that fit and those filtered out."""
    out = [
        '<section class="mg-results"><h2>Ranking for '
        + _q("; ".join(rec.person) if rec.person else "anyone")
        + "</h2>",
        f'<p class="mg-rule">Rule: {_q(RULE)}.</p>',
    ]
    out += [f'<p class="mg-note">{_q(n)}</p>' for n in rec.notes]
    out.append('<ol class="mg-types">')
    for t in rec.types:
        reasons = "".join(f"<li>{_q(r)}</li>" for r in t.reasons)
        fits = (
            "".join(
                f'<li><a href="{_q(link(p.item))}">{_q(p.label)}</a>'
                + (f" <small>({_q('; '.join(p.notes))})</small>" if p.notes else "")
                + "</li>"
                for p in t.programs
            )
            or "<li>none in the graph</li>"
        )
        excluded = "".join(
            f'<li><a href="{_q(link(e.item))}">{_q(e.label)}</a>: {_q("; ".join(e.why))}</li>' for e in t.excluded
        )
        out.append(
            f'<li value="{t.rank}" class="mg-type" data-score="{t.score}"><h3>{_q(t.label)} '
            f'<small>score {t.score:+d}</small></h3><ul class="mg-reasons">{reasons}</ul>'
            f'<h4>Initiatives that fit ({len(t.programs)})</h4><ul class="mg-fit">{fits}</ul>'
            + (
                f"<details><summary>Filtered out ({len(t.excluded)})</summary>"
                f'<ul class="mg-excluded">{excluded}</ul></details>'
                if t.excluded
                else ""
            )
            + "</li>"
        )
    out.append("</ol></section>")
    return "".join(out)


def person_from_params(params: Mapping[str, Sequence[str]]) -> Person:
    """A Person from form parameters (each a list of values, as urllib.parse.parse_qs gives them)."""

    def values(name: str) -> list[str]:
        return [v for v in params.get(name, ()) if v.strip()]

    mode = values("mode")
    return Person(
        career_stage=values("career-stage"),
        population=values("population"),
        specialty=values("specialty"),
        want=values("want"),
        avoid=values("avoid"),
        mode=mode[0] if mode else None,
    )


def find_page(
    mg: MentorGraph,
    params: Mapping[str, Sequence[str]] | None = None,
    root: str | Path | None = None,
    action: str = "",
    link: Callable[[str], str] = lambda iri: iri,
) -> tuple[int, str]:
    """(HTTP status, page body) of "Find a model" for the query parameters `params`.

    200 with the form, the ranking and the matrix; 400 with the form and the error (listing the closest
    known values) when a value cannot be used; 500 when data/themes.yaml is invalid.
    """
    # Accept single strings as well as lists (parse_qs gives lists, a framework may give strings).
    params = {k: [v] if isinstance(v, str) else list(v) for k, v in (params or {}).items()}
    root = Path(root) if root else find_root()
    try:
        scheme = load_themes(root)
    except InputError as exc:
        return 500, '<p class="mg-error">data/themes.yaml is invalid: ' + _q(exc) + "</p>"
    model = cached_model(mg)
    head = (
        f"<style>{PAGE_CSS}</style>"
        "<h1>Find a peer-mentoring model</h1><p>Say what you need; the seven types of Table 1 "
        "(Cree-Green et al., 2020) are ranked by their strengths and weaknesses, and the initiatives "
        "that fit you are listed under each.</p>"
    )
    person = person_from_params(params)
    status, body, want, avoid = 200, "", [], []
    if person.mode and person.mode not in MODES:
        status = 400
        body = (
            f'<p class="mg-error" role="alert">unknown mode {_q(person.mode)}; expected one of '
            f"{_q(', '.join(MODES))}</p>"
        )
    else:
        try:
            rec = recommend(mg, person, root, model=model)
            body = results_html(rec, link)
            want = [scheme.resolve(v).id for v in person.want]
            avoid = [scheme.resolve(v).id for v in person.avoid]
        except (ParameterError, ThemeError) as exc:
            status, body = 400, f'<p class="mg-error" role="alert">{_q(exc)}</p>'
    return status, (
        head
        + form_html(model, scheme, params, action)
        + body
        + "<h2>Types and themes</h2>"
        + matrix_svg(model, scheme, want, avoid)
    )
