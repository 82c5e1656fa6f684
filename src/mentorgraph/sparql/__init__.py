"""A fast SPARQL 1.1 query parser, the read-only policy decided on its parse tree, and the canonical
serializer whose text the engines run.

(The threat model and limits are documented below; see policy.check.)
"""

from .errors import DEFAULT_LIMITS, Limits, QueryError, Refused, SparqlSyntaxError
from .parser import parse
from .policy import CheckedQuery, Dataset, check, clear_caches
from .serializer import serialize
from .tree import IRI, Literal

__all__ = [
    "DEFAULT_LIMITS",
    "IRI",
    "CheckedQuery",
    "Dataset",
    "Limits",
    "Literal",
    "QueryError",
    "Refused",
    "SparqlSyntaxError",
    "check",
    "clear_caches",
    "parse",
    "serialize",
]
