"""Resolve time expressions in news text against the article's publication date (stdlib only).

Conventions (``published`` is the article's publication date):

* A bare weekday ("Wednesday", "on Tuesday", "Wed.") is the most recent such day on or before
  publication -- the publication day itself when it matches ("Wednesday" in a Wednesday article
  is that day). ``find_times`` switches to the next such day on or after publication when the
  sentence before the weekday reads as future ("talks will resume on Thursday"): the nearest
  preceding cue word decides (will/shall/'ll/scheduled/expected/planned/upcoming -> future;
  said/told/was/were/had/did or any ``-ed`` word -> past). ``resolve_time`` only sees the words,
  so it takes the same choice as the keyword ``future``.
* "next Tuesday" / "this coming Tuesday" -> the next such day strictly after publication;
  "last Tuesday" / "this past Tuesday" -> the most recent such day strictly before publication.
  "this Tuesday" is ambiguous and returns None.
* Parts of a day keep the day: "Wednesday night", "Tuesday evening", "early Wednesday",
  "late on Tuesday" -> that weekday.
* "today", "tonight", "this morning/afternoon/evening", "earlier/later today" -> publication day;
  "yesterday (morning...)", "last night" -> publication day - 1; "tomorrow (night...)" -> + 1.
* "overnight" is the night before publication (a Wednesday article's "overnight" is the night of
  Tuesday to Wednesday); it is dated by the calendar day of its early hours, the publication day.
  So are the other night words of the lexicon ``time_night_cues`` ("through the night", "pre-dawn",
  "in the early hours"). "last night" is the evening before: publication day - 1.
* "May 9", "9 May", "May 9th", "9th of May", "Aug. 9", "May 9, 2023", ISO "2023-05-03" -> that
  day. Without a year in the text the publication year is used, or the previous year when that
  would put the date more than 183 days after publication; ``find_times`` also takes the previous
  year for a date after publication in a sentence that reads as past ("was attacked in October" in
  a July article: last October; the cue words as for weekdays).
* "in May", "of May", "since May", "May 2023" -> precision "month" (date = the 1st, same year
  rule); "in 2021", "since 2014", "during 2020" -> precision "year" (date = 1 January).
* Periods relative to publication (lexicon ``time_relative_periods``): "last year" -> the previous
  year, "this month" -> the publication month, at that precision; "February of last year" /
  "in February last year" -> that month. "N days ago" -> that day; "N weeks/months ago" -> that
  month; "N years ago" -> that year (N in digits or ``number_words``). "last Feb. 24" -> the most
  recent Feb. 24 before publication.
* "last/next/this week" and "... weekend" are not guessed: None.
* ``relation`` compares at the expression's precision: "same" when it covers the publication
  day, else "past" or "future".

Matching is case-insensitive, except that ``find_times`` ignores an all-lowercase "may" (the
modal verb: "they may attack") and lowercase abbreviations ("sat.", "wed.", "dec 3"), and "May"
is only a month with a day number, a year, or in/of/since/during/until/by before it. Weekday
and month words are matched as whole words only ("Sundays", "Mayor" never match).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kg.nlp import lexicon
from kg.nlp.tense import tense_before

__all__ = ["ResolvedTime", "resolve_time", "find_times", "find_vague_times"]


@dataclass(frozen=True)
class ResolvedTime:
    words: str  # the original words, e.g. "Wednesday night", "overnight", "May 9"
    date: dt.date  # the resolved calendar date (first day of the month/year for coarser precision)
    precision: str  # "day", "month" or "year"
    relation: str  # "same" (covers the publication day), "past" or "future"


_WEEKDAY_NAMES = (("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"),
                  ("thursday", "thu", "thur", "thurs"), ("friday", "fri"), ("saturday", "sat"),
                  ("sunday", "sun"))
_WEEKDAYS = {name: i for i, names in enumerate(_WEEKDAY_NAMES) for name in names}
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS.update({name[:3]: i for name, i in list(_MONTHS.items()) if name != "may"})
_MONTHS["sept"] = 9
_AMBIGUOUS = {name for names in _WEEKDAY_NAMES for name in names[1:]} | {
    name for name in _MONTHS if name not in _MONTH_NAMES} | {"may"}
_HALF_YEAR = dt.timedelta(days=183)

_B, _E = r"(?<!\w)", r"(?!\w)"  # whole-word boundaries
_WD = rf"(?:{'|'.join(n[0] for n in _WEEKDAY_NAMES)}){_E}|(?:tues|tue|wed|thurs|thur|thu|mon|fri|sat|sun)\."
_MONTH_FULL = "|".join(_MONTH_NAMES)
_MONTH = rf"(?:{_MONTH_FULL}){_E}|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)(?:\.|{_E})"
_YEAR = r"(?:19|20)[0-9]{2}(?![0-9]|[-/][0-9])"


def _day(name: str) -> str:
    return rf"(?P<{name}>[0-3]?[0-9])(?:st|nd|rd|th)?{_E}"


_PART = r"morning|afternoon|evening|night"

def _phrases(words) -> str:
    """A regex alternation of lexicon phrases, longest first, any whitespace between words."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=lambda w: (-len(w), w)))


