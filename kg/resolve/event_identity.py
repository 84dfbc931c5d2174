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
REPORT_DAYS = 3  # a report that gives no time tells of an event of the days before it was published


@dataclass(frozen=True)
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
             anchors: Iterable[str | None] = (), unresolved_time: bool = False) -> Sighting:
    if unresolved_time and not event_date:  # "over the past month": a time kg cannot place, not the news of the day
        return Sighting(article_key, index, base_key, event_type, None, local_key, agent, frozenset(a for a in anchors if a))
    day = _as_day(event_date) or _as_day(published)
    return Sighting(article_key, index, base_key, event_type, day, local_key, agent,
                    frozenset(a for a in anchors if a), _window(event_date, _as_day(published)))


def _dated(base_key: str, day: dt.date | None) -> str:
    kind, _, name = base_key.partition("/")
    return f"{kind}/{day.isoformat()}-{name}" if day is not None else base_key


def event_identities(sightings: Iterable[Sighting]) -> dict[tuple[str, int], str]:
    """The key of every event mention: (article key, index) -> "event/DAY-TYPE-ANCHOR"."""
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
    keys = _joined(keys, [s for group in by_base.values() for s in group], durative)
    return {**keys, **_told_again(local, [s for group in by_base.values() for s in group], keys)}


def _told_again(local: list[Sighting], anchored: list[Sighting],
                keys: dict[tuple[str, int], str]) -> dict[tuple[str, int], str]:
    """Keys of the mentions without an anchor ("the drones", "the attack"): an article that told an
    event with its anchor and tells one of its type again the same day without one tells the same
    event ("Russia attacked Kyiv overnight … the attack lasted three hours"); when the article has
    several events of that type that day, or none, the mention stays an event of its own."""
    told: dict[tuple[str, str], list[tuple[dt.date | None, str]]] = defaultdict(list)
    for s in anchored:
        told[(s.article_key, s.type)].append((s.day, keys[(s.article_key, s.index)]))
    found = {}
    for s in local:
        same_day = {key for day, key in told.get((s.article_key, s.type), [])
                    if day == s.day or (day and s.day and abs((day - s.day).days) <= SAME_EVENT_DAYS)}
        own = _dated(f"{s.local_key}-in-{slugify(s.article_key)}", s.day)
        found[(s.article_key, s.index)] = same_day.pop() if len(same_day) == 1 else own
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
    window, and with none or several it is chained with the other such mentions on its own day."""
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
        if len(fits) == 1:
            keys[(s.article_key, s.index)] = fits[0]
        else:
            rest.append(s)
    return {**keys, **_chained(base_key, rest)}



def _state(agent: str) -> str:
    """A country and its government act as one ("Russia annexed …", "Moscow's annexation")."""
    kind, _, name = agent.partition("/")
    return f"country/{name}" if kind == "government" else agent


@dataclass
class _Unit:
    """The mentions of one key so far: what they are anchored to, by whom, when."""

    key: str
    type: str
    anchors: set[str]
    agents: set[str]
    days: list[dt.date]
    coarse: bool = False  # keyed by a country: a report that a more precise one may refine


def _units(keys: dict[tuple[str, int], str], sightings: list[Sighting]) -> dict[str, _Unit]:
    units: dict[str, _Unit] = {}
    for s in sightings:
        key = keys[(s.article_key, s.index)]
        coarse = (s.base_key or "").partition("-")[2].startswith(("country-", "government-"))
        unit = units.setdefault(key, _Unit(key, s.type, set(), set(), [], coarse))
        unit.anchors |= s.anchors
        unit.agents |= {_state(s.agent)} if s.agent else set()
        unit.days += [s.day] if s.day else []
    return units


def _close_in_time(a: _Unit, b: _Unit, durative: frozenset[str]) -> bool:
    if a.type in durative or not a.days or not b.days:
        return True
    return min(abs((x - y).days) for x in a.days for y in b.days) <= SAME_EVENT_DAYS


def _joins(unit: _Unit, other: _Unit, durative: frozenset[str]) -> bool:
    """Whether `unit` reports the event `other` names more precisely: `unit` is keyed by a country and
    `other`'s anchors (target, place) are some of its own ("an attack on Ukraine, in Lviv" and "an
    attack on Lviv"), or `unit` has no anchor and shares `other`'s agent ("a visit by Biden",
    "Biden's visit to Kyiv")."""
    if unit.key == other.key or unit.type != other.type or not other.anchors or not _close_in_time(unit, other, durative):
        return False
    if unit.anchors:
        return unit.coarse and other.anchors < unit.anchors
    return bool(unit.agents & other.agents)


class _Nearby:
    """The units a unit may join, found by type and day instead of by trying every unit (a corpus
    has tens of thousands: comparing all pairs took minutes)."""

    def __init__(self, units: Iterable[_Unit], durative: frozenset[str]):
        self.durative = durative
        self.by_type: dict[str, list[_Unit]] = defaultdict(list)
        self.undated: dict[str, list[_Unit]] = defaultdict(list)
        self.by_day: dict[tuple[str, dt.date], list[_Unit]] = defaultdict(list)
        for unit in sorted(units, key=lambda u: u.key):
            self.by_type[unit.type].append(unit)
            if not unit.days:
                self.undated[unit.type].append(unit)
            for day in sorted(set(unit.days)):
                self.by_day[(unit.type, day)].append(unit)

    def of(self, unit: _Unit) -> list[_Unit]:
        """Every unit of the type that may be close enough in time (`_close_in_time` decides)."""
        if unit.type in self.durative or not unit.days:
            return self.by_type[unit.type]
        found: dict[str, _Unit] = {u.key: u for u in self.undated[unit.type]}
        for day in set(unit.days):
            for shift in range(-SAME_EVENT_DAYS, SAME_EVENT_DAYS + 1):
                found.update((u.key, u) for u in self.by_day.get((unit.type, day + dt.timedelta(days=shift)), ()))
        return [found[k] for k in sorted(found)]


def _joined(keys: dict[tuple[str, int], str], sightings: list[Sighting], durative: frozenset[str]) -> dict[tuple[str, int], str]:
    """Reports keyed by different anchors that are one event: a unit joins the one unit of its type
    and time that `_joins` allows; when several could be meant it stays apart (never a guess). Decided
    from the units alone, so independent of input order; a unit that others join never moves."""
    units = _units(keys, sightings)
    nearby = _Nearby(units.values(), durative)
    moves: dict[str, str] = {}
    for key in sorted(units):
        unit = units[key]
        if unit.anchors and not unit.coarse:  # a precise report never moves
            continue
        candidates = [other for other in nearby.of(unit) if _joins(unit, other, durative)]
        if len(candidates) == 1:
            moves[key] = candidates[0].key
    final = {key: target for key, target in moves.items() if target not in moves}
    return {where: final.get(key, key) for where, key in keys.items()}
