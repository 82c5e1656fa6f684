"""A running `mentorgraph serve` follows the builds: each answer comes from exactly one generation (and
says which), the server moves to a new generation within 2 s of its build finishing, and a missing,
incomplete or unreadable generation never replaces the one being served.

The concurrency test rebuilds a copy of the project 10 times, with a different label for one
organization each time, while client threads query that label without pause (some with the same
text every time, answered from the per-generation cache, some with a new text each time); the
label each generation holds is known from the data file written before its build.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from mentorgraph import layout
from w3c.serverproc import ServerProcess, request

ORG = "aamc"
LABEL = "Association of American Medical Colleges"
QUERY = f"SELECT ?l WHERE {{ <https://w3id.org/mentorgraph/id/{ORG}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
REBUILDS = 10
SWITCH = 2.0  # seconds from the end of a build to the server answering from it
PAUSE = 0.01  # seconds each client thread waits between its requests


def relabel(project: Path, label: str) -> None:
    """Give the organization ORG the label `label` in data/organizations.yaml (one line changes)."""
    path = project / "data" / "organizations.yaml"
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"(- id: {ORG}\n(?:  .*\n)*?  label: ).*\n", rf"\g<1>{label}\n", text, count=1)
    assert n == 1
    path.write_text(new, encoding="utf-8")


def build(project: Path, out: Path) -> str:
    """Build `project` into `out` in a separate process; the id of the generation it made current."""
    subprocess.run(
        [sys.executable, "-m", "mentorgraph.cli", "build", "--root", str(project), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=project,
    )
    return layout.current_id(out)


def client(url: str, vary: bool, stop: threading.Event, answers: list) -> None:
    split = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(split.hostname, split.port, timeout=60)
    n = 0
    while not stop.is_set():
        n += 1
        text = QUERY + (f" # {threading.get_ident()} {n}" if vary else "")
        started = time.monotonic()
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": text}), headers={"Accept": "text/csv"})
        resp = conn.getresponse()
        body = resp.read().decode("utf-8")
        answers.append((started, resp.status, resp.getheader("X-Mentorgraph-Generation"), body))
        time.sleep(PAUSE)  # load, but leave the machine's two cores to the builds too


def test_ten_rebuilds_under_load(project, tmp_path):
    out = project / "dist"
    labels = {}
    relabel(project, f"{LABEL} (build 0)")
    labels[build(project, out)] = f"{LABEL} (build 0)"
    proc = ServerProcess(out, project, tmp_path, "--workers", "2", "--query-processes", "1", "--cache-size", "64")
    stop = threading.Event()
    answers: list = []
    threads = [threading.Thread(target=client, args=(proc.url, vary, stop, answers)) for vary in (0, 0, 1, 1)]
    built_at: list[tuple[float, str]] = []
    try:
        for t in threads:
            t.start()
        for i in range(1, REBUILDS + 1):
            label = f"{LABEL} (build {i})"
            relabel(project, label)
            gen = build(project, out)
            built_at.append((time.monotonic(), gen))
            assert gen not in labels
            labels[gen] = label
            time.sleep(SWITCH + 0.5)  # so each generation is served for a while before the next build
    finally:
        stop.set()
        for t in threads:
            t.join(60)
        assert proc.stop() == 0
    assert len(answers) > 100
    for _, status, gen, body in answers:
        assert status == 200, body
        # Exactly one generation: the label in the answer is the one the generation it names holds.
        assert body.splitlines()[1:] == [labels[gen]], (gen, body)
    order = {gen: i for i, gen in enumerate(labels)}  # generations in the order they were built
    for i, (t_built, gen) in enumerate(built_at, 1):
        # SWITCH seconds after a build, no answer comes from an older generation (a newer one may
        # already be current: a build switches `current` before its process exits).
        late = [a for a in answers if a[0] >= t_built + SWITCH]
        assert late and all(order[a[2]] >= i for a in late), f"not on generation {gen} {SWITCH} s after its build"
    assert {a[2] for a in answers} == set(labels)  # every generation was served


def generation_copy(built: Path, out: Path) -> str:
    """A build directory `out` holding one generation copied from `built`; its id."""
    gen = layout.current_generation(built)
    shutil.copytree(gen.path, out / layout.BUILDS / gen.id, symlinks=True)
    os.symlink(f"{layout.BUILDS}/{gen.id}", out / layout.CURRENT)
    return gen.id


def point_current(out: Path, gen_id: str | None) -> None:
    """Replace dist/current atomically (None: remove it)."""
    from mentorgraph.atomic import atomic_symlink

    if gen_id is None:
        (out / layout.CURRENT).unlink()
    else:
        atomic_symlink(f"{layout.BUILDS}/{gen_id}", out / layout.CURRENT)


def health_until(url: str, check, tries: int = 300) -> dict:
    """/health, asked again until `check(health)` holds (each try 0.1 s apart)."""
    for _ in range(tries):
        health = json.loads(request(f"{url}/health")[2])
        if check(health):
            return health
        time.sleep(0.1)
    raise AssertionError(f"/health never reached the expected state: {health}")


def answers_from(url: str, gen: str) -> bool:
    status, headers, body = request(f"{url}/sparql?" + urllib.parse.urlencode({"query": QUERY}))
    return status == 200 and headers["x-mentorgraph-generation"] == gen and LABEL.encode() in body


def test_bad_generations_never_replace_the_good_one(built, root, tmp_path):
    out = tmp_path / "dist"
    good = generation_copy(built, out)
    proc = ServerProcess(out, root, tmp_path, "--workers", "1", "--query-processes", "2")
    try:
        # Incomplete: a manifest but no store.
        broken = out / layout.BUILDS / "broken"
        broken.mkdir()
        shutil.copyfile(out / layout.BUILDS / good / layout.MANIFEST, broken / layout.MANIFEST)
        point_current(out, "broken")
        health = health_until(proc.url, lambda h: h["problem"] and "broken" in h["problem"])
        assert health["generation"] == good and health["status"] == "degraded"
        assert "no store" in health["problem"] and good in health["problem"]
        assert answers_from(proc.url, good)
        # Unreadable: a store directory of garbage.
        corrupt = out / layout.BUILDS / "corrupt"
        shutil.copytree(broken, corrupt)
        (corrupt / layout.STORE).mkdir()
        (corrupt / layout.STORE / "CURRENT").write_bytes(b"\x00garbage\n")
        point_current(out, "corrupt")
        health = health_until(proc.url, lambda h: h["problem"] and "corrupt" in h["problem"])
        assert health["generation"] == good and health["query_processes"] == 2
        assert answers_from(proc.url, good)
        # Missing: no current generation at all.
        point_current(out, None)
        health = health_until(proc.url, lambda h: h["problem"] and "missing" in h["problem"])
        assert health["generation"] == good and answers_from(proc.url, good)
        # Back to the good one: the problem is gone.
        point_current(out, good)
        health = health_until(proc.url, lambda h: h["problem"] is None)
        assert health["status"] == "ok" and health["generation"] == good
    finally:
        assert proc.stop() == 0
