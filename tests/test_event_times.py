"""When events happened (kg.nlp.event_times): their own clause's time, the same event's time elsewhere
in the article, spans from another event, the article's news day; made-up texts, real model."""

from __future__ import annotations

from datetime import date

import pytest

from kg.nlp.article_facts import extract_facts
from kg.nlp.extract import extract_mentions
from kg.nlp.gazetteer import Gazetteer

PUBLISHED = date(2026, 3, 14)  # a Saturday


def events_of(nlp, text: str, published: date | None = PUBLISHED) -> dict[str, tuple[str | None, str | None]]:
    """type -> (date, time words) of the first event of each type."""
    doc = nlp(text)
    mentions = extract_mentions(doc, "t", Gazetteer.load(), "test").mentions
    found: dict[str, tuple[str | None, str | None]] = {}
    for e in extract_facts(doc, "t", mentions, Gazetteer.load(), published).events:
        found.setdefault(e.type, (e.date, e.time_words))
    return found


def test_the_night_is_dated_by_its_early_hours(nlp):
    found = events_of(nlp, "Russian drones attacked Odesa overnight, the governor said.")
    assert found["Attack"] == ("2026-03-14", "overnight")


def test_a_time_of_another_clause_is_not_the_events(nlp):
    text = ("Russian missiles hit Lviv on Tuesday, the mayor said. "
            "The president spoke on Thursday after the attack on Kherson.")
    doc_events = events_of(nlp, text)
    assert doc_events["Attack"] == ("2026-03-10", "Tuesday")
    kherson = [e for e in _all(nlp, text) if e.type == "Attack" and "Kherson" in text[e.start - 30:e.start + 40]]
    assert kherson and kherson[0].date == "2026-03-10" and kherson[0].time_words is None  # the news day, not Thursday


def _all(nlp, text: str):
    doc = nlp(text)
    mentions = extract_mentions(doc, "t", Gazetteer.load(), "test").mentions
    return extract_facts(doc, "t", mentions, Gazetteer.load(), PUBLISHED).events


def test_an_event_without_time_words_takes_the_news_day_of_the_opening(nlp):
    text = ("Russia attacked Odesa with missiles early on Wednesday, regional officials said. "
            "Air defences shot down nine drones over the region.")
    found = events_of(nlp, text)
    assert found["Attack"] == ("2026-03-11", "early on Wednesday")
    assert found["Interception"] == ("2026-03-11", None)  # dated, but no words of its own


def test_no_news_day_when_the_opening_gives_no_recent_day(nlp):
    found = events_of(nlp, "Air defences shot down nine drones over Odesa, officials said.")
    assert found["Interception"] == (None, None)
    assert events_of(nlp, "Air defences shot down nine drones over Odesa.", None)["Interception"] == (None, None)


def test_background_events_are_not_dated_by_the_news_day(nlp):
    text = ("Russian drones attacked Kharkiv on Friday, officials said. "
            "Russia's invasion of Ukraine has displaced millions. "
            "Before the war, Russia had attacked Georgia with tanks.")
    found = events_of(nlp, text)
    assert found["Attack"] == ("2026-03-13", "Friday")
    assert found["Invasion"] == (None, None)  # a long-lasting event: not today's news
    georgia = [e for e in _all(nlp, text) if e.type == "Attack" and e.date is None]
    assert georgia, "the past perfect tells a background event"


def test_an_event_told_over_a_season_is_not_dated_by_the_news_day(nlp):
    text = ("Drones hit a depot in Kharkiv on Friday, officials said. "
            "Moscow retaliated by bombarding the power grid of Ukraine over the winter.")
    bombing = [e for e in _all(nlp, text) if e.text == "bombarding"]
    assert [(e.date, e.time_words) for e in bombing] == [(None, "over the winter")]


def test_the_same_event_elsewhere_in_the_article_gives_its_date(nlp):
    text = ("Ukraine said on Friday it was still counting the damage. "
            "Russian drones attacked Odesa on Monday. "
            "The attack on Odesa damaged the grain terminal.")
    dates = [e.date for e in _all(nlp, text) if e.type == "Attack"]
    assert dates == ["2026-03-09", "2026-03-09"]  # Monday's, not the news day (Friday)