@lexicon.cached
def _pattern() -> re.Pattern[str]:
    """Every time expression; the night words and relative periods come from the lexicon."""
    periods = lexicon.mapping("time_relative_periods")
    years = [p for p, (unit, _) in periods.items() if unit == "year"]
    return re.compile(rf"""
  (?P<iso>(?<![\w-])(?P<iso_y>[0-9]{{4}})-(?P<iso_m>[0-9]{{2}})-(?P<iso_d>[0-9]{{2}})(?![\w-]|[.][0-9]))
| (?P<monrel>{_B}(?:(?:in|of|since|during|until|by)\s+)?(?P<monrel_m>{_MONTH_FULL}),?\s+(?:of\s+)?
             (?P<monrel_p>{_phrases(years)}){_E})
| (?P<period>{_B}(?:{_phrases(periods)}){_E})
| (?P<skip>{_B}(?:last|next|this|past|coming)\s+(?:week|weekend|month|year){_E})
| (?P<night>{_B}(?:{_phrases(lexicon.words("time_night_cues"))}){_E})
| (?P<rel>{_B}(?:(?:earlier|later)\s+today|today|tonight|last\s+night
               |this\s+(?:morning|afternoon|evening)|(?:yesterday|tomorrow)(?:\s+(?:{_PART}))?){_E})
| (?P<wd>{_B}(?:(?P<wd_mod>next|last|this\s+coming|this\s+past|this|(?:early|late)(?:\s+on)?)\s+)?
          (?P<wd_name>{_WD})(?:,?\s+(?:{_PART}){_E})?)
| (?P<ago>{_B}(?P<ago_n>[0-9]{{1,3}}|{_phrases(lexicon.mapping("number_words"))})\s+(?P<ago_u>day|week|month|year)s?\s+ago{_E})
| (?P<md>{_B}(?P<md_last>last\s+)?(?P<md_m>{_MONTH})\s+{_day("md_d")}(?:,?\s+(?P<md_y>{_YEAR}))?)
| (?P<dm>{_B}{_day("dm_d")}\s+(?:of\s+)?(?P<dm_m>{_MONTH})(?:,?\s+(?P<dm_y>{_YEAR}))?)
| (?P<mon>{_B}(?:(?:in|of|since|during|until|by)\s+(?P<mon_m1>{_MONTH_FULL}){_E}(?:,?\s+(?P<mon_y1>{_YEAR}))?
                |(?P<mon_m2>{_MONTH_FULL}),?\s+(?P<mon_y2>{_YEAR}))(?!\s*[0-9]))
| (?P<yr>{_B}(?:in|since|during|until|by)\s+(?P<yr_y>{_YEAR}))
""", re.IGNORECASE | re.VERBOSE)

_BARE_MODIFIERS = frozenset({"", "early", "late", "early on", "late on"})


def _key(text: str | None) -> str:
    """Lookup key: casefolded, single-spaced, without a trailing abbreviation dot."""
    return " ".join((text or "").casefold().split()).rstrip(".")


