"""The read-only query policy, decided on the parse tree, and the plan cache that makes it cheap.

`check()` parses a text, refuses SERVICE (unless its constant IRI is allowed), FROM / FROM NAMED
outside the allowed graphs and every update form, and returns a `CheckedQuery` whose `text` is the
canonical serialization: the text the engines run.

Two caches keep this fast without weakening it. A text cache returns the result for a text seen
before (the policy is still applied on every call). A plan cache is keyed by the token *shape*:
the sequence of token kinds, with keywords, punctuation, variable names and blank node labels but
with IRIs, prefixed names, literals and numbers abstracted. The parse of a token sequence depends
only on its shape, so a plan made from one parse records where each term goes in the canonical text
and which tokens name SERVICE endpoints and FROM graphs; a new text of the same shape is then
checked by rebuilding each term from its own tokens (prefixes expanded, BASE resolved, strings
re-escaped) and applying the policy to those actual IRIs.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from . import tree as t
from .errors import DEFAULT_LIMITS, Limits, Refused, on_fresh_stack
from .lexer import SIGNED_KINDS, Tokens, tokenize
from .parser import Parser
from .rfc3986 import valid_iri
from .semantics import check_semantics
from .serializer import Writer, join
from .terms import (
    count_at,
    iri_value,
    render_base,
    render_int,
    render_iri,
    render_literal,
    render_string,
    render_unsigned,
    term,
)

_FORMS = {t.Select: "SELECT", t.Construct: "CONSTRUCT", t.Ask: "ASK", t.Describe: "DESCRIBE"}
_LANG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*\Z")
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Dataset:
    """The query's own dataset clause: FROM graphs (default) and FROM NAMED graphs."""

    default: tuple[str, ...]
    named: tuple[str, ...]


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the policy: run `text` (canonical), never the text as received."""

    form: str  # SELECT, CONSTRUCT, ASK or DESCRIBE
    text: str
    variables: tuple[str, ...]  # SELECT's columns (for SELECT *, the in-scope variables); else ()
    dataset: Dataset | None
    has_limit: bool
    limit: int | None
    params: tuple[str, ...]  # variables of `VALUES ?x { UNDEF }` blocks that bind() can fill
    _parts: tuple[str, ...] = field(repr=False, compare=False)
    _params: tuple[tuple[str, int], ...] = field(repr=False, compare=False)

    @property
    def tree(self) -> t.Query:
        """The parse tree of the canonical text (parsed on first use: the fast path never needs it)."""
        from .parser import parse

        return parse(self.text)

    def bind(self, terms: Mapping[str, t.IRI | t.Literal]) -> CheckedQuery:
        """This query with each `VALUES ?name { UNDEF }` row replaced by terms[name], without
        parsing: IRIs must be absolute and valid IRIREFs; literals are escaped when written."""
        parts = list(self._parts)
        for name, value in terms.items():
            spots = [i for n, i in self._params if n == name]
            if not spots:
                raise KeyError(f"the query has no VALUES ?{name} {{ UNDEF }} to bind")
            text = _bound_term(name, value)
            for i in spots:
                parts[i] = text
        left = tuple(p for p in self.params if p not in terms)
        return replace(
            self,
            text=join(parts),
            params=left,
            _parts=tuple(parts),
            _params=tuple(p for p in self._params if p[0] in left),
        )


def _bound_term(name: str, value) -> str:
    if isinstance(value, t.IRI):
        if not valid_iri(value.value):
            raise ValueError(f"?{name}: {value.value!r} is not an absolute IRI that SPARQL can write")
        return "<" + value.value + ">"
    if isinstance(value, t.Literal):
        if value.lang is not None and value.datatype is not None:
            raise ValueError(f"?{name}: a literal has a language tag or a datatype, not both")
        if value.lang is not None and not _LANG.match(value.lang):
            raise ValueError(f"?{name}: {value.lang!r} is not a language tag")
        if value.datatype is not None and not valid_iri(value.datatype):
            raise ValueError(f"?{name}: {value.datatype!r} is not a datatype IRI")
        if _SURROGATES.search(value.value):
            raise ValueError(f"?{name}: the text holds a lone surrogate (not Unicode)")
        return term(t.Literal(value.value, value.lang, value.datatype))
    raise TypeError(f"?{name}: bind an IRI or a Literal, not {type(value).__name__}")


# --- plans --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Instance:
    """What one text yields before the policy: canonical fragments and the policy's inputs."""

    form: str
    parts: tuple[str, ...]
    variables: tuple[str, ...]
    services: tuple  # ((line, column) of SERVICE, endpoint IRI or None for a variable)
    datasets: tuple  # ((line, column) of the IRI, IRI, named)
    limit: int | None
    has_limit: bool
    params: tuple[tuple[str, int], ...]


