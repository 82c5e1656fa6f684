"""Refuse SPARQL that would write, federate or read files, before any engine sees it.

rdflib follows SERVICE clauses and reads FROM <file:...> on a Dataset; pyoxigraph would run an
update handed to it as one. mentorgraph is read-only, so the CLI, the API and the server share this
check. It works on tokens: comments, string literals and IRIs are blanked out first, so a keyword
inside a label or an IRI never triggers it, and a keyword outside them always does.
"""

from __future__ import annotations

import re

from ..iris import PREFIXES

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}

_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.S)
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_COMMENT = re.compile(r"#[^\n]*")
_WORD = re.compile(r"(?<![?$:\w-])([A-Za-z]+)(?![\w:-])")


class RefusedQuery(Exception):
    """The request is not a read-only query this service runs; the message says why."""


def _blank(text: str) -> tuple[str, list[str]]:
    """Text with strings, IRIs and comments replaced by spaces; and the IRIs found, in order."""
    iris: list[str] = []
    out, i = [], 0
    pattern = re.compile(f"{_STRING.pattern}|{_IRI.pattern}|{_COMMENT.pattern}", re.S)
    for m in pattern.finditer(text):
        out.append(text[i : m.start()])
        token = m.group(0)
        if token.startswith("<"):
            iris.append(token[1:-1])
            out.append("<>")
        else:
            out.append(" " * len(token) if token.startswith("#") else '""')
        i = m.end()
    out.append(text[i:])
    return "".join(out), iris


def keywords(text: str) -> list[str]:
    """The SPARQL keywords of `text` (upper-cased), outside strings, IRIs and comments."""
    blanked, _ = _blank(text)
    return [w.upper() for w in _WORD.findall(blanked)]


def check_query(text: str, allowed_graphs: set[str] | None = None, allowed_services: set[str] | None = None) -> None:
    """Raise RefusedQuery unless `text` is a read-only query without federation or foreign datasets.

    FROM / FROM NAMED may only name graphs in `allowed_graphs` (the store's own named graphs);
    SERVICE may only name endpoints in `allowed_services` (empty by default: never federate).
    """
    blanked, _ = _blank(text)
    words = [w.upper() for w in _WORD.findall(blanked)]
    writes = sorted(set(words) & UPDATE_KEYWORDS)
    if writes:
        raise RefusedQuery(
            f"SPARQL Update is not allowed: mentorgraph is read-only (found {', '.join(writes)}). "
            "Change data by editing data/*.yaml or with `mentorgraph import`."
        )
    # Walk the original text once more to see which IRI follows SERVICE / FROM / FROM NAMED.
    tokens = re.findall(rf"{_STRING.pattern}|{_IRI.pattern}|{_COMMENT.pattern}|[A-Za-z_][\w:-]*|\S", text, re.S)
    tokens = [t for t in tokens if not t.startswith("#")]
    prefixes = dict(PREFIXES)
    for i, tok in enumerate(tokens[:-2]):  # the query's own PREFIX declarations
        if tok.upper() == "PREFIX" and tokens[i + 2].startswith("<"):
            prefixes[tokens[i + 1].rstrip(":")] = tokens[i + 2][1:-1]
    for i, tok in enumerate(tokens):
        up = tok.upper()
        if up == "SERVICE":
            shown, iri = _target(tokens, i, "SILENT", prefixes)
            if iri not in (allowed_services or set()):
                raise RefusedQuery(
                    f"SERVICE (federated query) to {shown or '?'} is not allowed: this service never "
                    "makes outbound requests on a user's behalf."
                )
        elif up == "FROM":
            shown, iri = _target(tokens, i, "NAMED", prefixes)
            if allowed_graphs is None or iri not in allowed_graphs:
                raise RefusedQuery(
                    f"FROM {shown} is not allowed: queries may only name the dataset's own "
                    "graphs (see /sparql service description); nothing is loaded from elsewhere."
                )


def _target(tokens: list[str], i: int, optional_word: str, prefixes: dict[str, str]) -> tuple[str, str]:
    """The token naming the IRI after tokens[i] (skipping SILENT or NAMED), as shown and as a full IRI."""
    j = i + 1
    if j < len(tokens) and tokens[j].upper() == optional_word:
        j += 1
    shown = tokens[j] if j < len(tokens) else ""
    if shown.startswith("<"):
        return shown, shown[1:-1]
    prefix, sep, local = shown.partition(":")
    if sep and prefix in prefixes:
        return shown, prefixes[prefix] + local
    return shown, shown
