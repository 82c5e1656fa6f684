"""Benchmark the read-only query policy (mentorgraph.sparql.check: parse + check + canonical text)
on every canned query, beside rdflib's parser and pyoxigraph's own execution of the same query.

    python benchmarks/bench_policy.py [--out DIST] [--rounds 15]

Each canned query's example parameters are bound as the API binds them; the project's prefixes are
passed as a dict. Per query, interleaved round by round, medians (microseconds):

  check, uncached    both caches emptied before each call: the whole parse, check and serialization
  check, new text    a different text of the same token shape each call (a comment appended): the
                     plan cache answers, the text is tokenized and every term rebuilt and checked
  check, same text   the text cache answers; the policy is applied again
  rdflib parse       rdflib.plugins.sparql parseQuery + translateQuery (what rdflib runs per text)
  pyoxigraph run     Store.query on the built store, results iterated (the anchor)

Without --out the graph is built into a temporary directory first. Figures are wall-clock; other
processes on the machine show in them (the first column of a line, `ref`, is a fixed pure-Python
loop timed in the same rounds, to show how fast the machine was).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from _build import ROOT, build_dir


def bound_bodies(out: Path) -> dict[str, str]:
    """Each canned query's body with its example parameters bound (no prologue)."""
    from mentorgraph.query.api import open_graph
    from mentorgraph.query.catalogue import sparql_iri, sparql_string

    mg = open_graph(out, root=ROOT)
    bodies = {}
    for name, q in mg.catalogue.items():
        body = q.body
        for p in q.params:
            term = sparql_string(p.example) if p.kind == "text" else sparql_iri(mg.resolve(p.example, p.kind))
            body = body.replace(f"VALUES ?{p.name} {{ UNDEF }}", f"VALUES ?{p.name} {{ {term} }}")
        bodies[name] = body
    return bodies


def reference() -> None:
    total = 0
    for i in range(1000):
        total += i


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="an existing build (default: build into a temporary directory)")
    ap.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    args = ap.parse_args()

    import pyoxigraph as ox
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    from mentorgraph.iris import GRAPH, GRAPH_NAMES, PREFIXES, sparql_prologue
    from mentorgraph.sparql import check, clear_caches
    from mentorgraph.sparql.lexer import tokenize

    with build_dir(args.out, "mg-bench-policy-") as out:
        bodies = bound_bodies(out)
        store = ox.Store()
        store.bulk_load(path=str(out / "mentorgraph.nq"), format=ox.RdfFormat.N_QUADS)
        graphs = frozenset(GRAPH + g for g in GRAPH_NAMES)
        prologue = sparql_prologue()
        counter = iter(range(10**9))

        def uncached(body):
            clear_caches()
            check(body, prefixes=PREFIXES, allowed_graphs=graphs)

        def new_text(body):
            check(f"{body}\n# request {next(counter)}", prefixes=PREFIXES, allowed_graphs=graphs)

        def same_text(body):
            check(body, prefixes=PREFIXES, allowed_graphs=graphs)

        def rdflib_parse(body):
            translateQuery(parseQuery(body), initNs=PREFIXES)

        def pyoxigraph_run(body):
            for _ in store.query(prologue + body, use_default_graph_as_union=True):
                pass

        measures = {
            "check, uncached": (uncached, 3),
            "check, new text": (new_text, 5),
            "check, same text": (same_text, 20),
            "rdflib parse": (rdflib_parse, 1),
            "pyoxigraph run": (pyoxigraph_run, 1),
        }
        samples: dict[tuple[str, str], list[float]] = {}
        refs: list[float] = []
        for body in bodies.values():  # warm-up: imports, first plans
            for fn, _ in measures.values():
                fn(body)
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            reference()
            refs.append(time.perf_counter() - t0)
            for name, body in bodies.items():
                for label, (fn, calls) in measures.items():
                    t0 = time.perf_counter()
                    for _ in range(calls):
                        fn(body)
                    samples.setdefault((name, label), []).append((time.perf_counter() - t0) / calls)

        def us(name, label):
            return statistics.median(samples[(name, label)]) * 1e6

        labels = list(measures)
        print(f"ref loop: median {statistics.median(refs) * 1e6:.0f} us over {args.rounds} rounds")
        print(f"{'query':30} {'tokens':>6} " + " ".join(f"{label:>17}" for label in labels))
        for name, body in bodies.items():
            tokens = len(tokenize(body).kinds) - 1
            print(f"{name:30} {tokens:6} " + " ".join(f"{us(name, label):14.0f} us" for label in labels))
        medians = [statistics.median(us(n, label) for n in bodies) for label in labels]
        print(f"{'median over the queries':30} {'':6} " + " ".join(f"{m:14.0f} us" for m in medians))
        for label in labels[:3]:
            within = sum(us(n, label) <= 150 for n in bodies)
            print(f"{label}: {within} of {len(bodies)} queries at or below 150 us")


if __name__ == "__main__":
    main()
