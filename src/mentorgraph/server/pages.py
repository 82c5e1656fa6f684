"""HTML pages of the web view. Every piece of data goes through `esc` (labels are data: a label holding
`<script>` must render as text); links to the project's own IRIs point at this server.

The layout lives in templates/base.html (string.Template, placeholders filled with escaped text or
with HTML built here from escaped parts); the stylesheet is static/style.css, served by this server.
"""

from __future__ import annotations

import html
import urllib.parse
from pathlib import Path
from string import Template

from .. import iris
from ..query.formats import curie

TEMPLATES = Path(__file__).parent / "templates"
GRAPH_LABELS = {
    "article": "article (Table 1)",
    "curation": "curation",
    "evidence": "evidence",
    "inferred": "inferred (OWL RL)",
    "ontology": "ontology",
}
MAPPING_PREDICATES = {
    "http://www.w3.org/2004/02/skos/core#" + m
    for m in ("exactMatch", "closeMatch", "relatedMatch", "broadMatch", "narrowMatch")
} | {"http://www.w3.org/2002/07/owl#sameAs", "https://schema.org/sameAs"}
RDF_LINKS = (("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples"), ("rdfxml", "RDF/XML"))
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def esc(text: object) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape(str(text), quote=True)


def local_path(iri: str) -> str | None:
    """The path on this server that an IRI minted by the project resolves to, or None."""
    if iri.startswith(iris.MGO):
        return "/ontology#" + iri[len(iris.MGO) :]
    if iri.startswith(iris.BASE):
        return "/" + iri[len(iris.BASE) :]
    return None


def link(iri: str, text: str | None = None) -> str:
    """A link to `iri` (on this server for the project's own IRIs), showing `text` or its CURIE."""
    shown = esc(text if text is not None else curie(iri))
    path = local_path(iri)
    if path is not None:
        return f'<a href="{esc(path)}">{shown}</a>'
    if iri.startswith(("http://", "https://")):
        return f'<a href="{esc(iri)}" rel="nofollow noopener noreferrer">{shown}</a>'
    return shown


def term_html(t, label: str | None = None) -> str:
    """A result cell: IRIs as links (labelled when a label is known), literals as escaped text."""
    if t is None:
        return ""
    if t.kind == "uri":
        return link(t.value, label)
    if t.kind == "bnode":
        return esc("_:" + t.value)
    extra = f' <span class="lang">@{esc(t.lang)}</span>' if t.lang else ""
    return esc(t.value) + extra


def page(title: str, body: str, status_note: str = "", heading: bool = True) -> bytes:
    """The full page: `title` is plain text (escaped here), `body` is HTML built from escaped parts.
    `heading=False` when the body brings its own <h1>."""
    layout = Template((TEMPLATES / "base.html").read_text(encoding="utf-8"))
    h1 = f"<h1>{esc(title)}</h1>" if heading else ""
    return layout.substitute(title=esc(title), heading=h1, body=body, note=status_note).encode("utf-8")


