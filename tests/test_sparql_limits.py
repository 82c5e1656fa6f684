"""Bounded queries (issue 12, item 2): the CLI and the Python API stop a query at its time, row and
memory limits, name the limit in the error, take the limits from flags, arguments or the environment,
and stop any query at once on Ctrl-C with "interrupted" (exit code 130).

The runaway query is a three-way cross product of the graph's ~5,000 quads (about 10^11
combinations: hours, whatever the machine); the memory-hungry one sorts a two-way cross product
(about 2.7 * 10^7 rows, which a sort must hold at once: several GiB). Neither assertion depends on how
fast this machine is: the runaway cannot finish before its limit, and the sort cannot fit in 1 GiB.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from mentorgraph.cli import main
from mentorgraph.query.api import open_graph
from mentorgraph.query.errors import LimitExceeded
from mentorgraph.query.limits import Limits

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f"
PROGRAMS = "SELECT ?p WHERE { ?p a mgo:Program }"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- time ----------------------------------------------------------------------------------------------
def test_a_runaway_query_is_stopped_at_the_time_limit(built, capsys):
    code, out, err = run(capsys, "sparql", RUNAWAY, "--out", str(built), "--timeout", "1")
    assert code == 3 and out == ""
    assert "time limit of 1 s" in err and "--timeout" in err and "MENTORGRAPH_TIMEOUT" in err
    assert "Traceback" not in err


def test_the_api_stops_a_runaway_query_and_answers_the_next_one(built, root):
    with open_graph(built, root=root, timeout=1) as g:
        with pytest.raises(LimitExceeded) as caught:
            g.sparql(RUNAWAY)
        assert caught.value.limit == "time" and "time limit of 1 s" in str(caught.value)
        # the killed worker is replaced: the graph still answers (Table 1 has seven types)
        assert len(g.sparql("SELECT ?t WHERE { ?t a mgo:MentoringModelType }").rows) == 7


def test_the_rdflib_engine_is_stopped_too(built, capsys):
    code, _, err = run(capsys, "sparql", RUNAWAY, "--out", str(built), "--engine", "rdflib", "--timeout", "2")
    assert code == 3 and "time limit of 2 s" in err


# -- memory --------------------------------------------------------------------------------------------
def test_a_memory_hungry_query_is_refused_by_rlimit_as(built, capsys):
    code, out, err = run(capsys, "sparql", HUNGRY, "--out", str(built), "--max-memory", "1024", "--timeout", "600")
    assert code == 3 and out == ""
    assert "more memory than the limit of 1,024 MiB" in err and "RLIMIT_AS" in err and "--max-memory" in err


# -- rows ----------------------------------------------------------------------------------------------
def test_more_rows_than_the_limit_is_an_error_naming_it(built, capsys):
    code, out, err = run(capsys, "sparql", PROGRAMS, "--out", str(built), "--max-rows", "5")
    assert code == 3 and out == ""
    assert "more than 5 rows" in err and "--max-rows" in err


def test_exactly_the_limit_is_answered(built, capsys):
    code, out, _ = run(capsys, "sparql", PROGRAMS + " LIMIT 5", "--out", str(built), "--max-rows", "5", "-f", "json")
    assert code == 0
    assert len(json.loads(out)["results"]["bindings"]) == 5


def test_construct_is_held_to_the_row_limit(built, capsys):
    code, _, err = run(capsys, "sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--out", str(built), "--max-rows", "10")
    assert code == 3 and "more than 10 rows or triples" in err


def test_a_canned_question_in_process_is_held_to_the_row_limit(built, root):
    """Canned questions run in the calling process (not the worker) but under the row limit."""
    with open_graph(built, root=root, max_rows=3) as g:
        with pytest.raises(LimitExceeded) as caught:
            list(g.query("types"))  # seven types in Table 1
        assert caught.value.limit == "rows"
    with open_graph(built, root=root, max_rows=7) as g:
        assert len(g.query("types").rows) == 7


def test_canned_questions_in_the_cli_run_in_the_worker_under_the_limits(built, capsys):
    code, _, err = run(capsys, "query", "types", "--out", str(built), "--max-rows", "3")
    assert code == 3 and "more than 3 rows" in err


# -- configuration -------------------------------------------------------------------------------------
def test_limits_come_from_the_environment_and_flags_win(built, capsys, monkeypatch):
    monkeypatch.setenv("MENTORGRAPH_MAX_ROWS", "5")
    code, _, err = run(capsys, "sparql", PROGRAMS, "--out", str(built))
    assert code == 3 and "more than 5 rows" in err
    code, _, _ = run(capsys, "sparql", PROGRAMS, "--out", str(built), "--max-rows", "1000")
    assert code == 0


def test_a_bad_limit_is_a_usage_error(built, capsys, monkeypatch):
    monkeypatch.setenv("MENTORGRAPH_TIMEOUT", "soon")
    code, _, err = run(capsys, "query", "types", "--out", str(built))
    assert code == 2 and "$MENTORGRAPH_TIMEOUT must be a number of seconds, got 'soon'" in err
    monkeypatch.delenv("MENTORGRAPH_TIMEOUT")
    code, _, err = run(capsys, "query", "types", "--out", str(built), "--max-rows", "0")
    assert code == 2 and "max_rows limit must be a positive number" in err


def test_limits_defaults_and_arguments():
    assert Limits.from_env({}) == Limits(timeout=10.0, max_rows=10_000, max_memory=2048)
    assert Limits.from_env({"MENTORGRAPH_MAX_MEMORY": "512"}, max_memory=None).max_memory == 512
    assert Limits.from_env({"MENTORGRAPH_MAX_MEMORY": "512"}, max_memory=256).max_memory == 256
    with pytest.raises(ValueError):
        Limits(timeout=-1)


# -- Ctrl-C --------------------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _interrupt(cmd: list[str]) -> tuple[int, str, list[int]]:
    """Start `cmd` in its own session, wait until its query worker runs, Ctrl-C the session as a
    terminal would (SIGINT to the whole process group), and return (exit code, stderr, workers)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while not _children(proc.pid):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "no query worker started"
        time.sleep(0.05)
    workers = _children(proc.pid)
    time.sleep(1.0)  # the worker opens the store and starts evaluating
    os.killpg(proc.pid, signal.SIGINT)
    # The query runs for hours and its time limit is 600 s: only the interrupt can end it now.
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err, workers


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] == "Z"  # a zombie is dead, only not yet reaped
    except OSError:
        return True


def test_ctrl_c_stops_a_cli_query_at_once(built):
    cmd = [sys.executable, "-m", "mentorgraph.cli", "sparql", RUNAWAY, "--out", str(built), "--timeout", "600"]
    code, err, workers = _interrupt(cmd)
    assert code == 130
    assert err.strip() == "mentorgraph: error: interrupted"
    assert all(_gone(w) for w in workers)


def test_ctrl_c_stops_an_api_query_at_once(built, root):
    script = (
        "import sys\n"
        "from mentorgraph.query.api import open_graph\n"
        f"g = open_graph({str(built)!r}, root={str(root)!r}, timeout=600)\n"
        "try:\n"
        f"    g.sparql({RUNAWAY!r})\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', file=sys.stderr)\n"
        "    sys.exit(130)\n"
    )
    code, err, workers = _interrupt([sys.executable, "-c", script])
    assert code == 130 and err.strip().endswith("interrupted")
    assert all(_gone(w) for w in workers)
