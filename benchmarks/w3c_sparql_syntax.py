"""Run the W3C SPARQL syntax tests against mentorgraph.sparql (local validation; prints figures).

Usage: python benchmarks/w3c_sparql_syntax.py PATH-TO-rdf-tests/sparql
(a checkout of https://github.com/w3c/rdf-tests; nothing of it is copied into this repository).

Positive syntax tests must parse, negative ones must be refused (a syntax error, or for update
tests, the update refusal). For every positive query and every query of the evaluation tests it
also checks that the canonical text parses back to the same tree (parse(serialize(tree)) ==
tree); where rdflib parses the original, that rdflib gives the canonical text the same algebra
(tests/sparql_support.normalise); and where pyoxigraph runs the original on the test's data, that
it gives the same results for the canonical text (queries using SERVICE or a random or clock
function are not run).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import RDF, Graph, Namespace

import pyoxigraph as ox

from mentorgraph.sparql import QueryError, Refused, parse, serialize
from mentorgraph.sparql import tree as t

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from sparql_support import rdflib_algebra

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
POSITIVE = {MF.PositiveSyntaxTest, MF.PositiveSyntaxTest11}
NEGATIVE = {MF.NegativeSyntaxTest, MF.NegativeSyntaxTest11}
UPDATE_POSITIVE = {MF.PositiveUpdateSyntaxTest11}
UPDATE_NEGATIVE = {MF.NegativeUpdateSyntaxTest11}


def tests(root: Path):
    """(kind, path, data, named data) for every syntax test and evaluation query under root."""
    for manifest in sorted(root.rglob("manifest.ttl")):
        g = Graph()
        g.parse(manifest, format="turtle", publicID=manifest.as_uri())
        for test in g.subjects(RDF.type, None):
            types = set(g.objects(test, RDF.type))
            action = g.value(test, MF.action)
            if action is None:
                continue
            query = g.value(action, QT.query) or (
                action if (types & (POSITIVE | NEGATIVE | UPDATE_POSITIVE | UPDATE_NEGATIVE)) else None
            )
            if query is None or not str(query).startswith("file:"):
                continue
            path = Path(str(query)[len("file://") :])
            data = [Path(str(d)[7:]) for d in g.objects(action, QT.data)]
            named = [(str(d), Path(str(d)[7:])) for d in g.objects(action, QT.graphData)]
            if types & POSITIVE:
                yield "positive", path, data, named
            elif types & NEGATIVE:
                yield "negative", path, data, named
            elif types & UPDATE_POSITIVE:
                yield "update", path, data, named
            elif types & UPDATE_NEGATIVE:
                yield "update-negative", path, data, named
            elif path.suffix == ".rq":
                yield "eval", path, data, named


_UNSTABLE = {"RAND", "NOW", "UUID", "STRUUID", "BNODE"}


def _results(store: ox.Store, text: str, base: str):
    res = store.query(text, base_iri=base)
    if isinstance(res, ox.QueryBoolean):
        return bool(res)
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        rows = [tuple(_plain(s[n]) for n in names) for s in res]
        return names, sorted(rows, key=repr)
    return sorted((tuple(_plain(x) for x in (q.subject, q.predicate, q.object)) for q in res), key=repr)


def _plain(term):
    return "_:b" if isinstance(term, ox.BlankNode) else str(term) if term is not None else None


def _store(data: list[Path], named: list) -> ox.Store | None:
    store = ox.Store()
    try:
        for path in data:
            fmt = ox.RdfFormat.from_extension(path.suffix[1:])
            store.load(path=str(path), format=fmt, base_iri=path.as_uri(), to_graph=ox.DefaultGraph())
        for name, path in named:
            fmt = ox.RdfFormat.from_extension(path.suffix[1:])
            store.load(path=str(path), format=fmt, base_iri=path.as_uri(), to_graph=ox.NamedNode(name))
    except (OSError, SyntaxError, ValueError):
        return None
    return store


def compare_engines(tree, text: str, canonical: str, base: str, data, named) -> str:
    """'' if rdflib and pyoxigraph read the canonical text as they read the original, else why not."""
    try:
        expected = rdflib_algebra(text, base)
    except Exception:
        expected = None
    if expected is not None:
        try:
            if rdflib_algebra(canonical) != expected:
                return "rdflib's algebra differs"
        except Exception as exc:
            return f"rdflib refuses the canonical text: {exc}"
    nodes = list(t.walk(tree))
    if any(type(n) is t.ServicePattern for n in nodes) or any(type(n) is t.Call and n.name in _UNSTABLE for n in nodes):
        return ""
    store = _store(data, named)
    if store is None:
        return ""
    try:
        expected = _results(store, text, base)
    except (SyntaxError, ValueError, OSError, RuntimeError):
        return ""
    try:
        got = _results(store, canonical, base)
    except (SyntaxError, ValueError, OSError, RuntimeError) as exc:
        return f"pyoxigraph refuses the canonical text: {exc}"
    return "" if got == expected else "pyoxigraph's results differ"


def main(root: Path) -> int:
    counts: dict[str, list[int]] = {}
    failures = []
    seen = set()
    for kind, path, data, named in tests(root):
        if (kind, path) in seen or not path.is_file():
            continue
        seen.add((kind, path))
        text = path.read_text(encoding="utf-8")
        base = "http://example.org/base/" + path.name
        ok = False
        detail = ""
        try:
            tree = parse(text, base=base)
            if kind in ("positive", "eval"):
                canonical = serialize(tree)
                again = parse(canonical)
                ok = again == tree
                detail = "" if ok else "round trip differs"
                if ok:
                    detail = compare_engines(tree, text, canonical, base, data, named)
                    ok = not detail
            else:
                detail = "accepted"
        except Refused as exc:
            ok = kind in ("negative", "update", "update-negative") or (kind == "eval" and exc.kind == "update")
            detail = str(exc)
        except QueryError as exc:
            ok = kind in ("negative", "update-negative", "update")
            detail = str(exc)
        counts.setdefault(kind, [0, 0])
        counts[kind][0] += ok
        counts[kind][1] += 1
        if not ok:
            failures.append((kind, path.relative_to(root), detail))
    for kind, (good, total) in counts.items():
        print(f"{kind:16} {good:4} / {total:4} pass")
    for kind, path, detail in failures:
        print(f"FAIL {kind} {path}: {detail[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
