"""Problems found in input, reported the way people can act on them.

Every problem says where (file, line, column), what (the offending value), what was expected, and
the closest known value when there is one. Stages collect all problems in a file before failing.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one piece of input."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    value: str | None = None
    expected: str | None = None
    suggestion: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.suggestion:
            text += f"; did you mean {self.suggestion!r}?"
        return text

    def as_dict(self) -> dict:
        """The problem as a dict without empty fields."""
        return {k: v for k, v in asdict(self).items() if v is not None}


class InputError(Exception):
    """Raised with every problem found, never only the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def to_json(self) -> str:
        """Every problem as a JSON list."""
        return json.dumps([p.as_dict() for p in self.problems], ensure_ascii=False, indent=2)


def closest(value: str, known: Iterable[str], n: int = 1) -> list[str]:
    """The known values nearest to `value`, case-insensitively (difflib ratio >= 0.6)."""
    known = list(known)
    lowered = {k.casefold(): k for k in known}
    hits = difflib.get_close_matches(value.casefold(), list(lowered), n=n, cutoff=0.6)
    return [lowered[h] for h in hits]
