"""The static site in a real browser: Playwright driving the system's Chromium (/usr/bin/chromium, no
browser download), the site served from a sub-path by a plain static file server on 127.0.0.1 (sending the strict
Content-Security-Policy a careful host would, with the 'wasm-unsafe-eval' docs/site.md asks for) and
opened from file://.

One page of every kind at phone width (390 px): no console error, no CSP violation, no request leaving
the site (every other request is refused and recorded), no sideways scroll, no serious axe-core
violation. In the page, Oxigraph answers every canned question of the editor's examples as the Python
API does, a question asked with other values as the API does, and "Find a model" ranks the personas of
tests/test_advise_personas.py exactly as mentorgraph.advise.recommend does (the same JSON, and the same
verdicts read off the page). Tests are few and combined: each opens many pages.
"""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest

from test_advise_personas import PERSONAS, _check, _person, page_types, person_args
from test_site import write_site
from test_web_vendor import browser  # noqa: F401  (the module's Chromium, shared)
from vendor_page import CSP, VENDOR, Visit, static_server, wait_for

PAGES = [
    "index.html",
    "browse.html",
    "types.html",
    "populations.html",
    "organizations.html",
    "compare.html",
    "compare/all.html",
    "find.html",
    "find-designing.html",
    "questions.html",
    "questions/underserved-programs.html",
    "sparql.html",
    "charts.html",
    "download.html",
    "ontology.html",
    "graph/article.html",
    "id/swims.html",
    "id/formal-mentoring-programs.html",
    "id/american-college-of-rheumatology.html",
]
AXE_PAGES = ("index.html", "sparql.html", "find.html", "id/swims.html")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
AXE = (VENDOR / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    return write_site(built, tmp_path_factory.getbasetemp() / "site")


@pytest.fixture
def visits(browser):  # noqa: F811
    opened: list[Visit] = []

    def make(origin: str, width: int = 390) -> Visit:
        opened.append(Visit(browser, origin, width))
        return opened[-1]

    yield make
    for v in opened:
        v.close()


def axe(page) -> list[dict]:
    page.evaluate(AXE)  # over the DevTools protocol: the page's CSP does not apply to it
    return page.evaluate(
        "axe.run(document).then(r => r.violations.filter(x => ['serious', 'critical'].includes(x.impact))"
        ".map(x => ({id: x.id, nodes: x.nodes.map(n => n.target.join(' '))})))"
    )


# GROUP_CONCAT's order is not specified (SPARQL 1.1 §18.5.1.7): its parts are compared as a set.
CONCAT = re.compile(r'GROUP_CONCAT\s*\((?:[^;()]|\([^()]*\))*;\s*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', re.I)


def canonical(rows: list[dict[str, str]], query: str) -> list[dict[str, str]]:
    """Rows sorted (an unordered answer's order is free), GROUP_CONCAT values with their parts sorted."""
    concat = {var: sep for sep, var in CONCAT.findall(query)}
    rows = [{k: sep.join(sorted(v.split(sep))) if (sep := concat.get(k)) else v for k, v in r.items()} for r in rows]
    return sorted(rows, key=lambda r: sorted(r.items()))


def bindings(answer_json: str, query: str = "") -> list[dict[str, str]]:
    """A SPARQL JSON answer as canonical rows of variable -> value."""
    data = json.loads(answer_json)
    if "boolean" in data:
        return [{"boolean": str(data["boolean"]).lower()}]
    return canonical([{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]], query)


def api_rows(res, query: str = "") -> list[dict[str, str]]:
    if res.kind == "ask":
        return [{"boolean": str(bool(res.boolean)).lower()}]
    return canonical([{k: t.value for k, t in row.items() if t is not None} for row in res.rows], query)


def run_editor(page, text: str) -> dict:
    runs = page.evaluate("mentorgraphSite.runs")
    page.evaluate("text => mentorgraphEditor.setValue(text)", text)
    page.get_by_role("button", name="Run query").click()
    wait_for(page, f"mentorgraphSite.runs > {runs}")
    return page.evaluate("mentorgraphSite.last")


def test_site_over_http(site, visits, mg, root):
    from mentorgraph.advise.ranking import recommend

    # Served from a sub-path (/site/), as from a folder of a web space.
    with static_server(site.parent, CSP) as host:
        base = f"{host}{site.name}/"
        # Every kind of page at phone width.
        for name in PAGES:
            v = visits(base)
            v.page.goto(base + name)
            assert v.page.evaluate("document.documentElement.scrollWidth") <= 390, name
            if name in AXE_PAGES:
                assert axe(v.page) == [], name
            v.assert_clean()

        # The editor: every example (each canned question, bound to its example values) answered in the
        # page as the Python API answers it.
        v = visits(base, 1000)
        page = v.page
        page.goto(base + "sparql.html")
        wait_for(page, "mentorgraphSite.store")
        store = page.evaluate("mentorgraphSite.store")
        print("store in the page:", store)
        assert store["worker"] is True and store["size"] == len(list(mg.engine.store))
        examples = json.loads(page.locator("#mg-examples").text_content())
        assert len(examples) >= 20
        for name, text in examples.items():
            q = mg.catalogue[name]
            expected = api_rows(mg.query(name, **{p.name: p.example for p in q.params}), q.body)
            answer = run_editor(page, text)
            assert answer and bindings(answer["json"], q.body) == expected, name
        # A syntax error is marked in the editor and the query kept.
        run_editor(page, "SELECT ?x WHERE {\n  ?x ?p ?o .\n}\nLIMIT x")
        assert page.locator("#query-error").text_content().startswith("Line 4, column 7")
        assert page.evaluate("mentorgraphEditor.getValue()").endswith("LIMIT x")
        v.assert_clean()

        # A question asked with another value than the one the page was written for.
        v = visits(base)
        v.page.goto(base + "questions/programs-by-sponsor.html?sponsor=Endocrine+Society")
        wait_for(v.page, "mentorgraphSite.runs > 0")
        answer = v.page.evaluate("mentorgraphSite.last")
        assert bindings(answer["json"]) == api_rows(mg.query("programs-by-sponsor", sponsor="Endocrine Society"))
        assert v.page.locator("#site-answer table.results tbody tr").count() == len(bindings(answer["json"]))
        assert v.page.locator("main table.results").count() == 1, "the answer written for the example is gone"
        v.assert_clean()

        # Find a model: each persona ranked in the page exactly as recommend ranks it.
        v = visits(base)
        for persona in PERSONAS:
            args = person_args(persona)
            v.page.goto(base + "find.html?" + urllib.parse.urlencode(args, doseq=True))
            expected = recommend(mg, _person(persona), root).as_dict()
            # The rule itself, for every persona (one who says nothing included: the page then asks).
            assert v.page.evaluate("a => MentorgraphFind.recommend(MentorgraphAdvice, a)", args) == expected
            if args:  # the answer the page drew from the form's values in its address
                assert v.page.evaluate("mentorgraphFindAnswer") == expected, persona.name
                _check(persona, page_types(v.page.content()))
        assert axe(v.page) == []
        v.assert_clean()

        # The compare form goes to the comparison the site holds.
        v = visits(base)
        v.page.goto(base + "compare.html?type=social-media&type=grant-based")
        v.page.wait_for_url("**/compare/grant-based--social-media.html")
        v.assert_clean()


def test_site_from_file_url(site, visits, mg, root):
    """Opened from the disk: the classic scripts, the graph in a script, the store on the page's thread."""
    from mentorgraph.advise.ranking import recommend

    origin = site.as_uri() + "/"
    for name in ("index.html", "id/swims.html", "ontology.html"):
        v = visits(origin)
        v.page.goto(origin + name)
        v.assert_clean()
    v = visits(origin)
    page = v.page
    page.goto(origin + "sparql.html?query=" + urllib.parse.quote(COUNT))
    wait_for(page, "mentorgraphSite.runs > 0")
    assert page.evaluate("mentorgraphSite.store.worker") is False
    assert bindings(page.evaluate("mentorgraphSite.last.json")) == api_rows(mg.sparql(COUNT))
    persona = PERSONAS[0]
    page.goto(origin + "find.html?" + urllib.parse.urlencode(person_args(persona), doseq=True))
    assert page.evaluate("mentorgraphFindAnswer") == recommend(mg, _person(persona), root).as_dict()
    v.assert_clean()


# The store's core with its shards held back by the test: a query must not answer before every shard
# it reads is in, and then answers in full. The page's own loader is the one site.js uses.
GATED = """async ([question, needs, whole]) => {
  const core = MentorgraphStoreCore, graph = MentorgraphGraph;
  const gates = [], order = [];
  const release = (n) => gates[n]();
  const fetchShard = (file, n) => new Promise((ok) => { gates[n] = ok; order.push(n); }).then(() =>
    new Promise((ok, fail) => {
      const s = document.createElement("script");
      s.src = new URL(file, document.querySelector("script[src*='site-worker']").src).href;
      s.onload = () => { const text = MentorgraphShards[n]; delete MentorgraphShards[n]; ok(text); };
      s.onerror = fail;
      document.head.append(s);
    }));
  const store = core.open(Oxigraph, graph, fetchShard);
  const answered = {};
  const ask = (name, text, n) => store.query(text, n).then((a) => {
    answered[name] = {json: a.json, loaded: store.figures().shardsLoaded};
  });
  const both = [ask("whole", whole, null), ask("question", question, needs)];
  const wanted = graph.shards.filter((s) => core.covers(s[0], needs)).length;
  const seen = [];
  for (let i = 0; i < graph.shards.length; i++) {
    while (order.length <= i) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));  // time enough to answer too early, if it would
    const pause = () => new Promise((r) => setTimeout(r, 5));
    for (let t = 0; i >= wanted && !("question" in answered) && t < 2000; t++) await pause();
    seen.push({loaded: store.figures().shardsLoaded, whole: "whole" in answered, question: "question" in answered});
    release(order[i]);
  }
  await Promise.all(both);
  return {answered, seen, wanted, shards: graph.shards.length, first: order.slice(0, wanted)};
}"""


def test_a_query_waits_for_the_shards_it_reads(site, visits, mg):
    """Shards released one by one: the question answers once its own shards are in (first in the queue),
    with the server's answer; a query of every statement answers only once all are in, counting all."""
    from mentorgraph.iris import sparql_prologue
    from mentorgraph.site.shards import covers, needs

    origin = site.as_uri() + "/"
    v = visits(origin)
    v.page.goto(origin + "sparql.html")
    wait_for(v.page, "mentorgraphSite.store")
    q = mg.catalogue["programs-by-sponsor"]
    (sponsor,) = [c.iri for c in mg.candidates(q.params[0].kind) if c.label == "Endocrine Society"]
    text = sparql_prologue() + q.body.replace("VALUES ?sponsor { UNDEF }", f"VALUES ?sponsor {{ <{sponsor}> }}")
    whole = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    out = v.page.evaluate(GATED, [text, needs(q.body), whole])
    shards = v.page.evaluate("MentorgraphGraph.shards")
    assert 0 < out["wanted"] < out["shards"], "the question reads part of the graph"
    assert all(covers(shards[n][0], needs(q.body)) for n in out["first"]), "its shards load first"
    for step in out["seen"]:
        assert step["whole"] is False, "a query of everything answered before every shard was in"
        assert step["question"] is (step["loaded"] >= out["wanted"]), step
    assert out["answered"]["question"]["loaded"] == out["wanted"]
    expected = api_rows(mg.query("programs-by-sponsor", sponsor="Endocrine Society"))
    assert expected and bindings(out["answered"]["question"]["json"]) == expected
    assert bindings(out["answered"]["whole"]["json"]) == [{"n": str(len(list(mg.engine.store)))}]
    v.assert_clean()
