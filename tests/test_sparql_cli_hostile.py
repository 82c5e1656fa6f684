"""The hostile corpus (tests/fixtures/hostile_sparql.yaml) replayed through the entry points people use:
`mentorgraph sparql` on both engines and the Python API's sparql(), against a 127.0.0.1 listener
that must receive nothing. Each case ends as the corpus expects (refused with its kind, or a syntax
error), with exit code 2 and the line and column of the offending token in the message; nothing
reaches an engine. The control shows the listener is reachable from the bounded worker that runs
the queries, so the "nothing received" assertions can fail.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from sparql_support import Listener, hostile_cases

from mentorgraph.cli import main
from mentorgraph.query.policy import QueryError, check_query

PLACEHOLDER = "http://127.0.0.1:9"
WHOLE_TEXT = ("characters long", "tokens; the limit")  # limits on the whole text have no one place
# What the message of each kind of refusal says (mentorgraph.sparql's wording); a syntax error
# says where only.
SAYS = {
    "refused:service": "SERVICE (federated query)",
    "refused:dataset": "is not allowed: queries may only name the dataset's own graphs",
    "refused:update": "SPARQL Update is not allowed",
    "refused:limit": "the limit is",
    "syntax": "",
}
CASES = [c for c in hostile_cases(PLACEHOLDER) if not c.control]


def expected_in_message(case, text: str) -> list[str]:
    """What the message must say: where (line and column), computed by the policy from the text."""
    try:
        check_query(text)
    except QueryError as exc:
        if any(w in str(exc) for w in WHOLE_TEXT):
            return [str(exc).split(";")[0]]
        return [f"line {exc.line}, column {exc.column}"]
    raise AssertionError(f"{case.name}: the policy approves it")


@pytest.fixture(scope="module")
def listener():
    with Listener() as server:
        yield server


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_cli_refuses_every_case_and_fetches_nothing(built, capsys, listener, engine):
    wrong = []
    for case in hostile_cases(listener.url):
        if case.control:
            continue
        code = main(["sparql", case.text, "--out", str(built), "--engine", engine])
        err = capsys.readouterr().err
        want = [*expected_in_message(case, case.text), SAYS[case.expect]]
        if code != 2 or not all(w in err for w in want) or "Traceback" in err:
            wrong.append(f"{case.name}: exit {code}, {err[:200]!r}")
    assert not wrong, "\n".join(wrong)
    assert listener.requests == []


def test_the_api_refuses_every_case_and_fetches_nothing(mg, mg_rdflib, listener):
    wrong = []
    for graph in (mg, mg_rdflib):
        for case in hostile_cases(listener.url):
            if case.control:
                continue
            try:
                graph.sparql(case.text)
            except QueryError as exc:
                got = "syntax" if exc.kind == "syntax" else f"refused:{exc.kind}"
                if got != case.expect:
                    wrong.append(f"{case.name}: {got}, expected {case.expect}")
            else:
                wrong.append(f"{case.name}: ran")
    assert not wrong, "\n".join(wrong)
    assert listener.requests == []


def test_the_control_reaches_the_listener_from_the_worker(built, listener):
    """An approved SERVICE (allowed on purpose) does call out from the bounded worker: the listener
    above would have seen any case that got through."""
    from mentorgraph.layout import current_generation
    from mentorgraph.query.worker import WorkerEngine

    (case,) = [c for c in hostile_cases(listener.url) if c.control]
    approved = check_query(case.text, allowed_services=case.allowed_services)
    engine = WorkerEngine("oxigraph", current_generation(built))
    try:
        rows = engine.run(approved).plain()
    finally:
        engine.close()
    assert listener.requests == ["POST /sparql"]
    assert rows == [{"s": "fetched"}]
    listener.requests.clear()


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_issue_12_bypasses_as_a_user_types_them(built, listener, engine):
    """The two texts issue 12 reported, through a real `mentorgraph` process (argv, exit code)."""
    texts = [
        f"SELECT ?s WHERE {{ #\rSERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}",
        f"SELECT ?s WHERE {{ \\u0053ERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}",
    ]
    for text in texts:
        proc = subprocess.run(
            [sys.executable, "-m", "mentorgraph.cli", "sparql", text, "--out", str(built), "--engine", engine],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 2, proc.stderr
        assert "SERVICE (federated query)" in proc.stderr and "line" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert listener.requests == []
