"""`mentorgraph serve`: the built graph as a read-only SPARQL 1.1 endpoint, linked-data IRIs and a web view.

    from mentorgraph.server import Config, serve
    serve(Config(out=Path("dist"), root=find_root(), port=8000, workers=2))

A Starlette application (app.py) served by uvicorn with several front-end processes (run.py). By job:
protocol.py (/sparql), linked.py (the project's IRIs), routes_pages.py (the pages of the web view,
mentorgraph.web, rendered in the query processes), files.py (static files and downloads). Queries
never run in a front end: each has its query processes (pool.py, worker.py; results.py serializes in
them) over the generation it serves (backend.py switches when a build finishes). checking.py is the
one call into the query policy; middleware.py adds the security headers and writes the access log.
docs/server.md documents the limits and the security model.
"""

from __future__ import annotations

from .config import Config


def serve(config: Config) -> int:
    """Run the server until SIGINT or SIGTERM; return an exit code (0 stopped cleanly, 3 cannot serve)."""
    from .run import serve as run

    return run(config)


__all__ = ["Config", "serve"]
