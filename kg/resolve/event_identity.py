"""Which event mentions are the same real event, across articles: identity = type + anchor + time.

Each event mention that has an anchor (the entity it is about: its target, else its agent) is
first keyed by type and anchor ("attack-place-kyiv"), as within one sentence before. Mentions of
one such key are then split in time: ordered by their day (the date the mention's own clause
gives, else the day its article was published), they form one event while each next day is at
most `SAME_EVENT_DAYS` after the previous one, and a new event past that. So three reports of
attacks on Kyiv on 8 May, 29 May and 24 July are three nodes, while two outlets' reports of one
night (dated the same day, or published the morning after) are one. Every event's key carries its
first day ("event/2023-05-08-attack-place-kyiv"); an undated one (no date and no publication date)
keeps the plain key.

Long-lasting events (an invasion, an annexation, an occupation: `event_durative_types` lexicon)
are one event per type and anchor whatever the dates: a 2023 report that mentions the 2022 invasion
refers to the same invasion. Mentions without an anchor (only an instrument: "a drone attack") are
never merged across articles: their key names their article.

The clustering reads all mentions first (bounded: a few fields each) and is decided from the set
of mentions alone, so it does not depend on input order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kg.nlp import lexicon
from kg.util.slug import slugify

SAME_EVENT_DAYS = 1


@dataclass(frozen=True)
class Sighting:
    """What decides one event mention's identity."""

    article_key: str
    index: int  # in the article's events
    base_key: str | None  # "event/attack-place-kyiv" (type and anchor), None without an anchor
    type: str
    day: dt.date | None  # the event's own date, else the article's publication date
    local_key: str | None = None  # for mentions without an anchor: "event/attack-with-weapon-drone"


def _as_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value and len(value) >= 10 else None
    except ValueError:
        return None


def sighting(article_key: str, index: int, base_key: str | None, local_key: str | None, event_type: str,
             event_date: str | None, published: str | None) -> Sighting:
    return Sighting(article_key, index, base_key, event_type, _as_day(event_date) or _as_day(published), local_key)


def _dated(base_key: str, day: dt.date | None) -> str:
    kind, _, name = base_key.partition("/")
    return f"{kind}/{day.isoformat()}-{name}" if day is not None else base_key


def event_identities(sightings: Iterable[Sighting]) -> dict[tuple[str, int], str]:
    """The key of every event mention: (article key, index) -> "event/DAY-TYPE-ANCHOR"."""
    durative = lexicon.words("event_durative_types")
    by_base: dict[str, list[Sighting]] = defaultdict(list)
    keys: dict[tuple[str, int], str] = {}
    for s in sightings:
        if s.base_key is not None:
            by_base[s.base_key].append(s)
        elif s.local_key is not None:  # never merged across articles
            keys[(s.article_key, s.index)] = _dated(f"{s.local_key}-in-{slugify(s.article_key)}", s.day)
    for base_key, group in by_base.items():
        if group[0].type in durative:
            for s in group:
                keys[(s.article_key, s.index)] = base_key
            continue
        keys.update(_split_in_time(base_key, group))
    return keys


def _split_in_time(base_key: str, group: list[Sighting]) -> dict[tuple[str, int], str]:
    dated = sorted(((s.day, s) for s in group if s.day is not None), key=lambda d: (d[0], d[1].article_key, d[1].index))
    keys = {(s.article_key, s.index): base_key for s in group if s.day is None}
    first: dt.date | None = None
    previous: dt.date | None = None
    for day, s in dated:
        if previous is None or (day - previous).days > SAME_EVENT_DAYS:
            first = day
        previous = day
        keys[(s.article_key, s.index)] = _dated(base_key, first)
    return keys
