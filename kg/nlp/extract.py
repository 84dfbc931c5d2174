"""Mentions from a parsed spaCy Doc: a pure function of the Doc and the gazetteer.

spaCy's NER proposes spans; the gazetteer corrects their type (a known city is never a person),
names what the model missed (weapons, platforms) and tells which places also act. Titles,
"the" and possessive endings are trimmed off so that every span is a name.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from kg.nlp.common_words import without_common_words
from kg.nlp.compounds import agency_tags, for_weapon, place_bodies, place_names, weapon_key, weapon_models
from kg.nlp.discourse import speaks
from kg.nlp.doc_text import doc_text
from kg.nlp.gazetteer import Gazetteer, GazetteerEntry
from kg.nlp.lexicon import words
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, PLACE, WEAPON, ArticleMentions, Mention, Role
from kg.nlp.names import name_key, surname_key
from kg.nlp.roles import (
    affiliation_and_title_prefix,
    names_a_role_holder,
    role_before,
    role_in_apposition,
    title_prefix_length,
)
from kg.nlp.sense import ACTOR_SENSE, PLACE_SENSE, place_sense
from kg.vocab import EntityKind

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_NER_KINDS = {"PERSON": PERSON, "ORG": ORGANIZATION, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE}
_RULER_LABELS = ("WEAPON", "PLATFORM")
_OTHER_LABELS = ("LANGUAGE", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW")
_GAZETTEER_KINDS = {
    "country": COUNTRY,
    "city": PLACE,
    "region": PLACE,
    "landmark": PLACE,
    "organization": ORGANIZATION,
    "media": ORGANIZATION,
    "government": ORGANIZATION,
    "platform": ORGANIZATION,
    "weapon": WEAPON,
    "equipment": WEAPON,
}
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_LETTER = re.compile(r"[^\W\d_]")

# Confidence of a mention's type, by how it was found (README: "Confidence").
CONFIDENCE = {"agree": 0.95, "gazetteer": 0.9, "corrected": 0.85, "ner": 0.8, "context": 0.75}


def _trim(span: "Span") -> "Span | None":
    """Drop a leading article and trailing possessive/punctuation tokens."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s", "'", "’")):
        end -= 1
    return doc[start:end] if end > start else None


def _pieces(span: "Span") -> list["Span"]:
    """A span cut at line breaks: NER sometimes runs across paragraphs."""
    pieces, start = [], span.start
    for token in span:
        if "\n" in token.text or token.is_space:
            if token.i > start:
                pieces.append(span.doc[start : token.i])
            start = token.i + 1
    if span.end > start:
        pieces.append(span.doc[start : span.end])
    return pieces


def _coordinated(pieces: list["Span"], label: str, gazetteer: Gazetteer) -> list["Span"]:
    """A span of another label ("Odesa and Mykolaiv" tagged WORK_OF_ART) split at "and", "or" and
    commas when it is no name as a whole, so that each known place in it is found."""
    if label not in _OTHER_LABELS:
        return pieces
    result = []
    for piece in pieces:
        if gazetteer.lookup(piece.text) is not None:
            result.append(piece)
            continue
        start = piece.start
        for token in piece:
            if token.lower_ in ("and", "or", ","):
                result += [piece.doc[start : token.i]] if token.i > start else []
                start = token.i + 1
        result += [piece.doc[start : piece.end]] if piece.end > start else []
    return result


def _strip_possessive(text: str) -> str:
    return _POSSESSIVE.sub("", text) if len(text) > 3 else text


def _kind_of(entry: GazetteerEntry) -> EntityKind:
    return _GAZETTEER_KINDS.get(entry.kind, ORGANIZATION)


