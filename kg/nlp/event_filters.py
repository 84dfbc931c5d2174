"""Whether a trigger word reports an event at all.

Not when it is negated ("did not attack", "no threat", "no plans to attack"), names a danger ("posed a threat", "the
blockade threatens the lives of millions"), describes a thing ("exploding drones" are a kind of
weapon, "Moscow-annexed Crimea" a state), is what another event did ("the bridge was hit by an
explosion"), characterises ("described the blockade as an attack on Poland"), yields ("withdrew
its objections"), is a response rather than a threat of one ("retaliated by bombarding"), modifies
another trigger that names the event ("an arrest warrant"), is a weapon as a noun ("a car bomb"),
or is "shoot" without "down".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.event_actors import ACTORS, Mentions, named_in
from kg.nlp.event_words import event_type, event_words
from kg.nlp.mention import WEAPON
from kg.nlp.syntax import denied
from kg.vocab import EventType

if TYPE_CHECKING:
    from spacy.tokens import Token


def _negated(token: "Token") -> bool:
    """"did not attack", "no threat", "did not launch an attack", "has not faced such an attack", and a
    danger rather than an event ("posed a threat")."""
    if token.pos_ == "NOUN" and (denied(token) or (
            token.dep_ == "dobj" and token.head.lemma_ in lexicon.words("event_risk_verbs"))):
        return True
    if token.dep_ == "dobj" and token.head.lemma_ in lexicon.words("event_light_verbs") | lexicon.words(
            "event_undergoing_verbs") and any(c.dep_ == "neg" for c in token.head.children):
        return True
    return any(c.dep_ == "neg" for c in token.children) or any(c.dep_ == "neg" for c in token.head.children
                                                               if token.dep_ in ("xcomp",)) or _denied_by_noun(token)


def _denied_by_noun(token: "Token") -> bool:
    """"has no plans to attack", "had no chance of intercepting", "no way of shooting them down":
    a verb completing a noun that "no" denies tells of no event."""
    noun = token.head.head if token.dep_ == "pcomp" and token.head.dep_ == "prep" else (
        token.head if token.dep_ == "acl" else None)
    return noun is not None and noun.pos_ == "NOUN" and denied(noun)


def _endangers(ctx: Mentions, trigger: "Token", kind: EventType) -> bool:
    """"The blockade threatens the lives of millions": a threat verb whose object is neither an actor
    nor an event puts something in danger; it is no threat one actor makes to another."""
    obj = next((c for c in trigger.children if c.dep_ == "dobj"), None)
    return (kind == EventType.THREAT and trigger.lemma_ in lexicon.words("event_endangering_verbs") and obj is not None
            and ctx.mention_at(obj, ACTORS) is None and event_type(obj) is None)


def _describes(ctx: Mentions, trigger: "Token", kind: EventType) -> bool:
    """A participle that describes rather than reports: "Moscow-annexed Crimea" (a state); "exploding
    drones" (a kind of weapon), also where the parser took "exploding" for a verb of its own."""
    if trigger.dep_ == "amod":
        return kind in event_words().adjectival_states or (
            kind != EventType.INTERCEPTION and ctx.mention_at(trigger.head, (WEAPON,)) is not None)
    if kind != EventType.FIRE_OR_EXPLOSION or trigger.tag_ != "VBG" or trigger.i + 1 >= len(trigger.doc):
        return False
    return ctx.mention_at(trigger.nbor(), (WEAPON,)) is not None


def _effect_of_event(trigger: "Token", kind: EventType) -> bool:
    """"The bridge was hit by an explosion": what an explosion or a fire did is part of that event,
    no attack of its own (who struck is unknown until the text says so)."""
    return kind == EventType.ATTACK and trigger.pos_ == "VERB" and any(
        event_type(o) is not None for a in trigger.children if a.dep_ == "agent"
        for o in a.children if o.dep_ == "pobj")


def _characterizes(trigger: "Token") -> bool:
    """"Leaders described the blockade as an attack on Poland": a characterisation of what the verb's
    object names, no report of one more event."""
    marker = trigger.head
    return trigger.dep_ == "pobj" and marker.lower_ == "as" and any(
        t.lemma_.lower() in lexicon.words("event_characterizing_verbs") for t in (marker.head, marker.head.head))


def _responds(trigger: "Token", kind: EventType) -> bool:
    """"Moscow retaliated by bombarding the grid": a finite verb of responding reports the response
    (told by its own trigger), not a threat of one ("vowed to retaliate" is)."""
    return (kind == EventType.THREAT and trigger.pos_ == "VERB" and trigger.tag_ not in ("VB", "VBG")
            and trigger.lemma_ in lexicon.words("event_response_verbs"))


def _yields(trigger: "Token", kind: EventType) -> bool:
    """"Turkey withdrew its objections": withdrawing an objection or a demand is yielding, no pull-out."""
    return kind == EventType.WITHDRAWAL and any(
        c.dep_ == "dobj" and c.lemma_.lower() in lexicon.words("event_yielded_objects") for c in trigger.children)


def reports_event(ctx: Mentions, trigger: "Token", kind: EventType) -> bool:
    """Whether a trigger word of the event type `kind` reports an event here (see the module)."""
    if trigger.pos_ not in ("VERB", "NOUN") or _negated(trigger) or _endangers(ctx, trigger, kind):
        return False
    if trigger.dep_ == "compound" and event_type(trigger.head) is not None:
        return False  # "an arrest warrant", "a missile strike": the head names the event
    if (_describes(ctx, trigger, kind) or _effect_of_event(trigger, kind) or _yields(trigger, kind)
            or _characterizes(trigger) or _responds(trigger, kind)):
        return False
    if trigger.pos_ != "VERB" and trigger.lemma_ in event_words().verb_only:
        return False  # "shells for howitzers", "a car bomb": weapons
    return trigger.lemma_ != "shoot" or any(c.lower_ == "down" for c in trigger.children)


def done_to_people(trigger: "Token", kind: EventType) -> bool:
    """"A man was arrested", "deported thousands of children", "the deportation of civilians": an
    event of a type done to people (event_people_types), done to people the text describes."""
    if kind.value not in lexicon.words("event_people_types"):
        return False
    nouns = lexicon.words("event_people_nouns")
    done_to = [c for c in trigger.children if c.dep_ in ("nsubjpass", "dobj")]
    done_to += [o for p in trigger.children if p.dep_ == "prep" and p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
    done_to += [o for t in done_to for p in t.children if p.dep_ == "prep" and p.lower_ == "of"
                for o in p.children if o.dep_ == "pobj"]  # "thousands of children"
    return any(t.lemma_.lower() in nouns or t.lower_ in nouns for t in done_to)


def kind_here(ctx: Mentions, trigger: "Token", kind: EventType) -> EventType:
    """The type a trigger reports in its clause: firing weapons is an attack, not a blaze ("fired
    missiles"); destroying something other than a weapon is an attack, not an interception
    ("destroyed a grain terminal": event_weapon_only_verbs)."""
    if trigger.lemma_ in ("fire", "strike") and trigger.pos_ == "VERB" and kind == EventType.FIRE_OR_EXPLOSION:
        return EventType.ATTACK
    if kind == EventType.INTERCEPTION and trigger.lemma_ in lexicon.words("event_weapon_only_verbs"):
        done_to = [c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass")]
        if done_to and not any(named_in(ctx, t, (WEAPON,)) or t.pos_ == "NUM" or t.lower_ in lexicon.words(
                "event_weapon_anaphors") for t in done_to):  # "31 of the drones", "most", "all 20"
            return EventType.ATTACK
    return kind
