"""Where a page links to: one interface, two answers (the server's routes, the static site's files).

Templates never spell a URL. They ask the builder they are rendered with:

    url.page("compare", type=["formal-mentoring-programs", "social-media"])
    url.iri("https://w3id.org/mentorgraph/id/acr")      # the page of one of the project's IRIs
    url.static("site.css"), url.file("mentorgraph.ttl"), url.rdf(iri, "turtle")

`ServerUrls` answers absolute routes ("/compare?type=a&type=b", "/id/acr"). `StaticUrls` answers paths
relative to the page being written ("../id/acr.html"), so a static site works from any sub-path and
from file://; a page the static site cannot hold (a form's answer for arbitrary input) is None, and the
template shows the text without a link. The route names below are the whole list of pages.
"""

from __future__ import annotations

import posixpath
import urllib.parse
from collections.abc import Mapping

from .. import iris, mediatypes

# Route name -> server path. "{name}" fills from the parameter of that name; the rest is the query string.
ROUTES = {
    "home": "/",
    "browse": "/browse",
    "types": "/types",
    "populations": "/populations",
    "organizations": "/organizations",
    "compare": "/compare",
    "find": "/find",
    "find-brief": "/find/brief",
    "questions": "/questions",
    "question": "/questions/{name}",
    "sparql": "/sparql",
    "charts": "/charts",
    "download": "/download",
    "dataset": "/dataset",
    "ontology": "/ontology",
    "about": "/about",
    "health": "/health",
    "graph": "/graph/{name}",
    "cite": "/cite/{name}",
}
# Route name -> the static site's file. Routes missing here exist only on a server (about: its limits).
FILES = {
    "home": "index.html",
    "browse": "browse.html",
    "types": "types.html",
    "populations": "populations.html",
    "organizations": "organizations.html",
    "compare": "compare.html",
    "find": "find.html",
    "find-brief": "find-brief.html",
    "questions": "questions.html",
    "question": "questions/{name}.html",
    "sparql": "sparql.html",
    "charts": "charts.html",
    "download": "download.html",
    "dataset": "dataset.ttl",
    "ontology": "ontology.html",
    "graph": "graph/{name}.html",
    "cite": "cite/{name}",
}
# Graph formats by the file extension their IRIs take (/id/acr.ttl).
RDF_EXTENSIONS = {fmt: ext for ext, fmt in mediatypes.IRI_EXTENSIONS.items() if fmt != "html"}
# The project's own IRI spaces and where their pages are: (IRI prefix, path prefix).
OWN = ((iris.MG, "id/"), (iris.STATEMENT, "statement/"), (iris.GRAPH, "graph/"))


def _clean(params: Mapping[str, object]) -> list[tuple[str, str]]:
    """Query parameters in a stable order, lists repeated, empty values dropped."""
    out = []
    for key, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        out += [(key, str(v)) for v in values if v not in (None, "")]
    return out


class Urls:
    """The interface templates use (see the module docstring); `kind` is "server" or "static"."""

    kind = "abstract"

    def page(self, route: str, /, **params: object) -> str | None:
        """The URL of the page `route` (a key of ROUTES) with `params`, or None where it cannot exist."""
        raise NotImplementedError

    def iri(self, iri: str) -> str | None:
        """Where a link to `iri` goes: the page of one of the project's IRIs, any other http(s) IRI as it is."""
        if iri.startswith(iris.MGO):
            return self._own("ontology", iri[len(iris.MGO) :])
        for prefix, path in OWN:
            if iri.startswith(prefix) and len(iri) > len(prefix):
                return self._own(path, iri[len(prefix) :])
        if iri.startswith(("http://", "https://")):
            return iri
        return None

    def rdf(self, iri: str, fmt: str) -> str | None:
        """The RDF document about one of the project's IRIs in `fmt` (turtle, jsonld, ntriples, rdfxml)."""
        if iri == iris.ONTOLOGY:
            return self._path("ontology" + RDF_EXTENSIONS[fmt])
        for prefix, path in OWN:
            if iri.startswith(prefix):
                return self._path(path + iri[len(prefix) :] + RDF_EXTENSIONS[fmt])
        return None

    def static(self, name: str) -> str:
        """A file of web/static/ (css, scripts, the favicon, vendor/...)."""
        return self._path("static/" + name)

    def file(self, name: str) -> str:
        """A file of the build (an export), as the download page offers it."""
        return self._path("download/" + name)

    def _own(self, path: str, local: str) -> str:
        raise NotImplementedError

    def _path(self, path: str) -> str:
        raise NotImplementedError


class ServerUrls(Urls):
    """Absolute routes of `mentorgraph serve` (a server mounted under a prefix passes `base`)."""

    kind = "server"

    def __init__(self, base: str = ""):
        self.base = base.rstrip("/")

    def page(self, route: str, /, **params: object) -> str | None:
        """The route of ROUTES with its path parameters filled and the others as the query string."""
        path = ROUTES[route]
        if "{name}" in path:
            path = path.replace("{name}", urllib.parse.quote(str(params.pop("name")), safe=""))
        query = urllib.parse.urlencode(_clean(params))
        return self.base + path + ("?" + query if query else "")

    def _own(self, path: str, local: str) -> str:
        if path == "ontology":
            return f"{self.base}/ontology#{local}"
        return f"{self.base}/{path}{local}"

    def _path(self, path: str) -> str:
        return f"{self.base}/{path}"


class StaticUrls(Urls):
    """Links between the files of a static site, relative to the file `here` ("id/acr.html").

    `assets` maps a static file's name to the name it is written under (content-addressed names);
    `pages` maps (route, canonical query) to a file for the few parametrized pages the site writes,
    such as the comparisons linked from the types' pages (see `static_name`).
    """

    kind = "static"

    def __init__(self, here: str, assets: Mapping[str, str] | None = None, pages: Mapping[str, str] | None = None):
        self.here = here
        self.assets = dict(assets or {})
        self.pages = dict(pages or {})

    def relative(self, target: str) -> str:
        """`target` (a path from the site's root) as seen from the page being written."""
        start = posixpath.dirname(self.here) or "."
        base, _, fragment = target.partition("#")
        rel = posixpath.relpath(base, start) if base else posixpath.basename(self.here)
        return rel + ("#" + fragment if fragment else "")

    def page(self, route: str, /, **params: object) -> str | None:
        """The file of the page, or None for a page with parameters the site does not hold."""
        if route not in FILES:
            return None
        path = FILES[route]
        named = {}
        if "{name}" in path:
            named = {"name": params.pop("name")}
            path = path.replace("{name}", str(named["name"]))
        if params and _clean(params):
            # A named route's pages are keyed with their name (questions/a.csv is not questions/b.csv).
            path = self.pages.get(static_name(route, {**named, **params}))
            if path is None:
                return None
        return self.relative(path)

    def _own(self, path: str, local: str) -> str:
        if path == "ontology":
            return self.relative(f"{FILES['ontology']}#{local}")
        return self.relative(f"{path}{local}.html")

    def _path(self, path: str) -> str:
        if path.startswith("static/"):
            name = path[len("static/") :]
            path = "static/" + self.assets.get(name, name)
        return self.relative(path)


def static_name(name: str, params: Mapping[str, object]) -> str:
    """The key of a parametrized page in StaticUrls.pages: the route and its sorted query string."""
    return name + "?" + urllib.parse.urlencode(sorted(_clean(params)))
