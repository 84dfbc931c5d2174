"""Who a verb of saying is attributed to: the subject of the verb in the parse, resolved through
the article's mentions, surnames, pronouns and descriptions (kg/nlp/discourse.py), or kept as an
unnamed source described in words. Also the word lists of attribution (kg/nlp/lexicon/en)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.discourse import Discourse, person_heads
from kg.nlp.doc_text import doc_text
from kg.nlp.facts import Ref, Speaker, Statement
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, Mention
from kg.nlp.names import surname_key
from kg.nlp.quotes import inside, quote_spans
from kg.vocab import Stance

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


@dataclass(frozen=True)
class Words:
    """The word lists of attribution (kg/nlp/lexicon/en), loaded on first use."""

    cues: frozenset[str]
    reporting: frozenset[str]  # cues that may introduce reported speech (a clause of their own)
    stance_by_cue: dict[str, Stance]
    speculative: tuple[str, ...]
    denials: tuple[str, ...]
    venues: frozenset[str]
    describable: frozenset[str]  # head nouns of an unnamed source
    commits: frozenset[str]  # cues whose "to"-infinitive is what was said ("vowed to", "urged X to")


@lexicon.cached
def words() -> Words:
    kinds = lexicon.mapping("speech_cues")
    return Words(frozenset(kinds), frozenset(c for c, k in kinds.items() if k == "reports"),
                  lexicon.mapping_of("stance_by_cue", Stance), lexicon.ordered("stance_speculative"),
                  lexicon.ordered("stance_denials"), lexicon.words("venue_nouns"),
                  lexicon.words("unnamed_source_heads"), lexicon.words("speech_cues_to_infinitive"))


_PRONOUNS_PERSON = frozenset("he she i we".split())
_PRONOUNS_OTHER = frozenset("it they".split())


class Context:
    def __init__(self, doc: "Doc", mentions: tuple[Mention, ...]):
        self.doc = doc
        self.text = doc_text(doc)
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.quotes = quote_spans(doc_text(doc))
        self.sentences = list(doc.sents)
        self.sentence_starts = [s.start_char for s in self.sentences]
        self.discourse = Discourse(doc, self.mentions, self.quotes)
        self.waiting: set[tuple[int, int]] = set()  # descriptions that the next speaker may name

    def sentence_index(self, char: int) -> int:
        return max(0, bisect_right(self.sentence_starts, char) - 1)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]


def ref(m: Mention | None) -> Ref | None:
    return (m.start, m.end) if m is not None else None


def _subject(ctx: Context, cue: "Token") -> "Token | None":
    """The subject of the verb of saying, or of the verb a participle or conjunct hangs from
    ("Putin said …, accusing …"), skipping subjects inside quotes and inside reported clauses; the
    "by" of an "as" clause ("as confirmed by the committee"); the issuer of a noun a participle
    describes ("a statement from the agency saying …")."""
    credited = credited_by(cue)
    if credited is not None:  # "…, as confirmed by the committee"
        return credited
    if cue.dep_ == "acl" and cue.tag_ == "VBG":  # "a statement from the agency saying …", "residents saying …"
        return _issuer(cue.head)
    token = cue
    for step in range(4):
        if step == 0 or token.dep_ != "ccomp":
            for child in token.children:
                if child.dep_ in ("nsubj", "nsubjpass") and not inside(ctx.quotes, child.idx, child.idx + 1):
                    return child
        if token.dep_ not in ("conj", "xcomp", "advcl", "ccomp") or token.head.i == token.i:
            return None
        token = token.head
    return None


def credited_by(cue: "Token") -> "Token | None":
    """The source an "as" clause credits the sentence to ("two people died, as confirmed by the
    committee", "As reported by TASS, the bridge was closed"): the object of its "by"."""
    if cue.dep_ != "advcl" or not any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children):
        return None
    agent = next((c for c in cue.children if c.dep_ == "agent"), None)
    return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None


def _issuer(noun: "Token") -> "Token | None":
    """Who speaks through a participle that describes a noun: the noun itself ("residents saying …"),
    or for speech ("a statement", "a report": speech_meta_objects) the one it is from or by, its
    owner ("the ministry's statement"), or the subject that issued it ("X issued a statement saying …")."""
    if noun.lower_ not in lexicon.words("speech_meta_objects"):
        return noun
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in lexicon.words("speech_source_prepositions"):
            return next((c for c in child.children if c.dep_ == "pobj"), None)
        if child.dep_ == "poss":
            return child
    if noun.dep_ == "dobj":
        return next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
    return None


