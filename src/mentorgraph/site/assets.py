"""The site's static files under content-addressed names (site.3f2a9c1b0d.css): a file's name changes
exactly when its bytes do, so a host may let browsers cache static/ for ever. A stage: files in, the
files to write and the name map (web.StaticUrls' `assets`) out.

Shipped from web/static/: the stylesheet, the favicon, the editor's scripts, the site's own scripts,
and from vendor/ the classic-script builds (CodeMirror, Oxigraph with its wasm inside, which also runs
from file://) with their licence texts, under their own names. axe-core is for the tests only.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field

from ..web.render import STATIC

# web/static/ files the site's pages load, by the name templates ask url.static() for.
SHIPPED = (
    "site.css",
    "favicon.svg",
    "editor.js",
    "site.js",
    "site-worker.js",
    "site-find.js",
    "vendor/codemirror/sparql-editor.js",
    "vendor/oxigraph/oxigraph-inline.js",
)
# Shipped as they are named: what the vendored code's licences ask to travel with it.
LICENCES = (
    "vendor/codemirror/LICENSE",
    "vendor/codemirror/VERSION",
    "vendor/oxigraph/LICENSE-APACHE",
    "vendor/oxigraph/LICENSE-MIT",
    "vendor/oxigraph/VERSION",
)
DIGITS = 10  # hex digits of SHA-256 in a name: collisions among a few dozen files are not a concern


def hashed_name(name: str, data: bytes) -> str:
    """`name` with the start of its content's SHA-256 before the extension: vendor/a.js -> vendor/a.<h>.js."""
    folder, base = posixpath.split(name)
    stem, dot, ext = base.partition(".")
    digest = hashlib.sha256(data).hexdigest()[:DIGITS]
    return posixpath.join(folder, f"{stem}.{digest}{dot}{ext}")


@dataclass
class Assets:
    """Files to write under static/ (path there -> bytes) and the name map for StaticUrls."""

    files: dict[str, bytes] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, data: bytes, addressed: bool = True) -> str:
        """Add one file by its logical name; return the name it is written under."""
        target = hashed_name(name, data) if addressed else name
        self.files[target] = data
        self.names[name] = target
        return target


def static_assets() -> Assets:
    """The web view's static files the site ships (SHIPPED content-addressed, LICENCES as named)."""
    assets = Assets()
    for name in SHIPPED:
        assets.add(name, (STATIC / name).read_bytes())
    for name in LICENCES:
        assets.add(name, (STATIC / name).read_bytes(), addressed=False)
    return assets
