"""Resolving a relative IRI reference against a base (RFC 3986, section 5.2), and checking IRIs.

Only relative references are resolved: an IRI with a scheme is kept exactly as written (engines
compare IRIs as strings, so normalising one would change what a query matches).
"""

from __future__ import annotations

import re

# RFC 3986 appendix B, the regular expression that splits a reference into its five parts.
_SPLIT = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.S)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# IRIREF's characters (SPARQL 1.1 grammar [139]): no space, control, <>"{}|^`\
_IRI_CHARS = re.compile(r"[^<>\"{}|^`\\\x00-\x20]*")


def is_absolute(iri: str) -> bool:
    """Whether `iri` begins with a scheme (`letter *(letter / digit / + - .) :`); only such IRIs
    are left unresolved."""
    return _SCHEME.match(iri) is not None


def valid_iri(iri: str) -> bool:
    """An absolute IRI that can be written as an IRIREF."""
    return is_absolute(iri) and _IRI_CHARS.fullmatch(iri) is not None


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4."""
    out: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./"):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../"):
            path = path[3:]
            if out:
                out.pop()
        elif path == "/..":
            path = "/"
            if out:
                out.pop()
        elif path in (".", ".."):
            path = ""
        else:
            start = 1 if path.startswith("/") else 0
            end = path.find("/", start)
            if end < 0:
                end = len(path)
            out.append(path[:end])
            path = path[end:]
    return "".join(out)


def resolve(reference: str, base: str) -> str:
    """The target IRI of `reference` against the absolute `base` (RFC 3986 section 5.2.2, strict)."""
    if is_absolute(reference):
        return reference
    bscheme, bauth, bpath, bquery, _ = _SPLIT.match(base).groups()
    _, rauth, rpath, rquery, rfrag = _SPLIT.match(reference).groups()
    if rauth is not None:
        auth, path, query = rauth, remove_dot_segments(rpath), rquery
    else:
        auth = bauth
        if rpath == "":
            path = bpath
            query = rquery if rquery is not None else bquery
        else:
            if rpath.startswith("/"):
                path = remove_dot_segments(rpath)
            elif bauth is not None and bpath == "":  # section 5.2.3, merge
                path = remove_dot_segments("/" + rpath)
            else:
                path = remove_dot_segments(bpath[: bpath.rfind("/") + 1] + rpath)
            query = rquery
    out = bscheme + ":"
    if auth is not None:
        out += "//" + auth
    out += path
    if query is not None:
        out += "?" + query
    if rfrag is not None:
        out += "#" + rfrag
    return out