class _Plan:
    """The canonical text of one token shape with holes for its terms, and the policy's slots."""

    __slots__ = ("form", "parts", "slots", "variables", "services", "datasets", "has_limit", "limit_slot", "params")

    def __init__(self, query: t.Query, toks: Tokens, variables: tuple[str, ...]):
        writer = Writer()
        writer.query(query)
        self.form = _FORMS[type(query)]
        self.parts = tuple(writer.out)
        self.slots = tuple((i, *_builder(node, toks), writer.glued.get(i, "")) for i, node in writer.slots)
        self.variables = variables
        self.params = tuple(writer.params)
        self.services = tuple(
            (node.tok, node.endpoint.tok if type(node.endpoint) is t.IRI else None) for node in writer.services
        )
        self.datasets = tuple((clause.iri.tok, clause.named) for clause in writer.datasets)
        self.has_limit = query.modifiers.limit is not None
        self.limit_slot = query.modifiers.limit_tok

    def instance(self, toks: Tokens, prefixes: Mapping[str, str], base: str | None) -> _Instance:
        parser = Parser(toks, prefixes, base)
        parser.prologue()  # the PREFIX and BASE declarations of this text, not of the plan's
        pro = parser.pro
        parts = list(self.parts)
        for i, build, tok, glued in self.slots:
            parts[i] = build(toks, tok, pro) + glued
        services = tuple(
            (toks.position(at), None if tok is None else iri_value(toks, tok, pro)) for at, tok in self.services
        )
        datasets = tuple((toks.position(tok), iri_value(toks, tok, pro), named) for tok, named in self.datasets)
        limit = count_at(toks, self.limit_slot) if self.limit_slot is not None else None
        parts = tuple(parts)
        return _Instance(self.form, parts, self.variables, services, datasets, limit, self.has_limit, self.params)


def _builder(node, toks: Tokens):
    """How to rebuild the fragment of a slot from the tokens of another text of the same shape."""
    if isinstance(node, tuple):  # ("int" | "string" | "base", token index)
        return _RENDER[node[0]], node[1]
    if type(node) is t.IRI:
        return render_iri, node.tok
    if toks.kinds[node.tok] in SIGNED_KINDS and not node.value.startswith(("+", "-")):
        return render_unsigned, node.tok
    return render_literal, node.tok


_RENDER = {"int": render_int, "string": render_string, "base": render_base}
_PLANS: dict[str, _Plan] = {}
_PLANS_LOCK = threading.Lock()
_PLANS_MAX = 512
# Texts longer than this are checked without caching, so the caches' memory stays bounded
# (at most about 2,048 + 512 entries of this size).
CACHED_TEXT_CHARS = 8192


def _new_plan(toks: Tokens, prefixes: Mapping[str, str], base: str | None) -> _Plan:
    query = Parser(toks, prefixes, base).query()
    variables = check_semantics(query, toks)
    return _Plan(query, toks, tuple(variables) if type(query) is t.Select else ())


def _plan(toks: Tokens, prefixes: Mapping[str, str], base: str | None) -> _Plan:
    plan = _PLANS.get(toks.key)
    if plan is None:
        plan = on_fresh_stack(_new_plan, toks, prefixes, base)
        if len(toks.key) <= CACHED_TEXT_CHARS:
            with _PLANS_LOCK:  # only a new shape takes it; a hit is one dict lookup
                if len(_PLANS) >= _PLANS_MAX:
                    _PLANS.pop(next(iter(_PLANS)), None)  # the oldest
                _PLANS[toks.key] = plan
    return plan


def _make_instance(text: str, prefix_items: tuple, base: str | None, limits: Limits) -> _Instance:
    toks = tokenize(text, limits)
    prefixes = dict(prefix_items)
    return _plan(toks, prefixes, base).instance(toks, prefixes, base)


_cached_instance = lru_cache(maxsize=2048)(_make_instance)


def _instance(text: str, prefix_items: tuple, base: str | None, limits: Limits) -> _Instance:
    if len(text) > CACHED_TEXT_CHARS:
        return _make_instance(text, prefix_items, base, limits)
    return _cached_instance(text, prefix_items, base, limits)


# --- the policy ---------------------------------------------------------------------------------


def check(
    text: str,
    *,
    prefixes: Mapping[str, str],
    allowed_graphs: frozenset[str] | set[str],
    allowed_services: frozenset[str] | set[str] = frozenset(),
    limits: Limits = DEFAULT_LIMITS,
    base: str | None = None,
) -> CheckedQuery:
    """Check `text` as a read-only SPARQL 1.1 query; raise Refused or SparqlSyntaxError, else return
    the CheckedQuery whose canonical `text` is what an engine should run.

    `prefixes` are predeclared (the query's PREFIX overrides them); FROM / FROM NAMED may name only
    `allowed_graphs`; SERVICE may name only a constant IRI in `allowed_services`.
    """
    inst = _instance(text, tuple(prefixes.items()), base, limits)
    for (line, col), endpoint in inst.services:
        if endpoint is None or endpoint not in allowed_services:
            shown = "a variable endpoint" if endpoint is None else f"<{endpoint}>"
            raise Refused(
                "service",
                f"SERVICE (federated query) to {shown} at line {line}, column {col} is not allowed: this service "
                "never makes outbound requests on a user's behalf.",
                line,
                col,
            )
    default, named = [], []
    for (line, col), iri, is_named in inst.datasets:
        if iri not in allowed_graphs:
            clause = "FROM NAMED" if is_named else "FROM"
            raise Refused(
                "dataset",
                f"{clause} <{iri}> at line {line}, column {col} is not allowed: queries may only name the "
                "dataset's own graphs (see the service description); nothing is loaded from elsewhere.",
                line,
                col,
            )
        (named if is_named else default).append(iri)
    return CheckedQuery(
        form=inst.form,
        text=join(inst.parts),
        variables=inst.variables,
        dataset=Dataset(tuple(default), tuple(named)) if inst.datasets else None,
        has_limit=inst.has_limit,
        limit=inst.limit,
        params=tuple(dict.fromkeys(name for name, _ in inst.params)),
        _parts=inst.parts,
        _params=inst.params,
    )


def clear_caches() -> None:
    """Forget every cached text and plan (tests use it to exercise the uncached path)."""
    with _PLANS_LOCK:
        _PLANS.clear()
    _cached_instance.cache_clear()
