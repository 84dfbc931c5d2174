"""Where an event happened and what a definite noun refers back to, read off the parse.

A place is the event's place only when the parse attaches it to the trigger or to the trigger's
clause: "explosions were reported in Kyiv" (the clause of "reported"), "an attack on a port in the
Odesa region" (the trigger's phrase); not a place elsewhere in the sentence ("authorities in Kyiv
said …", a dateline, another clause: "attacked Kramatorsk and hit a house near Kremenchuk" gives
Kremenchuk to "hit" only). A definite noun that repeats the head of a place named earlier in the
article ("the Crimean Bridge … the bridge", "the Kakhovka dam … the dam") refers back to it, unless
its own modifiers say otherwise ("the railway bridge").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.mention import PLACE, Mention
from kg.vocab import Sense

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_MAX_DEPTH = 12


def _modifier(verb: "Token") -> bool:
    """A participle that describes a noun rather than heading a clause of its own: "a bridge
    connecting Russia to Crimea", "the downed drones", "an object exploding over the city"."""
    if verb.dep_ in ("acl", "amod"):
        return True
    return verb.tag_ in ("VBN", "VBG") and verb.dep_ == "advcl" and not any(
        c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def clause_verb(token: "Token") -> "Token":
    """The verb of the clause a token is in: the token itself when it is a verb, else the first verb
    up its heads (the root when there is none); participles that modify a noun are no clause."""
    node = token
    for _ in range(_MAX_DEPTH):
        if node.head.i == node.i or (node.pos_ in ("VERB", "AUX") and not _modifier(node)):
            return node
        node = node.head
    return node


def _root(doc: "Doc", m: Mention) -> "Token | None":
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    return span.root if span is not None else None


_SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")
_OBJECTS = ("dobj", "attr", "dative", "oprd", "ccomp", "xcomp")


def _attached(root: "Token", trigger: "Token") -> bool:
    """A place in a noun trigger's own phrase ("an attack on a port in Odesa", "the strike that hit a
    school in Kyiv"), or in the trigger's clause: not inside the clause's subject ("authorities in
    Kyiv said"), nor, for a noun trigger, inside another of its verb's objects ("the rebellion would
    not affect the campaign against Kyiv")."""
    if trigger.pos_ == "NOUN" and trigger in root.ancestors:
        return True
    verb = clause_verb(trigger)
    if clause_verb(root) != verb:
        return False
    via = next((t for t in (root, *root.ancestors) if t.head == verb), root)
    if via == trigger or trigger in via.subtree:
        return True
    return via.dep_ not in _SUBJECTS and (trigger.pos_ != "NOUN" or via.dep_ not in _OBJECTS)


def _reference_point(root: "Token") -> bool:
    """"northwest of Moscow", "30 km south of Kharkiv": a place the event is only near."""
    return root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in lexicon.words(
        "place_direction_words")


def attached_place(doc: "Doc", mentions: Sequence[Mention], trigger: "Token", sentence: "Span",
                   exclude: Mention | None) -> Mention | None:
    """The event's place: a place attached to the trigger or its clause, one after a place
    preposition ("in", "near", …) first; None when no place is attached, or only a reference point."""
    found = []
    for m in mentions:
        if m.kind != PLACE or m.sense == Sense.ACTOR or m is exclude or not sentence.start_char <= m.start < sentence.end_char:
            continue
        root = _root(doc, m)
        if root is not None and _attached(root, trigger) and not _reference_point(root):
            found.append((root, m))
    preps = lexicon.words("event_place_prepositions")
    after_prep = [m for root, m in found if root.dep_ == "pobj" and root.head.lower_ in preps]
    place = next(iter(after_prep or [m for _, m in found]), None)
    verb = clause_verb(trigger)
    if place is None and verb.dep_ == "advcl" and verb.head.i != verb.i:
        # "two people were hurt in the Sumy region after a drone hit a shop": an adverbial clause's
        # event is where its main clause is
        return next((m for m in mentions if m.kind == PLACE and m.sense != Sense.ACTOR and m is not exclude
                     and sentence.start_char <= m.start < sentence.end_char and (root := _root(doc, m)) is not None
                     and root.dep_ == "pobj" and root.head.lower_ in preps and root.head.head == verb.head), None)
    return place


def antecedent(mentions: Sequence[Mention], noun: "Token") -> Mention | None:
    """The place named earlier in the article that a definite noun repeats the head of ("the
    bridge" after "the Crimean Bridge"): the nearest one before it; None when the noun has no "the",
    is itself part of a name, or has a modifier the name lacks ("the railway bridge")."""
    if noun.pos_ != "NOUN" or not any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children):
        return None
    if any(m.start <= noun.idx < m.end for m in mentions):
        return None
    modifiers = [c.lower_ for c in noun.children if c.dep_ in ("amod", "compound")]
    heads = {noun.lower_, noun.lemma_.lower()}
    best = None
    for m in mentions:  # in text order: the last one before the noun is the nearest
        if m.end > noun.idx:
            break
        words = m.text.lower().split()
        if m.kind == PLACE and words and words[-1] in heads and all(w in words for w in modifiers):
            best = m
    return best


def at_site(trigger: "Token", sentence: "Span") -> bool:
    """"A fire started in a warehouse": a site noun (`event_site_nouns`) after a place
    preposition attached to the trigger or its clause, where no place is named."""
    preps = lexicon.words("event_place_prepositions")
    sites = lexicon.words("event_site_nouns")
    return any(t.dep_ == "pobj" and t.head.lower_ in preps and t.lemma_.lower() in sites and _attached(t, trigger)
               and not _reference_point(t) for t in sentence)