def speaker(ctx: Context, cue: "Token", before: int, earlier: list[Statement]) -> Speaker | None:
    """Who speaks: the one `_subject` finds for the verb of saying, named, described or referred to."""
    subject = _subject(ctx, cue)
    cited = _cited(ctx, cue)
    if cited is not None:  # "RIA reported, citing Peskov": the cited source spoke
        return Speaker(ref=ref(cited))
    if subject is None:  # a broken parse: the person named before the verb in its sentence
        sentence = cue.sent
        people = [m for m in ctx.mentions_in(sentence.start_char, cue.idx)
                  if m.kind == PERSON and ctx.discourse.usable(m)]
        return Speaker(ref=ref(people[0])) if people else None
    core = [subject, *(t for c in subject.children if c.dep_ in ("appos", "compound", "flat") for t in c.subtree),
            *(t for c in subject.head.children if c.dep_ == "nsubj" and c.left_edge.i == subject.i + 1 for t in c.subtree)]
    named = [m for t in core for m in ctx.mentions
             if m.start <= t.idx < m.end and m.kind in (PERSON, ORGANIZATION, COUNTRY)]
    named = [m for m in named if ctx.discourse.usable(m)]
    people = [m for m in named if m.kind == PERSON]
    role = subject.lemma_.lower() in person_heads() and not any(m.start <= subject.idx < m.end for m in named)
    if role and not people:  # "Minister of Agrarian Policy Mykola Solskyi", "an adviser in Ukraine, Name,"
        lo, hi = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)
        people = [m for m in ctx.mentions_in(lo, hi) if m.kind == PERSON and ctx.discourse.usable(m)]
    if people:
        return Speaker(ref=ref(people[0]))
    if named and not role and subject.lemma_ not in words().describable:
        return Speaker(ref=ref(named[0]))
    appositive = [m for m in named if m.kind == ORGANIZATION and m.start > subject.idx]
    if appositive and not role:  # "Russia's state news agency TASS reported": the name after the description
        return Speaker(ref=ref(appositive[0]))
    word = subject.lower_
    if word in _PRONOUNS_PERSON or word in _PRONOUNS_OTHER:
        return ctx.discourse.pronoun(word, before, earlier)
    if subject.lemma_ == "statement" and not named and earlier:
        return max(earlier, key=lambda s: s.start).speaker  # "the statement said": whoever issued the one before
    if subject.text[:1].isupper():
        known = _person_by_surname(ctx, subject.text, before)
        if known is not None:
            return Speaker(ref=ref(known))
    if subject.lemma_ == "statement" and named:
        return Speaker(ref=ref(named[0]))  # "a Kremlin statement said": the Kremlin, not its country
    introduced = ctx.discourse.described(subject, before, earlier)
    if introduced is not None:
        return introduced
    if subject.lemma_ in words().describable or subject.pos_ == "NOUN" or role:
        phrase = ctx.doc[subject.left_edge.i : subject.right_edge.i + 1]
        if len(phrase) > 12:
            phrase = ctx.doc[subject.left_edge.i : subject.i + 1]
        if ctx.discourse.awaits_name(subject):
            ctx.waiting.add((phrase.start_char, phrase.end_char))
        return Speaker(description=phrase.text, start=phrase.start_char, end=phrase.end_char)
    return None


def _cited(ctx: Context, cue: "Token") -> Mention | None:
    """The source an outlet's report cites ("…, RBC reported, citing Peskov"): the outlet only passed it on."""
    for child in cue.children:
        if child.lemma_ == "cite" and child.dep_ in ("advcl", "xcomp", "conj"):
            for obj in (c for c in child.children if c.dep_ == "dobj"):
                lo, hi = obj.left_edge.idx, obj.right_edge.idx + len(obj.right_edge)
                found = [m for m in ctx.mentions_in(lo, hi) if m.kind in (PERSON, ORGANIZATION, COUNTRY)]
                if found:
                    return found[0]
    return None


def _person_by_surname(ctx: Context, word: str, before: int) -> Mention | None:
    """"Zelenskyy said", where the NER missed the name: the person of that surname named before."""
    key = surname_key(word)
    for m in reversed(ctx.mentions[: bisect_right(ctx.starts, before)]):
        if m.kind == PERSON and surname_key(m.text) == key:
            return m
    return None
