"""Events: attacks, interceptions, accusations, denials, threats, bans, arrests, fires, parades,
invasions, mutinies, dam breaches, plane crashes, visits, warrants, annexations, deportations,
agreements, withdrawals, exiles — each with its roles read off the dependency parse.

A trigger word (a verb or noun of the event's kind) opens an event; its agent is the verb's
subject or the noun's owner ("Ukraine's attack", "an attack by Ukraine"), its target the object
or what follows "on"/"against" ("an attack on the Kremlin"), its instrument a weapon modifying
it or named in the sentence, with its count ("two drones"). An event reported inside a claim or
accusation ("Russia accused Ukraine of attempting an attack") has an alleged agent. Negated
events ("we didn't attack") are not events. An event that names none of agent, target and
instrument is too vague to keep, unless it is of a type that a place anchors (a fire at a depot, a
plane crash in a region). Some words name an event only beside others ("crash" of a plane, "breach"
of a dam: event_triggers_in_context); a trigger that modifies another ("an arrest warrant") is
not an event of its own.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypedDict

from kg.nlp import lexicon
from kg.nlp.event_actors import (
    acts_elsewhere,
    carrier,
    clause_subject,
    named_by,
    named_in,
    subject_actor,
    weapon_referred,
)
from kg.nlp.event_filters import done_to_people, kind_here, reports_event
from kg.nlp.event_places import antecedent, at_site, attached_place
from kg.nlp.event_times import complete_dates, own_time
from kg.nlp.event_words import event_type, event_words
from kg.nlp.facts import EventMention, Ref
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, PLACE, WEAPON, Mention
from kg.nlp.modality import modality
from kg.vocab import EventType

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


_ACTORS = (PERSON, ORGANIZATION, COUNTRY)
_CHANNELS = ("media", "platform")  # gazetteer kinds that carry news, never what an event is done to


class EventContext:
    def __init__(self, doc: "Doc", mentions: list[Mention], gazetteer: Gazetteer, published: date | None):
        self.doc, self.mentions, self.gazetteer, self.published = doc, mentions, gazetteer, published

    def mention_at(self, token: "Token", kinds: tuple[str, ...]) -> Mention | None:
        """The mention covering a token or its compound/appos modifiers."""
        for t in (token, *(c for c in token.children if c.dep_ in ("compound", "appos", "amod", "poss"))):
            for m in self.mentions:
                if m.start <= t.idx < m.end and m.kind in kinds:
                    return m
        return None

    def target_at(self, token: "Token", kinds: tuple[str, ...]) -> Mention | None:
        """The mention a token names, or for a place the one a definite noun refers back to ("the
        bridge"); never a news medium or platform ("confirmed the visit on Telegram": a channel)."""
        found = named_in(self, token, kinds)
        if found is not None and found.gazetteer_key is not None:
            entry = self.gazetteer.get(found.gazetteer_key)
            return None if entry is not None and entry.kind in _CHANNELS else found
        return found if found is not None or PLACE not in kinds else antecedent(self.mentions, token)

    def demonym_country(self, token: "Token") -> Mention | None:
        """"Ukrainian drone attack": the agent is Ukraine when Ukraine is named in the article; a
        people named in the plural ("Russians attacked") stands for its country too."""
        entry = self.gazetteer.demonym(token.text)
        if entry is None and token.tag_ in ("NNS", "NNPS") and token.text.lower().endswith("s"):
            entry = self.gazetteer.demonym(token.text[:-1])
        if entry is None:
            return None
        return next((m for m in self.mentions if m.gazetteer_key == entry.key), None)


def _undergoes(subject: "Token") -> bool:
    return subject.dep_ == "nsubjpass" or event_type(subject) is not None


_STRIKES = (EventType.ATTACK, EventType.INTERCEPTION)  # events with an instrument, a count, an outcome


def _governing_actor(ctx: EventContext, trigger: "Token") -> Mention | None:
    """The first named subject up the parse from a noun trigger (skipping pronouns); none when the
    trigger's phrase is itself a subject ("Peskov said the mutiny would not change anything": the
    mutiny is what is spoken of, not Peskov's)."""
    node = trigger
    for _ in range(5):
        if node.head.i == node.i or node.dep_ in ("nsubj", "nsubjpass", "csubj"):
            return None
        node = node.head
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                found = ctx.mention_at(child, _ACTORS)
                if found is not None:
                    return found
    return None


class _Roles(TypedDict):
    agent: Mention | None
    target: Mention | None
    alleged: bool


def _target_kinds(trigger: "Token") -> tuple[str, ...]:
    """What an event is done to: an interception stops weapons and what crashes is an aircraft (a
    place named with it is where, the people on board are no target); any other event is done to
    an actor or a place."""
    return (WEAPON,) if event_type(trigger) in (EventType.INTERCEPTION, EventType.PLANE_CRASH) else _ACTORS + (PLACE,)


def _phrase_roles(ctx: EventContext, trigger: "Token", agent: Mention | None,
                  target: Mention | None) -> tuple[Mention | None, Mention | None]:
    """Roles in the trigger's own phrase: its owner, a demonym, its prepositions, those of a
    participle modifying it ("a missile attack launched by Russia on Odesa") and those of the light
    verb it is the object of ("opened fire on a convoy")."""
    words = event_words()
    kinds = _target_kinds(trigger)
    phrase = [*trigger.children, *(g for c in trigger.children if c.dep_ == "acl" for g in c.children)]
    if trigger.dep_ == "dobj" and trigger.head.lemma_ in lexicon.words("event_light_verbs"):
        phrase += [c for c in trigger.head.children if c.dep_ == "prep"]
    for clause in (c for c in trigger.children if c.dep_ == "relcl" and c.lemma_ in lexicon.words("event_light_verbs")):
        subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)  # "the mutiny that Prigozhin led"
        agent = agent or (subject_actor(ctx, subject) if subject is not None else None)
        phrase += [c for c in clause.children if c.dep_ == "prep"]  # "the strike that Russia carried out on Kyiv"
    for child in phrase:
        if child.dep_ == "poss" and agent is None:  # "Russia's invasion"; "its invasion": the clause's subject
            agent = ctx.mention_at(child, _ACTORS) if child.pos_ != "PRON" else _governing_actor(ctx, trigger)
        if child.dep_ == "amod" and agent is None:
            agent = ctx.demonym_country(child)
        if child.dep_ == "compound" and target is None and trigger.pos_ == "NOUN":  # "the Kremlin drone attack"
            target = ctx.mention_at(child, tuple(k for k in (PLACE, COUNTRY) if k in kinds))
        if child.dep_ not in ("prep", "agent"):
            continue
        for pobj in (p for p in child.children if p.dep_ == "pobj"):
            if target is None and (child.lower_ in words.target_preps or (
                    trigger.pos_ == "NOUN" and child.lower_ in words.noun_target_preps)):
                target = ctx.target_at(pobj, kinds)
            elif (child.dep_ == "agent" or child.lower_ in words.agent_preps) and agent is None:
                agent = named_by(ctx, pobj)  # "attacks by Russian forces on Kyiv": "on" hangs from "forces"
                target = target or next((ctx.mention_at(o, kinds) for p in pobj.children
                                         if p.dep_ == "prep" and p.lower_ in words.target_preps
                                         for o in p.children if o.dep_ == "pobj"), None)
    return agent, target


