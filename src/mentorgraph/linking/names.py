"""How the linker compares names: one normalization of organization names and acronyms, and the
words of a name (stopwords left out) for near matches. Kept apart from the scoring in reconcile.py.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

STOPWORDS = {
    "the",
    "of",
    "for",
    "and",
    "in",
    "at",
    "on",
    "a",
    "an",
    "de",
    "la",
    "le",
    "du",
    "des",
    "der",
    "und",
}

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'"})
_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=1 << 16)
def normalize_name(text: str) -> str:
    """The comparable form of a name: 'The  Rheumatol\u00adogy Alliance' -> 'rheumatology alliance'."""
    if not text.isascii():  # most names are ASCII: skip the Unicode work for them
        text = text.translate(_INVISIBLE).translate(_QUOTES)
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.casefold().replace("&", " and ").replace("'", "").replace("`", "")
    text = " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())
    return text.removeprefix("the ")


def normalize_acronym(text: str) -> str:
    """An acronym as compared: NFKC, invisible characters dropped, upper case."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).strip().upper()


def tokens(normalized: str) -> frozenset[str]:
    """The words of a normalized name, stopwords left out."""
    return frozenset(t for t in normalized.split() if t not in STOPWORDS)
