"""Bad contributed input is refused with a message people can act on, and nothing changes.

Each case imports one hostile or mistaken file into a copy of the project (with a built dist/) and
asserts the exit code, the words of the message (where, what, expected, suggestion) and that every
byte of data/ and dist/ is as before. Names used below are Table 1's own (data/source/table1-columns.md);
`test_names_come_from_the_table` checks that.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from mentorgraph.cli import main
from conftest import ROOT, copy_project

HEADER = (
    "name,mentoring type,sponsor organization,parent program,target populations,delivery mode,website,"
    "evidence/source,notes\n"
)
SOURCE = "https://example.org/source"
# Names as Table 1 prints them (checked against the source below).
TYPE = "Formal mentoring programs"
TRAINEE_TYPE = "Programs for trainees"
AMBIGUOUS = "American College of Rheumatology"  # both an umbrella (row 2) and a trainee program (row 3)
ELAM_SHORT = "Executive Leadership in Academic Medicine"


def test_names_come_from_the_table(table1):
    types = [row["type"] for row in table1]
    assert TYPE in types and TRAINEE_TYPE in types
    examples = [label for row in table1 for label, _ in row["examples"]]
    children = [c for row in table1 for _, kids in row["examples"] for c in kids]
    assert "Executive Leadership in Academic Medicine (ELAM)" in examples
    assert (examples + children).count(AMBIGUOUS) >= 2


@pytest.fixture(scope="module")
def proj(tmp_path_factory) -> Path:
    """A copy of the project with dist/ built, shared by the cases (none of which may change it)."""
    from mentorgraph.pipeline.build import build

    root = copy_project(tmp_path_factory.mktemp("proj"))
    build(root, root / "dist")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for d in ("data", "dist")
        for p in sorted((root / d).rglob("*"))
        if p.is_file()
    }


def run_import(root: Path, path: Path, capsys, *extra: str) -> tuple[int, str]:
    rc = main(["import", str(path), "--root", str(root), "--out", str(root / "dist"), *extra])
    out = capsys.readouterr()
    return rc, out.out + out.err


def csv_row(*cells: str) -> str:
    return ",".join(cells) + "\n"


def row(
    name="A new peer group", type_=TYPE, sponsor="", parent="", pops="", mode="", site="", source=SOURCE, notes=""
) -> str:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([name, type_, sponsor, parent, pops, mode, site, source, notes])
    return buf.getvalue()


def deep_bnodes(n: int) -> str:
    return (
        'mg:deep-chain a mgo:Program ; rdfs:label "Deep" ; mgo:modelType mg:formal-mentoring-programs ; '
        "dcterms:source <https://example.org/s> ; mgo:partOf " + "[ mgo:partOf " * n + "mg:elam" + " ]" * n + " .\n"
    )


BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "aaaaaaaaaa">\n'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
    + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
    '<rdf:Description rdf:about="https://w3id.org/mentorgraph/id/x"><rdfs:label>&j;</rdfs:label>'
    "</rdf:Description></rdf:RDF>\n"
)

YAML_BOMB = (
    'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\ninitiatives: [*c]\n"
)

# (file name, content, exit code, words the report must contain)
CASES = [
    # -- CSV: mistakes people make --------------------------------------------------------------
    (
        "type.csv",
        HEADER + row(type_="Formal mentoring program"),
        1,
        ["type.csv:2:2", "unknown mentoring type 'Formal mentoring program'", f"did you mean '{TYPE}'?"],
    ),
    (
        "population.csv",
        HEADER + row(pops="Women; Wimen"),
        1,
        ["population.csv:2:5", "column 'target populations'", "unknown population 'Wimen'", "did you mean 'Women'?"],
    ),
    (
        "ambiguous.csv",
        HEADER + row(parent=AMBIGUOUS),
        1,
        ["ambiguous.csv:2:4", "is ambiguous", "acr-programs", "acr-trainee-programs"],
    ),
    (
        "sponsor.csv",
        HEADER + row(sponsor="American Colege of Rheumatology"),
        1,
        ["unknown organization", f"did you mean '{AMBIGUOUS}'?"],
    ),
    (
        "nocolumn.csv",
        "name,sponsor organization,evidence/source\nX,ACR,https://example.org/\n",
        1,
        ["missing column 'mentoring type'"],
    ),
    (
        "badheader.csv",
        HEADER.replace("sponsor organization", "sponser organisation") + row(),
        1,
        ["badheader.csv:1:3", "unknown column 'sponser organisation'", "did you mean 'sponsor organization'?"],
    ),
    ("noevidence.csv", HEADER + row(source=""), 1, ["noevidence.csv:2", "no evidence", "evidence/source"]),
    ("website.csv", HEADER + row(site="https://example.org/a b"), 1, ["website.csv:2:7", "invalid website", "' '"]),
    ("sourceurl.csv", HEADER + row(source="https://exa mple.org/"), 1, ["invalid source URL"]),
    (
        "duplicate.csv",
        HEADER + row(name=ELAM_SHORT),
        1,
        ["duplicate.csv:2:1", "probably 'Executive Leadership in Academic Medicine (ELAM)' (id elam)"],
    ),
    (
        "twice.csv",
        HEADER + row(name="Same Group") + row(name="same  group"),
        1,
        ["twice.csv:3:1", "repeats 'Same Group' (", "twice.csv:2)"],
    ),
    (
        "twomodes.csv",
        HEADER + row(mode="Online; Hybrid"),
        1,
        ["twomodes.csv:2:6", "unknown delivery mode 'Online; Hybrid'"],
    ),
    ("empty.csv", "", 1, ["empty.csv:1", "no header row"]),
    ("cells.csv", HEADER + row().rstrip("\n") + ",x,y\n", 1, ["cells.csv:2", "cells but 9 columns"]),
    (
        "kind.csv",
        "name,mentoring type,kind,evidence/source\nX group," + TYPE + ",Programme," + SOURCE + "\n",
        1,
        ["kind.csv:2:3", "unknown kind 'Programme'", "did you mean 'Program'?"],
    ),
    (
        "id.csv",
        "name,mentoring type,evidence/source,id\nX group," + TYPE + "," + SOURCE + ",elam\n",
        1,
        ["id 'elam' is already used", "cannot change an existing entity"],
    ),
    (
        "badid.csv",
        "name,mentoring type,evidence/source,id\nX group," + TYPE + "," + SOURCE + ",Not A Slug\n",
        1,
        ["invalid id 'Not A Slug'", "did you mean 'not-a-slug'?"],
    ),
    ("unknown.xlsx", "PK\x03\x04", 1, ["unknown file type '.xlsx'"]),
    # -- hostile bytes ----------------------------------------------------------------------------
    ("nul.csv", HEADER + "A\x00B," + TYPE + ",,,,,,x,\n", 1, ["binary content: a NUL byte"]),
    ("junk.csv", b"\x89PNG\r\n\x1a\n\xff\xfe\xfd" * 50, 1, ["not UTF-8 text", "CSV UTF-8"]),
    ("utf16.csv", (HEADER + row()).encode("utf-16"), 1, ["NUL byte", "UTF-16"]),
    (
        "huge.csv",
        lambda: HEADER + row(notes="n" * (5 * 1024 * 1024)),
        1,
        ["file is too large", "at most 5,242,880 bytes"],
    ),
    (
        "field.csv",
        HEADER + row(notes="n" * 3000),
        1,
        ["field.csv:2:9", "3000 characters is too long", "at most 2000 characters"],
    ),
    ("control.csv", HEADER + row(name="Bell\x07group"), 1, ["control.csv:2:1", "control character U+0007"]),
    ("linebreak.csv", HEADER + row(name="Two\nlines"), 1, ["linebreak.csv:2:1", "line break"]),
    # -- YAML -----------------------------------------------------------------------------------
    ("syntax.yaml", "initiatives:\n- label: [unclosed\n  modelType: x\n", 1, ["syntax.yaml:3", "YAML syntax error"]),
    ("bomb.yaml", YAML_BOMB, 1, ["bomb.yaml:1:4", "anchors and aliases"]),
    (
        "key.yaml",
        f"initiatives:\n- lable: X group\n  modelType: {TYPE}\n  source: {SOURCE}\n",
        1,
        ["key.yaml:2", "unknown key 'lable'", "did you mean 'label'?"],
    ),
    (
        "surrogate.yaml",
        f'initiatives:\n- label: "X \\ud800 group"\n  modelType: {TYPE}\n  source: {SOURCE}\n',
        1,
        ["surrogate.yaml:2:15", "invalid Unicode character escape"],
    ),  # libyaml refuses it while parsing
    (
        "nul.yaml",
        f'initiatives:\n- label: "X \\0 group"\n  modelType: {TYPE}\n  source: {SOURCE}\n',
        1,
        ["nul.yaml:2", "NUL character"],
    ),
    (
        "evidence.yaml",
        f"initiatives:\n- label: X group\n  modelType: {TYPE}\n  evidence: entry-name\n  quote: X\n",
        1,
        ["evidence.yaml:4", "evidence kind 'entry-name' cannot be contributed"],
    ),
    (
        "types.yaml",
        "initiatives:\n- label: 123\n  altLabels: [1]\n  modelType: Grant based\n"
        "  targetPopulation: {a: b}\n  website: [https://example.org/a, https://example.org/b]\n"
        "  source: https://example.org/s\n",
        1,
        [
            "types.yaml:2",
            "'label' must be text, got a number",
            "types.yaml:3",
            "'altLabels' must be text",
            "types.yaml:5",
            "'targetPopulation' must be text, got a mapping",
            "types.yaml:6",
            "'website' takes one value",
        ],
    ),
    ("toplevel.yaml", "programs:\n- label: X\n", 1, ["expected a mapping with 'initiatives:'"]),
    # -- Turtle and other RDF -------------------------------------------------------------------------
    (
        "syntax.ttl",
        'mg:x a mgo:Program ;\n  rdfs:label "X" ;\n  mgo:modelType mg:formal-mentoring-programs ,, .\n',
        1,
        ["syntax.ttl:3:", "syntax error"],
    ),
    (
        "iri.ttl",
        "mg:x a mgo:Program ;\n  mgo:website <https://example.org/a b> .\n",
        1,
        ["iri.ttl:2:", "Invalid IRI code point ' '"],
    ),
    (
        "sameas.ttl",
        'mg:x a mgo:Program ; rdfs:label "X" ; mgo:modelType mg:grant-based ; '
        "dcterms:source <https://example.org/s> ; owl:sameAs mg:elam .\n",
        1,
        ["owl:sameAs", "not accepted"],
    ),
    (
        "imports.ttl",
        "<https://example.org/o> owl:imports <http://127.0.0.1:9/evil.ttl> .\n",
        1,
        ["owl:imports", "not accepted"],
    ),
    (
        "shacl.ttl",
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\nmg:s a sh:NodeShape ; sh:targetClass mgo:Program .\n",
        1,
        ["SHACL terms are not accepted"],
    ),
    (
        "redefine.ttl",
        'mgo:Program rdfs:label "Not a program" .\n',
        1,
        ["mgo:Program", "redefines an ontology or vocabulary term"],
    ),
    (
        "inject.ttl",
        "mg:elam mgo:targetPopulation mg:women ; dcterms:source <https://example.org/s> .\n",
        1,
        ["id 'elam' is already used", "cannot change an existing entity"],
    ),
    ("foreign.ttl", '<http://example.org/x> a mgo:Program ; rdfs:label "X" .\n', 1, ["is not a mentorgraph id"]),
    (
        "property.ttl",
        'mg:x a mgo:Program ; rdfs:label "X" ; mgo:modelType mg:grant-based ; mgo:offerdBy mg:aamc .\n',
        1,
        ["mgo:offerdBy", "property not accepted", "did you mean 'mgo:offeredBy'?"],
    ),
    ("chain.ttl", deep_bnodes(400), 1, ["a blank node as a value is not accepted"]),
    (
        "nul.ttl",
        'mg:x a mgo:Program ; rdfs:label "A\\u0000B" ; mgo:modelType mg:grant-based ; '
        "dcterms:source <https://example.org/s> .\n",
        1,
        ["NUL character"],
    ),
    ("surrogate.ttl", 'mg:x a mgo:Program ; rdfs:label "A\\uD800B" .\n', 1, ["surrogate.ttl:1:", "D800"]),
    ("bomb.rdf", BOMB, 1, ["bomb.rdf:2", "DOCTYPE or entity declarations is refused"]),
    # -- JSON-LD ----------------------------------------------------------------------------------
    (
        "file.jsonld",
        '{"@context": "file:///etc/passwd", "id": "mg:x", "label": "X"}',
        1,
        ["never fetched", "file:///etc/passwd"],
    ),
    (
        "import.jsonld",
        '{"@context": {"@import": "https://example.org/ctx.jsonld"}, "id": "mg:x"}',
        1,
        ["@import", "never fetched"],
    ),
    (
        "scoped.jsonld",
        '{"@context": {"p": {"@id": "mgo:partOf", "@context": "https://example.org/c"}}, "id": "mg:x"}',
        1,
        ["$.@context.p.@context", "never fetched"],
    ),
    (
        "space.jsonld",
        '{"id": "https://w3id.org/mentorgraph/id/a b", "label": "X"}',
        1,
        ["$.id: invalid IRI", "contains ' '"],
    ),
    ("term.jsonld", '{"id": "mg:x", "labl": "X"}', 1, ["unknown term 'labl'", "did you mean 'label'?"]),
    ("syntax.jsonld", '{"id": "mg:x",\n "label": "X",\n}', 1, ["syntax.jsonld:3:1", "JSON syntax error"]),
    ("surrogate.jsonld", '{"id": "mg:x", "label": "X \\ud800"}', 1, ["lone surrogate U+D800"]),
    (
        "deep.jsonld",
        '{"id": "mg:x", "partOf": ' + '{"partOf": ' * 100 + '"x"' + "}" * 100 + "}",
        1,
        ["nested more than 24 levels"],
    ),
]


@pytest.mark.parametrize(("name", "content", "code", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_nothing_changes(proj, tmp_path, capsys, name, content, code, words):
    before = snapshot(proj)
    path = tmp_path / name
    content = content() if callable(content) else content
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    rc, text = run_import(proj, path, capsys)
    assert rc == code, text
    assert "Traceback" not in text
    for w in words:
        assert w in text, f"{w!r} not in:\n{text}"
    assert "nothing was written" in text
    assert snapshot(proj) == before


def test_all_problems_of_a_file_are_reported_at_once(proj, tmp_path, capsys):
    path = tmp_path / "many.csv"
    path.write_text(
        HEADER
        + row(type_="Formal mentoring program")
        + row(name="B group", pops="Wimen")
        + row(name="C group", source="", site="https://example.org/a b"),
        encoding="utf-8",
    )
    rc, text = run_import(proj, path, capsys)
    assert rc == 1
    for where in ("many.csv:2:2", "many.csv:3:5", "many.csv:4:", "many.csv:4:7"):
        assert where in text
    assert "invalid: 4 problem(s)" in text


def test_json_report_has_file_line_column_and_suggestion(proj, tmp_path, capsys):
    path = tmp_path / "type.csv"
    path.write_text(HEADER + row(type_="Formal mentoring program"), encoding="utf-8")
    rc = main(["validate", str(path), "--root", str(proj), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert rc == 1 and report["valid"] is False
    [p] = report["problems"]
    assert (p["file"], p["line"], p["column"], p["value"], p["suggestion"]) == (
        str(path),
        2,
        2,
        "Formal mentoring program",
        TYPE,
    )


def test_remote_jsonld_context_is_never_fetched(proj, tmp_path, capsys):
    """A context on 127.0.0.1 is refused without a single connection reaching the listener."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.05)
    port = server.getsockname()[1]
    received: list[bytes] = []
    stop = threading.Event()

    def listen() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            received.append(conn.recv(4096) or b"(connected)")
            conn.close()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}/context.jsonld"
    docs = {
        "remote.jsonld": {"@context": url, "id": "mg:x", "label": "X"},
        "list.jsonld": {"@context": [{"mg": "https://w3id.org/mentorgraph/id/"}, url], "id": "mg:x"},
        "importctx.jsonld": {"@context": {"@import": url}, "id": "mg:x"},
    }
    try:
        before = snapshot(proj)
        for name, doc in docs.items():
            path = tmp_path / name
            path.write_text(json.dumps(doc), encoding="utf-8")
            rc, text = run_import(proj, path, capsys)
            assert rc == 1 and "never fetched" in text and url in text
        # The same document with its context handed to the parser directly: pyoxigraph has no loader either.
        import pyoxigraph as ox

        with pytest.raises(SyntaxError):
            list(ox.parse(json.dumps(docs["remote.jsonld"]), format=ox.RdfFormat.JSON_LD))
        assert snapshot(proj) == before
    finally:
        stop.set()
        thread.join()
        server.close()
    assert received == []


