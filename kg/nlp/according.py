"""Reported speech credited with "according to": "…, according to Ukrainian officials." and
"According to the ministry, …". The words are the rest of the sentence; the source is the entity
named after "according to", else its words as an unnamed source ("Ukrainian officials")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.nlp.doc_text import doc_text
from kg.nlp.facts import Speaker
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, Mention
from kg.nlp.names import surname_key

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
        taken = _subject_taken(source, sentence)
        speaker = _source(source, mentions, discourse, taken)
        if speaker is None:
            continue
        relay = _relayed_cue(sentence, token, cues)
        if relay is not None:  # "Peskov added that …, according to the agency": the agency relays Peskov
            start, end = relay.idx + len(relay), token.idx
        elif token.idx - sentence.start_char > sentence.end_char - source.right_edge.idx:  # "…, according to X."
            start, end = discourse.after_furniture(sentence.start_char), token.idx
        elif taken is not None:  # "According to X, fire crews continue…", the crews parsed as joined to X
            start, end = taken.left_edge.idx, sentence.end_char
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


def _subject_taken(source: "Token", sentence) -> "Token | None":
    """"According to the mayor, fire and rescue crews continue to work": the parser may join the
    clause's subject to the source as a conjunct or an apposition after the comma, leaving the clause without a
    subject. That phrase, which starts the words said; None when the clause has its subject."""
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in sentence.root.children):
        return None
    return next((c for c in source.children if c.dep_ in ("conj", "appos") and c.left_edge.i > source.i
                 and c.doc[c.left_edge.i - 1].text == ","), None)


def _source(source: "Token", mentions: list[Mention], discourse: "Discourse",
            taken: "Token | None" = None) -> Speaker | None:
    """Who the words are credited to: the entity named, else the source's words (up to the subject
    the parser joined to it, `taken`)."""
    last = source.doc[taken.left_edge.i - 2] if taken is not None else source.right_edge  # before the comma
    lo, hi = source.left_edge.idx, last.idx + len(last)
    named = [m for m in mentions if m.start <= source.idx < m.end and m.kind in (ORGANIZATION, PERSON, COUNTRY)
             and discourse.usable(m)]  # the source itself, not a name modifying it ("leaked U.S. documents")
    if named:
        return Speaker(ref=(named[0].start, named[0].end))
    if source.pos_ == "PROPN" and source.text[:1].isupper():  # "according to Klitschko", the NER missed the name
        key = surname_key(source.text)
        known = [m for m in mentions if m.kind == PERSON and m.end <= source.idx and surname_key(m.text) == key
                 and discourse.usable(m)]
        return Speaker(ref=(known[-1].start, known[-1].end)) if known else None
    if source.pos_ != "NOUN" or source.right_edge.i - source.left_edge.i >= _MAX_SOURCE_TOKENS:
        return None  # "according to plan" stays unattributed
    return Speaker(description=discourse.text[lo:hi], start=lo, end=hi)