class _Extractor:
    def __init__(self, doc: "Doc", gazetteer: Gazetteer, extractor: str):
        self.doc, self.gazetteer, self.extractor = doc, gazetteer, extractor
        self.sentences = [(s.start_char, s.end_char) for s in doc.sents]
        self.sentence_starts = [s for s, _ in self.sentences]

    def mention(self, span: "Span", **fields: object) -> Mention:
        index = max(0, bisect_right(self.sentence_starts, span.start_char) - 1)
        s_start, s_end = self.sentences[index]
        return Mention(
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            sentence=index,
            sentence_start=s_start,
            sentence_end=s_end,
            extractor=self.extractor,
            **fields,  # type: ignore[arg-type]
        )

    def from_entity(self, piece: "Span", label: str, ent_id: str) -> Mention | None:
        if label not in _NER_KINDS and label not in _RULER_LABELS:
            known = self.gazetteer.lookup(piece.text) if label in _OTHER_LABELS else None
            if known is None or known.kind in ("weapon", "equipment"):
                return None  # "Odesa" tagged LANGUAGE is still the city; other such spans are no entity
        span = _trim(piece)
        if span is None:
            return None
        role = None
        if label == "PERSON":
            length, role = affiliation_and_title_prefix(span, self.gazetteer)
            if role is not None:
                span = span.doc[span.start + length : span.end]
            else:
                length, inner_title = title_prefix_length(span, self.gazetteer)
                span = span.doc[span.start + length : span.end]
                role = role_before(span, self.gazetteer, inner_title) or role_in_apposition(span, self.gazetteer)
        elif label == "ORG":
            span = self._without_trailing_title(span)
        text = _strip_possessive(span.text)
        if not _LETTER.search(text) or len(text) > 80:
            return None
        if text != span.text:  # possessive glued to the token, e.g. "Kyiv’s"
            span = self.doc.char_span(span.start_char, span.start_char + len(text), alignment_mode="expand") or span
        if self._part_of_title(span):
            return None
        if label == "WEAPON" and self._modifier_before(span) in words("not_weapon_modifiers"):
            return None  # "think tank", "fuel tanks", "fuel-filled tanks"
        if label == "PERSON" and self.gazetteer.title(span[-1].text) and (
                len(span) == 1 or self.gazetteer.demonym(span[:-1].text)):
            return None  # "Ukrainian minister": a title, no name
        entry = self.gazetteer.get(ent_id) if label in _RULER_LABELS and ent_id else self.gazetteer.lookup(text)
        entry = entry or self._weapon_variant(text)
        return self._typed(span, label, entry, role)

    def _modifier_before(self, span: "Span") -> str:
        """The word before a span, or the first word of a hyphenated one ("fuel" of "fuel-filled")."""
        i = span.start - 1
        while i >= 2 and self.doc[i - 1].text == "-" and not self.doc[i - 2].whitespace_:
            i -= 2
        return self.doc[i].lower_ if i >= 0 else ""

    def _weapon_variant(self, text: str) -> GazetteerEntry | None:
        """"Kinzhal-47s", "Shahed-136/131": a known weapon with a variant number (kg.nlp.compounds)."""
        key = weapon_key(text, self.gazetteer)
        return self.gazetteer.get(key) if key and any(c.isdigit() for c in text) else None

    def _without_trailing_title(self, span: "Span") -> "Span":
        """"Kremlin spokesman", "President's Office Head": the organisation without its officer's title."""
        while len(span) > 1 and self.gazetteer.title(span[-1].text) and span[-1].lower_ not in ("chair", "speaker", "general"):
            span = span[:-1]
        return span

    def _part_of_title(self, span: "Span") -> bool:
        """"State" in "Secretary of State", "Defense" in "Defense Minister Boris Pistorius": part of a
        title, not an organisation."""
        spans = [self.doc[span.start - back : span.end] for back in (1, 2, 3) if span.start >= back]
        spans += [self.doc[span.start : span.end + ahead] for ahead in (1, 2) if span.end + ahead <= len(self.doc)]
        return any(self.gazetteer.title(s.text) for s in spans)

    def _typed(self, span: "Span", label: str, entry: GazetteerEntry | None, role: Role | None) -> Mention | None:
        if (label in ("PERSON", "GPE", "LOC") and len(span) <= 3 and speaks(span)
                and (entry is None and label != "PERSON"
                     or entry is not None and label == "PERSON" and entry.kind == "country")):
            # a name that is the subject of "said" is a person: the NER's place (no gazetteer entry),
            # or the NER's person where the gazetteer has a country of that name ("Jordan said");
            # cities stay actors ("Kyiv said": the government)
            return self.mention(span, kind=PERSON, ner_label=label, role=role, confidence=CONFIDENCE["context"])
        if entry is None and label == "ORG" and names_a_role_holder(span):
            return self.mention(span, kind=PERSON, ner_label=label, role=role_in_apposition(span, self.gazetteer),
                                confidence=CONFIDENCE["context"])
        if entry is None:
            if self.gazetteer.demonym(span.text):
                return None  # "Ukrainian" is an adjective of a country, not a place of its own
            kind = WEAPON if label == "WEAPON" else _NER_KINDS.get(label)  # a class of weapon_classes.json
            if kind is None or kind != WEAPON and span.text.islower():
                return None  # a name has a capital ("debris" tagged PERSON is none)
            return self.mention(span, kind=kind, ner_label=label, role=role, confidence=CONFIDENCE["ner"])
        kind = _kind_of(entry)
        agrees = _NER_KINDS.get(label) == kind or label in _RULER_LABELS
        confidence = CONFIDENCE["gazetteer" if label in _RULER_LABELS else "agree" if agrees else "corrected"]
        actor = self.gazetteer.get(entry.actor) if entry.actor else None
        if actor is not None and entry.kind in ("city", "landmark") and place_sense(span) == ACTOR_SENSE:
            return self.mention(
                span, kind=ORGANIZATION, ner_label=label, gazetteer_key=actor.key, sense=ACTOR_SENSE,
                confidence=confidence,
            )
        sense = PLACE_SENSE if entry.actor and entry.kind in ("city", "landmark") else None
        return self.mention(span, kind=kind, ner_label=label, gazetteer_key=entry.key, sense=sense, confidence=confidence)


