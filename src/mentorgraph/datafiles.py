"""The only reader and writer of data/: located YAML in, canonical YAML out, written all or nothing.

Reading: every mapping remembers its line and column (and each key's line), so a problem can say
where it is. Duplicate keys are refused with both places (YAML 1.2, 3.2.1.1: keys are unique; PyYAML
would silently keep the last). Cost is bounded before anything is built: the parser's event stream is
walked once to refuse nesting deeper than MAX_DEPTH and any anchor or alias (the way a few lines of
YAML expand to gigabytes); curated data needs neither.

Writing: `write(root, files)` replaces several files of data/ as one unit. It takes data/'s lock (a
second writer waits, saying so), stages each new file beside its target (.NAME.new, fsynced), then
commits by writing the journal (data/.journal.json, atomically), renames the staged files into place
and removes the journal. A crash before the commit leaves data/ exactly old (the staged files are
removed by the next run); a crash after it leaves the journal, and the next run (any reader or
writer) completes the renames: data/ is always exactly old or exactly new, and `recover` says which.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .atomic import atomic_write, file_lock, fsync_dir
from .layout import DATA_DIR
from .problems import InputError, Problem

# Files of data/, in load order (data/README.md describes each).
DATA_FILES = (
    "table1.yaml",
    "vocabularies.yaml",
    "populations.yaml",
    "organizations.yaml",
    "entities.yaml",
    "nih-activity-codes.yaml",
    "curation.yaml",
    "contributions.yaml",
    "themes.yaml",
)
# Files that may be absent (a fresh checkout has no contributions yet).
OPTIONAL_FILES = frozenset({"contributions.yaml"})
CONTRIBUTIONS = "contributions.yaml"
ORGANIZATIONS = "organizations.yaml"
TABLE = "table1.yaml"
THEMES = "themes.yaml"
VOCABULARIES = "vocabularies.yaml"

# Limits on any YAML read here (README of data/, "Limits"): far above what curated data needs.
MAX_DEPTH = 64
MAX_ALIASES = 0

JOURNAL = ".journal.json"
_STAGED = ".new"


def display(name: str) -> str:
    """How a data file is named in messages: data/NAME."""
    return f"{DATA_DIR}/{name}"


def path(root: Path, name: str) -> Path:
    """The path of one data file under the project root."""
    return root / DATA_DIR / name


# -- reading -------------------------------------------------------------------------------------
class LocatedDict(dict):
    """A YAML mapping that remembers the line and column it started on (1-based)."""

    line: int = 0
    column: int = 0
    key_lines: dict


class _Duplicate(yaml.MarkedYAMLError):
    """Two equal keys in one mapping."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when available: ~5x faster
    """A SafeLoader whose mappings remember where they are and refuse duplicate keys."""


def _located_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.setdefault(key, key_node)
        except TypeError:  # an unhashable key: construct_mapping reports it
            continue
        if first is not key_node:
            raise _Duplicate(
                f"duplicate key {key!r}, first at line {first.start_mark.line + 1}",
                first.start_mark,
                "each key once per mapping",
                key_node.start_mark,
            )
    mapping = LocatedDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.column = node.start_mark.column + 1
    mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
    return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _located_mapping)


def _problem(name: str, message: str, mark: Any, expected: str) -> Problem:
    return Problem(
        name,
        message,
        line=mark.line + 1 if mark is not None else None,
        column=mark.column + 1 if mark is not None else None,
        expected=expected,
    )


def _check_shape(text: str, name: str) -> None:
    """Refuse too-deep nesting and anchors/aliases by walking the parser's events (no nodes built)."""
    try:
        _walk_events(text, name)
    except yaml.MarkedYAMLError as exc:
        # libyaml (0.2.5 and later, as in PyYAML 6.0.4's wheels) has its own nesting limit, met while
        # it scans ahead of the events above: the same refusal, worded as ours.
        if "nesting" not in str(exc.problem):
            raise
        raise InputError(
            [
                _problem(
                    name,
                    f"YAML nested more than {MAX_DEPTH} levels deep",
                    exc.problem_mark,
                    "records a few levels deep",
                )
            ]
        ) from None


