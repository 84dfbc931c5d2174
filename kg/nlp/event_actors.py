"""Who an event's subject names when it is not itself a named actor.

"Russian forces attacked …" and "Ukraine's air defences shot down …" name their country through a
demonym or an owner; in "the air force said it shot down 30 drones" the pronoun stands for the one
who said it. A pronoun is followed only up to the verb of saying whose complement the event is
(never across sentences: no coreference is guessed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from kg.nlp import lexicon
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, WEAPON, Mention
from kg.nlp.syntax import with_to

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

ACTORS = (PERSON, ORGANIZATION, COUNTRY)


class Mentions(Protocol):
    def mention_at(self, token: "Token", kinds: tuple[str, ...]) -> Mention | None: ...

    def demonym_country(self, token: "Token") -> Mention | None: ...


def named_by(ctx: Mentions, noun: "Token") -> Mention | None:
    """The actor a noun phrase names: a mention, else the country of a demonym modifying it."""
    found = ctx.mention_at(noun, ACTORS)
    if found is not None:
        return found
    if noun.tag_ in ("NNS", "NNPS") and (people := ctx.demonym_country(noun)) is not None:
        return people  # "Russians attacked …"
    return next((m for c in noun.children if c.dep_ in ("amod", "compound")
                 if (m := ctx.demonym_country(c)) is not None), None)


def speaker_of(ctx: Mentions, pronoun: "Token") -> Mention | None:
    """The sayer a subject pronoun stands for: "the Kremlin said it would respond" -> the Kremlin;
    also the subject of the clause it is coordinated with ("the ministry said …, and it rejected …")."""
    if pronoun.lower_ not in lexicon.words("event_speaker_pronouns"):
        return None
    clause = pronoun.head
    for _ in range(2):
        if clause.dep_ not in ("ccomp", "conj") or clause.head.i == clause.i:
            clause = clause.head
            continue
        # "X said it …" (what X said) or "X said …, and it rejected …" (X again, in a coordinated clause)
        return next((m for c in clause.head.children if c.dep_ == "nsubj" and (m := named_by(ctx, c)) is not None), None)
    return None


def subject_actor(ctx: Mentions, subject: "Token") -> Mention | None:
    """The actor an active subject names (see the module)."""
    if subject.pos_ == "PRON":
        return speaker_of(ctx, subject)
    return named_by(ctx, subject)


def named_in(ctx: Mentions, noun: "Token", kinds: tuple[str, ...]) -> Mention | None:
    """A mention of `kinds` the noun is, or the one its "of" phrase names when the noun is a part of
    something named ("on the coastal area of Odesa", "the outskirts of Kyiv")."""
    found = ctx.mention_at(noun, kinds)
    if found is not None:
        return found
    return next((ctx.mention_at(o, kinds) for p in noun.children if p.dep_ == "prep" and p.lower_ == "of"
                 for o in p.children if o.dep_ == "pobj"), None)


def acts_elsewhere(doc: "Doc", weapon: Mention, trigger: "Token") -> bool:
    """A weapon that is the subject of another verb ("air defences shot down drones during an
    attack") does something of its own: it is not what the trigger's event was carried out with."""
    span = doc.char_span(weapon.start, weapon.end, alignment_mode="expand")
    return span is not None and span.root.dep_ in ("nsubj", "nsubjpass") and span.root.head.i != trigger.i


_CLIMB = ("xcomp", "conj", "pcomp", "advcl", "relcl")  # clauses that share their head's subject


def clause_subject(token: "Token", undergoes: "Callable[[Token], bool]") -> "Token | None":
    """The subject of a verb trigger, or of the clause it is a non-finite part of ("vowed to strike").

    A participle ("…, vowing revenge") has no subject of its own: it is understood as acting in the
    clause it hangs from. When the parser hangs it from a reported clause whose subject undergoes
    something (a passive subject, an event: "X claimed an attack had killed his men, vowing
    revenge"), the one acting is the reporting clause's subject (X)."""
    node, participle = token, token.tag_ == "VBG"
    for _ in range(4):
        subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and not (participle and node.i != token.i and node.dep_ == "ccomp"
                                        and undergoes(subject)):
            return subject
        if node.dep_ == "pcomp" and node.head.dep_ == "prep" and node.head.lower_ in lexicon.words(
                "event_adjunct_prepositions"):  # "retaliated by bombarding": the main subject; not "accused X of"
            node = node.head.head
        elif (node.dep_ in _CLIMB or (subject is not None and node.dep_ == "ccomp")) and node.head.i != node.i:
            node = node.head
        elif _object_infinitive(node):  # "reserved the right to retaliate": the one who has the right
            node = node.head.head
        else:
            break
    return None


def _object_infinitive(node: "Token") -> bool:
    """An infinitive that completes its verb's object ("reserved the right to retaliate", "announced
    plans to strike"): the one it tells of acting is that verb's subject."""
    return node.dep_ == "acl" and node.tag_ == "VB" and node.head.dep_ == "dobj" and with_to(node)


def weapon_referred(mentions: Sequence[Mention], doc: "Doc", word: "Token") -> Mention | None:
    """The weapons a pronoun or a bare quantifier stands for ("many were intercepted", "most of
    them were shot down"): the first weapon phrase before it in its sentence (what the sentence is
    about), by its first conjunct ("missiles and drones": the missiles), never one doing something
    (an air defence as an active subject)."""
    if word.lower_ not in lexicon.words("event_weapon_anaphors"):
        return None
    if (of := next((p for p in word.children if p.dep_ == "prep" and p.lower_ == "of"), None)) is not None:
        word = next((o for o in of.children if o.dep_ == "pobj"), word)  # "most of them"
    sentence_start = word.sent.start_char
    before = [m for m in mentions if m.kind == WEAPON and sentence_start <= m.start and m.end <= word.idx]
    for m in before:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or span.root.dep_ == "nsubj":
            continue
        first = span.root if span.root.dep_ != "conj" else span.root.head
        while first.dep_ == "conj":
            first = first.head
        return next((c for c in mentions if c.kind == WEAPON and c.start <= first.idx < c.end), m)
    return None


def carrier(ctx: Mentions, noun: "Token") -> Mention | None:
    """Who carries out an event noun that is the object of a light verb: "Russia launched an attack";
    also through a collective noun ("launched a wave of attacks")."""
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lemma_ in lexicon.words(
            "event_collective_nouns"):
        noun = noun.head.head
    verb = noun.head
    if noun.dep_ == "nsubjpass" and verb.lemma_ in lexicon.words("event_light_verbs"):
        # "the strike was carried out by two Ukrainian drones": the agent phrase names who
        return next((m for a in verb.children if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"
                     if (m := named_by(ctx, o)) is not None), None)
    if noun.dep_ not in ("dobj", "pobj") or verb.lemma_ not in lexicon.words("event_light_verbs"):
        if not (noun.dep_ == "pobj" and verb.head.lemma_ in lexicon.words("event_light_verbs")):
            return None
        verb = verb.head  # "carried out an attack": "out" is a particle; "stepped up its attacks"
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subject_actor(ctx, subject) if subject is not None else None
