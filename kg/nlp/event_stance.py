"""Denials and accusations that a named speaker makes without a verb of denying or accusing.

A statement rejects what it speaks of when one of its words is a rejection predicate: an adjective
said of something ("the ruling is null and void", "the minister was mistaken", "called the
report baseless": stance_rejection_predicates), a negated verb of recognising or connecting ("we
do not recognise the court", "the decision is not connected to the strike":
stance_rejection_negated), or "no" legal ground ("the order has no legal force":
stance_rejection_nouns). It is then a Denial event whose agent is the speaker.

A statement accuses when it calls an act a crime ("deliberate sabotage by X", "X committed
sabotage", "a terrorist attack carried out by X": stance_blame_words) and names who did it, or
when its verb of saying puts forward a charge ("Y claimed that a Russian strike killed its
fighters": stance_claim_cues) about a hostile event (stance_claimed_event_types) of another agent.
It is then an Accusation event by the speaker. The one accused must be named, and be neither the
speaker nor whom the speaker speaks for; it is not made the event's target, since event identity
keys an event by its target first (kg.resolve.event_identity) and one side's accusation of a day,
made by its ministry, its spokesman and its president, would then split by the party each names.

An accusation told as the charge of a legal act of its sentence by the same agent ("the court
issued a warrant for X, accusing him of …": event_charge_carrying_types) is part of that act and no
event of its own.

Only statements with a named speaker count, and a sentence that already tells an event of the
type keeps that one. A named subject who echoes the view of a denial or accusation told just
before ("X echoed the view": stance_echo_verbs, stance_echo_objects) makes one of the same type.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Protocol

from kg.nlp import lexicon
from kg.nlp.doc_text import doc_text
from kg.nlp.event_actors import Mentions, carrier, named_by, subject_actor
from kg.nlp.event_times import own_time
from kg.nlp.facts import EventMention, Ref, Statement
from kg.nlp.syntax import denied
from kg.vocab import EventType, Stance

if TYPE_CHECKING:
    from datetime import date

    from spacy.tokens import Doc, Span, Token

    from kg.nlp.mention import Mention


class Named(Mentions, Protocol):
    """The article's mentions, in text order, with the lookups of kg.nlp.event_actors."""

    mentions: list["Mention"]
    published: "date | None"


_PREDICATE_DEPS = ("acomp", "attr", "oprd", "xcomp", "ccomp", "ROOT")


def _negated(token: "Token") -> bool:
    """A "not" on the word or, for a predicate of "be", on its verb."""
    holders = [token, token.head] if token.dep_ in ("acomp", "attr", "oprd") else [token]
    return any(c.dep_ == "neg" for h in holders for c in h.children)


