"""Who a pronoun or a description refers to, read from the article's own discourse.

- "he/she said": the last speaker quoted in the same paragraph (or last in the paragraph just
  before), else the last person named as the subject of a main clause before (a name inside a
  quote, or after the words, never counts).
- "they/it said": the last organisation, country or plural source quoted in the paragraphs just
  before, else the last organisation or country in subject position.
- "the spokesman", "the Ukrainian president": the person the article introduced earlier with that
  title ("Kremlin spokesman Dmitry Peskov"); "the ministry": the last organisation named before
  whose name has that word. Indefinite or plural descriptions ("an official", "officials") stay
  unnamed sources.
- Page furniture is never a speaker: datelines ("MOSCOW (Reuters) –"), bylines and photo credits.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.doc_text import doc_text
from kg.nlp.facts import Speaker, Statement
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, Mention
from kg.nlp.names import fold
from kg.nlp.quotes import inside

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_LINE = re.compile(r"\n\s*")
# Page furniture, by its shape: a dateline at a paragraph's start ("KYIV, Ukraine (AP) —",
# "MOSCOW –", "ODESA, Ukraine —"), a byline line, a photo credit ("(Photo: …)", "REUTERS/Name").
_FURNITURE = (
    re.compile(r"(?m)^[^\n(]{2,60}\([A-Za-z.&/ -]{2,30}\)\s*[-–—]+\s*"),
    re.compile(r"(?m)^[A-Z][A-Z .'’-]{2,30}(?:, [A-Z][\w .]{1,30})?\s*[-–—]+\s+"),
    re.compile(r"(?m)^By [A-Z][^\n.]{0,80}$"),
    re.compile(r"\((?:Photo|Image|Picture|Credit)[^)\n]{0,80}\)", re.IGNORECASE),
    re.compile(r"(?:Photo|Image)(?: credit)?:[^\n]{0,80}"),
    re.compile(r"\b[A-Z]{2,}/[A-Z][\w.]*(?: [A-Z][\w.]*){0,3}"),
)
_AGE = re.compile(r"^\d+-year-old$|^old$")
_INDEFINITE = frozenset("a an another one some any several many".split())
_PERSON_PRONOUNS = frozenset("he she i".split())
_PLURAL_SOURCES = frozenset("officials authorities sources experts analysts diplomats aides advisers officers".split())
_PARAGRAPHS_BACK = 3  # "they said" may refer to sources quoted a few paragraphs before
_SUBJECT_LINKS = ("appos", "compound", "flat", "conj")


@lexicon.cached
def _heads() -> tuple[frozenset[str], frozenset[str]]:
    return lexicon.words("person_role_heads"), lexicon.words("organisation_description_heads")


@lexicon.cached
def _speech_cues() -> frozenset[str]:
    return frozenset(lexicon.mapping("speech_cues"))


def person_heads() -> frozenset[str]:
    """Head nouns of a description of one person by role."""
    return _heads()[0]


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """Datelines, bylines and photo credits: (start, end) of each, in text order."""
    return sorted((m.start(), m.end()) for pattern in _FURNITURE for m in pattern.finditer(text))


def _stem(word: str) -> str:
    """"Ukrainian" and "Ukraine", "Russian" and "Russia" share their first five letters."""
    return word[:5]


class Discourse:
    """What one article says before a given point: paragraphs, subjects, roles, furniture."""

    def __init__(self, doc: "Doc", mentions: list[Mention], quotes: list[tuple[int, int]]):
        self.text = doc_text(doc)
        self.quotes = quotes
        self.furniture = furniture_spans(doc_text(doc))
        self.mentions = [m for m in mentions if self.usable(m)]
        self.by_ref = {(m.start, m.end): m for m in mentions}
        self.kind = {ref: m.kind for ref, m in self.by_ref.items()}
        self.paragraph_starts = [0] + [m.end() for m in _LINE.finditer(doc_text(doc))]
        self.subjects = [m for m in self.mentions if _in_subject(doc, m)]

    def usable(self, m: Mention) -> bool:
        """A mention that may be a speaker: not inside a quote, not part of page furniture."""
        return not inside(self.quotes, m.start, m.end) and not self.in_furniture(m.start)

    def in_quote(self, char: int) -> bool:
        return inside(self.quotes, char, char + 1)

    def in_furniture(self, char: int) -> bool:
        return any(s <= char < e for s, e in self.furniture)

    def after_furniture(self, char: int) -> int:
        """`char`, moved past the furniture it stands in (a statement never starts in a dateline)."""
        return next((e for s, e in self.furniture if s <= char < e), char)

    def paragraph(self, char: int) -> int:
        return bisect_right(self.paragraph_starts, char) - 1

    def pronoun(self, word: str, before: int, earlier: list[Statement]) -> Speaker | None:
        """The speaker a subject pronoun refers to, or None when the discourse names nobody."""
        person = word in _PERSON_PRONOUNS or word == "we"
        here = self.paragraph(before)
        back = 1 if person else _PARAGRAPHS_BACK  # "he said" opening a paragraph: the speaker just quoted
        for statement in sorted(earlier, key=lambda s: s.start, reverse=True):
            if statement.start >= before or statement.speaker is None:
                continue
            distance = here - self.paragraph(statement.start)
            if distance > back:
                break
            if self._fits(statement.speaker, person, word):
                return statement.speaker
            if person and distance == 1:
                break  # only the last statement of the paragraph before
        kinds = (PERSON,) if person else (ORGANIZATION, COUNTRY)
        found = self._last(self.subjects, before, kinds)
        if found is None and person:
            found = self._last(self.mentions, before, kinds)
        return Speaker(ref=(found.start, found.end)) if found is not None else None

    def _fits(self, speaker: Speaker, person: bool, word: str) -> bool:
        if speaker.ref is not None:
            kind = self.kind.get(speaker.ref)
            return kind == PERSON if person else kind in (ORGANIZATION, COUNTRY) or word == "we"
        words = set(fold(speaker.description or "").split())
        if person:
            return bool(words & _heads()[0]) and not words & _PLURAL_SOURCES
        return word == "they" and bool(words & _PLURAL_SOURCES) or bool(words & _heads()[1])

    @staticmethod
    def _last(mentions: list[Mention], before: int, kinds: tuple[str, ...]) -> Mention | None:
        return next((m for m in reversed(mentions) if m.end <= before and m.kind in kinds), None)

    def described(self, subject: "Token", before: int, earlier: list[Statement]) -> Speaker | None:
        """The speaker a definite description refers to: the person or organisation introduced
        with it, else (for a person described by role or age, "the Wagner leader", "the
        80-year-old") the person quoted last in this paragraph or the one before, unless the
        article gave that person another title."""
        if any(c.lower_ == "same" for c in subject.children):  # "the same source": the speaker before
            previous = [s for s in earlier if s.start < before and s.speaker is not None]
            return max(previous, key=lambda s: s.start).speaker if previous else None
        found = self.description(subject, before)
        if found is not None:
            return Speaker(ref=(found.start, found.end))
        definite = any(c.dep_ in ("det", "poss") and c.lower_ not in _INDEFINITE for c in subject.children)
        if not definite or subject.tag_ in ("NNS", "NNPS") or not _describes_person(subject):
            return None
        here = self.paragraph(before)
        for statement in sorted(earlier, key=lambda s: s.start, reverse=True):
            if statement.start >= before or statement.speaker is None or statement.speaker.ref is None:
                continue
            if here - self.paragraph(statement.start) > 1:
                break
            m = self.by_ref.get(statement.speaker.ref)
            if m is not None and (m.kind == PERSON or _surname_like(m)):
                return statement.speaker if _may_be(m, subject, self.mentions) else None
        return None

    def awaits_name(self, subject: "Token") -> bool:
        """"The head of the presidential office said …" before any such person is introduced: a
        definite, singular description of one person by role, which the next speaker may name."""
        determiner = any(c.dep_ == "det" and c.lower_ in ("the", "a", "an") for c in subject.children)
        return determiner and subject.tag_ not in ("NNS", "NNPS") and _describes_person(subject)

    def named_later(self, statements: list[Statement], waiting: set[tuple[int, int]]) -> list[Statement]:
        """Statements of a description awaiting a name, given to the person quoted next, in the same
        paragraph or the one after, when nothing the article says of that person contradicts it."""
        ordered = sorted(statements, key=lambda s: s.start)
        result = []
        for i, statement in enumerate(ordered):
            speaker = statement.speaker
            if speaker is not None and (speaker.start, speaker.end) in waiting:
                indefinite = self.text[speaker.start : speaker.end].lower().startswith(("a ", "an "))
                named = self._next_person(ordered[i + 1 :], self.paragraph(statement.start), indefinite)
                if named is not None:
                    statement = replace(statement, speaker=named)
            result.append(statement)
        return result

    def _next_person(self, following: list[Statement], paragraph: int, indefinite: bool) -> Speaker | None:
        """The person quoted next; after "an official said", only one the article gives a role."""
        for statement in following:
            if self.paragraph(statement.start) - paragraph > 1:
                return None
            ref = statement.speaker.ref if statement.speaker is not None else None
            if ref is not None and self.kind.get(ref) == PERSON:
                m = self.by_ref.get(ref)
                return statement.speaker if not indefinite or m is not None and m.role is not None else None
        return None

    def description(self, subject: "Token", before: int) -> Mention | None:
        """The person or organisation a definite description refers to ("the spokesman")."""
        indefinite = any(c.dep_ == "det" and c.lower_ in _INDEFINITE for c in subject.children)
        if subject.tag_ in ("NNS", "NNPS") or indefinite:
            return None
        lemma = subject.lemma_.lower()
        persons, organisations = _heads()
        modifiers = [t for t in subject.subtree if t.i != subject.i and t.dep_ not in ("det", "punct")][:12]
        named = {_stem(w) for t in modifiers if t.i < subject.i and t.text[:1].isupper() for w in fold(t.text).split()}
        words = {_stem(w) for t in modifiers for w in fold(t.text).split()}
        if lemma in persons:
            pool = [(m, m.role.title, m.role.affiliation) for m in self.mentions
                    if m.kind == PERSON and m.role is not None and lemma in m.role.title.lower().split()]
        elif lemma in organisations:
            pool = [(m, m.text, m.text) for m in self.mentions
                    if m.kind == ORGANIZATION and lemma in fold(m.text).split()]
        else:
            return None
        best, best_score = None, -1
        for m, title, affiliation in pool:
            if m.end > before and (best is not None or not named):
                break  # a description before any name ("The Russian president has …") looks ahead
            own = {_stem(w) for w in fold(f"{title} {affiliation or ''}").split()}
            if named and affiliation and not named & own:
                continue  # "the Ukrainian president" is not the Russian one
            score = len(words & own)
            if score >= best_score:
                best, best_score = m, score
        return best


def _surname_like(m: Mention) -> bool:
    """A one-word name the NER typed as an organisation and no gazetteer knows ("Prigozhin said"):
    most often a surname, which the resolver makes the person of that name."""
    return m.kind == ORGANIZATION and m.gazetteer_key is None and " " not in m.text and m.text.istitle()


def _may_be(person: Mention, subject: "Token", mentions: list[Mention]) -> bool:
    """Whether a description may refer to this person: no other title, and an entity named in
    the description ("the Wagner leader") is the person's stated affiliation, or (none stated)
    no other person's."""
    role = person.role
    if role is not None and subject.lemma_.lower() not in role.title.lower().split():
        return False
    lo, hi = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)
    named = {_stem(w) for m in mentions if lo <= m.start and m.end <= hi for w in fold(m.text).split()}
    if role is None or not role.affiliation:
        # the article never says whom this person serves: the description fits unless it is
        # another person's stated affiliation ("the Wagner leader" after a quote of Prigozhin)
        return not any(m.role is not None and m.role.affiliation and named & _stems(m.role.affiliation)
                       for m in mentions if m.kind == PERSON and fold(m.text) != fold(person.text))
    return not named or bool(named & _stems(role.affiliation))


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in fold(text).split()}


def speaks(span: "Span") -> bool:
    """Whether the span is the subject of a verb of saying ("Natalia said", "Jordan told AFP")."""
    root = span.root
    return root.dep_ == "nsubj" and root.head.lemma_ in _speech_cues() and root.head.pos_ == "VERB"


def _describes_person(subject: "Token") -> bool:
    """A role noun ("leader"), or an age ("the 80-year-old")."""
    return subject.lemma_.lower() in person_heads() or bool(_AGE.search(subject.text))


def _in_subject(doc: "Doc", m: Mention) -> bool:
    """Whether the mention is (part of) the subject of a main clause: "Peskov, the spokesman, said"."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return False
    token = span.root
    for _ in range(4):
        if token.dep_ in ("nsubj", "nsubjpass"):  # of a main clause, not of a reported one
            verb = token.head
            return verb.dep_ == "ROOT" or verb.dep_ == "conj" and verb.head.dep_ == "ROOT"
        if token.dep_ not in _SUBJECT_LINKS or token.head.i == token.i:
            return False
        token = token.head
    return False