def _walk_events(text: str, name: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise InputError(
                [
                    _problem(
                        name,
                        "YAML anchors and aliases (&, *) are not accepted",
                        event.start_mark,
                        "each value written out in full",
                    )
                ]
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(
                    [
                        _problem(
                            name,
                            f"YAML nested more than {MAX_DEPTH} levels deep",
                            event.start_mark,
                            "records a few levels deep",
                        )
                    ]
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def parse(text: str, name: str) -> Any:
    """Parse YAML text (a data file or a contribution) into located values; InputError with line/column."""
    try:
        _check_shape(text, name)
        return yaml.load(text, Loader=_Loader)
    except _Duplicate as exc:
        mark = exc.problem_mark
        raise InputError([_problem(name, str(exc.context), mark, str(exc.problem))]) from None
    except yaml.MarkedYAMLError as exc:
        raise InputError(
            [_problem(name, f"YAML syntax error: {exc.problem}", exc.problem_mark, "valid YAML")]
        ) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, f"YAML error: {exc}", expected="valid YAML")]) from None


def read_yaml(file: Path, name: str | None = None) -> Any:
    """Parse one YAML file; a decoding or syntax error becomes an InputError naming line and column."""
    shown = name or str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(shown, f"not UTF-8 text ({exc.reason} at byte {exc.start})", expected="a UTF-8 encoded YAML file")]
        ) from None
    return parse(text, shown)


def read(root: Path, name: str) -> Any:
    """One data file of `root`, located; FileNotFoundError if it is absent."""
    ensure_consistent(root)
    return read_yaml(path(root, name), display(name))


def read_optional(root: Path, name: str) -> Any | None:
    """One data file, or None when it does not exist (contributions.yaml before the first import)."""
    try:
        return read(root, name)
    except FileNotFoundError:
        return None


# -- the canonical form ----------------------------------------------------------------------------
def plain(value: Any) -> Any:
    """A located document as plain dicts and lists (for dumping, and for comparing records)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


# Characters libyaml's emitter writes exactly as PyYAML's own does. They differ on the rest: libyaml
# escapes characters beyond the BMP (an emoji as "\U0001F600"), NEL and the line and paragraph
# separators, where PyYAML writes them as they are (tests/test_datafiles.py compares the two).
_LIBYAML_SAME = frozenset(chr(c) for c in (0x0A, *range(0x20, 0x7F), *range(0xA0, 0xD800), *range(0xE000, 0xFFFE)))
_LIBYAML_DIFFERENT = frozenset("\u2028\u2029\ufeff")


# The two emitters also differ on long texts: a mapping key of 120 characters or more (PyYAML writes
# it as `? key`) and a line past the 4,096-character width (folded differently); such documents go
# through PyYAML's own.
_LIBYAML_MAX_KEY, _LIBYAML_MAX_TEXT = 119, 4000


def _libyaml_same(value: Any, limit: int = _LIBYAML_MAX_TEXT) -> bool:
    """Whether libyaml writes `value` (plain dicts, lists, scalars) byte for byte as PyYAML does."""
    if isinstance(value, str):
        return len(value) <= limit and _LIBYAML_SAME.issuperset(value) and _LIBYAML_DIFFERENT.isdisjoint(value)
    if isinstance(value, dict):
        return all(_libyaml_same(k, _LIBYAML_MAX_KEY) and _libyaml_same(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_libyaml_same(v) for v in value)
    return True


def dump(doc: Any, libyaml: bool = True) -> bytes:
    """`doc` in the canonical form of data/ (tests/test_data_curation.py), non-ASCII written as is.

    PyYAML's emitter is pure Python (a third of importing 1,000 rows); libyaml's, where PyYAML has
    it, writes the same bytes ~10x faster, and is used when every text is one it writes the same.
    `libyaml=False` always uses PyYAML's own.
    """
    data = plain(doc)
    fast = libyaml and getattr(yaml, "__with_libyaml__", False) and _libyaml_same(data)
    dumper = yaml.CSafeDumper if fast else yaml.SafeDumper
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=4096).encode("utf-8")


# -- writing ---------------------------------------------------------------------------------------------
class DataWriteError(OSError):
    """Writing data/ failed; the message says whether data/ is old or new."""


@dataclass
class WriteOutcome:
    """What `write` did: the files it replaced (data/NAME), and what an earlier crash left, if anything."""

    written: list[str]
    recovered: str | None = None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _staged(root: Path, name: str) -> Path:
    return root / DATA_DIR / f".{name}{_STAGED}"


# The data/ directories whose lock this thread holds: the lock is re-entrant for the thread that holds
# it, and another thread (a server's, a test's) waits like another process would.
_HELD = threading.local()


def _held() -> set[Path]:
    if not hasattr(_HELD, "dirs"):
        _HELD.dirs = set()
    return _HELD.dirs


@contextlib.contextmanager
def locked(root: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold data/'s lock for a whole read-check-write (an import): nobody else writes in between.

    An flock on the directory itself (nothing is left in data/); re-entrant within one thread, so
    `write` and `ensure_consistent` inside the block do not wait for themselves.
    """
    key = (root / DATA_DIR).resolve()
    held = _held()
    if key in held:
        yield
        return
    with file_lock(root / DATA_DIR, on_wait):
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)


