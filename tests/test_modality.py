"""Events reported as not real carry kgo:modality and are never merged with real ones (made-up texts)."""

from __future__ import annotations

import pytest

from kg.resolve.facts import event_sightings
from kg.vocab import Modality
from tests.test_facts import facts_of


@pytest.mark.parametrize("text, expected", [
    ("Kyiv said the drill could become a pretext for a fresh Russian attack on Moldova.", Modality.HYPOTHETICAL),
    ("The senator said the United States should strike Iran.", Modality.CALLED_FOR),
    ("Officials called for strikes on Moscow.", Modality.CALLED_FOR),
    ("Russia will attack Kyiv again, the minister warned.", Modality.FUTURE),
    ("Ukraine is preparing a counteroffensive against Russia.", Modality.FUTURE),
    ("If the drones came from Ukraine, Russia will strike Kyiv.", Modality.CONDITIONAL),
    ("Russia attacked Kyiv with drones on Monday.", None),
    # The modal is about the staging, not about the attack: the attack is reported as real.
    ("The attack on Kyiv could have been staged, officials said.", None),
    # An event that is only a circumstance of a modal verb is real: the response is future, not the attack.
    ("Moscow said it would respond to the attack on Kyiv.", None),
    ("Russia will launch an attack on Kyiv, the minister said.", Modality.FUTURE),
    # persuading someone to act is calling for the act
    ("Allies tried to persuade Israel to attack Iran.", Modality.CALLED_FOR),
    # a "to"-infinitive completing a noun of intent: the noun gives the modality
    ("Belarus has plans to attack Lithuania, the report said.", Modality.FUTURE),
])
def test_the_modality_of_an_event(nlp, text, expected):
    facts, _ = facts_of(nlp, text)
    (event,) = [e for e in facts.events if e.type in ("Attack", "Invasion")]
    assert event.modality == expected


def test_a_hypothetical_event_never_joins_the_real_one(nlp):
    facts, names = facts_of(nlp, "Russia attacked Kyiv on Monday. Russia could attack Kyiv again on Monday, officials said.")
    entity_of = {ref: f"place/{text.lower()}" for ref, text in names.items()}  # one entity per name, as resolved
    keys = [s.base_key for s in event_sightings(facts, entity_of, "2026-03-11")]
    assert keys == ["event/attack-place-kyiv", "event/attack-hypothetical-place-kyiv"]
