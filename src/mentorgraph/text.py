"""Matching names as people type them: one fold used by the loader, the query layer and the features.

`normalize` lives here, beside nothing else, so that a stage (the themes loader) and a feature
(contributions, the recommender) can share it without importing each other or the query layer.
"""

from __future__ import annotations

import unicodedata

# Typographic variants a curator or a user types interchangeably (Table 1 uses U+2019 and U+2013).
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
    }
)


def normalize(text: str) -> str:
    """Fold case, accents, curly quotes, dashes, soft hyphens and spacing for matching names."""
    text = text.replace("\u00ad", "").translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())
