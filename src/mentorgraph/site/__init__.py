"""The static website (issue 17): `mentorgraph site` writes the whole graph as files any office can host.

    from mentorgraph.site import build_site
    report = build_site(root, out)     # out: the build directory; the site goes to layout.site_path(out)

Every page comes from the web view (mentorgraph.web: the same views and templates as `serve`),
rendered with web.StaticUrls so that links are relative and work from any sub-path and from file://.
Queries run in the browser: the vendored Oxigraph WebAssembly build loads the graph, and the
recommender's rules run as a small script over data exported here. docs/site.md says how to publish.

    pages.py   which pages the site holds          assets.py  static files, content-addressed
    data.py    the graph and questions as scripts  advice.py  the recommender's inputs for the browser
    rdf.py     the RDF beside each page            write.py   the all-or-nothing directory write
    build.py   the orchestrator (build_site)
"""

from __future__ import annotations

__all__ = ["build_site", "SiteReport"]


def __getattr__(name: str):
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(name)