@pytest.mark.parametrize(("text", "expected"), [
    ("The plane crashed near Tver on Wednesday, two months after the Wagner mutiny against Russia's army.",
     "2026-01"),  # months: the month only
    ("The plane crashed near Tver on Wednesday, exactly two months after he led a mutiny against Russia's army.",
     "2026-01-11"),  # exactly: the day
    ("The plane crashed near Tver on Wednesday, months after Prigozhin led a mutiny against Russia's army.",
     None),  # no number: undated
])
def test_a_span_from_another_event_dates_the_event(nlp, text, expected):
    found = events_of(nlp, text)
    assert found["PlaneCrash"] == ("2026-03-11", "Wednesday")
    assert found["Mutiny"][0] == expected


def test_a_day_after(nlp):
    found = events_of(nlp, "Drones attacked Odesa on Tuesday, a day after Russia withdrew from the grain deal.")
    assert found["Attack"] == ("2026-03-10", "Tuesday")
    assert found["Withdrawal"] == ("2026-03-09", None)


def test_a_year_modifying_the_trigger_and_relative_periods(nlp):
    found = events_of(nlp, "The 2014 annexation of Crimea by Russia was condemned on Saturday.")
    assert found["Annexation"] == ("2014", "2014")
    found = events_of(nlp, "Russia's invasion of Ukraine began in February of last year.")
    assert found["Invasion"][0] == "2025-02"


def test_a_named_day_beats_a_night_word_and_the_paragraph_keeps_its_time(nlp):
    text = ("The Pentagon announced new aid for Ukraine on Friday. "
            "In the overnight attack on Wednesday, Russia attacked Odesa with 30 drones. "
            "Air defences shot down 25 drones, the air force said.\n"
            "Air defences shot down four missiles over Kyiv.")
    events = _all(nlp, text)
    assert {e.date for e in events if e.type == "Attack"} == {"2026-03-11"}  # Wednesday, not the Saturday's night
    assert [e.date for e in events if e.type == "Interception"] == [
        "2026-03-11",  # the paragraph's time
        "2026-03-13",  # another paragraph: the news day (Friday)
    ]


def test_spans_stay_in_the_calendar():
    from kg.nlp.event_times import _shifted, _Span

    assert _shifted("2023-03-31", _Span(0, -1, 1, "month", True)) == "2023-02-28"  # no 31 February
    assert _shifted("2024-02-29", _Span(0, -1, 1, "year", True)) == "2023-02-28"
    assert _shifted("2023-08-30", _Span(0, -1, 2, "month", False)) == "2023-06"
    assert _shifted("2023-07-18", _Span(0, -1, 2, "week", False)) == "2023-07-04"
    assert _shifted("0001-01-15", _Span(0, -1, 2, "month", True)) is None  # before year 1
    assert _shifted("9999-12-31", _Span(0, 1, 3, "day", True)) is None
    assert _shifted("2023", _Span(0, -1, 2, "day", True)) is None  # a year is not moved by days
    assert _shifted("2023-07-18", _Span(0, -1, None, "month", False)) is None  # "months after"


def test_publication_dates_at_the_ends_of_the_calendar_do_not_raise(nlp):
    text = "Russian drones attacked Odesa overnight. The attack came two days after Russia withdrew from the deal."
    for published in (date.min, date.max):
        assert {e.type for e in _all_at(nlp, text, published)} >= {"Attack"}


def _all_at(nlp, text: str, published: date):
    doc = nlp(text)
    mentions = extract_mentions(doc, "t", Gazetteer.load(), "test").mentions
    return extract_facts(doc, "t", mentions, Gazetteer.load(), published).events


def test_vague_words_of_its_own_keep_an_event_from_borrowed_dates(nlp):
    text = "Russian missiles hit Lviv on Friday, officials said. Russian drones attacked Kharkiv last week."
    events = [e for e in _all(nlp, text) if e.type == "Attack"]
    assert [(e.date, e.time_words) for e in events] == [("2026-03-13", "Friday"), (None, "last week")]


def test_a_stretch_of_time_up_to_now_is_background(nlp):
    text = ("Russian missiles hit Lviv on Friday, officials said. "
            "Russia has accused Ukraine of several drone attacks on Belgorod since the start of the war.")
    belgorod = [e for e in _all(nlp, text) if e.type == "Attack" and e.date != "2026-03-13"]
    assert belgorod and all(e.date is None for e in belgorod)
