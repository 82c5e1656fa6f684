"""Jinja2 rendering of the web view's templates (web/templates/), autoescaped.

Every value a view hands a template is data (labels, IRIs, numbers), escaped by Jinja2 on output: a
label holding `<script>` renders as text. Templates link only through the URL builder (`url`, see
urls.py), so the same templates serve the server and the static site.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..query.formats import curie
from .urls import Urls
from .views import slug

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def json_script(value: Any) -> Markup:
    """`value` as JSON safe inside a <script type="application/ld+json"> data block: '<', '>' and '&'
    are written as \\u escapes, so no text in it can close the element (HTML 4.12.1.3)."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 initiative', '3 initiatives'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


@functools.lru_cache(maxsize=1)
def environment():
    """The one Jinja2 environment (templates are read once per process)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["curie"] = curie
    env.filters["json_script"] = json_script
    env.filters["slug"] = slug
    env.filters["signed"] = lambda n: f"+{n}" if n > 0 else f"\u2212{-n}" if n < 0 else "0"
    env.filters["items_dict"] = dict
    env.filters["examples_dict"] = lambda examples: {e["name"]: e["text"] for e in examples}
    env.globals["plural"] = plural
    return env


def render(template: str, context: dict[str, Any], urls: Urls) -> str:
    """The template `template` with `context`, links made by `urls`."""
    return environment().get_template(template).render(**context, url=urls)
