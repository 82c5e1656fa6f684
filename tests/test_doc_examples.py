"""Every `mentorgraph ...` example of README.md and docs/*.md runs as written and succeeds.

Each example line of a sh code block is split the way a shell splits it (shlex: quotes, `# comments`,
`\\` continuations, `&&` chains, `> file`), and run in a copy of the project with its graph built.
What the examples need is put there first, as a reader would have it: a ROR dump (the verified
records of tests/fixtures/linking), a filled-in CSV once the template has been written, a triple store
at the address the examples name (Oxigraph's server on 127.0.0.1:7878). `serve` examples are started
as processes and stopped with SIGTERM once they listen.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, copy_project
from mentorgraph.cli import main

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
STORE = ("127.0.0.1", 7878)
STORE_URL = f"http://{STORE[0]}:{STORE[1]}"


def shell_blocks(text: str) -> list[str]:
    """The bodies of the ```sh code blocks of a Markdown text."""
    out, lang, buf = [], None, []
    for line in text.splitlines():
        fence = re.match(r"^\s*```(\w*)\s*$", line)
        if fence and lang is None:
            lang, buf = fence.group(1), []
        elif fence:
            if lang in ("sh", "bash", "shell"):
                out.append("\n".join(buf))
            lang = None
        elif lang is not None:
            buf.append(line)
    return out


def examples() -> list[tuple[str, list[list[str]]]]:
    """(where, [argv, ...]) for each line holding a mentorgraph command; `&&` chains keep their order."""
    found = []
    for doc in DOCS:
        for block in shell_blocks(doc.read_text(encoding="utf-8")):
            for line in block.replace("\\\n", " ").splitlines():
                words = shlex.split(line, comments=True)
                chain, current = [], []
                for w in [*words, "&&"]:
                    if w == "&&":
                        chain.append(current)
                        current = []
                    else:
                        current.append(w)
                commands = [c for c in chain if c and c[0] == "mentorgraph"]
                if commands:
                    found.append((f"{doc.name}: {line.strip()[:70]}", commands))
    return found


EXAMPLES = examples()


@pytest.fixture(scope="module")
def place(built, tmp_path_factory) -> Path:
    """A copy of the project, its graph built, with the files the examples name."""
    root = copy_project(tmp_path_factory.mktemp("docs") / "project")
    shutil.copytree(built, root / "dist", symlinks=True)
    records = sorted((FIXTURES / "linking" / "ror").glob("*.json"))
    (root / "ror-dump.jsonl").write_text(
        "".join(json.dumps(json.loads(p.read_text(encoding="utf-8"))) + "\n" for p in records), encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def store(place):
    """Oxigraph's server at the address the examples name, with its default settings (docs/triple-stores.md:
    the requests name the dataset, so the store needs no union default graph)."""
    exe = shutil.which("oxigraph")
    assert exe, "the Oxigraph server is a test dependency (pip install oxigraph)"
    proc = subprocess.Popen(
        [
            exe,
            "serve",
            "--location",
            str(place / "oxigraph"),
            "--bind",
            f"{STORE[0]}:{STORE[1]}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(400):
        try:
            socket.create_connection(STORE, timeout=0.2).close()
            break
        except OSError:
            assert proc.poll() is None, proc.stderr.read().decode()[-500:]
            threading.Event().wait(0.05)
    assert main(["push", "--endpoint", f"{STORE_URL}/query", "--out", str(place / "dist"), "-q"]) == 0
    yield
    proc.terminate()
    proc.wait(timeout=20)


def run_serve(argv: list[str], cwd: Path) -> int:
    """Start a `serve` example, wait until it listens, stop it with SIGTERM; its exit code."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mentorgraph.cli", *argv[1:]],
        cwd=cwd,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    for line in proc.stderr:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("event") == "listening":
            break
    proc.send_signal(signal.SIGTERM)
    proc.stderr.read()
    return proc.wait(timeout=30)


def test_there_are_examples_to_run():
    assert len(EXAMPLES) >= 25


@pytest.mark.parametrize("where,commands", EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_example_runs_as_written(where, commands, place, request, monkeypatch, capsys):
    monkeypatch.chdir(place)
    for argv in commands:
        if "--endpoint" in argv:
            request.getfixturevalue("store")
        if argv[1] == "serve":
            assert run_serve(argv, place) == 0, where
            continue
        target = None
        if ">" in argv:
            argv, target = argv[: argv.index(">")], argv[argv.index(">") + 1]
        code = main(argv[1:])
        out = capsys.readouterr()
        assert code == 0, f"{where}: exit {code}\n{out.err[-2000:]}"
        if target:
            (place / target).write_text(out.out, encoding="utf-8")
            if argv[1] == "template":
                # What the reader does next: fill in one program per row (the project's own sample).
                sample = (ROOT / "data" / "samples" / "programs-sample.csv").read_text(encoding="utf-8")
                (place / target).write_text(sample, encoding="utf-8")
