"""What the query layer raises besides the policy's QueryError (mentorgraph.sparql): an engine
that failed, and a query stopped at one of its limits. The CLI maps both to exit code 3.

Standard library only: the CLI's error mapping imports this module on every failure.
"""

from __future__ import annotations


class EngineError(Exception):
    """A query failed in the engine (HTTP failure, unreadable store, a worker that died): exit code 3."""


class QuerySyntaxError(EngineError):
    """An engine could not parse a text the policy passed, or a remote store refused it as malformed.

    The policy parses every query first (mentorgraph.sparql), so this is an engine's disagreement,
    reported with the engine's words; CLI exit code 2."""


class LimitExceeded(EngineError):
    """A query stopped at one of its limits; `limit` is "time", "rows", "memory" or "response"
    (a remote store's answer larger than the byte limit), and the message names its value and how
    to change it."""

    def __init__(self, limit: str, message: str):
        self.limit = limit
        super().__init__(message)
