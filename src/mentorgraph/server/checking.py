"""The server's one call into the query policy: every protocol query is checked here, once, in the
front end; the query process runs the checked text it is sent and checks nothing again.

`check` is the only function of the server that calls the policy, so moving to the SPARQL parser's
`query.policy.check` (branch `sparql`: canonical text, form, dataset clause, LIMIT) changes this
module alone. Until then the current entry point, `query.policy.check_query`, decides, and the text
runs as received (`form` None: nothing is known about the query's shape, so no clause is added).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


class QueryRefused(Exception):
    """The policy will not pass the query: `status` is 403 (refused) or 400 (not SPARQL)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Checked:
    """A query that passed the policy; the names follow the policy's CheckedQuery."""

    text: str  # what the query process runs
    form: str | None = None  # SELECT, ASK, CONSTRUCT or DESCRIBE, when the checker knows
    has_limit: bool = False
    limit: int | None = None


@functools.lru_cache(maxsize=4096)
def check(text: str, graphs: frozenset[str], services: frozenset[str]) -> Checked:
    """The checked form of `text`, or QueryRefused. FROM / FROM NAMED may name only `graphs`, SERVICE
    only `services`; cached, as clients repeat the same queries."""
    from ..query.policy import RefusedQuery, check_query

    try:
        check_query(text, allowed_graphs=set(graphs), allowed_services=set(services))
    except RefusedQuery as exc:
        raise QueryRefused(403, str(exc)) from None
    return Checked(text)


def limited(checked: Checked, max_rows: int) -> tuple[str | None, bool]:
    """(clamped text, exact) for the row cap: `exact` when the query's own LIMIT is within the cap (it
    cannot be cut); else, for a canonical SELECT without LIMIT, the text with LIMIT max_rows + 1 (the
    one row more says the answer was cut); else (None, False) and the query process counts."""
    if checked.has_limit and checked.limit is not None and checked.limit <= max_rows:
        return None, True
    if checked.form == "SELECT" and not checked.has_limit:
        return f"{checked.text}\nLIMIT {max_rows + 1}", False
    return None, False