def test_unknown_files_are_a_usage_error(proj, tmp_path, capsys):
    rc = main(["validate", str(tmp_path / "missing.csv"), "--root", str(proj)])
    assert rc == 2 and "no such file" in capsys.readouterr().err


def test_a_large_contribution_reports_exactly_its_bad_rows_where_they_are(tmp_path):
    """2,000 rows, one without its mentoring type (a required field) and one a look-alike of a Table 1
    program (Cyrillic о): exactly those two problems, at their rows and columns. Fixed, the same rows
    are valid, every one of them planned once: large contributions are checked in parts (one per CPU),
    and a part must neither lose nor repeat anything (issue 12, item 6)."""
    from mentorgraph.contrib import validate_files

    names = [f"Peer writing circle {i}" for i in range(2000)]
    rows = [row(name=n, pops="Women", mode="Online") for n in names]
    good = list(rows)
    rows[700] = row(name=names[700], type_="")  # CSV line 702 (line 1 is the header)
    rows[1500] = row(name="W\u043emen in Endocrinology")  # line 1502; Table 1 has "Women in Endocrinology"
    path = tmp_path / "large.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    outcome, files = validate_files(ROOT, [path])
    assert not outcome.ok and not files
    found = [str(p) for p in outcome.problems]
    assert len(found) == 2, found
    assert found[0].startswith((f"{path}:702: ", f"{path}:702:1: ", f"{path}:702:2: ")), found[0]
    assert "missing mentoring type" in found[0] and names[700] in found[0]
    assert found[1].startswith(f"{path}:1502:1: "), found[1]  # column 1: the name
    assert "probably 'Women in Endocrinology'" in found[1] and "U+043E CYRILLIC SMALL LETTER O" in found[1]

    good[1500] = row(name="Wholly new writing circle")
    path.write_text(HEADER + "".join(good), encoding="utf-8")
    outcome, files = validate_files(ROOT, [path])
    assert outcome.ok, outcome.text()[:2000]
    assert outcome.report is not None and outcome.report.conforms and not outcome.report.violations
    assert sorted(e["line"] for e in outcome.entries()) == list(range(2, 2002))
    assert {e["action"] for e in outcome.entries()} == {"add"}
