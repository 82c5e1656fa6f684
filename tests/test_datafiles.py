"""data/'s one reader and writer (datafiles.py): located YAML with bounded cost, the canonical form,
and a multi-file write that is all or nothing under a lock and a journal (issue 12, item 4)."""

from __future__ import annotations

import os
import threading

import pytest

from mentorgraph import datafiles
from mentorgraph.problems import InputError


def problem_of(text: str):
    with pytest.raises(InputError) as info:
        datafiles.parse(text, "x.yaml")
    (p,) = info.value.problems
    return p


# -- reading -------------------------------------------------------------------------------------------
def test_mappings_remember_their_line_and_column():
    doc = datafiles.parse("a: 1\nlist:\n  - id: x\n    label: y\n", "x.yaml")
    rec = doc["list"][0]
    assert (rec.line, rec.column) == (3, 5)
    assert rec.key_lines == {"id": 3, "label": 4}


def test_a_duplicate_key_is_refused_with_both_places():
    """YAML 1.2 3.2.1.1: keys are unique; PyYAML alone would keep the last value silently."""
    p = problem_of("programs:\n- id: a\n  label: First\n  label: Second\n")
    assert (p.line, p.column) == (4, 3)
    assert "duplicate key 'label', first at line 3" in p.message


def test_deep_nesting_is_refused_before_anything_is_built():
    p = problem_of("x: " + "[" * (datafiles.MAX_DEPTH + 1) + "]" * (datafiles.MAX_DEPTH + 1) + "\n")
    assert f"nested more than {datafiles.MAX_DEPTH} levels" in p.message and p.line == 1


def test_a_quarter_million_levels_cost_no_more_than_their_reading():
    # 250,000 levels (issue 12's case) are refused while scanning (libyaml's own limit, or ours), never
    # composed into nodes.
    p = problem_of("[" * 250_000)
    assert "nest" in p.message and p.line == 1


def test_anchors_and_aliases_are_refused():
    p = problem_of("a: &x [1, 2]\nb: *x\n")
    assert "anchors and aliases" in p.message and (p.line, p.column) == (1, 4)


def test_a_syntax_error_names_line_and_column():
    p = problem_of("a: [1, 2\nb: 3\n")
    assert p.message.startswith("YAML syntax error") and p.line is not None


def test_the_canonical_dump_round_trips_every_data_file(root):
    for name in datafiles.DATA_FILES:
        path = datafiles.path(root, name)
        if path.exists():
            assert datafiles.dump(datafiles.read(root, name)) == path.read_bytes(), name

    assert datafiles.dump(datafiles.read(root, name), libyaml=False) == path.read_bytes(), name


# Texts a contributor may send, among them those libyaml's emitter writes differently from PyYAML's
# (an emoji, NEL, the line separator, a byte-order mark), YAML's indicators and look-alike keywords.
_PIECES = [
    "a",
    " ",
    "  ",
    "\t",
    "\n",
    "'",
    '"',
    ": ",
    " #",
    "- ",
    "é",
    "ß",
    "\u00a0",
    "\u200b",
    "\u202e",
    "\u3000",
    "\u0085",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\U0001f600",
    "\x7f",
    "{",
    "[",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "~",
    "yes",
    "null",
    "0",
    "1.5",
    ",",
    "?",
    "\ue000",
    "\ufffd",
]


def test_the_dump_is_the_same_bytes_with_libyaml_as_with_pyyaml_alone():
    """libyaml (when PyYAML has it) speeds up the dump; what it writes is PyYAML's canonical form."""
    import random

    rng = random.Random(20261202)
    for i in range(3000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 10)))
        doc = {"initiatives": [{"id": f"p-{i}", "label": text, "altLabels": [text, text + " b"], "n": i}]}
        assert datafiles.dump(doc) == datafiles.dump(doc, libyaml=False), repr(text)


