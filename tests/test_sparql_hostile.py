"""Every case of tests/fixtures/hostile_sparql.yaml (issue 12's bypasses of the old read-only check,
and variants) is refused by mentorgraph.sparql.check with the expected outcome; and no case reaches
a 127.0.0.1 listener through pyoxigraph or rdflib, because an engine only ever sees a text the
checker approved, which it approves for none. The control case, allowed on purpose, does reach the
listener: the listener test can fail."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from sparql_support import Listener, hostile_cases

from mentorgraph.iris import GRAPH, GRAPH_NAMES, PREFIXES
from mentorgraph.sparql import CheckedQuery, QueryError, check

OWN_GRAPHS = frozenset(GRAPH + g for g in GRAPH_NAMES)
PLACEHOLDER = "http://127.0.0.1:9"  # the outcome does not depend on the port


def outcome(case) -> tuple[str, CheckedQuery | QueryError]:
    try:
        result = check(case.text, prefixes=PREFIXES, allowed_graphs=OWN_GRAPHS, allowed_services=case.allowed_services)
    except QueryError as exc:
        return ("syntax" if exc.kind == "syntax" else f"refused:{exc.kind}"), exc
    return "approved", result


@pytest.mark.parametrize("case", hostile_cases(PLACEHOLDER), ids=lambda c: c.name)
def test_each_case_has_its_expected_outcome(case):
    got, detail = outcome(case)
    assert got == case.expect, f"{case.why}: {detail}"
    whole_text = ("characters long", "tokens; the limit")  # limits on the whole text have no one place
    if isinstance(detail, QueryError) and not any(w in str(detail) for w in whole_text):
        assert detail.line is not None and detail.column is not None, "a refusal says where"
        assert f"line {detail.line}, column {detail.column}" in str(detail)


def test_the_corpus_covers_every_outcome():
    kinds = {c.expect for c in hostile_cases(PLACEHOLDER)}
    assert kinds == {"refused:service", "refused:dataset", "refused:update", "refused:limit", "syntax", "approved"}
    assert [c.name for c in hostile_cases(PLACEHOLDER) if c.control] == ["control-allowed-service"]


def run_on_engines(text: str) -> None:
    """Run `text` on an empty pyoxigraph store and an empty rdflib dataset, as an engine would."""
    from rdflib import Dataset

    try:
        list(ox.Store().query(text))
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    try:
        list(Dataset(default_union=True).query(text))
    except Exception:
        pass


def test_no_case_reaches_the_listener():
    with Listener() as listener:
        approved = []
        for case in hostile_cases(listener.url):
            if case.control:
                continue
            got, result = outcome(case)
            if got == "approved":  # only an approved query is handed to an engine, as the canonical text
                approved.append(case.name)
                run_on_engines(result.text)
        assert approved == []
        assert listener.requests == []


def test_the_control_case_does_reach_the_listener():
    with Listener() as listener:
        (case,) = [c for c in hostile_cases(listener.url) if c.control]
        got, result = outcome(case)
        assert got == "approved"
        rows = list(ox.Store().query(result.text))
        assert listener.requests == ["POST /sparql"]
        assert [row["s"].value for row in rows] == ["fetched"]
