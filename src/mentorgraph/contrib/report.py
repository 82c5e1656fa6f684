"""Problem reports of bounded size: the first MAX_PER_KIND problems of each kind, and a count of the rest.

A hostile or badly exported file can hold hundreds of thousands of mistakes of one kind (every cell
an unknown sponsor). Listing them all cost 48 s, 820 MB and a 145 MB report (issue 12). Problems are
collected in a `Problems` list that keeps the first MAX_PER_KIND of each kind and only counts the
others; `wants(kind)` lets a check skip the costly part of a problem (the closest known names) that
would be dropped anyway. A kind is the problem's message with its values taken out: "row 2, column
'sponsor organization': unknown organization 'Xyz'" is of the kind "column 'sponsor organization':
unknown organization …".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..problems import Problem

MAX_PER_KIND = 50

_ROW = re.compile(r"^row \d+, ")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|<[^>]*>")
_NUMBER = re.compile(r"\d[\d,.]*")


def kind_of(message: str) -> str:
    """The kind of a problem: its message without row numbers, quoted values or numbers."""
    head, sep, tail = message.partition(": ")
    if sep and head.startswith("row "):
        head = _ROW.sub("", head)
        return head + ": " + _NUMBER.sub("N", _QUOTED.sub("…", tail))
    return _NUMBER.sub("N", _QUOTED.sub("…", message))


class Problems(list):
    """A list of problems keeping at most MAX_PER_KIND of each kind; `omitted` counts the others."""

    def __init__(self, items: Iterable[Problem] = ()):
        super().__init__()
        self.counts: dict[str, int] = {}
        self.omitted: dict[str, int] = {}
        self.extend(items)

    def wants(self, kind: str) -> bool:
        """Whether a problem of this kind would still be listed (else it is only counted)."""
        return self.counts.get(kind, 0) < MAX_PER_KIND

    def skip(self, kind: str) -> None:
        """Count one problem of `kind` that was not built (its kind is full)."""
        self.omitted[kind] = self.omitted.get(kind, 0) + 1

    def append(self, p: Problem) -> None:
        """Keep `p` unless MAX_PER_KIND problems of its kind are listed already."""
        if isinstance(p, Problem):
            kind = kind_of(p.message)
            n = self.counts.get(kind, 0)
            if n >= MAX_PER_KIND:
                self.skip(kind)
                return
            self.counts[kind] = n + 1
        super().append(p)

    def extend(self, items: Iterable[Problem]) -> None:
        """Append each item (omitted counts of another Problems list are carried over)."""
        for p in items:
            self.append(p)
        for kind, n in getattr(items, "omitted", {}).items():
            self.omitted[kind] = self.omitted.get(kind, 0) + n

    def __iadd__(self, items: Iterable[Problem]):
        self.extend(items)
        return self

    @property
    def total(self) -> int:
        """Every problem found, listed or not."""
        return len(self) + sum(self.omitted.values())

    def omitted_lines(self) -> list[str]:
        """One line per kind with problems left out of the list."""
        return [
            f'... and {n:,} more problem(s) of the kind "{kind}" (the first {MAX_PER_KIND} are listed)'
            for kind, n in sorted(self.omitted.items())
        ]


def capped_lines(items: Iterable, kind: callable) -> list[str]:  # type: ignore[valid-type]
    """`str(item)` of each item, at most MAX_PER_KIND per kind, then one line per kind cut short."""
    lines: list[str] = []
    seen: dict[str, int] = {}
    for item in items:
        k = kind(item)
        seen[k] = seen.get(k, 0) + 1
        if seen[k] <= MAX_PER_KIND:
            lines.append(str(item))
    for k, n in sorted(seen.items()):
        if n > MAX_PER_KIND:
            lines.append(f'... and {n - MAX_PER_KIND:,} more of the kind "{k}" (the first {MAX_PER_KIND} are listed)')
    return lines
