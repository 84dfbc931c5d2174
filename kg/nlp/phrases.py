"""Phrase lexicons looked up in a parsed text: the longest phrase of a list (kg/nlp/lexicon) that
starts at a token, by the word it starts with, so that a token no phrase starts with costs one set
lookup (kg.nlp.compounds asks at every token of an article)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.nlp import lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc

_WORD = re.compile(r"\w+|-")


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A lexicon phrase as spaCy splits it, lower-case: "hydro-electric plant" -> hydro, -, electric, plant."""
    return tuple(_WORD.findall(phrase.lower()))


@lexicon.cached
def phrases_by_word(name: str) -> tuple[dict[str, tuple[tuple[str, ...], ...]], dict[str, tuple[tuple[str, ...], ...]]]:
    """A phrase lexicon as token tuples indexed by the word a match starts with: every phrase by
    its first word, and the one-word phrases also by their plurals (+s, +es)."""
    phrases = sorted({p for p in map(phrase_tokens, lexicon.words(name)) if p}, key=lambda p: (-len(p), p))
    by_first: dict[str, list[tuple[str, ...]]] = {}
    by_plural: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        by_first.setdefault(phrase[0], []).append(phrase)
        if len(phrase) == 1:
            for plural in {phrase[0] + "s", phrase[0] + "es"}:
                by_plural.setdefault(plural, []).append(phrase)
    return ({w: tuple(p) for w, p in by_first.items()}, {w: tuple(p) for w, p in by_plural.items()})


@lexicon.cached
def starting_words(name: str) -> frozenset[str]:
    """Every word a phrase of lexicon `name` can start with, plurals included: a token that is not
    one needs no `match` (asked at every token of an article)."""
    by_first, by_plural = phrases_by_word(name)
    return frozenset(by_first) | frozenset(by_plural)


def match(doc: "Doc", start: int, name: str, plural: bool) -> int | None:
    """The end of the longest phrase of lexicon `name` at token `start` (a plural last word if `plural`)."""
    if start >= len(doc):
        return None
    by_first, by_plural = phrases_by_word(name)
    first = doc[start].lower_
    best = None
    for phrase in by_first.get(first, ()) + (by_plural.get(first, ()) if plural else ()):
        end = start + len(phrase)
        if end > len(doc) or best is not None and end <= best:
            continue
        *body, last = phrase
        if all(doc[start + i].lower_ == w for i, w in enumerate(body)) and (
                doc[end - 1].lower_ == last or plural and doc[end - 1].lower_ in (last + "s", last + "es")):
            best = end
    return best
