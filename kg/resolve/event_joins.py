"""Reports of one real event keyed by different anchors, joined (kg.resolve.event_identity).

After the mentions of one type and anchor are split in time, a unit (the mentions of one key) that
is keyed vaguely joins the one unit of its type and time that it can mean:

- keyed by its agent only ("a visit by Biden"): the unit with that agent and a target or place
  ("Biden's visit to Kyiv"); when the agent-only report is dated only by its article's news day
  (no time words of its own), also an event of the `REPORT_DAYS` before (a general's revolt of
  the weekend, recalled in Tuesday's news of another event);
- keyed by a country ("an attack on Ukraine"): a unit whose anchors are some of its own ("an
  attack on Ukraine, in Lviv" and "an attack on Lviv"), or whose anchors all lie in that country
  (the gazetteer's country of a place: "an attack on Kyiv"), told the same day by agents that do
  not differ; a place the gazetteer does not know may lie in the country, so it is one more event
  that could be meant (a barrage across the country that names Kyiv and a village stays apart);
- keyed by a weapon ("ballistic missiles were downed"): the unit with a place ("missiles downed
  over a district of Kyiv"), told the same day by agents that do not differ;
- keyed by an area named after a place (`place_area_nouns`: "drones downed over the Odesa region"):
  the unit at that place ("drones downed over Odesa"), told the same day by agents that do not differ.

A person agent counts as well as whom the person acts for (the affiliation of their role, most
often given across the build: "Russian President Vladimir Putin"), so "Putin's invasion" is
Russia's and "Prigozhin's mutiny" the Wagner group's. A country and the bodies of its state (the
gazetteer's governments: "Moscow", the Kremlin, a ministry) are one agent.

Among the units it could join, those that name one of its own places come first, then the dated
before the undated (a mention kg could not date is no sign of a second event that day), the
closest in time before the others, and of those the ones that share its agent before the ones
that name none; when several remain, it stays apart: never a guess. Decided from the units alone,
so independent of input order; a unit that others join never moves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.gazetteer import Gazetteer
from kg.util.slug import slugify

if TYPE_CHECKING:
    from kg.resolve.event_identity import Sighting

SAME_EVENT_DAYS = 1
REPORT_DAYS = 3  # a report that gives no time tells of an event of the days before it was published
_COUNTRY, _WEAPON, _AREA = "country", "weapon", "area"


@lru_cache(maxsize=4096)
def _state(agent: str) -> str:
    """A country and the bodies of its state act as one ("Russia annexed …", "Moscow's annexation",
    "the Kremlin blamed …", "the defence ministry said …"): the gazetteer's governments of a country."""
    kind, _, name = agent.partition("/")
    gazetteer = Gazetteer.load()
    entry = gazetteer.get(agent) or (gazetteer.get(f"country/{name}") if kind == "government" else None)
    if entry is not None and entry.kind in ("country", "government") and entry.country:
        return f"state/{entry.country}"
    return f"country/{name}" if kind == "government" else agent


@lru_cache(maxsize=4096)
def _country_of(entity: str) -> str | None:
    """The ISO code of the country an entity (a place, a country, a government) lies in, from the gazetteer."""
    entry = Gazetteer.load().get(entity)
    return entry.country if entry is not None and entry.kind != "weapon" else None


@dataclass
class _Unit:
    """The mentions of one key so far: what they are anchored to, by whom, when."""

    key: str
    type: str
    anchors: set[str]
    agents: set[str]
    days: list[dt.date]
    vague: str | None = None  # keyed by a country, a weapon or an area: a report a more precise one may refine
    loose: bool = True  # every mention dated by its article's news day, none by words of its own
    around: str | None = None  # keyed by an area named after a place ("place/odesa-region"): that place

    def countries(self) -> set[str]:
        return {c for c in map(_country_of, (a for a in self.anchors if a.startswith(("country/", "government/"))))
                if c}


def _vagueness(base_key: str | None) -> str | None:
    anchor = (base_key or "").partition("-")[2]
    if anchor.startswith(("country-", "government-")):
        return _COUNTRY
    return _WEAPON if anchor.startswith("weapon-") else _AREA if _around(anchor.replace("-", "/", 1)) else None


def _around(entity: str) -> str | None:
    """The place an area is named after: "place/odesa-region" -> "place/odesa" (`place_area_nouns`)."""
    if entity.startswith("place/"):
        for noun in lexicon.words("place_area_nouns"):
            suffix = "-" + slugify(noun)
            if entity.endswith(suffix) and len(entity) > len("place/") + len(suffix):
                return entity[: -len(suffix)]
    return None


def _units(keys: dict[tuple[str, int], str], sightings: list[Sighting], acting_for: Mapping[str, str]) -> dict[str, _Unit]:
    units: dict[str, _Unit] = {}
    for s in sightings:
        key = keys[(s.article_key, s.index)]
        vague = _vagueness(s.base_key)
        around = _around((s.base_key or "").partition("-")[2].replace("-", "/", 1)) if vague == _AREA else None
        unit = units.setdefault(key, _Unit(key, s.type, set(), set(), [], vague, around=around))
        unit.anchors |= s.anchors
        unit.agents |= {_state(a) for a in (s.agent, acting_for.get(s.agent or "")) if a}  # a person, whom it acts for
        unit.days += [s.day] if s.day else []
        unit.loose &= s.news_day
    return units


