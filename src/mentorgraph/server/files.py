"""Files: /static/ (the web view's static files and its vendored front-end assets) and /download/ (the
export files of the generation being served).

No path is ever built from the URL: /static/ looks the name up in a table of the files shipped in the
package, /download/ in the generation's manifest.json.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from .. import layout, mediatypes
from .context import Context, HTTPError, endpoint

PACKAGE = Path(__file__).resolve().parents[1]
# Where static files come from, each served under /static/ by its path there (vendored assets at vendor/...).
STATIC_DIRS = (PACKAGE / "web" / "static",)
# The files of a build that /download/ serves (by extension; media types from mediatypes.py).
DOWNLOADS = (".ttl", ".nt", ".jsonld", ".trig", ".nq", ".json")


def static_table() -> dict[str, Path]:
    """Every static file by the name it is served under (relative to /static/)."""
    table = {}
    for base in STATIC_DIRS:
        for p in sorted(base.rglob("*")) if base.is_dir() else ():
            if p.is_file() and not p.name.startswith("."):
                table.setdefault(p.relative_to(base).as_posix(), p)
    return table


STATIC = static_table()


async def static(request: Request) -> Response:
    """/static/<name>: a file shipped in the package, by exact name."""
    path = STATIC.get(request.path_params["name"])
    if path is None:
        raise HTTPError(404, f"no static file {request.path_params['name']!r}")
    media = mediatypes.of_file(path.name) or "application/octet-stream"
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=3600"})


@endpoint
async def download(ctx: Context) -> Response:
    """/download/<file>: an export file of the generation being served, as listed in its manifest."""
    name = ctx.request.path_params["name"]
    files = set(ctx.served.manifest.get("files", {})) | {layout.MANIFEST}
    if name not in files or Path(name).suffix not in DOWNLOADS:
        raise HTTPError(404, f"no download {name!r}; see /dataset for the list")
    path = ctx.served.generation.file(name)
    media = mediatypes.of_file(name) or "application/octet-stream"
    return FileResponse(path, media_type=f"{media}; charset=utf-8" if "charset" not in media else media)
