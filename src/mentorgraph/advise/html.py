"""The "Find a model" web page and the types x themes matrix, as escaped HTML strings.

Server-independent: the web server mounts `find_page(mg, params)` on a route and wraps the body it
returns in its page layout. The form is built from data/themes.yaml (a menu per facet, named by the
facet's id; the view; a checkbox per theme of the view). The page shows what `recommend` returns as
data (advise.ranking.Recommendation), in its plain words. The matrix is inline SVG drawn here (no
JavaScript, no external files), scales to phone width through its viewBox, and prints in black and
white (+ and - carry the meaning, colour only repeats it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from pathlib import Path

from ..layout import find_root
from ..pipeline.themes import ThemeScheme, load_themes
from ..problems import InputError
from ..query.api import MentorGraph, ParameterError
from .model import Model, cached_model
from .person import AVOID, VIEW, WANT, Choices, choices, person_from_params
from .ranking import RULE, Listed, Recommendation, recommend
from .words import ThemeError, resolve_theme

# Scoped to the page's own classes; the form is not printed, the ranking and the matrix are.
PAGE_CSS = (
    ".mg-find fieldset{border:1px solid #999;margin:.5em 0}.mg-find label{display:inline-block;"
    "margin:.15em .6em .15em 0}.mg-types h3{margin:.6em 0 .2em}.mg-error{color:#8a1c1c;font-weight:bold}"
    ".mg-matrix-figure ol{margin:.2em 0;padding-left:1.5em}.mg-why{font-size:.9em}"
    "@media print{.mg-find{display:none}.mg-types details>ul{display:block}}"
)


def _q(text: object) -> str:
    return escape(str(text), quote=True)


def matrix_svg(
    model: Model,
    scheme: ThemeScheme,
    want: Sequence[str] = (),
    avoid: Sequence[str] = (),
    themes: Sequence[str] | None = None,
) -> str:
    """Themes (rows; `themes` ids, default all) x types (columns, numbered as Table 1's rows): in each
    cell, +n for the type's bullets that count for the theme (its strengths, unless a reading turns one
    round) and -n for those that count against it; hovering shows the bullets. Themes the person wants
    or avoids (theme ids) are marked. The cells are what the ranking adds up."""
    rows = [t for t in scheme.themes if themes is None or t.id in themes]
    # Sized so that at a 360 px phone width the text is still about 11 px high.
    label_w, cell_w, cell_h, head_h = 180, 46, 42, 34
    width = label_w + cell_w * len(model.types)
    height = head_h + cell_h * len(rows) + 4
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
    for r, theme in enumerate(rows):
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
            s, w = _cell(t.attributes, scheme, theme.id)
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
        "+n: n bullets that count for the theme; \u2212n: n that count against it.</figcaption></figure>"
    )


def _cell(attributes, scheme: ThemeScheme, theme: str) -> tuple[list[str], list[str]]:
    """The bullets among `attributes` that count for `theme`, and those that count against it."""
    ways = [(a, m.favourable) for a in attributes for m in scheme.memberships_of(a.id) if m.theme == theme]
    return [a.label for a, f in ways if f], [a.label for a, f in ways if not f]


def _two_lines(text: str, limit: int) -> list[str]:
    """`text` on one line, or split at the space nearest its middle when longer than `limit`."""
    if len(text) <= limit or " " not in text:
        return [text]
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:cut], text[cut + 1 :]]


def _select(name: str, label: str, options: list[str], chosen: Sequence[str], hint: str) -> str:
    opts = ['<option value="">(any)</option>'] + [
        f'<option value="{_q(v)}"{" selected" if v in chosen else ""}>{_q(v)}</option>' for v in options
    ]
    return (
        f'<p><label for="mg-{_q(name)}">{_q(label)}</label> <select id="mg-{_q(name)}" name="{_q(name)}">'
        f"{''.join(opts)}</select> <small>{_q(hint)}</small></p>"
    )


def _checkboxes(name: str, legend: str, themes: Sequence, chosen: Sequence[str]) -> str:
    boxes = "".join(
        f'<label title="{_q(t.definition)}"><input type="checkbox" name="{name}" value="{_q(t.id)}"'
        f"{' checked' if t.id in chosen else ''}> {_q(t.label)}</label> "
        for t in themes
    )
    return f"<fieldset><legend>{_q(legend)}</legend>{boxes}</fieldset>"


def form_html(
    options: Choices,
    params: Mapping[str, Sequence[str]],
    view: str,
    chosen: tuple[Sequence[str], Sequence[str]] = ((), ()),
    action: str = "",
) -> str:
    """The form: the view, a menu per facet ("(any)" filters nothing), and the view's themes to want and
    avoid (`chosen`: the ids of those wanted and avoided, checked)."""
    parts = [f'<form class="mg-find" method="get" action="{_q(action)}">']
    views = "".join(
        f'<label title="{_q(v.definition)}"><input type="radio" name="{VIEW}" value="{_q(v.id)}"'
        f"{' checked' if v.id == view else ''}> {_q(v.label)}</label> "
        for v, _ in options.views
    )
    parts.append(f"<fieldset><legend>I am</legend>{views}</fieldset>")
    for facet in options.facets:
        hint = "(any) filters nothing; other choices sort what fits, may fit and does not"
        parts.append(_select(facet.id, facet.label, [c.label for c in facet.values], params.get(facet.id, ()), hint))
    themes = next(themes for v, themes in options.views if v.id == view)
    parts.append(_checkboxes(WANT, "I want", themes, chosen[0]))
    parts.append(_checkboxes(AVOID, "I want to avoid the drawbacks of", themes, chosen[1]))
    parts.append('<p><button type="submit">Find a model</button></p></form>')
    return "".join(parts)


def _known(scheme: ThemeScheme, values: Sequence[str]) -> list[str]:
    """The ids of the themes `values` name (a value naming none is reported by recommend, not here)."""
    out = []
    for v in values:
        try:
            out.append(resolve_theme(scheme, v).id)
        except ThemeError:
            continue
    return out


def _items(listed: list[Listed], css: str, link: Callable[[str], str], say) -> str:
    rows = "".join(f'<li><a href="{_q(link(p.item))}">{_q(p.label)}</a>{say(p)}</li>' for p in listed)
    return f'<ul class="{css}">{rows}</ul>'


def _why(p: Listed) -> str:
    return (f': <span class="mg-why">{_q("; ".join(p.why))}</span>' if p.why else "") + _notes(p)


def _notes(p: Listed) -> str:
    return f" <small>({_q('; '.join(p.notes))})</small>" if p.notes else ""


def results_html(rec: Recommendation, link: Callable[[str], str] = lambda iri: iri) -> str:
    """The ranked types with every reason; when joining, the initiatives that fit, may fit and do not."""
    who = "; ".join(rec.person) if rec.person else "anyone"
    out = [
        f'<section class="mg-results" data-view="{_q(rec.view.id)}">'
        f"<h2>{_q(rec.view.label)}: ranking for {_q(who)}</h2>",
        f'<p class="mg-rule">Rule: {_q(RULE)}.</p>',
    ]
    out += [f'<p class="mg-note">{_q(n)}</p>' for n in rec.notes]
    out.append('<ol class="mg-types">')
    for t in rec.types:
        reasons = "".join(f"<li>{_q(r)}</li>" for r in t.reasons)
        body = ""
        if t.offers_initiatives:
            fits = _items(t.fits, "mg-fit", link, _notes) if t.fits else '<ul class="mg-fit"></ul>'
            empty = (
                ""
                if t.fits
                else "<p>None for what you said.</p>"
                if t.maybe or t.excluded
                else "<p>None in the graph.</p>"
            )
            body = f"<h4>Initiatives that fit ({len(t.fits)})</h4>{fits}{empty}"
            if t.maybe:
                body += f"<h4>May fit ({len(t.maybe)})</h4>" + _items(t.maybe, "mg-maybe", link, _why)
            if t.excluded:
                body += (
                    f"<details><summary>Excluded ({len(t.excluded)})</summary>"
                    + _items(t.excluded, "mg-excluded", link, _why)
                    + "</details>"
                )
            if t.collective:
                body += "<h4>Named by Table 1, not one to join</h4>" + _items(t.collective, "mg-collective", link, _why)
        out.append(
            f'<li value="{t.rank}" class="mg-type" data-score="{t.score}"><h3>{_q(t.label)} '
            f'<small>score {t.score:+d}</small></h3><ul class="mg-reasons">{reasons}</ul>{body}</li>'
        )
    out.append("</ol></section>")
    return "".join(out)


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
        model = cached_model(mg)
        options = choices(model, scheme)
    except InputError as exc:
        return 500, '<p class="mg-error">data/themes.yaml is invalid: ' + _q(exc) + "</p>"
    head = (
        f"<style>{PAGE_CSS}</style>"
        "<h1>Find a peer-mentoring model</h1><p>Say what you need; the seven types of Table 1 "
        "(Cree-Green et al., 2020) are ranked by their strengths and weaknesses, and under each the "
        "initiatives that fit you, may fit you, or do not, each with the reason.</p>"
    )
    person = person_from_params(params, options)
    view = person.view if person.view in {v.id for v in scheme.views} else scheme.views[0].id
    status, body = 200, ""
    # Checked boxes: what the person named (a value naming no theme is reported in the body).
    checked = (_known(scheme, person.want), _known(scheme, person.avoid))
    marked = checked
    try:
        rec = recommend(mg, person, root, model=model)
        body = results_html(rec, link)
        marked = (rec.want, rec.avoid)  # with no theme named, a view may want all of its themes
    except ParameterError as exc:
        status, body = 400, f'<p class="mg-error" role="alert">{_q(exc)}</p>'
    return status, (
        head
        + form_html(options, params, view, checked, action)
        + body
        + "<h2>Types and themes</h2>"
        + matrix_svg(model, scheme, *marked, scheme.view(view).themes)
    )