def result_table(res, truncated: bool = False) -> str:
    """A SELECT or ASK result as an HTML table; an IRI column followed by its label column shows as links."""
    if res.kind == "ask":
        return f'<p class="boolean">{"yes (true)" if res.boolean else "no (false)"}</p>'
    labels = {
        v: (
            f"{v}Label"
            if f"{v}Label" in res.variables
            else "label"
            if v == "item" and "label" in res.variables
            else None
        )
        for v in res.variables
    }
    head = "".join(f"<th>{esc(v)}</th>" for v in res.variables)
    body = []
    for row in res.rows:
        cells = []
        for v in res.variables:
            lab = row.get(labels[v]) if labels[v] else None
            cells.append(f"<td>{term_html(row.get(v), lab.value if lab is not None else None)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = (
        f'<p class="note">Only the first {len(res.rows)} rows are shown: the result was longer than this '
        "server's row limit.</p>"
        if truncated
        else ""
    )
    count = f'<p class="count">{len(res.rows)} row{"s" if len(res.rows) != 1 else ""}</p>'
    return (
        f'{count}{note}<div class="scroll"><table class="results"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


# -- home ----------------------------------------------------------------------------------------------
def home(data: dict, counts: dict) -> bytes:
    """The home page: Table 1 from the op_home data, with links to every type and bullet."""
    table, types, links = data["table"], data["types"], data["links"]

    def bullets(type_label: str, entries: list[dict]) -> str:
        if not entries:
            return ""
        items = []
        for e in entries:
            iri = links.get((type_label, e["label"]))
            text = link(iri, e["label"]) if iri else esc(e["label"])
            items.append(f"<li>{text}{bullets(type_label, e['children'])}</li>")
        return "<ul>" + "".join(items) + "</ul>"

    def plain(type_label: str, labels: list[str]) -> str:
        return (
            "<ul>"
            + "".join(
                f"<li>{link(links[(type_label, s)], s) if (type_label, s) in links else esc(s)}</li>" for s in labels
            )
            + "</ul>"
        )

    rows = []
    for i, row in enumerate(table["rows"], 1):
        t = row["type"]
        name = link(types[t], t) if t in types else esc(t)
        rows.append(
            f'<tr><th scope="row"><span class="num">{i}.</span> {name}</th>'
            f'<td data-col="Examples">{bullets(t, row["examples"])}</td>'
            f'<td data-col="Strengths">{plain(t, row["strengths"])}</td>'
            f'<td data-col="Weaknesses">{plain(t, row["weaknesses"])}</td></tr>'
        )
    total = counts.get("triples")
    body = f"""
<p class="lead">An open knowledge graph of peer-mentoring models in academic medicine, from
{esc(table["_label"])} of <cite>{esc(table["_citation"])}</cite>
({link(table["_source"])}).
{f"{esc(total)} triples; " if total else ""}every name below links to its page, with its sources.</p>
<h2>{esc(table["_label"])}. {esc(table["title"])}</h2>
<div class="scroll"><table class="table1">
<thead><tr>{"".join(f"<th>{esc(h)}</th>" for h in table["_columns"])}</tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>
<p class="footnote">{esc(table["footnote"])}</p>
<p>Regenerated from the graph by SPARQL (the <code>table1-bullets</code> and <code>table1-caption</code>
questions), never from the data files.</p>"""
    return page("mentorgraph: peer-mentoring models in academic medicine", body)


# -- entity pages --------------------------------------------------------------------------------------
def _graph_name(t) -> str:
    return t.value.removeprefix(iris.GRAPH)


def entity(data: dict) -> bytes:
    """An entity's page: its statements by provenance, evidence, external identifiers and incoming links."""
    iri = data["iri"]
    labels = sorted({r["o"].value for r in data["out"] if r["p"].value == RDFS_LABEL and r["o"].kind == "literal"})
    title = labels[0] if labels else curie(iri)
    types = sorted(
        {
            (r["olabel"].value if r.get("olabel") else curie(r["o"].value), r["o"].value)
            for r in data["out"]
            if r["p"].value == RDF_TYPE and r["o"].kind == "uri"
        }
    )
    # (predicate, object) -> {graphs}, with labels; the evidence graph's own triples are shown apart.
    values: dict[tuple, dict] = {}
    for r in data["out"]:
        key = (r["p"], r["o"])
        v = values.setdefault(key, {"graphs": set(), "plabel": None, "olabel": None})
        v["graphs"].add(_graph_name(r["g"]))
        if r.get("plabel") and (v["plabel"] is None or r["plabel"].value < v["plabel"]):
            v["plabel"] = r["plabel"].value
        if r.get("olabel") and (v["olabel"] is None or r["olabel"].value < v["olabel"]):
            v["olabel"] = r["olabel"].value
    evidence: dict[tuple, list[dict]] = {}
    for r in data["evidence"]:
        evidence.setdefault((r["p"].value, r["o"].value), []).append(r)

    def evidence_html(p, o) -> str:
        items = []
        for e in evidence.get((p.value, o.value), []):
            parts = []
            if e.get("kind"):
                kind_label = e["kindLabel"].value if e.get("kindLabel") else None
                parts.append(f'<span class="kind">{term_html(e["kind"], kind_label)}</span>')
            if e.get("quote"):
                parts.append(f"<q>{esc(e['quote'].value)}</q>")
            if e.get("source"):
                parts.append(f"source: {term_html(e['source'])}")
            if e.get("note"):
                parts.append(f'<span class="curation-note">{esc(e["note"].value)}</span>')
            parts.append(f'<a class="statement" href="{esc(local_path(e["st"].value) or "")}">statement</a>')
            items.append("<li>" + " · ".join(parts) + "</li>")
        return f'<ul class="evidence">{"".join(items)}</ul>' if items else ""

    rows, mappings = [], []
    # What the article says first, then curation, then what the reasoner inferred; by property within each.
    rank = {"article": 0, "curation": 1, "inferred": 2}

    def order(kv) -> tuple:
        (p, o), v = kv
        return (min(rank.get(g, 3) for g in v["graphs"]), v["plabel"] or curie(p.value), v["olabel"] or o.value)

    for (p, o), v in sorted(values.items(), key=order):
        graphs = "".join(
            f'<span class="graph g-{esc(g)}">{esc(GRAPH_LABELS.get(g, g))}</span>' for g in sorted(v["graphs"])
        )
        pred = link(p.value, v["plabel"] or curie(p.value))
        row = (
            f"<tr><th>{pred}</th><td>{term_html(o, v['olabel'])}{evidence_html(p, o)}</td>"
            f'<td class="graphs">{graphs}</td></tr>'
        )
        (mappings if p.value in MAPPING_PREDICATES else rows).append(row)
    incoming: dict[tuple, set] = {}
    inlabels: dict[str, str] = {}
    for r in data["in"]:
        incoming.setdefault((r["s"], r["p"]), set()).add(_graph_name(r["g"]))
        if r.get("slabel"):
            inlabels[r["s"].value] = min(r["slabel"].value, inlabels.get(r["s"].value, r["slabel"].value))
        if r.get("plabel"):
            inlabels[r["p"].value] = min(r["plabel"].value, inlabels.get(r["p"].value, r["plabel"].value))

    def badges(graphs) -> str:
        return "".join(f'<span class="graph g-{esc(g)}">{esc(GRAPH_LABELS.get(g, g))}</span>' for g in sorted(graphs))

    inrows = [
        f"<tr><td>{term_html(s, inlabels.get(s.value))}</td><th>{link(p.value, inlabels.get(p.value))}</th>"
        f'<td class="graphs">{badges(gs)}</td></tr>'
        for (s, p), gs in sorted(
            incoming.items(), key=lambda kv: (inlabels.get(kv[0][0].value, kv[0][0].value), kv[0][1].value)
        )
    ]
    type_list = ", ".join(link(t_iri, t_label) for t_label, t_iri in types)
    path = local_path(iri) or ""
    formats = " · ".join(f'<a href="{esc(path)}?format={f}">{n}</a>' for f, n in RDF_LINKS)
    incoming_html = (
        f'<div class="scroll"><table class="props">{"".join(inrows)}</table></div>'
        if inrows
        else "<p>Nothing links here.</p>"
    )
    mapping_html = f'<h2>External identifiers</h2><table class="props">{"".join(mappings)}</table>' if mappings else ""
    body = f"""
<p class="iri"><code>{esc(iri)}</code></p>
<p class="types">{type_list}</p>
<p class="formats">This resource as {formats}</p>
<p class="legend">Where each statement comes from: <span class="graph g-article">article</span> the table
itself; <span class="graph g-curation">curation</span> added by curators, with its evidence;
<span class="graph g-inferred">inferred</span> derived by the OWL RL reasoner.</p>
<h2>Statements</h2>
<div class="scroll"><table class="props">{"".join(rows)}</table></div>
{mapping_html}
<h2>Linked from</h2>
{incoming_html}
"""
    return page(title, body)


def browse(rows: list[dict]) -> bytes:
    """The browse page: every labelled instance of the main classes, by class."""
    groups: dict[str, list] = {}
    names: dict[str, str] = {}
    for r in rows:
        groups.setdefault(r["cls"].value, []).append(r)
        names[r["cls"].value] = r["clsLabel"].value if r.get("clsLabel") else curie(r["cls"].value)
    parts = []
    for cls, items in groups.items():
        lis = "".join(f"<li>{link(r['item'].value, r['label'].value)}</li>" for r in items)
        parts.append(f"<h2>{link(cls, names[cls])} ({len(items)})</h2><ul class='columns'>{lis}</ul>")
    return page("Browse the graph", "".join(parts))


def graph(name: str, data: dict) -> bytes:
    """A named graph's page: its size, downloads and first triples."""
    rows = "".join(
        f"<tr><td>{term_html(r['s'])}</td><td>{term_html(r['p'])}</td><td>{term_html(r['o'])}</td></tr>"
        for r in data["rows"]
    )
    formats = " · ".join(f'<a href="/graph/{esc(name)}?format={f}">{n}</a>' for f, n in RDF_LINKS)
    shown = f"the first {len(data['rows'])}" if len(data["rows"]) < data["count"] else "all"
    body = (
        f'<p class="iri"><code>{esc(iris.GRAPH + name)}</code></p><p>{esc(data["count"])} triples; '
        f"download as {formats}. Showing {shown}:</p>"
        f'<div class="scroll"><table class="results"><tbody>{rows}</tbody></table></div>'
    )
    return page(f"Named graph: {GRAPH_LABELS.get(name, name)}", body)


def find(body: str) -> bytes:
    """The "Find a model" page: `body` is mentorgraph.advise.html.find_page's HTML (escaped there), which
    brings its own <h1>."""
    return page("Find a model", f'<div class="find-page">{body}</div>', heading=False)


# -- questions and SPARQL ------------------------------------------------------------------------------
def _form(q, values: dict[str, str], candidates: dict[str, list[tuple[str, str]]]) -> str:
    fields = []
    for p in q.params:
        list_id = f"list-{q.name}-{p.name}"
        options = "".join(f'<option value="{esc(label)}"></option>' for _, label in candidates.get(p.kind, []))
        datalist = f'<datalist id="{esc(list_id)}">{options}</datalist>' if options else ""
        value = values.get(p.name, p.example)
        fields.append(
            f'<label>{esc(p.name)} <small>{esc(p.meaning)}</small><input name="{esc(p.name)}" '
            f'value="{esc(value)}" list="{esc(list_id)}" required></label>{datalist}'
        )
    return (
        f'<form class="question" method="get" action="/questions/{esc(q.name)}">{"".join(fields)}'
        f'<button type="submit">Run</button></form>'
    )


def questions(catalogue: dict, candidates: dict[str, list[tuple[str, str]]]) -> bytes:
    """The questions page: every canned question with its form."""
    items = []
    for q in catalogue.values():
        items.append(
            f'<section class="q" id="{esc(q.name)}"><h2>{esc(q.question)}</h2>'
            f"<p><code>{esc(q.name)}</code></p>{_form(q, {}, candidates)}</section>"
        )
    body = (
        "<p>Every canned question of the catalogue (<code>queries/*.rq</code>); the answers are the same as "
        "<code>mentorgraph query NAME</code> gives.</p>" + "".join(items)
    )
    return page("Questions", body)


def question_result(
    q, values: dict[str, str], res, truncated: bool, candidates: dict[str, list[tuple[str, str]]]
) -> bytes:
    """A canned question's answer page: the form again, the result table, downloads, the query."""
    qs = urllib.parse.urlencode(values)
    downloads = " · ".join(
        f'<a href="/questions/{esc(q.name)}?{esc(qs + ("&" if qs else "") + "format=" + f)}">{n}</a>'
        for f, n in (("csv", "CSV"), ("json", "JSON"), ("tsv", "TSV"), ("xml", "XML"))
    )
    columns = "".join(f"<li><code>{esc(c.name)}</code>: {esc(c.meaning)}</li>" for c in q.columns)
    body = (
        f"<p><code>{esc(q.name)}</code> · download {downloads}</p>{_form(q, values, candidates)}"
        f"{result_table(res, truncated)}"
        f"<details><summary>Columns and query</summary><ul>{columns}</ul><pre>{esc(q.body)}</pre></details>"
    )
    return page(q.question, body)


def editor(query: str = "", result_html: str = "", error: str = "") -> bytes:
    """The SPARQL editor page, with a result table or an error under the form."""
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in iris.PREFIXES.items())
    example = "SELECT ?type ?label WHERE {\n  ?type a mgo:MentoringModelType ; rdfs:label ?label .\n}\n"
    text = query or prefixes + "\n" + example
    options = "".join(
        f'<option value="{v}">{n}</option>'
        for v, n in (
            ("html", "HTML table"),
            ("json", "SPARQL JSON"),
            ("xml", "SPARQL XML"),
            ("csv", "CSV"),
            ("tsv", "TSV"),
            ("turtle", "Turtle (CONSTRUCT)"),
            ("jsonld", "JSON-LD (CONSTRUCT)"),
        )
    )
    err = f'<p class="error">{esc(error)}</p>' if error else ""
    body = f"""<form method="get" action="/sparql" class="editor">
<textarea name="query" rows="14" spellcheck="false">{esc(text)}</textarea>
<label>Results as <select name="format">{options}</select></label> <button type="submit">Run query</button>
</form>
<p class="help">Read-only SPARQL 1.1: SELECT, ASK, CONSTRUCT, DESCRIBE. The project's prefixes (those above) are
predeclared, so a query may use them without PREFIX lines; the service description lists the named graphs.
Updates, SERVICE and FROM a foreign graph are refused; see the <a href="/about">limits</a>.</p>
{err}{result_html}"""
    return page("SPARQL query", body)


def error_page(status: int, message: str) -> bytes:
    """The page for an HTTP error, the message escaped."""
    return page(f"{status}: {message.split(':')[0][:80]}", f'<p class="error">{esc(message)}</p>')


def about(limits: dict[str, str]) -> bytes:
    """The limits of this service, as configured."""
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in limits.items())
    body = (
        f"<p>This server is read-only and never makes a request elsewhere on a user's behalf.</p>"
        f'<table class="props">{rows}</table>'
        '<p>Machine-readable: <a href="/sparql?format=turtle">service description</a> · '
        '<a href="/.well-known/void">VoID / DCAT</a> · <a href="/health">health</a></p>'
    )
    return page("Limits of this service", body)