def _predicate(token: "Token") -> "Token":
    """The first of a coordination ("null and void": "void" is said as "null" is)."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


def rejects(token: "Token") -> bool:
    """Whether a word of a statement rejects what the statement speaks of (see the module)."""
    lemma, form = token.lemma_.lower(), token.lower_
    head = _predicate(token)
    if lemma in lexicon.words("stance_rejection_predicates") or form in lexicon.words("stance_rejection_predicates"):
        said = head.dep_ in _PREDICATE_DEPS or (head.dep_ == "pobj" and head.head.lower_ == "as")
        return token.pos_ in ("ADJ", "VERB") and said and not _negated(head) and not _negated(token)
    if lemma in lexicon.words("stance_rejection_negated") or form in lexicon.words("stance_rejection_negated"):
        return token.pos_ in ("ADJ", "VERB") and _negated(token)
    needs = lexicon.mapping("stance_rejection_nouns").get(lemma)
    if needs is None or token.pos_ != "NOUN":
        return False
    no = denied(head)
    modifiers = {c.lower_ for t in (token, head) for c in t.children if c.dep_ in ("amod", "compound")}
    return no and (not needs or needs in modifiers)


def _doer(ctx: Named, noun: "Token", events: tuple[EventMention, ...]) -> "Mention | None":
    """Who did the act a noun names: its agent phrase ("sabotage by Kyiv"), that of a participle
    on it ("an attack carried out by X"), the subject of a light verb or a verb of doing ("X
    committed sabotage", "X is preparing a terrorist attack": stance_doing_verbs), or the agent of
    the event told with the noun as its trigger."""
    phrases = [noun, *(c for c in noun.children if c.dep_ == "acl")]
    for by in (p for t in phrases for p in t.children if p.dep_ == "agent" or (p.dep_ == "prep" and p.lower_ == "by")):
        found = next((m for o in by.children if o.dep_ == "pobj" and (m := named_by(ctx, o)) is not None), None)
        if found is not None:
            return found
    found = carrier(ctx, noun)
    if found is None and noun.dep_ == "dobj" and noun.head.lemma_ in lexicon.words("stance_doing_verbs"):
        found = next((m for c in noun.head.children if c.dep_ == "nsubj" and (m := subject_actor(ctx, c))), None)
    if found is not None:
        return found
    told = next((e for e in events if e.start == noun.idx and e.agent is not None), None)
    return _at(ctx, told.agent) if told is not None else None


def _at(ctx: Named, ref: Ref | None) -> "Mention | None":
    return next((m for m in ctx.mentions if (m.start, m.end) == ref), None)


def accused(ctx: Named, word: "Token", events: tuple[EventMention, ...]) -> "Mention | None":
    """Whom a blame word accuses: the doer of the act it names, of the act it describes ("a
    terrorist attack"), or of the act it is a kind of ("an act of sabotage")."""
    nouns = [word]
    if word.dep_ in ("amod", "compound"):
        nouns.append(word.head)
    if word.dep_ == "pobj" and word.head.lower_ == "of":
        nouns.append(word.head.head)
    return next((m for n in nouns if (m := _doer(ctx, n, events)) is not None), None)


def _same_side(speaker: "Mention", other: "Mention") -> bool:
    """The same entity, or the one the speaker speaks for ("Kremlin spokesman Peskov": the Kremlin)."""
    keys = {speaker.gazetteer_key or speaker.text.lower()}
    if speaker.role is not None:
        keys |= {speaker.role.affiliation_key or "", (speaker.role.affiliation or "").lower()} - {""}
    return bool({other.gazetteer_key or "", other.text.lower()} & keys)


def _charges(ctx: Named, s: Statement, words: list["Token"], events: tuple[EventMention, ...],
             starts: list[int]) -> tuple["Token", "Mention"] | None:
    """The word that accuses (the blame word, or the verb of a claim) and the one accused, of a
    statement that accuses (see the module)."""
    blamed = ((w, accused(ctx, w, events)) for w in words
              if w.lemma_.lower() in lexicon.words("stance_blame_words") or w.lower_ in lexicon.words("stance_blame_words"))
    found = next(((w, m) for w, m in blamed if m is not None), None)
    if found is not None or s.cue not in lexicon.words("stance_claim_cues"):
        return found
    hostile = lexicon.words("stance_claimed_event_types")
    at = {t.idx: t for t in words}
    claimed = next(((at[e.start], m) for e in events if e.start in at and e.type in hostile and e.modality is None
                    and (m := _at(ctx, e.agent)) is not None), None)
    cue = _cue(words[0].doc, s, claimed[0], starts) if claimed is not None else None
    return (cue, claimed[1]) if claimed is not None and cue is not None and cue.i != claimed[0].i else None


def _between(doc: "Doc", starts: list[int], start: int, end: int) -> "Span":
    """The tokens that begin in [start, end) (`starts`: every token's offset, in order)."""
    return doc[bisect_left(starts, start):bisect_left(starts, end)]


def _cue(doc: "Doc", s: Statement, word: "Token", starts: list[int]) -> "Token":
    """The verb of saying of a statement (the nearest of its lemma outside its words), else the word:
    what the speaker's act is timed by ("late on Friday, X claimed ...")."""
    cues = [t for t in _between(doc, starts, s.start - 300, s.end + 300) if not s.start <= t.idx < s.end
            and t.lemma_ == s.cue and t.pos_ in ("VERB", "AUX")]
    return min(cues, key=lambda t: min(abs(t.idx - s.start), abs(t.idx - s.end)), default=word)


def stance_events(doc: "Doc", ctx: Named, statements: tuple[Statement, ...],
                  events: tuple[EventMention, ...]) -> tuple[EventMention, ...]:
    """The Denial and Accusation events of the statements' words (see the module), in statement order."""
    told = {(e.sentence, e.type) for e in events}
    spans = {(e.start, e.end) for e in events}  # one event per word: its evidence is that word
    sentences = list(doc.sents)
    starts = [t.idx for t in doc]  # to find a statement's words without a pass over the article each
    found = []
    for s in statements:
        speaker = _at(ctx, s.speaker.ref) if s.speaker is not None else None
        if speaker is None or s.stance in (Stance.DENIES, Stance.ACCUSES):
            continue  # denials and accusations in words are events already (kg.nlp.article_facts)
        words = list(_between(doc, starts, s.start, s.end))
        acts: list[tuple[EventType, Token]] = []
        rejection = next((w for w in words if rejects(w)), None)
        if rejection is not None:
            acts.append((EventType.DENIAL, rejection))
        charge = _charges(ctx, s, words, events, starts) if words else None
        if charge is not None and not _same_side(speaker, charge[1]):
            acts.append((EventType.ACCUSATION, charge[0]))
        for kind, word in acts:
            sentence = next(i for i, span in enumerate(sentences) if span.start <= word.i < span.end)
            if (sentence, kind) in told or (word.idx, word.idx + len(word)) in spans:
                continue
            told.add((sentence, kind))
            spans.add((word.idx, word.idx + len(word)))
            cue = _cue(doc, s, word, starts)
            day, time_words = own_time(cue, cue.sent, ctx.published)
            found.append(EventMention(type=kind, start=word.idx, end=word.idx + len(word), text=word.text,
                                      sentence=sentence, agent=(speaker.start, speaker.end),
                                      date=day, time_words=time_words))
    return tuple(found)


def echoes(doc: "Doc", ctx: Named, events: tuple[EventMention, ...]) -> tuple[EventMention, ...]:
    """A named subject who echoes the view of a Denial or Accusation told in the two sentences
    before ("X echoed the view", "Y reiterated that position": stance_echo_verbs and
    stance_echo_objects) makes one of the same type, unless its sentence tells one already."""
    sentences = list(doc.sents)
    told = {(e.sentence, e.type) for e in events}
    found = []
    for index, sentence in enumerate(sentences):
        verb = next((t for t in sentence if t.lemma_ in lexicon.words("stance_echo_verbs") and t.pos_ == "VERB"
                     and any(c.dep_ == "dobj" and c.lemma_.lower() in lexicon.words("stance_echo_objects")
                             for c in t.children)), None)
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None) if verb is not None else None
        agent = named_by(ctx, subject) if subject is not None else None
        before = [e for e in events if index - 2 <= e.sentence < index
                  and e.type in (EventType.DENIAL, EventType.ACCUSATION) and e.agent != _ref(agent)]
        if verb is None or agent is None or not before or (index, before[-1].type) in told:
            continue
        told.add((index, before[-1].type))
        day, time_words = own_time(verb, sentence, ctx.published)
        found.append(EventMention(type=before[-1].type, start=verb.idx, end=verb.idx + len(verb), text=verb.text,
                                  sentence=index, agent=_ref(agent), date=day, time_words=time_words))
    return tuple(found)


def _ref(m: "Mention | None") -> Ref | None:
    return (m.start, m.end) if m is not None else None


def _near(a: "Token", b: "Token") -> bool:
    """Whether two words belong to one act: one hangs from the other (up to three steps), or both
    from one verb ("issued a warrant, accusing him of …")."""
    def up(t: "Token") -> list["Token"]:
        chain = [t]
        while len(chain) < 4 and chain[-1].head.i != chain[-1].i:
            chain.append(chain[-1].head)
        return chain
    return a in up(b) or b in up(a) or a.head.i == b.head.i


def without_charges(doc: "Doc", events: tuple[EventMention, ...]) -> tuple[EventMention, ...]:
    """The events less the accusations that are the charge of a legal act of their sentence by the
    same agent, or by none (event_charge_carrying_types: "issued a warrant for X, accusing him of …")."""
    legal = lexicon.words("event_charge_carrying_types")

    def who(e: EventMention) -> str | None:
        return doc_text(doc)[e.agent[0] : e.agent[1]].lower() if e.agent is not None else None

    def root(e: EventMention) -> "Token | None":
        span = doc.char_span(e.start, e.end, alignment_mode="expand")
        return span.root if span is not None else None

    acts = [(r, who(e)) for e in events if e.type in legal and (r := root(e)) is not None]

    def charge(e: EventMention) -> bool:
        word = root(e) if e.type == EventType.ACCUSATION else None
        return word is not None and any(r.sent == word.sent and _near(r, word) and who(e) in (None, agent)
                                        for r, agent in acts)
    return tuple(e for e in events if not charge(e))