def _retype_known_persons(mentions: list[Mention]) -> list[Mention]:
    """A name the article uses for a person is a person wherever NER typed it otherwise."""
    people = {name_key(m.text) for m in mentions if m.kind == PERSON and len(m.text.split()) > 1}
    surnames = {surname_key(m.text) for m in mentions if m.kind == PERSON and len(m.text.split()) > 1}
    result = []
    for m in mentions:
        key = name_key(m.text)
        if m.kind != PERSON and m.gazetteer_key is None and (key in people or key in surnames):
            m = dataclasses.replace(m, kind=PERSON, confidence=CONFIDENCE["context"])
        result.append(m)
    return result


_INSERTED_GIVEN_NAME = re.compile(r"\s*[A-Z][\w’'-]+")


def _without_inserted_given_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """"Mr. (Dmitry) Peskov": a one-word name in brackets right before a capitalised name is that
    person's given name, inserted by the editor, not an entity of its own (an acronym in brackets stays)."""
    return [m for m in mentions if not (
        " " not in m.text and not m.text.isupper() and m.start > 0
        and text[m.start - 1] == "(" and text[m.end : m.end + 1] == ")"
        and _INSERTED_GIVEN_NAME.match(text, m.end + 1))]


def _affiliation_mentions(worker: _Extractor, mentions: list[Mention]) -> list[Mention]:
    """Organisations named only inside a person's title ("Russian defence ministry spokeswoman")."""
    result = []
    for m in mentions:
        role = m.role
        if role is None or role.affiliation_start is None or role.affiliation_end is None or role.affiliation_key is None:
            continue
        span = worker.doc.char_span(role.affiliation_start, role.affiliation_end)
        entry = worker.gazetteer.get(role.affiliation_key)
        if span is not None and entry is not None:
            result.append(worker.mention(span, kind=_kind_of(entry), ner_label="", gazetteer_key=entry.key,
                                         confidence=CONFIDENCE["context"]))
    return result


def _with_compounds(worker: _Extractor, mentions: list[Mention]) -> list[Mention]:
    """Places with their place noun and weapons with their model replace what they overlap;
    catch-all weapon words and non-names ("GMT", "the West") are dropped (kg.nlp.compounds)."""
    new = place_names(worker.doc, mentions, worker.gazetteer, worker.mention)
    new += place_bodies(worker.doc, mentions, worker.gazetteer, worker.mention)
    known = [m for m in mentions if m.kind == WEAPON and m.gazetteer_key]  # "Shahed-136 drones" in the gazetteer
    new += [w for w in weapon_models(worker.doc, worker.gazetteer, worker.mention)
            if not any(k.start <= w.start and w.end <= k.end for k in known)]
    kept: list[Mention] = []
    for m in sorted(new, key=lambda m: (-(m.end - m.start), m.start)):
        if not any(m.start < k.end and k.start < m.end for k in kept):
            kept.append(m)
    catch_all, not_names = words("weapon_catch_all"), words("not_entity_names")
    weapons = [m for m in mentions if m.kind == WEAPON and m.text.lower() not in catch_all]
    old = [m for m in mentions if not any(m.start < k.end and k.start < m.end for k in kept)
           and not (m.kind == WEAPON and m.text.lower() in catch_all and not for_weapon(worker.doc, m, weapons))
           and m.text not in not_names]
    return old + kept


def extract_mentions(doc: "Doc", article_key: str, gazetteer: Gazetteer, extractor: str) -> ArticleMentions:
    """Every entity mention in a parsed article, in text order, without overlaps."""
    worker = _Extractor(doc, gazetteer, extractor)
    found: list[Mention] = []
    for ent in doc.ents:
        for piece in _coordinated(_pieces(ent), ent.label_, gazetteer):
            mention = worker.from_entity(piece, ent.label_, ent.ent_id_)
            if mention is not None:
                found.append(mention)
    found += _affiliation_mentions(worker, found)
    found += [m for m in agency_tags(doc, gazetteer, worker.mention) if not any(f.start < m.end and m.start < f.end for f in found)]
    found = without_common_words(doc, _with_compounds(worker, _without_inserted_given_names(doc_text(doc), found)))
    found = _retype_known_persons(sorted(found, key=lambda m: (m.start, -m.end)))
    unique: list[Mention] = []
    for m in found:
        if unique and m.start < unique[-1].end:
            continue  # overlapping spans: keep the first, longest one
        unique.append(m)
    words = sum(1 for t in doc if not (t.is_punct or t.is_space))
    return ArticleMentions(article_key, tuple(unique), len(worker.sentences), words)