def _relation(value: dt.date, published: dt.date, precision: str) -> str:
    a: tuple[int, ...]
    b: tuple[int, ...]
    if precision == "year":
        a, b = (value.year,), (published.year,)
    elif precision == "month":
        a, b = (value.year, value.month), (published.year, published.month)
    else:
        a, b = (value.year, value.month, value.day), (published.year, published.month, published.day)
    return "same" if a == b else "past" if a < b else "future"


def _result(words: str, value: dt.date, published: dt.date, precision: str = "day") -> ResolvedTime:
    return ResolvedTime(words, value, precision, _relation(value, published, precision))


def _in_year(year: str | None, month: int, day: int, published: dt.date) -> dt.date:
    """The date in the written year, else the publication year (previous year if > 183 days ahead)."""
    if year:
        return dt.date(int(year), month, day)
    value = dt.date(published.year, month, day)
    return value.replace(year=published.year - 1) if value - published > _HALF_YEAR else value


def _weekday_delta(mod: str, weekday: int, published: dt.date, future: bool) -> int | None:
    back = (published.weekday() - weekday) % 7  # days since the most recent one on or before
    ahead = (weekday - published.weekday()) % 7  # days until the next one on or after
    if mod in ("next", "this coming"):
        return ahead or 7
    if mod in ("last", "this past"):
        return -(back or 7)
    if mod == "this":
        return None  # "this Tuesday": last one or coming one? don't guess
    return ahead if future else -back


