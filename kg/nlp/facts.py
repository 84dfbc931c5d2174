"""What the fact extractors hand on: statements, events and aid packages of one article.

Participants are referred to by the character span of an entity mention of the same article
(`Ref` = (start, end)); resolution turns each into an entity key. All offsets index into the
article body, like a Mention's.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.util.pickling import quick_unpickling
from kg.vocab import EventType, Modality, Stance

Ref = tuple[int, int]  # (start, end) of a Mention in the same article

STANCES = tuple(Stance)  # kg/vocab.py
EVENT_TYPES = tuple(EventType)


@quick_unpickling
@dataclass(frozen=True, slots=True)
class Speaker:
    """Who a statement is attributed to: an entity mention, or an unnamed source described in words."""

    ref: Ref | None = None
    description: str | None = None  # "a senior Ukrainian presidential official"
    start: int | None = None  # span of the description, for its evidence
    end: int | None = None


@quick_unpickling
@dataclass(frozen=True, slots=True)
class Statement:
    """A quote (direct) or reported speech: who said what, how, where and with which stance."""

    start: int  # the words themselves, without quotation marks
    end: int
    text: str
    direct: bool
    sentence: int
    speaker: Speaker | None
    cue: str | None  # lemma of the verb of saying ("say", "tell", "deny", "post")
    medium: Ref | None  # an entity mention: Telegram, RIA Novosti, Twitter
    venue: str | None  # words naming a medium that is not an entity: "statement", "news conference"
    stance: Stance
    about: int | None = None  # index into ArticleFacts.events


@quick_unpickling
@dataclass(frozen=True, slots=True)
class EventMention:
    """One report of an event in one article, with its roles."""

    type: EventType
    start: int  # the trigger word(s): "attack", "shot down", "ban"
    end: int
    text: str
    sentence: int
    agent: Ref | None = None
    alleged: bool = False  # the agent is only claimed ("Russia accused Ukraine of …")
    modality: Modality | None = None  # not reported as real: hypothetical, future, called for, conditional
    target: Ref | None = None
    instrument: Ref | None = None
    count: int | None = None  # "two drones"
    place: Ref | None = None
    date: str | None = None  # ISO date, resolved against the publication date
    time_words: str | None = None  # the original words: "Wednesday", "overnight"
    outcome: str | None = None  # "no casualties"


@quick_unpickling
@dataclass(frozen=True, slots=True)
class GrantMention:
    """An aid package as one article describes it."""

    start: int  # the amount ("$300 million")
    end: int
    text: str
    sentence: int
    amount: int
    currency: str
    funder: Ref | None = None
    announcer: Ref | None = None
    recipient: Ref | None = None
    sequence: int | None = None  # "the 37th package"
    contents: tuple[Ref, ...] = ()
    content_texts: tuple[str, ...] = ()  # the items as written: "ammunition for HIMARS", "155mm howitzers"
    cumulative_amount: int | None = None  # "brings the total to $36.4 billion": kept apart
    date: str | None = None  # ISO day (the first of the month or year for a coarser time)
    date_precision: str = "day"  # "day", "month" ("in May") or "year"


@quick_unpickling
@dataclass(frozen=True, slots=True)
class ArticleFacts:
    article_key: str
    statements: tuple[Statement, ...] = ()
    events: tuple[EventMention, ...] = ()
    grants: tuple[GrantMention, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()  # (start, end) of each sentence, for evidence
