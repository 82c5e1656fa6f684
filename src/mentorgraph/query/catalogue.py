"""The catalogue of canned competency questions: queries/*.rq and their header comments.

Each file opens with a comment block (see queries/README.md):

    # question: Which initiatives target a population or any narrower one?
    # param: population | mgo:Population | the population, by label, acronym, CURIE or IRI | Women
    # column: item | the initiative (IRI)
    # column: label | its name

Each query is checked once by the one query policy (policy.check_query, on first use, then kept:
`CannedQuery.approved`). Parameters are bound safely: the query contains `VALUES ?name { UNDEF }`,
and the value, resolved to a known IRI (or a literal for text parameters), replaces UNDEF in the
checked canonical text as a serialized term (CheckedQuery.bind: no re-parsing, no text pasting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..iris import sparql_prologue

if TYPE_CHECKING:
    from .policy import ApprovedQuery


@dataclass(frozen=True)
class Param:
    """One parameter of a canned question, from its '# param:' header line."""

    name: str
    kind: str  # a class CURIE such as mgo:Organization, "any" for any entity, or "text"
    meaning: str
    example: str


@dataclass(frozen=True)
class Column:
    """One result column of a canned question, from its '# column:' header line."""

    name: str
    meaning: str


@dataclass
class CannedQuery:
    """One canned question: its header (question, parameters, columns, notes) and its SPARQL body."""

    name: str
    question: str
    params: list[Param]
    columns: list[Column]
    body: str
    path: Path
    notes: list[str] = field(default_factory=list)
    header_lines: int = 0  # lines of the header comment before `body`

    @property
    def text(self) -> str:
        """The full query with the project's prefixes declared (for people to read and copy)."""
        return sparql_prologue() + self.body

    @cached_property
    def approved(self) -> ApprovedQuery:
        """The query as the policy approved it (checked once), its parameters still UNDEF.

        CatalogueError, naming the file and line, if the policy refuses it."""
        from .policy import QueryError, check_query

        try:
            approved = check_query(self.body)
        except QueryError as exc:
            line = (exc.line or 0) + self.header_lines
            raise CatalogueError(f"{self.path}:{line}: {exc}") from None
        missing = [p.name for p in self.params if p.name not in approved.checked.params]
        if missing:
            raise CatalogueError(f"{self.path}: parameter {missing[0]!r} needs 'VALUES ?{missing[0]} {{ UNDEF }}'")
        return approved


class CatalogueError(Exception):
    """A queries/*.rq file's header is malformed."""

    pass


def parse_header(path: Path) -> CannedQuery:
    """Read one queries/*.rq file: its header comments and its body."""
    text = path.read_text(encoding="utf-8")
    question, params, columns, notes = None, [], [], []
    body_lines = []
    in_header = True
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if in_header and stripped.startswith("#"):
            content = stripped.lstrip("#").strip()
            key, _, rest = content.partition(":")
            key = key.strip().lower()
            if key == "question":
                question = rest.strip()
            elif key == "param":
                parts = [p.strip() for p in rest.split("|")]
                if len(parts) != 4:
                    raise CatalogueError(f"{path}: '# param:' needs name | kind | meaning | example, got {rest!r}")
                params.append(Param(*parts))
            elif key == "column":
                parts = [p.strip() for p in rest.split("|", 1)]
                if len(parts) != 2:
                    raise CatalogueError(f"{path}: '# column:' needs name | meaning, got {rest!r}")
                columns.append(Column(*parts))
            elif content:
                notes.append(content)
            continue
        in_header = False
        body_lines.append(line)
    if not question:
        raise CatalogueError(f"{path}: missing '# question:' line in the header comment")
    body = "".join(body_lines)
    for p in params:
        if f"VALUES ?{p.name} {{ UNDEF }}" not in body:
            raise CatalogueError(f"{path}: parameter {p.name!r} needs 'VALUES ?{p.name} {{ UNDEF }}' in the query")
    header = len(text.splitlines(keepends=True)) - len(body_lines)
    return CannedQuery(path.stem, question, params, columns, body, path, notes, header)


def load_catalogue(queries_dir: Path) -> dict[str, CannedQuery]:
    """Every canned query in `queries_dir`, by name (the file name without .rq), sorted."""
    return {p.stem: parse_header(p) for p in sorted(queries_dir.glob("*.rq"))}


_IRI_OK = re.compile(r"^[^<>\"{}|^`\\\x00-\x20]+$")


def sparql_iri(iri: str) -> str:
    """`iri` as a SPARQL IRI term <...>; ValueError for characters an IRI may not hold."""
    if not _IRI_OK.match(iri):
        raise ValueError(f"not a valid IRI: {iri!r}")
    return f"<{iri}>"


def sparql_string(text: str) -> str:
    """A SPARQL string literal for `text`, every special character escaped (SPARQL 1.1, 19.7)."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("\b", "\\b")
        .replace("\f", "\\f")
    )
    return f'"{escaped}"'


def bind(query: CannedQuery, terms: dict[str, str]) -> str:
    """The query text with each parameter's UNDEF replaced by a serialized term, by text replacement.

    Kept for the benchmarks and tests that compare against it; the API binds with
    CheckedQuery.bind on the checked canonical text (`CannedQuery.approved`)."""
    body = query.body
    for p in query.params:
        body = body.replace(f"VALUES ?{p.name} {{ UNDEF }}", f"VALUES ?{p.name} {{ {terms[p.name]} }}")
    return sparql_prologue() + body
