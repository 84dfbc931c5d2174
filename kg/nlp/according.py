"""Reported speech credited with "according to": "…, according to Ukrainian officials." and
"According to the ministry, …". The words are the rest of the sentence; the source is the entity
named after "according to", else its words as an unnamed source ("Ukrainian officials")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.nlp.doc_text import doc_text
from kg.nlp.facts import Speaker
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from kg.nlp.discourse import Discourse

_MAX_SOURCE_TOKENS = 12
_TRIM = " ,;:–—-\n"


def according_to(doc: "Doc", mentions: list[Mention], discourse: "Discourse",
                 cues: frozenset[str]) -> list[tuple[int, int, Speaker, "Token | None"]]:
    """(start, end, source, relayed verb of saying) of each sentence's words credited with "according to"."""
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
        relay = _relayed_cue(sentence, token, cues)
        if relay is not None:  # "Peskov added that …, according to the agency": the agency relays Peskov
            start, end = relay.idx + len(relay), token.idx
        elif token.idx - sentence.start_char > sentence.end_char - source.right_edge.idx:  # "…, according to X."
            start, end = discourse.after_furniture(sentence.start_char), token.idx
        else:  # "According to X, …"
            start, end = source.right_edge.idx + len(source.right_edge), sentence.end_char
        while start < end and doc_text(doc)[start] in _TRIM:
            start += 1
        while end > start and doc_text(doc)[end - 1] in _TRIM + ".":
            end -= 1
        if doc_text(doc)[start:end].lower().startswith("that "):
            start += 5
        if len(doc_text(doc)[start:end].split()) >= 3:
            found.append((start, end, speaker, relay))
    return found


def _relayed_cue(sentence, according: "Token", cues: frozenset[str]) -> "Token | None":
    """The sentence's own verb of saying, with a subject, before "according to"."""
    root = sentence.root
    if root.lemma_ in cues and root.i < according.i and any(c.dep_ == "nsubj" for c in root.children):
        return root
    return None


def _source(source: "Token", mentions: list[Mention], discourse: "Discourse") -> Speaker | None:
    lo, hi = source.left_edge.idx, source.right_edge.idx + len(source.right_edge)
    named = [m for m in mentions if m.start <= source.idx < m.end and m.kind in (ORGANIZATION, PERSON, COUNTRY)
             and discourse.usable(m)]  # the source itself, not a name modifying it ("leaked U.S. documents")
    if named:
        return Speaker(ref=(named[0].start, named[0].end))
    if source.pos_ != "NOUN" or source.right_edge.i - source.left_edge.i >= _MAX_SOURCE_TOKENS:
        return None  # "according to plan" stays unattributed
    return Speaker(description=discourse.text[lo:hi], start=lo, end=hi)