@pytest.mark.parametrize("n", [119, 122, 123, 125, 200])
def test_long_keys_and_long_lines_are_the_same_bytes_too(n):
    """The emitters differ on keys of 123 characters or more (PyYAML writes `? key`) and on lines past
    the 4,096-character width (folded differently): such documents are written by PyYAML's own."""
    for doc in ({"k" * n: "v"}, {"note": "x" * (n * 30)}, {"note": ("y" * (n * 21) + "\n") * 2}):
        assert datafiles.dump(doc) == datafiles.dump(doc, libyaml=False)


# -- writing -------------------------------------------------------------------------------------------
@pytest.fixture
def data_root(tmp_path):
    (tmp_path / "data").mkdir()
    for name, text in (("organizations.yaml", "organizations: []\n"), ("curation.yaml", "statements: []\n")):
        (tmp_path / "data" / name).write_text(text, encoding="utf-8")
    return tmp_path


def contents(root):
    return {p.name: p.read_bytes() for p in sorted((root / "data").iterdir())}


NEW = {"organizations.yaml": b"organizations: [a]\n", "contributions.yaml": b"initiatives: [b]\n"}


def test_a_write_replaces_every_file_and_leaves_nothing_else(data_root):
    done = datafiles.write(data_root, NEW)
    assert done.written == ["data/contributions.yaml", "data/organizations.yaml"] and done.recovered is None
    assert contents(data_root) == {**NEW, "curation.yaml": b"statements: []\n"}


def test_a_crash_before_the_commit_leaves_data_exactly_old(data_root, monkeypatch):
    old = contents(data_root)
    real = datafiles.atomic_write

    def killed(path, data):  # the journal is never written: the process dies while staging
        raise KeyboardInterrupt

    monkeypatch.setattr(datafiles, "atomic_write", killed)
    with pytest.raises(KeyboardInterrupt):
        datafiles.write(data_root, NEW)
    monkeypatch.setattr(datafiles, "atomic_write", real)
    assert contents(data_root) == old


def test_a_crash_after_the_commit_is_completed_by_the_next_reader(data_root, monkeypatch):
    """Killed between the two renames: data/ is mixed only until the next run, which completes it."""
    real = os.replace
    calls = {"n": 0}

    def killed_after_one(src, dst):
        if str(dst).endswith(".yaml"):
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(datafiles.os, "replace", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        datafiles.write(data_root, NEW)
    monkeypatch.setattr(datafiles.os, "replace", real)
    assert (data_root / "data" / datafiles.JOURNAL).exists()
    said = datafiles.ensure_consistent(data_root)
    assert said == "completed an interrupted write of data/contributions.yaml, data/organizations.yaml"
    assert contents(data_root) == {**NEW, "curation.yaml": b"statements: []\n"}


def test_leftover_staged_files_without_a_journal_are_rolled_back(data_root):
    old = contents(data_root)
    (data_root / "data" / ".organizations.yaml.new").write_bytes(b"half a write\n")
    assert "rolled back" in datafiles.ensure_consistent(data_root)
    assert contents(data_root) == old


def test_a_second_writer_waits_and_loses_nothing(data_root):
    waited = threading.Event()
    results = []

    def second() -> None:
        results.append(datafiles.write(data_root, {"curation.yaml": b"statements: [second]\n"}, on_wait=waited.set))

    with datafiles._lock(data_root, None):
        t = threading.Thread(target=second)
        t.start()
        assert waited.wait(60), "the second writer did not say that it waits"
        datafiles._recover(data_root)
        assert not results
    t.join(60)
    assert results and (data_root / "data" / "curation.yaml").read_bytes() == b"statements: [second]\n"


def test_a_full_disk_says_data_is_as_it_was(data_root, monkeypatch):
    old = contents(data_root)

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(datafiles.os, "fsync", full)
    with pytest.raises(datafiles.DataWriteError, match="No space left on device; data/ is as it was"):
        datafiles.write(data_root, NEW)
    monkeypatch.undo()
    assert contents(data_root) == old
