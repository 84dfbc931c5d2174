"""The word lists of event extraction (kg/nlp/lexicon/en) and the type a trigger word names in its
context ("crash" of a plane is a plane crash, "breach" of a dam a dam breach)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.vocab import EventType

if TYPE_CHECKING:
    from spacy.tokens import Token


@dataclass(frozen=True)
class EventWords:
    """The word lists of event extraction (kg/nlp/lexicon/en), loaded on first use."""

    triggers: dict[str, EventType]  # lemma -> event type
    alleging: frozenset[str]
    blaming: frozenset[str]  # alleging verbs whose object is the alleged agent
    alleging_modifiers: frozenset[str]
    target_preps: frozenset[str]
    agent_preps: frozenset[str]
    place_preps: frozenset[str]
    numbers: dict[str, int]
    in_context: dict[str, tuple[EventType, frozenset[str]]]  # lemma -> (type, words that must be near)
    place_anchored: frozenset[EventType]  # kept with only a place
    clause_agent: frozenset[EventType]  # a noun trigger's agent may be its clause's subject
    noun_target_preps: frozenset[str]  # "the invasion of Ukraine"
    adjectival_states: frozenset[EventType]  # "Moscow-annexed Crimea": no annexation report
    verb_only: frozenset[str]  # "shell", "bomb": as nouns, weapons


@lexicon.cached
def event_words() -> EventWords:
    return EventWords(lexicon.mapping_of("event_triggers", EventType), lexicon.words("event_alleging_verbs"),
                  lexicon.words("event_blaming_verbs"), lexicon.words("event_alleging_modifiers"),
                  lexicon.words("event_target_prepositions"), lexicon.words("event_agent_prepositions"),
                  lexicon.words("event_place_prepositions"), lexicon.mapping("number_words"),
                  {lemma: (EventType(kind), frozenset(near))
                   for lemma, (kind, near) in lexicon.mapping("event_triggers_in_context").items()},
                  frozenset(EventType(t) for t in lexicon.words("event_place_anchored_types")),
                  frozenset(EventType(t) for t in lexicon.words("event_clause_agent_types")),
                  lexicon.words("event_noun_target_prepositions"),
                  frozenset(EventType(t) for t in lexicon.words("event_adjectival_state_types")),
                  lexicon.words("event_verb_only_triggers"))


def near_words(trigger: "Token") -> set[str]:
    """Lemmas and forms of the words around a trigger: its phrase (children and theirs), its head
    and its head's other children."""
    near = [*trigger.children, *(g for c in trigger.children for g in c.children), trigger.head, *trigger.head.children]
    return {w for t in near if t.i != trigger.i for w in (t.lemma_.lower(), t.lower_)}


def event_type(trigger: "Token") -> EventType | None:
    """The type a trigger word names here: a contextual one ('plane crash') wins over its plain one."""
    contextual = event_words().in_context.get(trigger.lemma_)
    if contextual is not None and contextual[1] & near_words(trigger):
        return contextual[0]
    return event_words().triggers.get(trigger.lemma_)