def _target_of_copula(ctx: EventContext, trigger: "Token", kinds: tuple[str, ...]) -> Mention | None:
    """"The bridge was the target of a drone attack": the subject of "be the target of" an event."""
    noun = trigger.head.head if trigger.dep_ == "pobj" and trigger.head.lower_ == "of" else None
    if noun is None or noun.dep_ != "attr" or noun.lemma_.lower() not in lexicon.words("event_target_nouns"):
        return None
    subject = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
    return ctx.target_at(subject, kinds) if subject is not None else None


def _undergoer(ctx: EventContext, trigger: "Token", kinds: tuple[str, ...]) -> Mention | None:
    """"Ukraine faced a massive strike", "the port came under attack": the subject of a verb of
    undergoing (event_undergoing_verbs) is the target of the event noun it takes."""
    verb = trigger.head
    if trigger.dep_ == "pobj" and verb.lower_ == "under":
        verb = verb.head
    elif trigger.dep_ != "dobj" or verb.lemma_ == "come":
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or verb.lemma_ not in lexicon.words("event_undergoing_verbs"):
        return None
    return ctx.target_at(subject, kinds)


def _roles(ctx: EventContext, trigger: "Token") -> _Roles:
    agent: Mention | None = None
    target: Mention | None = None
    alleged = False
    kinds = _target_kinds(trigger)
    if trigger.pos_ in ("VERB", "AUX"):
        subject = clause_subject(trigger, _undergoes)
        passive = subject is not None and subject.dep_ == "nsubjpass"
        if subject is not None and passive:  # "the bridge was hit", "six missiles were shot down"
            target = ctx.target_at(subject, kinds) or (
                weapon_referred(ctx.mentions, ctx.doc, subject) if kinds == (WEAPON,) else None)
        elif subject is not None:
            agent = ctx.mention_at(subject, _ACTORS + (PLACE,)) or subject_actor(ctx, subject)
        if trigger.dep_ == "amod":  # "the downed drones": what the participle describes
            target = ctx.mention_at(trigger.head, kinds)
        for child in trigger.children:
            if child.dep_ == "dobj" and target is None:  # "fired missiles": an attack's weapon is its instrument
                target = ctx.target_at(child, kinds) or (
                    weapon_referred(ctx.mentions, ctx.doc, child) if kinds == (WEAPON,) else None)
        if target is None and trigger.dep_ == "relcl" and any(  # "Kerch, which was annexed", "the city that Russia hit"
                c.tag_ == "WDT" and c.dep_ in ("nsubjpass", "dobj") for c in trigger.children):
            target = ctx.target_at(trigger.head, kinds)
            if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ in event_words().agent_preps and passive):
                agent = next((ctx.mention_at(p, _ACTORS) for p in child.children if p.dep_ == "pobj"), agent)
    agent, target = _phrase_roles(ctx, trigger, agent, target)
    if target is None and trigger.pos_ == "NOUN":
        target = _target_of_copula(ctx, trigger, kinds) or _undergoer(ctx, trigger, kinds)
    if agent is None and trigger.pos_ == "NOUN":
        agent = carrier(ctx, trigger)
    if (agent is None and target is None and trigger.pos_ == "NOUN" and event_type(trigger) in event_words().clause_agent
            and event_type(trigger.head) in (None, event_type(trigger))):  # "X rejected accusations": X denies
        agent = _governing_actor(ctx, trigger)  # "the Kremlin said it reserved the right to retaliate"
    ancestor = trigger.head
    for _ in range(4):
        if ancestor.lemma_ in event_words().alleging and ancestor.i != trigger.i:
            alleged = True
            if ancestor.lemma_ in event_words().blaming and agent is None:
                obj = next((c for c in ancestor.children if c.dep_ == "dobj"), None)
                agent = ctx.mention_at(obj, _ACTORS) if obj is not None else None
            break
        if ancestor.i == ancestor.head.i:
            break
        ancestor = ancestor.head
    if any(c.lower_ in event_words().alleging_modifiers for c in trigger.children):
        alleged = True
    return {"agent": agent, "target": target, "alleged": alleged and agent is not None}


