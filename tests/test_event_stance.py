"""Denials and accusations a named speaker makes without a verb of denying or accusing
(kg/nlp/event_stance.py), on short made-up sentences and the real spaCy model."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.resolve.event_identity import Sighting, event_identities
from tests.test_event_roles import events
from tests.test_facts import facts_of


def _of(nlp, text: str, kind: str) -> list[tuple[str | None, str | None]]:
    return [(agent, target) for t, agent, target, _ in events(nlp, text) if t == kind]


@pytest.mark.parametrize("text, speaker", [
    # an adjective said of what is rejected, also coordinated ("null and void")
    ("Peter Szijjarto said the sanctions were null and void.", "Peter Szijjarto"),
    ("Emmanuel Macron said the Hungarian minister was mistaken.", "Emmanuel Macron"),
    # a negated verb of recognising or connecting
    ("“We do not recognise this tribunal,” Peter Szijjarto told reporters.", "Peter Szijjarto"),
    ("Peter Szijjarto said the explosion was not connected to the summit.", "Peter Szijjarto"),
    # "no" legal ground
    ("Peter Szijjarto said the tribunal's verdict has no legal force in Hungary.", "Peter Szijjarto"),
])
def test_a_named_speaker_who_rejects_something_denies_it(nlp, text, speaker):
    assert _of(nlp, text, "Denial") == [(speaker, None)]


@pytest.mark.parametrize("text", [
    "Emmanuel Macron said the Hungarian minister was not mistaken.",  # negated: no rejection
    "Peter Szijjarto said the storm had no effect on the harvest.",  # "no effect" alone rejects nothing
    "Peter Szijjarto said the sanctions were fair.",
    "A senior official said the sanctions were null and void.",  # no named speaker
])
def test_no_denial_without_a_rejection_by_a_named_speaker(nlp, text):
    assert _of(nlp, text, "Denial") == []


@pytest.mark.parametrize("text", [
    # calling an act a crime and naming who did it: an agent phrase, a verb of doing, a participle
    "Emmanuel Macron said the fire at the depot was sabotage by Serbia.",
    "Emmanuel Macron said Serbia had committed sabotage at the port.",
    "Serbia and France quarrel. Emmanuel Macron said Serbia is preparing a terrorist attack.",
    "Emmanuel Macron said the blast was a terrorist attack carried out by Serbia.",
])
def test_calling_an_act_a_crime_of_someone_named_is_an_accusation_by_the_speaker(nlp, text):
    assert ("Emmanuel Macron", None) in _of(nlp, text, "Accusation")


@pytest.mark.parametrize("text", [
    "Emmanuel Macron said the fire at the depot was sabotage.",  # no one accused
    "French President Emmanuel Macron said the blast was sabotage by France.",  # whom he speaks for
    "A French official said the fire at the depot was sabotage by Serbia.",  # no named speaker
])
def test_no_accusation_without_a_named_speaker_and_someone_else_accused(nlp, text):
    assert not [a for a in _of(nlp, text, "Accusation") if a[0] in ("Emmanuel Macron", "A French official")]


def test_a_claim_of_a_hostile_act_by_another_is_an_accusation_timed_by_the_claim(nlp):
    text = ("Israel struck Gaza with missiles on Tuesday. On Sunday, Hamas claimed that an Israeli missile strike had "
            "killed ten of its fighters.")
    facts, names = facts_of(nlp, text)
    found = [(names.get(e.agent), e.date) for e in facts.events if e.type == "Accusation"]
    assert found == [("Hamas", "2026-03-08")]  # published on Wednesday 11 March 2026: the claim's Sunday is the 8th
    # a report ("said"), or a claim of one's own act, accuses no one
    assert _of(nlp, "Israel has fought Hamas for months. Hamas said an Israeli missile strike killed ten fighters.",
               "Accusation") == []
    assert _of(nlp, "Israel has fought Hamas for months. Israel claimed Israeli jets struck Gaza with missiles.",
               "Accusation") == []


def test_the_charge_of_a_warrant_is_part_of_the_warrant(nlp):
    warrant = "The International Criminal Court issued a warrant for Peter Szijjarto, accusing him of fraud."
    assert [e[0] for e in events(nlp, warrant)] == ["Warrant"]
    other = "The International Criminal Court issued a warrant for Peter Szijjarto, and Hungary accused Serbia of fraud."
    assert ("Hungary", "Serbia") in _of(nlp, other, "Accusation")


def test_a_country_and_the_bodies_of_its_state_are_one_agent_when_joining_reports():
    # "Moscow blamed Kyiv for the breach of the dam" and "the Kremlin said the breach was sabotage by Kyiv"
    day = dt.date(2024, 6, 6)
    reports = [Sighting("a", 0, "event/accusation-place-nova-kakhovka", "Accusation", day, None, "country/russia",
                        frozenset({"place/nova-kakhovka"})),
               Sighting("b", 0, "event/accusation-by-organization-kremlin", "Accusation", day, None,
                        "organization/kremlin")]
    keys = event_identities(reports)
    assert keys[("a", 0)] == keys[("b", 0)] == "event/2024-06-06-accusation-place-nova-kakhovka"


def test_a_named_speaker_who_echoes_a_denial_denies_too(nlp):
    text = "Peter Szijjarto said the sanctions were null and void. Hungarian President Katalin Novak echoed the view."
    assert _of(nlp, text, "Denial") == [("Peter Szijjarto", None), ("Katalin Novak", None)]
    # echoing a view that denies nothing is no denial
    assert _of(nlp, "Peter Szijjarto praised the deal. Hungarian President Katalin Novak echoed the view.", "Denial") == []
