"""Titles and roles around a person's name, kept as facts rather than as part of the name.

"Kremlin spokesman Dmitry Peskov" -> name "Dmitry Peskov", role spokesman, affiliation Kremlin.
"Dmitry Medvedev, a former Russian president" -> role president, affiliation Russia.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.mention import Role

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_MAX_TITLE_TOKENS = 4


def title_prefix_length(span: "Span", gazetteer: Gazetteer) -> tuple[int, str | None]:
    """How many leading tokens of a person span are a title ("Mayor Sergei Sobyanin" -> 1)."""
    for length in range(min(_MAX_TITLE_TOKENS, len(span) - 1), 0, -1):
        title = gazetteer.title(span[:length].text)
        if title:
            return length, title
    return 0, None


def affiliation_and_title_prefix(span: "Span", gazetteer: Gazetteer) -> tuple[int, Role | None]:
    """A person span that starts with a known name and a title ("Moscow Mayor Sergei Sobyanin",
    "Kremlin spokesman Dmitry Peskov" when the NER swallowed both): (tokens to drop, role)."""
    for cut in range(1, min(_MAX_TITLE_TOKENS, len(span) - 2) + 1):
        entry = gazetteer.lookup(span[:cut].text)
        if entry is None or entry.kind in ("weapon", "equipment"):
            continue
        length, title = title_prefix_length(span[cut:], gazetteer)
        if title is None:
            continue
        key = entry.actor if entry.actor and entry.kind == "landmark" else entry.key
        where = span[:cut]
        return cut + length, Role(title=title, affiliation=where.text, affiliation_key=key,
                                  affiliation_start=where.start_char, affiliation_end=where.end_char)
    return 0, None


def title_before(doc: "Doc", index: int, gazetteer: Gazetteer) -> tuple[int, str | None]:
    """A title ending at token `index` ("… Secretary of State |Antony"): (first token, title)."""
    for length in range(_MAX_TITLE_TOKENS, 0, -1):
        first = index - length + 1
        if first < 0:
            continue
        title = gazetteer.title(doc[first : index + 1].text)
        if title:
            return first, title
    return index + 1, None


def _affiliation_at(doc: "Doc", index: int, gazetteer: Gazetteer) -> tuple[str | None, str | None, "Span | None"]:
    """The organisation or country named by the token(s) ending at `index`, if any."""
    if index < 0:
        return None, None, None
    for first in range(max(0, index - 3), index):  # "Russian defence ministry spokeswoman"
        words = doc[first : index + 1]
        if any(t.is_punct or t.is_space for t in words):
            continue
        entry = gazetteer.lookup(words.text)
        if entry is not None and entry.kind in ("government", "organization", "media"):
            return words.text, entry.key, words
    token = doc[index]
    if token.ent_type_ and token.ent_type_ not in ("NORP", "DATE", "TIME", "CARDINAL", "ORDINAL"):
        ent = next((e for e in doc.ents if e.start <= index < e.end), None)
        if ent is not None:
            text = _strip_the(ent.text)
            entry = gazetteer.lookup(text)
            return text, entry.actor if entry and entry.actor and entry.kind == "landmark" else (entry.key if entry else None), None
    entry = gazetteer.demonym(token.text)
    if entry is not None:
        return entry.label, entry.key, None
    return None, None, None


def _strip_the(text: str) -> str:
    return text[4:] if text[:4].lower() == "the " else text


def role_before(span: "Span", gazetteer: Gazetteer, inner_title: str | None) -> Role | None:
    """A title right before the name (or stripped from its start) and the modifier before it."""
    first, title = title_before(span.doc, span.start - 1, gazetteer)
    if title is None and inner_title is None:
        return None
    title = title or inner_title
    index = first - 1
    # Skip adjectives such as "former" / "deputy" between the affiliation and the title.
    while index >= 0 and span.doc[index].lower_ in lexicon.words("title_modifiers"):
        index -= 1
    affiliation, key, where = _affiliation_at(span.doc, index, gazetteer)
    return Role(title=title, affiliation=affiliation, affiliation_key=key,  # type: ignore[arg-type]
                affiliation_start=where.start_char if where is not None else None,
                affiliation_end=where.end_char if where is not None else None)


def role_in_apposition(span: "Span", gazetteer: Gazetteer) -> Role | None:
    """"Name, a former Russian president" / "Name, the head of the state broadcaster RT"."""
    root: Token = span.root
    for child in root.children:
        if child.dep_ != "appos" or child.i < span.end:
            continue
        title = gazetteer.title(child.text) or gazetteer.title(child.lemma_)
        if not title:
            return None
        affiliation, key = _affiliation_in(child, span, gazetteer)
        return Role(title=title, affiliation=affiliation, affiliation_key=key)
    return None


def _affiliation_in(noun: "Token", person: "Span", gazetteer: Gazetteer) -> tuple[str | None, str | None]:
    """An organisation named inside the apposition, else a country, else a demonym."""
    doc = noun.doc
    lo, hi = noun.left_edge.i, noun.right_edge.i + 1
    ents = [e for e in doc.ents if lo <= e.start and e.end <= hi and not (person.start <= e.start < person.end)]
    for wanted in (("ORG",), ("GPE", "LOC", "FAC")):
        for ent in ents:
            if ent.label_ in wanted:
                text = _strip_the(ent.text)
                entry = gazetteer.lookup(text)
                return text, entry.key if entry else None
    for token in doc[lo:hi]:
        entry = gazetteer.demonym(token.text)
        if entry is not None:
            return entry.label, entry.key
    return None, None


def names_a_role_holder(span: "Span") -> bool:
    """"The speaker for the Air Force, Yury Ignat, said": a name of two or three capitalised words in
    apposition to a person's role is a person, whatever the NER typed."""
    root = span.root
    if not (2 <= len(span) <= 3 and all(t.is_title and t.pos_ == "PROPN" for t in span) and root.dep_ == "appos"):
        return False
    head = root.head  # the role, or a noun of its prepositional phrase ("the speaker for the Air Force")
    for _ in range(3):
        if head.lemma_.lower() in lexicon.words("person_role_heads"):
            return True
        if head.dep_ not in ("pobj", "prep") or head.head.i == head.i:
            return False
        head = head.head
    return False
