"""The server's one call into the query policy: every protocol query is checked here, once, in the
front end; the query process runs the checked, canonical text it is sent and checks nothing again.

`check` is the only function of the server that calls the policy: mentorgraph.sparql.check, the
SPARQL 1.1 parser's read-only policy decided on the parse tree, whose canonical text (full IRIs, no
comments, no escapes outside strings) is what runs, so the query that runs is the query that was
checked. When query/policy.py offers the same `check` as the project's one policy entry point, this
module changes alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import iris
from ..sparql import Refused, SparqlSyntaxError
from ..sparql import check as policy_check


class QueryRefused(Exception):
    """The policy will not pass the query: `status` is 403 (refused) or 400 (not SPARQL)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Checked:
    """What the server uses of a checked query (the policy's CheckedQuery has these attributes too)."""

    text: str  # what the query process runs
    form: str | None = None  # SELECT, ASK, CONSTRUCT or DESCRIBE
    has_limit: bool = False
    limit: int | None = None


# A refusal's kind -> the HTTP status: the policy's refusals, and limits (the text is too long, has
# too many tokens or nests too deep) answered like a malformed request, with the limit in words.
STATUS = {"service": 403, "dataset": 403, "update": 403, "limit": 400}


def check(text: str, graphs: frozenset[str], services: frozenset[str], base: str | None = None) -> Checked:
    """The checked form of `text`, or QueryRefused. The project's prefixes are predeclared; FROM /
    FROM NAMED may name only `graphs`, SERVICE only `services`; relative IRIs resolve against `base`
    (the endpoint's URL, as the query process resolves them)."""
    try:
        return policy_check(text, prefixes=iris.PREFIXES, allowed_graphs=graphs, allowed_services=services, base=base)
    except Refused as exc:
        raise QueryRefused(STATUS.get(exc.kind, 403), str(exc)) from None
    except SparqlSyntaxError as exc:
        raise QueryRefused(400, f"the query could not be parsed: {exc}") from None


def limited(checked: Checked, max_rows: int) -> tuple[str | None, bool]:
    """(clamped text, exact) for the row cap: `exact` when the query's own LIMIT is within the cap (it
    cannot be cut); else, for a canonical SELECT without LIMIT, the text with LIMIT max_rows + 1 (the
    one row more says the answer was cut); else (None, False) and the query process counts."""
    if checked.has_limit and checked.limit is not None and checked.limit <= max_rows:
        return None, True
    if checked.form == "SELECT" and not checked.has_limit:
        return f"{checked.text}\nLIMIT {max_rows + 1}", False
    return None, False
