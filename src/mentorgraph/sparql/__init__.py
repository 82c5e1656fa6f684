"""A fast SPARQL 1.1 query parser, the read-only query policy decided on its parse tree, and the
canonical serializer whose text the engines run.

    from mentorgraph.sparql import check, Refused, SparqlSyntaxError
    checked = check(text, prefixes=iris.PREFIXES, allowed_graphs=own_graphs)
    engine.run(checked.text)            # never `text`

Threat model. mentorgraph serves a read-only knowledge graph to anyone. A query text is untrusted:
it may try to make the server fetch a URL (SERVICE, which pyoxigraph and rdflib both follow; FROM /
FROM NAMED, which rdflib loads), to change data (SPARQL Update), or to exhaust the process (deep
nesting crashes pyoxigraph 0.5 at about 5,000 levels; huge texts and tokens cost memory and time).
The engines also read some texts differently from each other and from the grammar: pyoxigraph ends
a comment at CR but does not expand \\u escapes outside strings; rdflib expands them everywhere but
ends a comment at LF only; so a check that reads the text its own way can be bypassed (issue 12:
`#\\rSERVICE ...`, `\\u0053ERVICE ...`).

What `check` does about it:
- It reads the text exactly as the SPARQL 1.1 grammar does (lexer.py: codepoint escapes expanded
  first, in one pass; comments end at LF or CR; white space is space, tab, CR, LF), and parses the
  whole query grammar (parser.py, patterns.py, expressions.py) into a tree (tree.py).
- It decides on the tree only: every SERVICE, wherever it is nested (OPTIONAL, MINUS, UNION, GRAPH,
  subqueries, EXISTS in FILTER/BIND/SELECT/HAVING/ORDER BY/GROUP BY, any query form), is refused
  unless its endpoint is a constant IRI in `allowed_services` (a variable endpoint never is); FROM
  and FROM NAMED may name only `allowed_graphs`; every update form is refused where it starts.
  IRIs are compared in full, after prefix expansion (the query's PREFIX overrides the predeclared
  prefixes) and RFC 3986 resolution against BASE.
- It returns the canonical text of the checked tree (serializer.py): full IRIs, no prologue but
  BASE (kept for IRI() and URI()), no comments, no escapes outside strings, strings escaped so that
  this parser, pyoxigraph and rdflib read them alike. An engine runs that text, so the query that
  runs is the query that was checked, whatever the original text's ambiguities.

Documented limits (errors.Limits, all checked before parsing, each refused as kind "limit"):
  max_chars 100,000 characters of text; max_tokens 20,000 tokens; max_token_chars 10,000 characters
  in one token (a string literal's value, an IRI, a name); max_depth 64 nested brackets,
  parentheses and braces, counted on the token stream. The parser's recursion grows only with that
  depth (at most about six Python frames a level, under 400 in all), so no input reaches Python's
  recursion limit (a caller whose own stack is already deep gets the parse run on a fresh thread's
  stack) or an engine's stack; time and memory grow linearly with the text.

Errors: Refused (kind "service", "dataset", "update" or "limit") and SparqlSyntaxError (kind
"syntax", with the offending `token` and what was `expected`) are both QueryError, with 1-based
`line` and `column` in the text as written (before escapes; lines end at LF, CR or CRLF), except
for the two limits on the whole text (length and token count).

Speed: a text seen before costs a dictionary lookup; a new text of a known token shape (other
IRIs, literals or numbers, other comments: what a client sends when it varies a parameter) is
tokenized and its terms rebuilt from a cached plan, then checked on its actual terms (policy.py);
only a new shape is parsed in full. benchmarks/bench_policy.py prints the figures.

Known gaps: the SPARQL 1.1 grammar only (no SPARQL 1.2 triple terms, VERSION, LATERAL). Without
spaces, `FILTER(?a<?b&&?b>?c)` holds `<?b&&?b>`, which the grammar's longest-match rule reads as
an IRI (and then a syntax error) where pyoxigraph reads two comparisons: write spaces around `<`.
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
