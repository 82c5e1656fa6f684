"""Where the Python API runs queries, and the errors its callers catch.

- A caller that is itself a bounded process (the server's query processes, server/worker.py, killed by
  their front end at the time limit) runs every query in its own process: the API must start no
  worker process of its own there (issue 12, item 2: one bound, not two nested ones).
- The web view and the CLI catch the API's errors by name (query.policy.RefusedQuery,
  query.engines.EngineError and QuerySyntaxError, query.api.ParameterError): a syntax error from the
  one policy must be a QuerySyntaxError too, with its line and column.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from mentorgraph.layout import current_generation

SEMINARS = "SELECT ?s WHERE { ?s a mgo:Seminar }"  # Table 1 names four seminar series


@pytest.fixture
def no_processes(monkeypatch):
    """Fail the test if anything forks or spawns a process."""

    def refuse(*args, **kwargs):
        pytest.fail("a process was started")

    monkeypatch.setattr(os, "fork", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)


def test_the_server_query_process_runs_sparql_in_itself(built, root, no_processes):
    from mentorgraph.server.worker import State

    state = State(current_generation(built).path, root)
    assert len(state.mg.sparql(SEMINARS).rows) == 4
    assert len(state.mg.query("types").rows) == 7  # the seven model types of Table 1
    assert state.mg.adhoc is state.engine


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_open_graph_isolate_none_starts_no_worker(built, root, engine, no_processes):
    from mentorgraph.query.api import open_graph

    with open_graph(built, engine=engine, root=root, isolate="none") as g:
        assert len(g.sparql(SEMINARS).rows) == 4
        assert g.adhoc is g.engine


def test_open_graph_runs_adhoc_sparql_in_a_worker_by_default(built, root):
    from mentorgraph.query.api import open_graph
    from mentorgraph.query.worker import WorkerEngine

    with open_graph(built, root=root) as g:
        assert isinstance(g.adhoc, WorkerEngine) and not isinstance(g.engine, WorkerEngine)
    with open_graph(built, root=root, isolate="all") as g:
        assert isinstance(g.engine, WorkerEngine) and g.adhoc is g.engine


def test_an_unknown_isolation_is_a_clear_error(built, root):
    from mentorgraph.query.api import open_graph

    with pytest.raises(ValueError, match="isolate must be one of 'sparql', 'all', 'none', not 'some'"):
        open_graph(built, root=root, isolate="some")


def test_a_syntax_error_is_caught_by_the_names_callers_use(built, root):
    from mentorgraph.query.api import open_graph
    from mentorgraph.query.engines import EngineError, QuerySyntaxError
    from mentorgraph.query.policy import QueryError, RefusedQuery

    with open_graph(built, root=root, isolate="none") as g:
        with pytest.raises(QuerySyntaxError) as caught:
            g.sparql("SELECT ?s WHERE {\n  ?s ?p }")
        exc = caught.value
        assert isinstance(exc, QueryError) and isinstance(exc, EngineError)
        assert (exc.line, exc.column) == (2, 9) and "line 2, column 9" in str(exc)
        with pytest.raises(RefusedQuery) as refused:
            g.sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }")
        assert refused.value.kind == "service" and not isinstance(refused.value, QuerySyntaxError)