def _lock(root: Path, on_wait: Callable[[], None] | None):
    """data/'s lock (see `locked`)."""
    return locked(root, on_wait)


def ensure_consistent(root: Path) -> str | None:
    """Finish or undo a write that a crash interrupted, before anyone reads data/; say which, or None."""
    data = root / DATA_DIR
    if not (data / JOURNAL).exists() and not any(data.glob(f".*{_STAGED}")):
        return None
    with _lock(root, None):
        return _recover(root)


def _recover(root: Path) -> str | None:
    """Under the lock: roll a committed write forward, or an uncommitted one back."""
    data = root / DATA_DIR
    journal = data / JOURNAL
    if journal.exists():
        entries = json.loads(journal.read_text(encoding="utf-8"))["files"]
        for name, sha in entries.items():
            staged = _staged(root, name)
            if sha is None:
                path(root, name).unlink(missing_ok=True)
            elif staged.exists():
                if _sha(staged.read_bytes()) != sha:
                    raise DataWriteError(f"{display(name)}: the staged new version is damaged; see {journal}")
                os.replace(staged, path(root, name))
        fsync_dir(data)
        journal.unlink()
        fsync_dir(data)
        return "completed an interrupted write of " + ", ".join(display(n) for n in sorted(entries))
    leftovers = sorted(data.glob(f".*{_STAGED}"))
    for p in leftovers:
        p.unlink()
    return "rolled back an interrupted write (data/ is as it was before it)" if leftovers else None


def write(root: Path, files: dict[str, bytes | None], on_wait: Callable[[], None] | None = None) -> WriteOutcome:
    """Replace the given data files (None deletes one) as one unit; see the module docstring.

    Raises DataWriteError saying whether data/ is as it was (nothing committed) or new.
    """
    unknown = sorted(set(files) - set(DATA_FILES))
    if unknown:
        raise ValueError(f"not a data file: {', '.join(unknown)}")
    data = root / DATA_DIR
    with _lock(root, on_wait):
        recovered = _recover(root)
        staged: list[Path] = []
        try:
            for name, content in sorted(files.items()):
                if content is not None:
                    target = _staged(root, name)
                    staged.append(target)
                    with open(target, "wb") as fh:
                        fh.write(content)
                        fh.flush()
                        os.fsync(fh.fileno())
                    os.chmod(target, 0o644)
            fsync_dir(data)
            entries = {n: (_sha(c) if c is not None else None) for n, c in sorted(files.items())}
            # The commit point: once the journal exists, the write is completed even after a crash.
            atomic_write(data / JOURNAL, json.dumps({"files": entries}, indent=2).encode("utf-8"))
        except BaseException as exc:
            for p in staged:
                with contextlib.suppress(OSError):  # on a read-only or full disk, cleaning up may fail too
                    p.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise DataWriteError(f"cannot write data/: {exc.strerror or exc}; data/ is as it was") from exc
            raise
        try:
            _recover(root)
        except OSError as exc:
            raise DataWriteError(
                f"data/ was committed but not fully renamed ({exc.strerror or exc}); the next mentorgraph "
                f"command completes it from {data / JOURNAL}"
            ) from exc
    return WriteOutcome([display(n) for n in sorted(files)], recovered)


def iter_files(root: Path, names: Iterable[str] = DATA_FILES) -> list[tuple[str, Path]]:
    """(data/NAME, path) of each data file, in load order."""
    return [(display(n), path(root, n)) for n in names]
