"""All the facts of one parsed article: statements, events and aid packages, linked together.

A statement is about the event whose trigger lies inside its words; a denial or accusation with
no event in its words is about the article's main event (its first attack with a target). An aid
package is also an aid-announcement event, so timelines and claims see it like any other event.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from kg.nlp.event_stance import echoes, stance_events, without_charges
from kg.nlp.event_times import at_precision, complete_dates
from kg.nlp.events import EventContext, extract_events
from kg.nlp.facts import ArticleFacts, EventMention, GrantMention, Statement
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.grants import extract_grants
from kg.nlp.mention import Mention
from kg.nlp.statements import extract_statements
from kg.vocab import EventType, Stance

if TYPE_CHECKING:
    from spacy.tokens import Doc

_META_EVENTS = (EventType.ACCUSATION, EventType.DENIAL)


def _announcement(grant: GrantMention) -> EventMention:
    return EventMention(type=EventType.AID_ANNOUNCEMENT, start=grant.start, end=grant.end, text=grant.text,
                        sentence=grant.sentence, agent=grant.announcer or grant.funder, target=grant.recipient,
                        date=at_precision(grant.date, grant.date_precision) if grant.date else None)


def _about(statement: Statement, events: tuple[EventMention, ...], main: int | None) -> int | None:
    inside = [i for i, e in enumerate(events)
              if statement.start <= e.start < statement.end and e.type not in _META_EVENTS]
    if inside:
        return inside[0]
    return main if statement.stance in (Stance.DENIES, Stance.ACCUSES) else None


_SPEECH_ACTS = {Stance.DENIES: EventType.DENIAL, Stance.ACCUSES: EventType.ACCUSATION}


def _speech_acts(statements: tuple[Statement, ...], events: tuple[EventMention, ...]) -> tuple[EventMention, ...]:
    """A named speaker's denial or accusation is also a Denial or Accusation event by that speaker
    ("Peskov called the decision null and void"), its words the evidence, unless its sentence
    already tells an event of that type."""
    told = {(e.sentence, e.type) for e in events}
    acts = []
    for s in statements:
        kind = _SPEECH_ACTS.get(s.stance)
        if kind is None or s.speaker is None or s.speaker.ref is None or (s.sentence, kind) in told:
            continue
        told.add((s.sentence, kind))
        acts.append(EventMention(type=kind, start=s.start, end=s.end, text=s.text, sentence=s.sentence,
                                 agent=s.speaker.ref))
    return tuple(acts)


def extract_facts(doc: "Doc", article_key: str, mentions: tuple[Mention, ...], gazetteer: Gazetteer,
                  published: date | None) -> ArticleFacts:
    grants = extract_grants(doc, mentions, published, gazetteer)
    said = extract_statements(doc, mentions)
    found = extract_events(doc, mentions, gazetteer, published) + tuple(_announcement(g) for g in grants)
    events = without_charges(doc, found)
    events += _speech_acts(said, found)  # the charge of a warrant, left out above, is no speech act either
    ctx = EventContext(doc, sorted(mentions, key=lambda m: m.start), gazetteer, published)
    events += stance_events(doc, ctx, said, events)
    events += echoes(doc, ctx, events)
    events = complete_dates(doc, tuple(sorted(events, key=lambda e: (e.start, e.end, e.type))), published)
    main = next((i for i, e in enumerate(events) if e.type == EventType.ATTACK and e.target is not None), None)
    statements = tuple(replace(s, about=_about(s, events, main)) for s in said)
    sentences = tuple((s.start_char, s.end_char) for s in doc.sents)
    return ArticleFacts(article_key, statements, events, grants, sentences)
