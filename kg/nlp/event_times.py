"""When an event happened: the time expression of its own phrase or clause, else the time another
report of the same event gives, a span from the event that governs it, the time of its paragraph,
or the article's news day, in that order (kg.nlp.dates resolves the words).

* **Own time.** A time expression belongs to an event when it sits in the trigger's own phrase ("the
  overnight strike", "the 2014 annexation", "the attack on Tuesday") or in the trigger's clause
  (the verb the trigger is, or the first verb above a noun trigger: "Russia launched a strike early
  on Thursday"); the phrase wins over the clause, and a named day or date over a night word ("the
  overnight attack on Wednesday": Wednesday). A time of another clause is not the event's: in
  "Putin spoke on Thursday, two months after the mutiny", Thursday dates the speech, not the mutiny.
  A bare year that modifies the trigger ("the 2014 annexation") is the event's year. An event put
  apart by an interval word (`time_interval_words`: "a day after Russia withdrew", "after the
  attack") takes no time of the clause that governs it.
* **Same event elsewhere.** An event without a time of its own takes the date of the nearest other
  report in the article of the same type that shares its target or place (its agent, when it has
  neither) and has time words of its own.
* **A span from another event.** "The plane crashed on Wednesday, two months after he led a
  mutiny": the mutiny is the governing event's date moved by the span (the governing clause's
  event, else its time, else the news day), at the span's precision: days and weeks give a day,
  months a month, years a year, unless the span is exact ("exactly two months after":
  `time_exact_cues`) and keeps the day. A span without a number ("months after") leaves it undated;
  an event with a span never takes the paragraph's time or the news day.
* **The paragraph's time.** Else, the date of the nearest event before it in the same paragraph
  that has a day of its own words ("In the overnight attack on Wednesday, Russia launched 38 drones.
  Air defence destroyed 31 of them": the interception is Wednesday's too).
* **News day.** Else, an event reported as news takes the article's news day: the first day-precise
  time of the article's opening (its first `_LEAD_SENTENCES` sentences, a dateline included) that
  lies within `_NEWS_WINDOW_DAYS` before publication. Neither the paragraph's time nor the news
  day goes to a background event, which is left undated: one of a long-lasting type
  (`event_durative_types`: an invasion, an annexation), one not reported as real (a modality), one
  told in the past perfect ("had attacked") or as a stretch of time up to now (`time_period_cues`:
  "several drone strikes since the start of the war").

Events with a date that does not come from their own words have no time words (``time_words``).
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.dates import ResolvedTime, find_times, find_vague_times
from kg.nlp.doc_text import doc_text
from kg.nlp.facts import EventMention, Ref

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_LEAD_SENTENCES = 8
_NEWS_WINDOW_DAYS = 7
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_YEAR_DEPS = ("nummod", "compound", "amod", "npadvmod", "nmod")
_NOT_CLAUSE_HEADS = ("amod", "compound", "aux", "auxpass", "acomp", "prep")


def at_precision(day: str, precision: str) -> str:
    """"2014" for "in 2014", "2022-12" for "in December 2022": never a day the text does not give."""
    return day[:4] if precision == "year" else day[:7] if precision == "month" else day


def _clause(token: "Token") -> "Token":
    """The verb heading a token's clause (infinitives belong to the verb they complete)."""
    node = token
    for _ in range(20):
        if node.pos_ in ("VERB", "AUX") and node.dep_ not in _NOT_CLAUSE_HEADS and node.dep_ != "xcomp":
            return node
        if node.head.i == node.i:
            return node
        node = node.head
    return node


def _in_phrase(token: "Token", trigger: "Token") -> bool:
    """Whether `token` hangs from the trigger without passing through another verb."""
    node = token
    for _ in range(20):
        if node.i == trigger.i:
            return True
        if node.head.i == node.i or (node.i != token.i and node.pos_ == "VERB" and node.dep_ not in _NOT_CLAUSE_HEADS):
            return False
        node = node.head
    return False


def _subordinate(trigger: "Token", home: "Token") -> bool:
    """Whether an interval word ("after", "before") puts the trigger apart from its clause's time."""
    words = lexicon.mapping("time_interval_words")
    if any(c.dep_ == "mark" and c.lower_ in words for c in home.children) and home.dep_ == "advcl":
        return True
    node = trigger
    while node.i != home.i and node.head.i != node.i:
        if node.dep_ == "pobj" and node.head.lower_ in words:
            return True
        node = node.head
    return False


