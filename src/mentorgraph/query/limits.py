"""The limits every query of the CLI and the Python API runs under: time, rows and memory.

    Limits()                                    10 s, 10,000 rows, 2,048 MiB (the server's defaults)
    Limits.from_env(timeout=30)                 $MENTORGRAPH_TIMEOUT etc., then the arguments given

- time: seconds from sending the query to the last byte of its answer. The query runs in a worker
  process (query/worker.py) that is killed at the deadline: neither pyoxigraph nor rdflib can be
  interrupted in any other way. A remote store's answer is read against the same deadline.
- rows: most result rows (SELECT) or triples (CONSTRUCT/DESCRIBE). One more is an error, never a
  silently shortened answer: a cut CSV would look complete.
- memory: MiB of address space of the worker process (RLIMIT_AS, set by the worker on itself before
  it opens the store); an allocation beyond it fails and the query is reported stopped. The same
  figure bounds the bytes read from a remote store's answer (a quarter of it).

Each is also read from the environment ($MENTORGRAPH_TIMEOUT, $MENTORGRAPH_MAX_ROWS,
$MENTORGRAPH_MAX_MEMORY); arguments (CLI flags, open_graph's keywords) win over it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from .errors import LimitExceeded

ENV = {"timeout": "MENTORGRAPH_TIMEOUT", "max_rows": "MENTORGRAPH_MAX_ROWS", "max_memory": "MENTORGRAPH_MAX_MEMORY"}
FLAGS = {"timeout": "--timeout", "max_rows": "--max-rows", "max_memory": "--max-memory"}


@dataclass(frozen=True)
class Limits:
    """Bounds for one query: `timeout` seconds, `max_rows` rows or triples, `max_memory` MiB."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_memory: int = 2048

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ValueError(f"the {f.name} limit must be a positive number, got {value!r}")
        if not isinstance(self.max_rows, int) or not isinstance(self.max_memory, int):
            raise ValueError("max_rows and max_memory are whole numbers")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **given: float | int | None) -> Limits:
        """The defaults, overridden by the environment, overridden by the arguments that are not None."""
        environ = os.environ if environ is None else environ
        values: dict[str, float | int] = {}
        for name, var in ENV.items():
            text = environ.get(var, "").strip()
            if text:
                values[name] = _parse(name, text, f"${var}")
        values.update({k: v for k, v in given.items() if v is not None})
        return replace(cls(), **values)

    @property
    def address_space(self) -> int:
        """max_memory in bytes, as RLIMIT_AS takes it."""
        return self.max_memory * 1024 * 1024

    @property
    def response_bytes(self) -> int:
        """Most bytes read from a remote store's answer: a quarter of the memory limit."""
        return self.address_space // 4

    # -- the errors, each naming its limit and how to change it --------------------------------
    def stopped(self, limit: str) -> str:
        """What stopped a query, in words: 'ran longer than the time limit of 10 s' and the like."""
        if limit == "time":
            return f"ran longer than the time limit of {self.timeout:g} s"
        return (
            f"needed more memory than the limit of {self.max_memory:,} MiB "
            "(the address space of its worker process, RLIMIT_AS)"
        )

    @staticmethod
    def how(limit: str) -> str:
        """How to raise the time or memory limit."""
        return _how("timeout", "SECONDS") if limit == "time" else _how("max_memory", "MIB")

    def time_exceeded(self) -> LimitExceeded:
        """The error for a query stopped at the time limit."""
        return LimitExceeded(
            "time",
            f"the query {self.stopped('time')} and was stopped. Narrow it (LIMIT, more specific patterns) "
            f"or raise the limit: {self.how('time')}.",
        )

    def rows_exceeded(self) -> LimitExceeded:
        """The error for a result with more rows than the row limit."""
        return LimitExceeded(
            "rows",
            f"the result has more than {self.max_rows:,} rows or triples, the row limit. Add LIMIT to "
            f"the query or raise the limit: {_how('max_rows', 'N')}.",
        )

    def memory_exceeded(self) -> LimitExceeded:
        """The error for a query whose worker ran out of its address space."""
        return LimitExceeded(
            "memory",
            f"the query {self.stopped('memory')} and was stopped. Narrow it (LIMIT, fewer ORDER BY or "
            f"GROUP BY rows) or raise the limit: {self.how('memory')}.",
        )

    def response_exceeded(self, endpoint: str) -> LimitExceeded:
        """The error for a remote answer larger than response_bytes."""
        return LimitExceeded(
            "response",
            f"{endpoint} answered with more than {self.response_bytes // (1024 * 1024):,} MiB, a quarter "
            f"of the memory limit of {self.max_memory:,} MiB, and the answer was dropped. Add LIMIT to the "
            f"query or raise the limit: {_how('max_memory', 'MIB')}.",
        )


def _how(name: str, metavar: str) -> str:
    return f"{FLAGS[name]} {metavar}, open_graph({name}=...) or ${ENV[name]}"


def _parse(name: str, text: str, where: str) -> float | int:
    try:
        value = float(text) if name == "timeout" else int(text)
    except ValueError:
        kind = "a number of seconds" if name == "timeout" else "a whole number"
        raise ValueError(f"{where} must be {kind}, got {text!r}") from None
    if value <= 0:
        raise ValueError(f"{where} must be positive, got {text!r}")
    return value


DEFAULT = Limits()
