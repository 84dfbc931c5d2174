"""Statements, events and aid packages on short made-up texts, with the real model and gazetteer."""

from __future__ import annotations

from datetime import date

import pytest

from kg.nlp.article_facts import extract_facts
from kg.nlp.extract import extract_mentions
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.quotes import quote_spans
from kg.resolve.facts import similarity

PUBLISHED = date(2026, 3, 11)  # a Wednesday


def facts_of(nlp, text: str):
    doc = nlp(text)
    mentions = extract_mentions(doc, "t", Gazetteer.load(), "test").mentions
    names = {(m.start, m.end): m.text for m in mentions}
    return extract_facts(doc, "t", mentions, Gazetteer.load(), PUBLISHED), names


@pytest.mark.parametrize("text,expected", [
    ("He said “we will rebuild,” and left.", ["we will rebuild,"]),
    ('She said "the port is open" today.', ["the port is open"]),
    ('It said "the right to respond where it sees fit.” Then nothing.', ["the right to respond where it sees fit."]),
    ("“One. Two,” he said. “Three ‘four’ five.”", ["One. Two,", "Three ‘four’ five."]),
    ("“A quote that runs on\n\n“and on,” she said.", ["A quote that runs on", "and on,"]),
    ("The mayor’s office didn’t say.", []),
])
def test_quote_spans_in_every_style(text, expected):
    assert [text[s:e] for s, e in quote_spans(text)] == expected


def test_quote_speakers_through_names_pronouns_and_continuations(nlp):
    text = ("Odesa governor Oksana Hrytsenko spoke on Wednesday. “The fire is out,” Hrytsenko said. "
            "“The port is working.”\n\n“We need more interceptors,” she added on Telegram.")
    facts, names = facts_of(nlp, text)
    quotes = [(s.text, names.get(s.speaker.ref) if s.speaker and s.speaker.ref else None) for s in facts.statements
              if s.direct]
    assert quotes == [("The fire is out", "Hrytsenko"), ("The port is working.", "Hrytsenko"),
                      ("We need more interceptors", "Hrytsenko")]
    medium = [names.get(s.medium) for s in facts.statements if s.direct][-1]
    assert medium == "Telegram"


def test_unnamed_speakers_are_their_own_source(nlp):
    facts, _ = facts_of(nlp, "“We cannot answer every drone with a missile,” a senior Ukrainian military official said.")
    speaker = facts.statements[0].speaker
    assert speaker.ref is None and speaker.description == "a senior Ukrainian military official"


def test_reported_speech_with_stance_and_venue(nlp):
    text = ("Russian defence ministry spokeswoman Irina Volkova denied that Russian forces had targeted the port. "
            "Daniel Whitfield said in a statement that the package might arrive within weeks.")
    facts, names = facts_of(nlp, text)
    reported = {names.get(s.speaker.ref): (s.stance, s.cue, s.venue) for s in facts.statements if not s.direct}
    assert reported["Irina Volkova"][:2] == ("denies", "deny")
    assert reported["Daniel Whitfield"] == ("speculates", "say", "statement")


def test_events_with_roles_count_and_resolved_date(nlp):
    text = "Russia launched an attack on Odesa overnight with 38 drones. Air defence shot down 31 drones on Wednesday."
    facts, names = facts_of(nlp, text)
    by_type = {e.type: e for e in facts.events}
    attack = by_type["Attack"]
    assert names[attack.target] == "Odesa" and names[attack.instrument] == "drones" and attack.count == 38
    assert (attack.date, attack.time_words) == ("2026-03-11", "overnight")  # the early hours of publication day
    assert by_type["Interception"].count == 31 and by_type["Interception"].date == "2026-03-11"


def test_alleged_and_negated_events(nlp):
    facts, names = facts_of(nlp, "Russia accused Ukraine of attacking the Kremlin with two drones. Kyiv said: "
                                 "“We did not attack Moscow.”")
    attacks = [e for e in facts.events if e.type == "Attack"]
    assert len(attacks) == 1 and attacks[0].alleged and names[attacks[0].agent] == "Ukraine"
    assert names[attacks[0].target] == "Kremlin"