def own_time(trigger: "Token", sentence: "Span", published: date | None) -> tuple[str | None, str | None]:
    """(date at its precision, the words) of the time expression of the trigger's phrase or clause."""
    if published is None:
        return None, None
    for child in trigger.children:  # "the 2014 annexation"
        if child.dep_ in _YEAR_DEPS and _YEAR.fullmatch(child.text):
            return child.text, child.text
    phrase: list[tuple[int, ResolvedTime | str]] = []
    clause: list[tuple[int, ResolvedTime | str]] = []
    home = _clause(trigger)
    if _subordinate(trigger, home):
        home = trigger  # "attacked on Tuesday, a day after the deal's end": Tuesday is not the end's
    found: list[tuple[int, int, ResolvedTime | str]] = [*find_times(sentence.text, published), *(
        (start, end, sentence.text[start:end]) for start, end in find_vague_times(sentence.text))]
    for start, end, resolved in found:
        span = sentence.doc.char_span(sentence.start_char + start, sentence.start_char + end, alignment_mode="expand")
        if span is None:
            continue
        distance = abs(span.start - trigger.i)
        if _in_phrase(span.root, trigger):
            phrase.append((distance, resolved))
        elif _clause(span.root).i == home.i:
            clause.append((distance, resolved))
    # a date wins over vague words ("last week": kept as words, no date), a named day or date over a
    # night word ("the overnight attack on Wednesday": Wednesday)
    night = lexicon.words("time_night_cues")
    chosen = min(phrase or clause, default=None, key=lambda f: (
        isinstance(f[1], str), not isinstance(f[1], str) and " ".join(f[1].words.casefold().split()) in night, f[0]))
    if chosen is None:
        return None, None
    if isinstance(chosen[1], str):
        return None, chosen[1]
    return at_precision(chosen[1].date.isoformat(), chosen[1].precision), chosen[1].words


def news_day(doc: "Doc", published: date | None) -> ResolvedTime | None:
    """The day the article's opening ties its news to (a dateline, "on Tuesday", "overnight")."""
    if published is None:
        return None
    lead = list(doc.sents)[:_LEAD_SENTENCES]
    if not lead:
        return None
    for _, _, resolved in find_times(doc_text(doc)[:lead[-1].end_char], published):
        if resolved.precision == "day" and timedelta(0) <= published - resolved.date <= timedelta(_NEWS_WINDOW_DAYS):
            return resolved
    return None


def _anchors(doc: "Doc", event: EventMention) -> set[str]:
    """What identifies the event: its target and place, else its agent (Russia attacks often: an
    agent alone does not make two attacks one)."""
    refs: tuple[Ref | None, ...] = (event.target, event.place)
    if not any(refs):
        refs = (event.agent,)
    return {doc_text(doc)[r[0]:r[1]].casefold() for r in refs if r is not None}


def _background(doc: "Doc", event: EventMention) -> bool:
    """Not today's news: a long-lasting type, not reported as real, told in the past perfect ("had
    attacked"). (One told as a stretch of time, `_over_a_period`, is settled before this is asked.)"""
    if event.type in lexicon.words("event_durative_types") or event.modality is not None:
        return True
    span = doc.char_span(event.start, event.end, alignment_mode="expand")
    if span is None:
        return False
    verb = _clause(span.root)
    return any(c.dep_ == "aux" and c.lemma_ == "have" and c.tag_ == "VBD" for c in verb.children)


def _over_a_period(doc: "Doc", event: EventMention) -> str | None:
    """The words that tell an event as a stretch of time up to now (`time_period_cues`: "since the war
    began") or as a season or period (`time_period_nouns`: "strikes on the grid over the winter"):
    no day's event, not even that of another report of its type and anchor."""
    span = doc.char_span(event.start, event.end, alignment_mode="expand")
    if span is None:
        return None
    trigger, verb = span.root, _clause(span.root)
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":  # "retaliated by bombarding …": the main verb's too
        verb = verb.head.head
    periods, nouns = lexicon.words("time_period_cues"), lexicon.words("time_period_nouns")
    heads = (trigger, verb, *(c for t in (trigger, verb) for c in t.children if c.dep_ in ("advcl", "acl") and c.tag_ == "VBG"))
    for c in (c for t in heads for c in t.children):
        if (c.lower_ in periods and c.dep_ in ("prep", "mark")) or (c.dep_ == "prep" and c.lower_ in (
                "over", "during", "through") and any(o.dep_ == "pobj" and o.lower_ in nouns for o in c.children)):
            return doc[c.left_edge.i: c.right_edge.i + 1].text
    return None


_UNITS = ("day", "week", "month", "year")


@dataclasses.dataclass(frozen=True)
class _Span:
    """"two months after": the governing clause's verb, the direction, the count (None: "months
    after"), the unit and whether it is exact."""

    head: int
    direction: int
    count: int | None
    unit: str
    exact: bool