def _period(m: re.Match, words: str, published: dt.date) -> ResolvedTime | None:
    """"last year", "this month" (lexicon: time_relative_periods); "February of last year"."""
    periods = lexicon.mapping("time_relative_periods")
    unit, offset = periods.get(_key(m.group("period") or m.group("monrel_p")), (None, 0))
    if m.group("monrel"):
        month = _MONTHS[_key(m.group("monrel_m"))]
        return _result(words, dt.date(published.year + offset, month, 1), published, "month")
    if unit == "year":
        return _result(words, dt.date(published.year + offset, 1, 1), published, "year")
    if unit == "month":
        index = published.year * 12 + published.month - 1 + offset
        return _result(words, dt.date(index // 12, index % 12 + 1, 1), published, "month")
    return None


def _ago(m: re.Match, words: str, published: dt.date) -> ResolvedTime | None:
    """"two days ago" (a day), "3 weeks ago" (the month of that day: weeks are not counted to the
    day), "six months ago" (a month), "a year ago" (a year)."""
    n_text = _key(m.group("ago_n"))
    n = int(n_text) if n_text.isdigit() else lexicon.mapping("number_words").get(n_text)
    unit = _key(m.group("ago_u"))
    if n is None:
        return None
    if unit == "day":
        return _result(words, published - dt.timedelta(days=n), published)
    if unit == "week":
        return _result(words, (published - dt.timedelta(weeks=n)).replace(day=1), published, "month")
    if unit == "month":
        index = published.year * 12 + published.month - 1 - n
        return _result(words, dt.date(index // 12, index % 12 + 1, 1), published, "month")
    return _result(words, dt.date(published.year - n, 1, 1), published, "year")


def _resolve(m: re.Match, words: str, published: dt.date, future: bool) -> ResolvedTime | None:
    g = m.groupdict()
    try:
        if g["iso"]:
            return _result(words, dt.date(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"])), published)
        if g["night"]:
            return _result(words, published, published)  # the early hours of the publication day
        if g["rel"]:
            key = _key(g["rel"])
            first = key.split()[0]
            offset = -1 if first == "yesterday" or key == "last night" else 1 if first == "tomorrow" else 0
            return _result(words, published + dt.timedelta(days=offset), published)
        if g["period"] or g["monrel"]:
            return _period(m, words, published)
        if g["wd"]:
            weekday = _WEEKDAYS.get(_key(g["wd_name"]))
            mod = _key(g["wd_mod"])
            delta = None if weekday is None else _weekday_delta(mod, weekday, published, future)
            return None if delta is None else _result(words, published + dt.timedelta(days=delta), published)
        if g["ago"]:
            return _ago(m, words, published)
        if g["md"] or g["dm"]:
            p = "md_" if g["md"] else "dm_"
            month = _MONTHS.get(_key(g[p + "m"]))
            if month is None:
                return None
            value = _in_year(g[p + "y"], month, int(g[p + "d"]), published)
            if g["md_last"] and not g["md_y"] and value >= published:  # "last Feb. 24": the one before
                value = value.replace(year=value.year - 1)
            return _result(words, value, published)
        if g["mon"]:
            month = _MONTHS.get(_key(g["mon_m1"] or g["mon_m2"]))
            if month is None:
                return None
            value = _in_year(g["mon_y1"] or g["mon_y2"], month, 1, published)
            return _result(words, value, published, "month")
        if g["yr"]:
            return _result(words, dt.date(int(g["yr_y"]), 1, 1), published, "year")
    except (ValueError, OverflowError):  # "February 30", dates beyond datetime's range
        return None
    return None  # "skip": last week, next month, ...


def resolve_time(words: str, published: dt.date, *, future: bool = False) -> ResolvedTime | None:
    """Resolve one time expression ("Wednesday night", "May 9", "in 2021", ...) or return None.

    A leading "on" and trailing punctuation are ignored for matching; ``words`` in the result is
    the argument without surrounding whitespace. ``future`` makes a bare weekday the next one on
    or after publication instead of the most recent one on or before it.
    """
    original = words.strip()
    text = re.sub(r"^on\s+", "", original, flags=re.IGNORECASE)
    m = _pattern().fullmatch(text) or _pattern().fullmatch(text.rstrip(".,;:!?"))
    return _resolve(m, original, published, future) if m else None


def _told_as_past(m: re.Match, resolved: ResolvedTime, text: str, published: dt.date) -> ResolvedTime:
    """A month or a day without a year that falls after publication in a sentence that reads as past
    ("the bridge was attacked in October", in a July article) is last year's."""
    g = m.groupdict()
    no_year = (g["md"] and not g["md_y"]) or (g["dm"] and not g["dm_y"]) or (g["mon"] and not (g["mon_y1"] or g["mon_y2"]))
    if not no_year or resolved.relation != "future" or tense_before(text, m.start()) != "past":
        return resolved
    return _result(resolved.words, resolved.date.replace(year=resolved.date.year - 1), published, resolved.precision)


def _lowercase_ambiguous(m: re.Match) -> bool:
    """An all-lowercase "may" (the modal verb) or abbreviation ("sat.", "wed.", "dec 3")."""
    for name in ("wd_name", "md_m", "dm_m", "mon_m1", "mon_m2", "monrel_m"):
        token = m.group(name)
        if token and token[0].islower() and _key(token) in _AMBIGUOUS:
            return True
    return False


def find_times(text: str, published: dt.date) -> list[tuple[int, int, ResolvedTime]]:
    """Every resolvable time expression in ``text``: (start, end, ResolvedTime) in text order.

    Spans do not overlap and ``text[start:end] == resolved.words``. A leading "on" is not part
    of the span; "in"/"since"/"of" before a month or year is (it is what makes it a date).
    """
    found = []
    for m in _pattern().finditer(text):
        if _lowercase_ambiguous(m):
            continue
        bare_weekday = bool(m.group("wd")) and _key(m.group("wd_mod")) in _BARE_MODIFIERS
        future = bare_weekday and tense_before(text, m.start()) == "future"
        resolved = _resolve(m, m.group(0), published, future)
        if resolved is not None:
            found.append((m.start(), m.end(), _told_as_past(m, resolved, text, published)))
    return found


def find_vague_times(text: str) -> list[tuple[int, int]]:
    """The spans of time expressions that say when but are not resolved to a date ("last week",
    "this weekend"): an event they date has a time of its own, only not a calendar one."""
    return [(m.start(), m.end()) for m in _pattern().finditer(text) if m.group("skip")]
