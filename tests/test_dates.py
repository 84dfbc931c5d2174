"""Time expressions resolved against a publication date (kg.nlp.dates)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.nlp.dates import ResolvedTime, find_times, resolve_time

PUB = date(2023, 5, 3)  # a Wednesday


@pytest.mark.parametrize(
    ("words", "expected", "relation"),
    [
        ("Wednesday", date(2023, 5, 3), "same"),
        ("Tuesday", date(2023, 5, 2), "past"),
        ("Thursday", date(2023, 4, 27), "past"),
        ("Sunday", date(2023, 4, 30), "past"),
        ("on Tuesday", date(2023, 5, 2), "past"),
        ("wednesday", date(2023, 5, 3), "same"),
        ("TUESDAY", date(2023, 5, 2), "past"),
        ("Wed.", date(2023, 5, 3), "same"),
        ("Tues.", date(2023, 5, 2), "past"),
        ("Thurs.", date(2023, 4, 27), "past"),
        ("next Tuesday", date(2023, 5, 9), "future"),
        ("next Wednesday", date(2023, 5, 10), "future"),
        ("next Thursday", date(2023, 5, 4), "future"),
        ("this coming Tuesday", date(2023, 5, 9), "future"),
        ("last Tuesday", date(2023, 5, 2), "past"),
        ("last Wednesday", date(2023, 4, 26), "past"),
        ("this past Friday", date(2023, 4, 28), "past"),
        ("Wednesday night", date(2023, 5, 3), "same"),
        ("Tuesday evening", date(2023, 5, 2), "past"),
        ("Monday, morning", date(2023, 5, 1), "past"),
        ("early Wednesday", date(2023, 5, 3), "same"),
        ("late on Tuesday", date(2023, 5, 2), "past"),
        ("next Tuesday morning", date(2023, 5, 9), "future"),
        ("today", date(2023, 5, 3), "same"),
        ("tonight", date(2023, 5, 3), "same"),
        ("this morning", date(2023, 5, 3), "same"),
        ("earlier today", date(2023, 5, 3), "same"),
        ("Later Today", date(2023, 5, 3), "same"),
        ("yesterday", date(2023, 5, 2), "past"),
        ("yesterday afternoon", date(2023, 5, 2), "past"),
        ("last night", date(2023, 5, 2), "past"),
        ("overnight", date(2023, 5, 3), "same"),  # the early hours of the publication day
        ("through the night", date(2023, 5, 3), "same"),
        ("pre-dawn", date(2023, 5, 3), "same"),
        ("two days ago", date(2023, 5, 1), "past"),
        ("last Feb. 24", date(2023, 2, 24), "past"),
        ("last May 9", date(2022, 5, 9), "past"),
        ("tomorrow", date(2023, 5, 4), "future"),
        ("tomorrow night", date(2023, 5, 4), "future"),
        ("May 9", date(2023, 5, 9), "future"),
        ("9 May", date(2023, 5, 9), "future"),
        ("May 9th", date(2023, 5, 9), "future"),
        ("9th of May", date(2023, 5, 9), "future"),
        ("on May 9, 2023", date(2023, 5, 9), "future"),
        ("May 3", date(2023, 5, 3), "same"),
        ("April 30", date(2023, 4, 30), "past"),
        ("Aug. 9", date(2023, 8, 9), "future"),
        ("Sept. 1", date(2023, 9, 1), "future"),
        ("1 March 2022", date(2022, 3, 1), "past"),
        ("may 1", date(2023, 5, 1), "past"),  # resolve_time itself is case-insensitive
        ("2023-05-03", date(2023, 5, 3), "same"),
        ("2021-12-31", date(2021, 12, 31), "past"),
    ],
)
def test_day_expressions(words, expected, relation):
    assert resolve_time(words, PUB) == ResolvedTime(words, expected, "day", relation)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("November 1", date(2023, 11, 1)),  # 182 days after publication: this year
        ("November 3", date(2022, 11, 3)),  # more than 183 days after: the previous year
        ("December 25", date(2022, 12, 25)),
        ("25 December 2023", date(2023, 12, 25)),  # a written year is kept
        ("January 2", date(2023, 1, 2)),
    ],
)
def test_year_inferred_within_six_months(words, expected):
    assert resolve_time(words, PUB).date == expected


@pytest.mark.parametrize(
    ("words", "expected", "precision", "relation"),
    [
        ("in May", date(2023, 5, 1), "month", "same"),
        ("in April", date(2023, 4, 1), "month", "past"),
        ("of June", date(2023, 6, 1), "month", "future"),
        ("in December", date(2022, 12, 1), "month", "past"),
        ("May 2023", date(2023, 5, 1), "month", "same"),
        ("in May 2021", date(2021, 5, 1), "month", "past"),
        ("since March, 2022", date(2022, 3, 1), "month", "past"),
        ("in 2021", date(2021, 1, 1), "year", "past"),
        ("since 2014", date(2014, 1, 1), "year", "past"),
        ("in 2023", date(2023, 1, 1), "year", "same"),
        ("by 2030", date(2030, 1, 1), "year", "future"),
        ("last year", date(2022, 1, 1), "year", "past"),
        ("this year", date(2023, 1, 1), "year", "same"),
        ("a year ago", date(2022, 1, 1), "year", "past"),
        ("last month", date(2023, 4, 1), "month", "past"),
        ("this month", date(2023, 5, 1), "month", "same"),
        ("next month", date(2023, 6, 1), "month", "future"),
        ("six months ago", date(2022, 11, 1), "month", "past"),
        ("three weeks ago", date(2023, 4, 1), "month", "past"),
        ("February of last year", date(2022, 2, 1), "month", "past"),
        ("in February last year", date(2022, 2, 1), "month", "past"),
    ],
)
def test_month_and_year_precision(words, expected, precision, relation):
    assert resolve_time(words, PUB) == ResolvedTime(words, expected, precision, relation)


@pytest.mark.parametrize(
    "words",
    ["last week", "next week", "this week", "this weekend", "a dozen days ago",
     "this Tuesday", "May", "may", "2021", "Mayday", "Wednesdays", "February 30", "February 29",
     "2023-13-01", "they may attack", "", "   ", "next", "Wed", "Tuesday Wednesday"],
)
def test_unresolved(words):
    assert resolve_time(words, PUB) is None


def test_surrounding_whitespace_and_trailing_punctuation():
    assert resolve_time("  Tuesday.  ", PUB) == ResolvedTime("Tuesday.", date(2023, 5, 2), "day", "past")
    assert resolve_time("on Tuesday,", PUB).date == date(2023, 5, 2)


def test_future_flag_for_bare_weekdays():
    assert resolve_time("Thursday", PUB, future=True).date == date(2023, 5, 4)
    assert resolve_time("Wednesday", PUB, future=True).relation == "same"
    assert resolve_time("next Tuesday", PUB, future=True).date == date(2023, 5, 9)
    assert resolve_time("last Tuesday", PUB, future=True).date == date(2023, 5, 2)


def test_a_date_after_publication_told_as_past_is_last_years():
    published = date(2023, 7, 17)
    past = find_times("The port was attacked in October, when a truck bomb exploded.", published)
    coming = find_times("The summit will take place in October.", published)
    assert [(r.date, r.precision) for _, _, r in past] == [(date(2022, 10, 1), "month")]
    assert [(r.date, r.precision) for _, _, r in coming] == [(date(2023, 10, 1), "month")]
    assert [r.date for _, _, r in find_times("Russia attacked the city on October 3.", published)] == [date(2022, 10, 3)]


def test_leap_day_with_year():
    assert resolve_time("February 29, 2024", PUB).date == date(2024, 2, 29)
    assert resolve_time("29 February", date(2024, 3, 1)).date == date(2024, 2, 29)


def test_out_of_range_publication_dates_do_not_raise():
    assert resolve_time("yesterday", date.min) is None
    assert resolve_time("tomorrow", date.max) is None


def spans(text: str, published: date = PUB) -> list[tuple[str, date, str]]:
    found = find_times(text, published)
    for start, end, resolved in found:
        assert text[start:end] == resolved.words
    return [(r.words, r.date, r.relation) for _, _, r in found]


def test_find_times_offsets_slice_exactly():
    text = ("Russian drones struck Kyiv overnight, officials said on Wednesday. The attack on "
            "Tuesday evening followed strikes on May 9, 2022 and talks in 2021.")
    found = find_times(text, PUB)
    assert [text[s:e] for s, e, _ in found] == [
        "overnight", "Wednesday", "Tuesday evening", "May 9, 2022", "in 2021"]
    for start, end, resolved in found:
        assert text[start:end] == resolved.words
    assert [r.date for _, _, r in found] == [
        date(2023, 5, 3), date(2023, 5, 3), date(2023, 5, 2), date(2022, 5, 9), date(2021, 1, 1)]
    assert [s for s, _, _ in found] == sorted(s for s, _, _ in found)
    assert all(e1 <= s2 for (_, e1, _), (s2, _, _) in zip(found, found[1:]))


def test_find_times_modal_may_is_not_a_month():
    assert find_times("They may attack again, and it may 9 times out of 10.", PUB) == []
    assert find_times("Of the 12 hostages, 9 may be freed.", PUB) == []
    assert spans("Officials fear they may attack in May.") == [("in May", date(2023, 5, 1), "same")]
    assert spans("The May 9 parade") == [("May 9", date(2023, 5, 9), "future")]
    assert spans("Since May 2022 the front has not moved.") == [
        ("Since May 2022", date(2022, 5, 1), "past")]
    assert spans("the 9th of May") == [("9th of May", date(2023, 5, 9), "future")]


def test_find_times_whole_words_only():
    text = "Mayor Sundays Wednesdays Fridays Monday's Tuesdayx overnights todays Monaday"
    assert spans(text) == [("Monday", date(2023, 5, 1), "past")]


def test_find_times_lowercase_abbreviations_are_not_dates():
    assert find_times("He sat. Then he wed. She got dec 3 points and sun. glare", PUB) == []
    assert spans("Strikes on Sat. and Dec. 3") == [
        ("Sat.", date(2023, 4, 29), "past"), ("Dec. 3", date(2022, 12, 3), "past")]


def test_find_times_skips_vague_expressions():
    assert find_times("Last week and next week, this weekend.", PUB) == []
    assert find_times("this Tuesday", PUB) == []


def test_find_times_last_night_and_next_weekday_are_one_span():
    assert spans("Last night and next Tuesday") == [
        ("Last night", date(2023, 5, 2), "past"), ("next Tuesday", date(2023, 5, 9), "future")]


def test_find_times_future_context():
    assert spans("Talks will resume on Thursday.") == [("Thursday", date(2023, 5, 4), "future")]
    assert spans("The envoy\u2019ll arrive Friday.") == [("Friday", date(2023, 5, 5), "future")]
    assert spans("A vote is scheduled for Monday night.") == [
        ("Monday night", date(2023, 5, 8), "future")]
    assert spans("Russia attacked on Thursday.") == [("Thursday", date(2023, 4, 27), "past")]
    # the nearest cue decides: "said" comes after "will"
    assert spans("The minister, who will visit Kyiv, said on Thursday it was calm.") == [
        ("Thursday", date(2023, 4, 27), "past")]
    # a future cue in an earlier sentence does not leak
    assert spans("They will talk. Troops advanced Thursday.") == [
        ("Thursday", date(2023, 4, 27), "past")]
    # a future Wednesday in a Wednesday article is the publication day
    assert spans("He will speak on Wednesday.") == [("Wednesday", date(2023, 5, 3), "same")]
    # explicit modifiers are not affected by context
    assert spans("They will meet last Tuesday's delegates next Friday.") == [
        ("last Tuesday", date(2023, 5, 2), "past"), ("next Friday", date(2023, 5, 5), "future")]


def test_find_times_iso_and_year_do_not_overlap():
    assert spans("Filed in 2023-05-01, updated 2023-05-03.") == [
        ("2023-05-01", date(2023, 5, 1), "past"), ("2023-05-03", date(2023, 5, 3), "same")]
    assert spans("in 2021-22 season") == []
    assert spans("In May 9 cases") == [("May 9", date(2023, 5, 9), "future")]


def test_find_times_agrees_with_resolve_time():
    text = "Early Wednesday, yesterday, Tue. night, 3 May 2023, in June, since 1999."
    for _, _, resolved in find_times(text, PUB):
        assert resolve_time(resolved.words, PUB) == resolved
    assert len(find_times(text, PUB)) == 6


FRAGMENTS = ["Wednesday", "wed.", "Wed.", "Tues.", "next", "last", "this", "coming", "past",
             "night", "early", "late", "on", "in", "of", "since", "May", "may", "9", "9th", "31",
             "2023", "2021", "2023-05-03", "2023-02-30", "overnight", "today", "yesterday",
             "tomorrow", "week", "Sept.", "Dec", ",", ".", "-", "/", "will", "said", "\n",
             "\u2019ll", "\u017funday", "\u0131n", "\u212a", "\u0663", "20", "19"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_find_times_never_raises_on_arbitrary_text(text):
    for start, end, resolved in find_times(text, PUB):
        assert text[start:end] == resolved.words
        assert resolved.precision in ("day", "month", "year")
        assert resolved.relation in ("same", "past", "future")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12),
       st.lists(st.sampled_from(["", " ", "  ", "x", "\t"]), min_size=12, max_size=12),
       st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_find_times_on_date_like_text(parts, seps, published):
    text = "".join(part + sep for part, sep in zip(parts, seps))
    found = find_times(text, published)
    previous_end = 0
    for start, end, resolved in found:
        assert previous_end <= start < end
        previous_end = end
        assert text[start:end] == resolved.words
        assert resolved.relation in ("same", "past", "future")


def test_find_vague_times():
    from kg.nlp.dates import find_vague_times

    text = "Talks last week and strikes this weekend, but not last year or on Tuesday."
    assert [text[s:e] for s, e in find_vague_times(text)] == ["last week", "this weekend"]
