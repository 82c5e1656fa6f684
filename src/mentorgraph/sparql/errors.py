"""What the checker raises, and the documented limits it enforces before parsing.

Every error carries where (line and column in the text as the user wrote it, before codepoint
escapes were expanded), what (the offending token) and what was expected, so a message can point
at the exact spot.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Bounds checked before parsing, so cost and nesting stay small whatever the input.

    max_chars: length of the query text (characters, after a leading byte-order mark is dropped).
    max_tokens: number of tokens. max_token_chars: length of any one token (a string literal, an IRI).
    max_depth: nesting of brackets, parentheses and braces, counted on the token stream; the parser's
    recursion grows with this depth only, so it stays far below Python's recursion limit, and no
    engine downstream ever sees deeper nesting (5,000 nested parentheses crash pyoxigraph 0.5).
    """

    max_chars: int = 100_000
    max_tokens: int = 20_000
    max_token_chars: int = 10_000
    max_depth: int = 64


DEFAULT_LIMITS = Limits()


class QueryError(ValueError):
    """A query the checker will not pass on: `kind` says why, `line`/`column` where (1-based)."""

    kind = "error"

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.message = message
        self.line = line
        self.column = column
        super().__init__(message)


class Refused(QueryError):
    """A well-formed request this service does not run: kind is service, dataset, update or limit."""

    def __init__(self, kind: str, message: str, line: int | None = None, column: int | None = None):
        self.kind = kind
        super().__init__(message, line, column)


class SparqlSyntaxError(QueryError):
    """Not SPARQL 1.1 Query: `token` is what was found, `expected` what the grammar allows there."""

    kind = "syntax"

    def __init__(self, message: str, line: int | None, column: int | None, token: str = "", expected: str = ""):
        self.token = token
        self.expected = expected
        super().__init__(message, line, column)


def on_fresh_stack(fn, *args):
    """fn(*args); if the caller's own stack was too deep for it, fn again in a new thread, whose
    stack starts empty. Parsing recurses at most about six frames per bracket level and Limits
    bounds the levels (64 by default: under 400 frames, well within Python's limit of 1,000), so
    a RecursionError can only come from a deep caller, and never reaches it."""
    try:
        return fn(*args)
    except RecursionError:
        pass
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = fn(*args)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="sparql-fresh-stack")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
