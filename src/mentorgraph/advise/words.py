"""What a person types, matched to what the data names: a theme (`time` -> Time commitment) and the
value of a facet (`early-career` -> Early-career faculty, `in person` -> In-person).

Matching ignores case, accents, hyphens and punctuation, accepts any label, alternative label, id,
CURIE or IRI, a plural for a singular (`fellow` -> Fellows), and the first words of a name when they
name one thing only. Every error says, in plain words a page can show, what was expected and the
closest known values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import iris
from ..pipeline.themes import Theme, ThemeScheme
from ..problems import closest
from ..query.api import ParameterError
from ..text import normalize
from .model import Concept


class AdviceError(ParameterError):
    """A value the person gave cannot be used (CLI exit code 2); the message is in plain words."""


class ThemeError(AdviceError):
    """A value names no theme, or several; `candidates` are the closest themes' labels."""

    def __init__(self, param: str, value: str, problem: str, candidates: list[str]):
        self.param, self.value, self.candidates = param, value, candidates
        if problem == "ambiguous":
            msg = f"{param} {value!r} is ambiguous; it names: {', '.join(candidates)}. Use the full label."
        else:
            msg = (
                f"unknown {param} {value!r} (expected a theme's label, alternative label or a word of it); "
                f"closest known: {', '.join(repr(c) for c in candidates)}"
            )
        super().__init__(msg)


def in_sentence(label: str) -> str:
    """A label inside a sentence: 'Career stage' -> 'career stage'; an acronym (ELAM) is kept."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def fold(text: str) -> str:
    """`text` for matching: normalized, hyphens and punctuation as spaces."""
    return " ".join(re.sub(r"[-_/.,;:()'\"]+", " ", normalize(text)).split())


def _singular(key: str) -> str:
    # A plural for a singular, word by word: "fellow" finds Fellows, "mother" Mothers.
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in key.split())


def _words(text: str) -> list[str]:
    return fold(text).split()


def _has_phrase(name: str, key: str) -> bool:
    """Whether `key` is one word of `name`, or several consecutive ones."""
    return f" {' '.join(_words(key))} " in f" {' '.join(_words(name))} "


# -- themes ---------------------------------------------------------------------------------------
def resolve_theme(scheme: ThemeScheme, value: str, param: str = "theme", among: Sequence[str] | None = None) -> Theme:
    """The theme `value` names: an id, label or alternative label, else a word (or words) of a label.

    Exact names win over words; a word of a preferred label wins over a word of an alternative label.
    `among` limits the themes to those ids (a view's). Raises ThemeError listing the closest themes.
    """
    themes = [t for t in scheme.themes if among is None or t.id in among]
    key = normalize(value)
    if not key:
        raise ThemeError(param, value, "an empty value", suggest_themes(themes, value))
    exact = [t for t in themes if key in {t.id, normalize(t.label), *map(normalize, t.alt_labels)}]
    word_of_label = [t for t in themes if _has_phrase(t.label, key)]
    word_of_alt = [t for t in themes if any(_has_phrase(a, key) for a in t.alt_labels)]
    for hits in (exact, word_of_label, word_of_alt):
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise ThemeError(param, value, "ambiguous", [t.label for t in hits])
    raise ThemeError(param, value, "unknown", suggest_themes(themes, value))


def suggest_themes(themes: Sequence[Theme], value: str, n: int = 3) -> list[str]:
    """The labels of the themes closest to `value`, by spelling of any of their names or words."""
    names: dict[str, str] = {}
    for t in themes:
        for name in (t.label, *t.alt_labels, *_words(t.label)):
            names.setdefault(name, t.label)
    out: list[str] = []
    for hit in closest(value, names, n=10):
        if names[hit] not in out:
            out.append(names[hit])
    return out[:n] or [t.label for t in themes[:n]]


# -- values of a facet ----------------------------------------------------------------------------
def as_iri(value: str) -> str | None:
    """The IRI `value` spells as <IRI>, an http(s) IRI or a CURIE of a known prefix, else None."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    if value.startswith(("http://", "https://")):
        return value
    prefix, sep, local = value.partition(":")
    if sep and prefix in iris.PREFIXES and " " not in value:
        return iris.PREFIXES[prefix] + local
    return None


def match(value: str, concepts: Sequence[Concept]) -> list[Concept]:
    """The concepts `value` names, best kind of match first; empty when it names none."""
    iri = as_iri(value)
    if iri is not None:
        return [c for c in concepts if c.iri == iri]
    key = fold(value)
    if not key:
        return []
    by_id = [c for c in concepts if value.strip() == c.id]
    if by_id:
        return by_id
    for same in (lambda name: fold(name) == key, lambda name: _singular(fold(name)) == _singular(key)):
        hits = [c for c in concepts if any(same(n) for n in c.names | {c.id})]
        if len(hits) > 1:
            # A preferred label beats an alternative label of something else.
            hits = [c for c in hits if same(c.label)] or hits
        if hits:
            return hits
    start = f"{_singular(key)} "
    return [c for c in concepts if any(f"{_singular(fold(n))} ".startswith(start) for n in c.names | {c.id})]


def nearest(value: str, concepts: Sequence[Concept], n: int = 3) -> list[str]:
    """The labels of the concepts whose names are closest to `value`."""
    names = {name: c.label for c in concepts for name in c.names}
    return list(dict.fromkeys(names[hit] for hit in closest(value, names, n=10)))[:n]