def _count(ctx: EventContext, m: Mention | None) -> int | None:
    """"38 drones", "two drones": the number modifying a weapon mention."""
    span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand") if m is not None else None
    if span is None:
        return None
    for child in span.root.children:
        if child.dep_ == "nummod":
            return int(child.text) if child.text.isdigit() else event_words().numbers.get(child.lower_)
    return None


def _root(ctx: EventContext, m: Mention | None) -> "Token | None":
    span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand") if m is not None else None
    return span.root if span is not None else None


def _instrument(ctx: EventContext, trigger: "Token", sentence: "Span", target: Mention | None) -> Mention | None:
    """A weapon of the sentence the event was carried out with: not its target, nor one coordinated
    with the target ("six missiles and 25 drones were shot down": both were), nor one that acts on
    its own (acts_elsewhere)."""
    done_to = _root(ctx, target)
    along = set(done_to.conjuncts) if done_to is not None else set()
    weapons = [m for m in ctx.mentions if m.kind == WEAPON and sentence.start_char <= m.start < sentence.end_char
               and m is not target and not acts_elsewhere(ctx.doc, m, trigger) and _root(ctx, m) not in along]
    near = [m for m in weapons if trigger.left_edge.idx <= m.start < trigger.right_edge.idx + len(trigger.right_edge)]
    return next(iter(near or weapons), None)


def _ref(m: Mention | None) -> Ref | None:
    return (m.start, m.end) if m is not None else None


def extract_events(doc: "Doc", mentions: tuple[Mention, ...], gazetteer: Gazetteer,
                   published: date | None) -> tuple[EventMention, ...]:
    """Every event report of a parsed article, in text order."""
    ctx = EventContext(doc, sorted(mentions, key=lambda m: m.start), gazetteer, published)
    events = []
    for index, sentence in enumerate(doc.sents):
        lowered = sentence.text.lower()
        outcome = next((p for p in lexicon.ordered("no_harm") if p in lowered), None)
        for trigger in sentence:
            kind = event_type(trigger)
            if kind is None or not reports_event(ctx, trigger, kind):
                continue
            kind = kind_here(ctx, trigger, kind)
            roles = _roles(ctx, trigger)
            target = roles["target"]
            instrument = _instrument(ctx, trigger, sentence, target)
            # What is counted: the drones shot down (a weapon target), else the weapons used.
            count = _count(ctx, target if target is not None and target.kind == WEAPON else instrument)
            if kind in _STRIKES and roles["target"] is None and instrument is None:
                continue
            place = attached_place(doc, ctx.mentions, trigger, sentence, roles["target"])
            weapon = instrument if kind in (*_STRIKES, EventType.FIRE_OR_EXPLOSION) else None  # a threat is no strike
            if roles["agent"] is None and roles["target"] is None and weapon is None and (
                    kind not in event_words().place_anchored or (place is None and not at_site(trigger, sentence))) and (
                    not done_to_people(trigger, kind)):
                continue
            day, words = own_time(trigger, sentence, published)
            events.append(EventMention(
                type=kind, start=trigger.idx, end=trigger.idx + len(trigger), text=trigger.text, sentence=index,
                agent=_ref(roles["agent"]), alleged=bool(roles["alleged"]), modality=modality(trigger, kind),
                target=_ref(roles["target"]),
                instrument=_ref(instrument) if kind in _STRIKES else None,
                count=count if kind in _STRIKES else None, place=_ref(place), date=day,
                time_words=words, outcome=outcome if kind in (*_STRIKES, EventType.FIRE_OR_EXPLOSION) else None,
            ))
    return complete_dates(doc, tuple(events), published)
