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
never merged across articles: their key names their article, unless that article told one event of
their type that day with an anchor, which they then tell again.

A mention its article leaves undated while dating its news recalls the past: when no event fits its
window it joins the one earlier event of its type and anchor. Reports keyed vaguely (by an agent,
a country or a weapon) then join the one event they can mean (kg.resolve.event_joins).

The clustering reads all mentions first (bounded: a few fields each) and is decided from the set
of mentions alone, so it does not depend on input order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.nlp import lexicon
from kg.resolve.event_joins import REPORT_DAYS, SAME_EVENT_DAYS, joined
from kg.util.slug import slugify


@dataclass(frozen=True, slots=True)  # one a mention of an event: no __dict__ each
class Sighting:
    """What decides one event mention's identity."""

    article_key: str
    index: int  # in the article's events
    base_key: str | None  # "event/attack-place-kyiv" (type and anchor), None without an anchor
    type: str
    day: dt.date | None  # the event's own date, else the article's publication date
    local_key: str | None = None  # for mentions without an anchor: "event/attack-with-weapon-drone"
    agent: str | None = None  # entity keys of its roles, for joining reports keyed by other anchors
    anchors: frozenset[str] = frozenset()  # its target and place
    # the days the event may have been on when the mention is not dated to the day: its month or
    # year ("in June", "last year"), or the days before publication when it gives no time; None
    # when it is dated to the day (or not at all)
    window: tuple[dt.date, dt.date] | None = None
    # dated by its article's news day (or another report's date), not by words of its own
    news_day: bool = False
    # left undated by an article that dates its news: an event of the past it recalls ("months
    # after the mutiny"), not one of the days before publication
    background: bool = False


def _as_day(value: str | None) -> dt.date | None:
    """The day a date stands for in time windows: a month or a year ("2022-12", "2014") by its first day."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10] if len(value) >= 10 else (value + "-01-01")[:10])
    except ValueError:
        return None


def _window(event_date: str | None, published: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The days a date of reduced precision spans ("2023-06": June; "2022": the year), or for no
    date the `REPORT_DAYS` before publication; None for a day."""
    first = _as_day(event_date)
    if first is None:
        return (published - dt.timedelta(days=REPORT_DAYS), published) if published is not None else None
    if event_date is not None and len(event_date) == 7:  # a month
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return first, following - dt.timedelta(days=1)
    if event_date is not None and len(event_date) == 4:  # a year
        return first, first.replace(month=12, day=31)
    return None


def sighting(article_key: str, index: int, base_key: str | None, local_key: str | None, event_type: str,
             event_date: str | None, published: str | None, agent: str | None = None,
             anchors: Iterable[str | None] = (), unresolved_time: bool = False, background: bool = False) -> Sighting:
    """`unresolved_time`: the mention has time words of its own (which kg could not place when it
    has no date); `background`: its article dates its news but left this mention undated."""
    if unresolved_time and not event_date:  # "over the past month": a time kg cannot place, not the news of the day
        return Sighting(article_key, index, base_key, event_type, None, local_key, agent, frozenset(a for a in anchors if a))
    day = _as_day(event_date) or _as_day(published)
    return Sighting(article_key, index, base_key, event_type, day, local_key, agent,
                    frozenset(a for a in anchors if a), _window(event_date, _as_day(published)),
                    news_day=bool(event_date) and len(event_date or "") == 10 and not unresolved_time,
                    background=background and not event_date)


def _dated(base_key: str, day: dt.date | None) -> str:
    kind, _, name = base_key.partition("/")
    return f"{kind}/{day.isoformat()}-{name}" if day is not None else base_key


def event_identities(sightings: Iterable[Sighting], acting_for: Mapping[str, str] | None = None) -> dict[tuple[str, int], str]:
    """The key of every event mention: (article key, index) -> "event/DAY-TYPE-ANCHOR". `acting_for`:
    whom each person acts for (kg.resolve.facts.affiliations), an agent of its reports as well."""
    durative = lexicon.words("event_durative_types")
    by_base: dict[str, list[Sighting]] = defaultdict(list)
    keys: dict[tuple[str, int], str] = {}
    local = []
    for s in sightings:
        if s.base_key is not None:
            by_base[s.base_key].append(s)
        elif s.local_key is not None:  # never merged across articles
            local.append(s)
    for base_key, group in by_base.items():
        if group[0].type in durative:
            for s in group:
                keys[(s.article_key, s.index)] = base_key
            continue
        keys.update(_split_in_time(base_key, group))
    keys = joined(keys, [s for group in by_base.values() for s in group], durative, acting_for or {})
    return {**keys, **_told_again(local, [s for group in by_base.values() for s in group], keys)}


def _told_again(local: list[Sighting], anchored: list[Sighting],
                keys: dict[tuple[str, int], str]) -> dict[tuple[str, int], str]:
    """Keys of the mentions without an anchor ("the drones", "the attack"): an article that told an
    event with its anchor and tells one of its type again the same day without one tells the same
    event ("Russia attacked Kyiv overnight … the attack lasted three hours"); when the article told
    several events of that type that day, the one told last before it, for the types an article
    returns to by their weapons (`event_retold_types`: "… a missile hit a house in Lviv. The strike
    destroyed it"); otherwise the mention stays an event of its own."""
    retold = lexicon.words("event_retold_types")
    told: dict[tuple[str, str], list[tuple[dt.date | None, int, str]]] = defaultdict(list)
    for s in anchored:
        told[(s.article_key, s.type)].append((s.day, s.index, keys[(s.article_key, s.index)]))
    found = {}
    for s in local:
        same_day = [(index, key) for day, index, key in told.get((s.article_key, s.type), [])
                    if day == s.day or (day and s.day and abs((day - s.day).days) <= SAME_EVENT_DAYS)]
        before = sorted((index, key) for index, key in same_day if index < s.index)
        own = _dated(f"{s.local_key}-in-{slugify(s.article_key)}", s.day)
        if len({key for _, key in same_day}) == 1:
            found[(s.article_key, s.index)] = same_day[0][1]
        else:
            found[(s.article_key, s.index)] = before[-1][1] if before and s.type in retold else own
    return found


def _chained(base_key: str, group: list[Sighting]) -> dict[tuple[str, int], str]:
    """Mentions ordered by day, one event while each next day is at most SAME_EVENT_DAYS after the previous."""
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


def _split_in_time(base_key: str, group: list[Sighting]) -> dict[tuple[str, int], str]:
    """The mentions dated to the day are chained in time; a mention of less precision (a month, a
    year, or no time: the days before publication) joins the one event of those whose days fit its
    window, and with none or several it is chained with the other such mentions on its own day. A
    background mention (undated in an article that dates its news) that no event fits recalls the
    past: it joins the one event of its type and anchor (a target or place, not only an agent:
"Russia's attacks" are many) before its window, when there is exactly one."""
    exact = [s for s in group if s.window is None]
    keys = _chained(base_key, exact)
    events: dict[str, list[dt.date]] = defaultdict(list)
    for s in exact:
        if s.day is not None:
            events[keys[(s.article_key, s.index)]].append(s.day)
    rest = []
    for s in (s for s in group if s.window is not None):
        lo, hi = s.window  # type: ignore[misc]  # not None here
        fits = [key for key, days in events.items() if lo <= max(days) and min(days) <= hi]
        if not fits and s.background and "-by-" not in base_key:  # recalled: the one earlier event of its anchor
            fits = [key for key, days in events.items() if max(days) < lo]
        if len(fits) == 1:
            keys[(s.article_key, s.index)] = fits[0]
        else:
            rest.append(s)
    return {**keys, **_chained(base_key, rest)}