def _span_of(doc: "Doc", event: EventMention) -> _Span | None:
    """The span of time that separates the event from the clause governing it, if the text gives one."""
    trigger = doc.char_span(event.start, event.end, alignment_mode="expand")
    if trigger is None:
        return None
    words = lexicon.mapping("time_interval_words")
    root = trigger.root
    verb = _clause(root)
    marks = [c for c in verb.children if c.dep_ == "mark" and c.lower_ in words and verb.dep_ == "advcl"]
    word = marks[0] if marks else root.head if root.dep_ == "pobj" and root.head.lower_ in words else None
    if word is None:
        return None
    governing = verb.head if marks else _clause(word.head)
    holders = (word, governing, verb) if marks else (word, governing)
    for unit in (c for t in holders for c in t.children if c.dep_ == "npadvmod"):
        if unit.lemma_.lower() in _UNITS:
            number = next((c for c in unit.children if c.dep_ in ("nummod", "det")), None)
            text = number.lower_ if number is not None else ""
            count = int(text) if text.isdigit() else lexicon.mapping("number_words").get(text)
            near = [*unit.subtree, *word.children, *verb.children]
            exact = any(t.lower_ in lexicon.words("time_exact_cues") for t in near)
            return _Span(governing.i, words[word.lower_], count, unit.lemma_.lower(), exact)
    return None


def _shifted(day: str, span: _Span) -> str | None:
    """The governing event's day moved by the span, at the precision the span gives (None when the
    result is out of the calendar's range)."""
    if len(day) != 10 or span.count is None:
        return None
    value, n = date.fromisoformat(day), span.count * span.direction
    try:
        if span.unit in ("day", "week"):
            return (value + timedelta(days=n * (7 if span.unit == "week" else 1))).isoformat()
        index = value.year * 12 + value.month - 1 + n * (12 if span.unit == "year" else 1)
        year, month = index // 12, index % 12 + 1
        moved = date(year, month, min(value.day, calendar.monthrange(year, month)[1]))  # 31 March - 1 month: 28 Feb
    except (ValueError, OverflowError):
        return None
    return at_precision(moved.isoformat(), "day" if span.exact else span.unit)


def _clause_of(doc: "Doc", event: EventMention) -> int | None:
    span = doc.char_span(event.start, event.end, alignment_mode="expand")
    return _clause(span.root).i if span is not None else None


def complete_dates(doc: "Doc", events: tuple[EventMention, ...], published: date | None) -> tuple[EventMention, ...]:
    """Date the events that have no time of their own (see the module's docstring)."""
    day = news_day(doc, published)
    spans = {i: _span_of(doc, e) for i, e in enumerate(events) if e.date is None and not e.time_words}
    anchors = [_anchors(doc, e) for e in events]
    breaks = [m.start() for m in re.finditer("\n", doc_text(doc))]
    paragraph = [bisect.bisect(breaks, e.start) for e in events]  # events are in text order
    own = [i for i, e in enumerate(events) if e.date and e.time_words]
    result = list(events)
    for i, event in enumerate(events):
        if i not in spans:  # dated, or "last week": a time of its own, not a date
            continue
        same = [j for j in own if events[j].type == event.type and anchors[i] & anchors[j]]
        before = [j for j in own if j < i and paragraph[j] == paragraph[i] and len(events[j].date or "") == 10]
        period = _over_a_period(doc, event)
        if same:
            result[i] = dataclasses.replace(event, date=events[min(same, key=lambda j: abs(events[j].start - event.start))].date)
        elif period is not None:  # "over the winter": a time of its own, no day
            result[i] = dataclasses.replace(event, time_words=period)
        elif before and spans[i] is None and not _background(doc, event):  # the paragraph's time
            result[i] = dataclasses.replace(event, date=events[before[-1]].date)
        elif day is not None and spans[i] is None and not _background(doc, event):
            result[i] = dataclasses.replace(event, date=day.date.isoformat())
    for i, span in spans.items():  # "two months after": from the governing event's date
        if span is not None and result[i].date is None:
            governing: list[str | None] = [e.date for e in result if e.date and e.sentence == events[i].sentence
                                           and _clause_of(doc, e) == span.head]
            if not governing:  # no event of its own: the clause's time, else the news day
                head = doc[span.head]
                governing = [own_time(head, head.sent, published)[0] or (day.date.isoformat() if day else None)]
            shifted = _shifted(governing[0], span) if governing[0] else None
            result[i] = dataclasses.replace(result[i], date=shifted) if shifted else result[i]
    return tuple(result)