def _distance(a: _Unit, b: _Unit) -> int:
    return min(abs((x - y).days) for x in a.days for y in b.days)


def _close_in_time(a: _Unit, b: _Unit, durative: frozenset[str]) -> bool:
    if a.type in durative or not a.days or not b.days:
        return True
    return _distance(a, b) <= SAME_EVENT_DAYS


def _told_after(a: _Unit, b: _Unit) -> bool:
    """`a` is dated only by news days within `REPORT_DAYS` after one of `b`'s days: a report of
    that event (a revolt of the weekend, recalled in Tuesday's news of another event)."""
    return a.loose and any(0 < (x - y).days <= REPORT_DAYS for x in a.days for y in b.days)


def _agents_agree(unit: _Unit, other: _Unit) -> bool:
    return not (unit.agents and other.agents) or bool(unit.agents & other.agents)


def _joins(unit: _Unit, other: _Unit, durative: frozenset[str]) -> bool:
    """Whether `unit` reports the event `other` names more precisely (the module's docstring)."""
    if unit.key == other.key or unit.type != other.type or not other.anchors:
        return False
    if not unit.anchors:
        return bool(unit.agents & other.agents) and (_close_in_time(unit, other, durative) or _told_after(unit, other))
    if not _close_in_time(unit, other, durative):
        return False
    if unit.vague == _COUNTRY and other.anchors < unit.anchors:
        return True
    if other.vague in (_COUNTRY, _WEAPON) or not _agents_agree(unit, other) or (unit.days and other.days and _distance(unit, other)):
        return False  # refined only by a precise report of its own day
    if unit.vague == _COUNTRY:  # in the country, or where kg cannot tell (`_placed` decides)
        countries = unit.countries()
        return bool(countries) and all(_country_of(a) in countries | {None} for a in other.anchors)
    if unit.vague == _AREA:
        return unit.around in other.anchors
    return unit.vague == _WEAPON and any(a.startswith("place/") for a in other.anchors)


def _nearest(unit: _Unit, candidates: list[_Unit], durative: frozenset[str]) -> list[_Unit]:
    """The candidates that name a place `unit` names ("an attack on Ukraine, in Lviv": Lviv's)
    before the others, the dated before the undated, the closest in time before the others, and of
    those the ones that share an agent with `unit` before the ones that name none."""
    candidates = [c for c in candidates if c.anchors & unit.anchors] or candidates
    if unit.type in durative or not unit.days:
        return candidates
    dated = [c for c in candidates if c.days]
    if not dated:
        return candidates
    closest = min(_distance(unit, c) for c in dated)
    nearest = [c for c in dated if _distance(unit, c) == closest]
    return [c for c in nearest if unit.agents & c.agents] or nearest


def _placed(unit: _Unit, other: _Unit) -> bool:
    """A report keyed by a country joins only an event the gazetteer puts in it; one at a place of
    unknown country may still be in it, so it only makes the choice ambiguous."""
    return unit.vague != _COUNTRY or other.anchors < unit.anchors or any(
        _country_of(a) in unit.countries() for a in other.anchors)


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
        back = REPORT_DAYS if unit.loose and not unit.anchors else SAME_EVENT_DAYS
        for day in set(unit.days):
            for shift in range(-back, SAME_EVENT_DAYS + 1):
                found.update((u.key, u) for u in self.by_day.get((unit.type, day + dt.timedelta(days=shift)), ()))
        return [found[k] for k in sorted(found)]


def joined(keys: dict[tuple[str, int], str], sightings: list[Sighting], durative: frozenset[str],
           acting_for: Mapping[str, str]) -> dict[tuple[str, int], str]:
    """Reports keyed by different anchors that are one event: a vague unit joins the one unit of
    its type and time that `_joins` allows (`_nearest` first); when several could be meant it
    stays apart. A precise report never moves, and a unit that others join never moves. A person
    agent also counts as whom it acts for (`acting_for`: "Putin's invasion" is Russia's)."""
    units = _units(keys, sightings, acting_for)
    nearby = _Nearby(units.values(), durative)
    moves: dict[str, str] = {}
    # vague reports with an anchor first: a report with none then counts a unit that joined another
    # as that other ("Ukraine's strike" and "an attack on Ukraine" joining the bridge attack: one event)
    for key in sorted(units, key=lambda k: (not units[k].anchors, k)):
        unit = units[key]
        if unit.anchors and unit.vague is None:  # a precise report never moves
            continue
        candidates = _nearest(unit, [o for o in nearby.of(unit) if _joins(unit, o, durative)], durative)
        ends = {moves.get(c.key, c.key) for c in candidates}
        if len(candidates) == 1 and _placed(unit, candidates[0]):
            moves[key] = candidates[0].key
        elif not unit.anchors and len(ends) == 1 and ends.isdisjoint(moves):
            moves[key] = ends.pop()
    final = {key: target for key, target in moves.items() if target not in moves}
    return {where: final.get(key, key) for where, key in keys.items()}
