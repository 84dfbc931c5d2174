"""Reported speech credited with "according to": "…, according to Ukrainian officials." and
"According to the ministry, …". The words are the rest of the sentence; the source is the entity
named after "according to", else its words as an unnamed source ("Ukrainian officials")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.nlp.facts import Speaker
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from kg.nlp.discourse import Discourse

_MAX_SOURCE_TOKENS = 12
_TRIM = " ,;:–—-\n"


def according_to(doc: "Doc", mentions: list[Mention], discourse: "Discourse") -> list[tuple[int, int, Speaker]]:
    """(start, end, source) of each sentence's words credited with "according to"."""
    found = []
    for token in doc:
        if token.lower_ != "according" or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
            continue
        source = next((c for c in doc[token.i + 1].children if c.dep_ == "pobj"), None)
        if source is None or discourse.in_quote(token.idx):
            continue
        sentence = token.sent
        if any(discourse.in_quote(t.idx) for t in sentence):
            continue  # a quote's own attribution handles it
        speaker = _source(source, mentions, discourse)
        if speaker is None:
            continue
        if token.idx - sentence.start_char > sentence.end_char - source.right_edge.idx:  # "…, according to X."
            start, end = discourse.after_furniture(sentence.start_char), token.idx
        else:  # "According to X, …"
            start, end = source.right_edge.idx + len(source.right_edge), sentence.end_char
        while start < end and doc.text[start] in _TRIM:
            start += 1
        while end > start and doc.text[end - 1] in _TRIM + ".":
            end -= 1
        if len(doc.text[start:end].split()) >= 3:
            found.append((start, end, speaker))
    return found


def _source(source: "Token", mentions: list[Mention], discourse: "Discourse") -> Speaker | None:
    lo, hi = source.left_edge.idx, source.right_edge.idx + len(source.right_edge)
    named = [m for m in mentions if lo <= m.start and m.end <= hi and m.kind in (ORGANIZATION, PERSON, COUNTRY)
             and discourse.usable(m)]
    if named:
        return Speaker(ref=(named[0].start, named[0].end))
    if source.pos_ != "NOUN" or source.right_edge.i - source.left_edge.i >= _MAX_SOURCE_TOKENS:
        return None  # "according to plan" stays unattributed
    return Speaker(description=discourse.text[lo:hi], start=lo, end=hi)