def test_an_event_a_noun_denies_is_no_event(nlp):
    """"no plans to attack", "no chance of intercepting": denied by "no" on the noun they complete."""
    for text in ("Belarus has no plans to attack Lithuania, its foreign minister said.",
                 "Air defences in Kharkiv had no chance of intercepting the missiles."):
        facts, _ = facts_of(nlp, text)
        assert not [e for e in facts.events if e.type in ("Attack", "Interception")], text
    facts, _ = facts_of(nlp, "Air defences in Kharkiv had time to intercept the missiles, the governor said.")
    assert [e.type for e in facts.events if e.type == "Interception"] == ["Interception"]


def test_aid_package_fields_and_cumulative_total(nlp):
    text = ("The Pentagon announced on Thursday that the United States will send Ukraine $150 million in military aid. "
            "The package will include interceptors, 155mm artillery rounds and counter-drone radars. "
            "It is the 12th package this year and brings the total to $2.5 billion.")
    facts, names = facts_of(nlp, text)
    (grant,) = facts.grants
    assert (grant.amount, grant.currency, grant.sequence, grant.cumulative_amount) == (150_000_000, "USD", 12, 2_500_000_000)
    assert names[grant.funder] == "United States" and names[grant.recipient] == "Ukraine"
    assert names[grant.announcer] == "Pentagon"
    assert {"interceptors", "155mm artillery rounds", "counter-drone radars"} <= set(grant.content_texts)
    assert any(e.type == "AidAnnouncement" for e in facts.events)


def test_renderings_of_one_remark_are_similar():
    a = "I would treat anything the ministry says with a large pinch of salt."
    b = "Anything the ministry says I would treat with a very large pinch of salt."
    assert similarity(a, b) >= 0.5 > similarity(a, "The talks will resume next week in Geneva.")


@pytest.mark.parametrize("text, expected", [
    ("Wagner's mutiny against the Russian army command began in Rostov on Saturday.", "Mutiny"),
    ("A private jet carrying the businessman crashed near the village of Lipki in the Tver region.", "PlaneCrash"),
    ("The breach of the dam near Nova Kakhovka flooded villages downstream.", "DamBreach"),
    ("Emmanuel Macron's visit to Kyiv was not announced in advance.", "Visit"),
    ("The International Criminal Court issued an arrest warrant for Vladimir Putin.", "Warrant"),
    ("Moscow annexed Crimea in 2014.", "Annexation"),
    ("Kyiv condemned Russia's deportation of children from occupied areas.", "Deportation"),
    ("Turkey brokered a deal that allowed grain to leave the Black Sea ports.", "Agreement"),
    ("Russia withdrew from the grain agreement on Monday.", "Withdrawal"),
    ("The opposition leader Sviatlana Tsikhanouskaya went into exile in Lithuania.", "Exile"),
])
def test_event_types_beyond_attacks(nlp, text, expected):
    facts, _ = facts_of(nlp, text)
    assert expected in {e.type for e in facts.events}, [(e.type, e.text) for e in facts.events]


def test_a_trigger_modifying_another_is_not_an_event_and_a_market_crash_is_no_plane_crash(nlp):
    facts, _ = facts_of(nlp, "The International Criminal Court issued an arrest warrant for Vladimir Putin. The stock market crash worried investors in Moscow.")
    assert {e.type for e in facts.events} == {"Warrant"}


def test_an_event_time_keeps_the_precision_the_text_gives(nlp):
    facts, _ = facts_of(nlp, "Moscow annexed Crimea in 2014. Emmanuel Macron's visit to Kyiv in December 2022 was short.")
    assert {e.type: e.date for e in facts.events} == {"Annexation": "2014", "Visit": "2022-12"}


def test_a_named_speakers_denial_is_a_denial_event_by_that_speaker(nlp):
    facts, names = facts_of(nlp, "“Kyiv had nothing to do with the attack on the Kremlin,” Podolyak said.")
    denials = [e for e in facts.events if e.type.value == "Denial"]
    assert [names[e.agent] for e in denials] == ["Podolyak"]
    statement = next(s for s in facts.statements if s.stance.value == "denies")
    assert (denials[0].start, denials[0].end) == (statement.start, statement.end)  # its words are the evidence
    # a statement that asserts makes no event
    facts, _ = facts_of(nlp, "“The port is working again,” Kiper said.")
    assert not [e for e in facts.events if e.type.value in ("Denial", "Accusation")]
