"""Event roles from the parse, on short made-up sentences (the real spaCy model): who an event's
subject names when it is not a named actor, the possessive pronoun's owner, "of" after an event
noun, weapons that act on their own, and denials of accusations."""

from __future__ import annotations

import pytest

from tests.test_facts import facts_of


def events(nlp, text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    facts, names = facts_of(nlp, text)
    name = names.get
    return [(e.type.value, name(e.agent) if e.agent else None, name(e.target) if e.target else None,
             name(e.instrument) if e.instrument else None) for e in facts.events]


@pytest.mark.parametrize("text, expected", [
    # a demonym on the subject names its country (when the article names that country)
    ("Russian forces attacked Odesa with drones, Russia said.", ("Attack", "Russia", "Odesa", "drones")),
    # a pronoun subject of what someone said stands for the one who said it
    ("Ukraine said it shot down 30 Shahed drones overnight.", ("Interception", "Ukraine", "Shahed drones", None)),
    # "its invasion": the owner is the clause's subject; "of" after an event noun gives the target
    ("Russia launched its full-scale invasion of Ukraine in February 2022.", ("Invasion", "Russia", "Ukraine", None)),
    # the agent phrase of a participle modifying the trigger; a part of a named place stands for it
    ("Officials said two grain stores burned after a drone attack launched by Russia on the southern district of Odesa.",
     ("Attack", "Russia", "Odesa", "drone")),
    # "on Kyiv" hanging from the agent phrase, whose demonym names the agent
    ("Early morning missile attacks by Russian forces on Kyiv killed three people, Russia said.",
     ("Attack", "Russia", "Kyiv", "missile")),
    # the subject of a light verb carries out the event noun it launches; a war begun is an invasion
    ("Russia launched a drone attack on Kyiv.", ("Attack", "Russia", "Kyiv", "drone")),
    ("Russia launched the war against Ukraine in 2022.", ("Invasion", "Russia", "Ukraine", None)),
    # a place naming the event noun it modifies is its target
    ("Russia said the Kremlin drone attack was a terrorist act.", ("Attack", None, "Kremlin", "drone")),
    # a pronoun subject of a clause coordinated with what someone said stands for that someone
    ("Russia's defence ministry said its forces had struck targets, and it rejected Ukrainian accusations.",
     ("Denial", "Russia's defence ministry", None, None)),
    # rejecting accusations is a denial by the one who rejects, not their accusation
    ("The Kremlin rejected accusations that it destroyed the dam.", ("Denial", "Kremlin", None, None)),
    ("Moscow dismissed the claims as absurd.", ("Denial", "Moscow", None, None)),
    ("Moscow dismissed the orders as void.", ("Denial", "Moscow", None, None)),
    # a dam damaged or blown up is a dam breach
    ("Ukraine said Russian forces damaged the Kakhovka dam.", ("DamBreach", None, "Kakhovka dam", None)),
])
def test_roles_beyond_named_subjects(nlp, text, expected):
    assert expected in events(nlp, text)


def test_interceptors_are_not_what_an_attack_was_carried_out_with(nlp):
    found = events(nlp, "Air defences shot down 20 drones during a Russian attack on Kyiv, Russia and Ukraine said.")
    attack = next(e for e in found if e[0] == "Attack")
    assert attack[1:3] == ("Russia", "Kyiv") and attack[3] != "Air defences"


def test_rejecting_a_proposal_is_no_denial(nlp):
    assert not [e for e in events(nlp, "Germany rejected the proposal of France on Monday.") if e[0] == "Denial"]


def test_war_crimes_are_no_invasion(nlp):
    assert not [e for e in events(nlp, "Ukraine said Russia committed war crimes in Bucha.") if e[0] == "Invasion"]


def test_what_an_attack_fires_is_its_instrument_and_what_is_shot_down_the_target(nlp):
    assert ("Attack", "Russia", None, "missiles") in events(nlp, "Russia fired 30 missiles overnight.")
    assert ("Interception", "Ukraine", "missiles", None) in events(nlp, "Ukraine shot down 30 missiles overnight.")


@pytest.mark.parametrize("text, expected", [
    # what an interception stops is its target, also in the passive and with a participle; a weapon
    # coordinated with it was stopped too, and the air defence is the instrument
    ("Romania said four missiles and 12 drones were shot down by air defences over the Odesa region.",
     ("Interception", None, "missiles", "air defences")),
    ("Poland said debris from the downed drones fell on a farm near Lublin.", ("Interception", None, "drones", None)),
    # fire that is opened is an attack; the light verb's prepositions are the event's
    ("Russia denied it. Ukraine said Russian helicopters opened fire on Kherson on Monday.",
     ("Attack", "Russia", "Kherson", None)),
    # a passive light verb's agent phrase names who carried the event out, through a demonym
    ("Russia blamed Ukraine. The strike was carried out by two Ukrainian sea drones.",
     ("Attack", "Ukraine", None, "sea drones")),
    # a people named in the plural stands for its country
    ("Russia denied it. Overnight, Russians attacked Kharkiv with drones.", ("Attack", "Russia", "Kharkiv", "drones")),
    # "X was the target of an attack"
    ("Moscow said the Kerch Bridge was the target of a drone attack.", ("Attack", None, "Kerch Bridge", "drone")),
    # a definite noun repeating the head of a place named before refers back to it
    ("Ukraine said the Kerch Bridge was closed. Two drones hit the bridge overnight.",
     ("Attack", None, "Kerch Bridge", "Two drones")),
    # … unless its own modifier says it is another one
    ("Ukraine said the Kerch Bridge was closed. Two drones hit the railway bridge overnight.",
     ("Attack", None, None, "Two drones")),
    # a medium or platform is where news was told, never what an event was done to
    ("Zelensky confirmed Biden's visit to Kyiv on Telegram.", ("Visit", "Biden", None, None)),
    # one who leads an event carries it out, also in a relative clause
    ("Russia said Prigozhin led a mutiny against the army.", ("Mutiny", "Prigozhin", None, None)),
    ("Officials recalled the mutiny that Prigozhin had led in June.", ("Mutiny", "Prigozhin", None, None)),
    # a relative clause's event is done to the noun it describes
    ("Officials in Kerch, which was annexed by Russia in 2014, said the bridge was closed.",
     ("Annexation", "Russia", "Kerch", None)),
    ("Ukraine said Kharkiv, which Russia shelled overnight, has no power.", ("Attack", "Russia", "Kharkiv", None)),
    # a barrage is an attack
    ("Ukraine said Russia unleashed a missile barrage on Kharkiv.", ("Attack", "Russia", "Kharkiv", "missile")),
])
def test_targets_agents_and_instruments_from_the_parse(nlp, text, expected):
    assert expected in events(nlp, text)


def places(nlp, text: str) -> list[tuple[str, str | None]]:
    facts, names = facts_of(nlp, text)
    return [(e.type.value, names.get(e.place) if e.place else None) for e in facts.events]


@pytest.mark.parametrize("text, expected", [
    # the place of the event's own clause, not the one of the clause of saying
    ("Officials in Kyiv said explosions were heard in Lviv.", [("FireOrExplosion", "Lviv")]),
    # a place in another object of the verb is not the event's
    ("Peskov said the drone attack on Odesa would not change the campaign against Kyiv.", [("Attack", None)]),
    # a place reached through a participle that describes a noun still is the clause's
    ("A large fire broke out at a depot near a bridge connecting Russia to occupied Crimea.",
     [("FireOrExplosion", "Crimea")]),
    # an adverbial clause's event is where its main clause is
    ("Two people were hurt in the Sumy region after a drone hit a shop.", [("Attack", "Sumy region")]),
    # what crashes is an aircraft, not a person on board; where is the place
    ("Officials said the plane of Ivan Petrov crashed in the Tver region.", [("PlaneCrash", "Tver region")]),
])

def test_a_place_is_the_events_only_when_attached_to_its_trigger_or_clause(nlp, text, expected):
    found = places(nlp, text)
    assert [p for p in found if p[0] == expected[0][0]] == expected


@pytest.mark.parametrize("text", [
    "A cargo plane crashed northwest of Moscow on Sunday, officials said.",
    "A fire broke out at a fuel depot 30 km south of Kharkiv.",
])
def test_a_place_after_a_compass_word_is_a_reference_point_not_the_events_place(nlp, text):
    """The event happened near it, not in it (and with nothing else to anchor it, it is too vague)."""
    assert not [p for p in places(nlp, text) if p[1] is not None]


def test_an_event_spoken_of_is_not_the_speakers(nlp):
    """The subject of a clause of saying does not carry out the event its words are about."""
    assert not [e for e in events(nlp, "Peskov said the mutiny would not change the course of the war.")
                if e[0] == "Mutiny" and e[1] == "Peskov"]


@pytest.mark.parametrize("text", [
    "Aksyonov said there was no immediate threat to the water supply.",  # "no" negates a noun
    "Fighters seized a headquarters in Rostov, posing a potential threat to Moscow.",  # a danger
    "Prigozhin claimed a rocket attack had killed his fighters, vowing to take revenge.",  # no one who threatens
])
def test_no_threat_without_a_real_one_who_threatens(nlp, text):
    assert not [e for e in events(nlp, text) if e[0] == "Threat" and e[1] is None]
    assert not [e for e in events(nlp, text) if e[0] == "Threat" and "no immediate" in text]


@pytest.mark.parametrize("text, kind", [
    ("Ukraine said the shells for howitzers arrived and the car bomb was defused.", "Attack"),  # nouns: weapons
    ("Zelensky thanked the mayor for his agreement.", "Agreement"),  # consent, not a deal reached
    ("The port lies in Moscow-annexed Crimea.", "Annexation"),  # a state, not an annexation report
    ("Hungary withdrew its objections to the package on Monday.", "Withdrawal"),  # yielding, not pulling out
    ("The minister slammed the decision as reckless.", "Attack"),  # criticism, not a strike
    ("Moscow retaliated by bombarding the power grid of Ukraine.", "Threat"),  # the response itself
    ("The governor, Ivan Sokol, flagged a serious threat to the water supply.", "Threat"),  # a danger seen
    ("Kharkiv has not faced such a heavy attack since the spring.", "Attack"),  # a negated verb of undergoing
    ("Polish leaders described the blockade as an attack on Poland and its farmers.", "Attack"),  # a characterisation
    ("Russian missiles destroyed a grain terminal in Izmail, Ukraine said.", "Interception"),  # destroying no weapon
    ("Russia did not launch a new offensive on Kharkiv, the ministry said.", "Invasion"),  # a negated light verb
])
def test_words_that_name_no_event_here(nlp, text, kind):
    assert not [e for e in events(nlp, text) if e[0] == kind]


def test_an_agreement_reached_and_a_deal_under_a_future_move_are_real(nlp):
    assert ("Agreement", "Kyiv", None, None) in events(nlp, "Kyiv and Moscow signed an agreement on prisoners.")
    facts, _ = facts_of(nlp, "The commander will move to Serbia under a deal brokered by Turkey.")
    assert [e.modality for e in facts.events if e.type.value == "Agreement"] == [None]


@pytest.mark.parametrize("text, expected", [
    # a participle hung from a reported clause whose subject undergoes something acts with the reporter
    ("Oleg Petrov said the depot had been destroyed by saboteurs, vowing revenge.",
     ("Threat", "Oleg Petrov", None, None)),
    ("Governor Anna Koval claimed a Russian drone strike had killed two guards, vowing to hold Moscow accountable.",
     ("Threat", "Anna Koval", None, None)),
    # "most", "many": the weapons named first in the sentence, by the first of coordinated ones
    ("Russia fired 20 missiles at Kharkiv overnight and most were intercepted, the air force said.",
     ("Interception", None, "missiles", None)),
    ("The army said Russia launched 40 drones and that air defences intercepted most of them.",
     ("Interception", None, "drones", "air defences")),
    ("The air force said Russia fired missiles and drones at Dnipro and that many were shot down.",
     ("Interception", None, "missiles", None)),
    # the subject of a light verb carries out the events a collective noun gathers
    ("Russia launched a series of drone attacks on Lviv.", ("Attack", "Russia", "Lviv", "drone")),
])
def test_roles_through_participles_quantifiers_and_collectives(nlp, text, expected):
    assert expected in events(nlp, text)


def test_threatening_a_thing_is_a_danger_and_threatening_an_actor_a_threat(nlp):
    assert not [e for e in events(nlp, "Russia threatens the grain supply of millions, Turkey said.") if e[0] == "Threat"]
    assert ("Threat", "Russia", "Ukraine", None) in events(nlp, "Russia threatened Ukraine with new strikes.")
    assert ("Threat", "Russia", None, None) in events(nlp, "Russia threatened new strikes on the capital.")


def test_an_exploding_weapon_is_a_kind_of_weapon_even_when_parsed_as_a_verb(nlp):
    assert not [e for e in events(nlp, "The town was attacked with missiles and exploding drones.")
                if e[0] == "FireOrExplosion"]


@pytest.mark.parametrize("text, expected", [
    # an aircraft shot down is a plane crash brought about by whoever shot it down
    ("Ukraine shot down a Russian Su-34 jet over Kherson.", ("PlaneCrash", "Ukraine", None, None)),
    # a gerund after "by" acts with the main clause's subject; "vowed to retaliate" is a threat
    ("Moscow retaliated by bombarding the power grid of Ukraine.", ("Attack", "Moscow", "Ukraine", None)),
    ("Russia vowed to retaliate against Ukraine.", ("Threat", "Russia", "Ukraine", None)),
    # an infinitive that completes the verb's object acts with the verb's subject (a pronoun: the speaker)
    ("Belarus announced plans to retaliate against Lithuania.", ("Threat", "Belarus", "Lithuania", None)),
    ("Iran said it reserves the right to retaliate against Israel.", ("Threat", "Iran", "Israel", None)),
    # a weapon slamming into something strikes it ("slammed the decision" is no attack)
    ("A ballistic missile slammed into an apartment block in Dnipro, the mayor said.",
     ("Attack", None, None, "ballistic missile")),
    # breaking off talks or a deal is a withdrawal
    ("Moscow broke off the talks with Kyiv on Monday.", ("Withdrawal", "Moscow", None, None)),
    # "deliver a strike": a light verb whose subject carries out the strike
    ("Russian forces delivered a strike on Kharkiv, Russia said.", ("Attack", "Russia", "Kharkiv", None)),
    # the subject of a verb of undergoing is the target of the event it undergoes
    ("Ukraine faced a massive missile strike on Thursday.", ("Attack", None, "Ukraine", "missile")),
    ("Odesa came under attack overnight, officials said.", ("Attack", None, "Odesa", None)),
    # arrests and deportations of people the text does not name are events all the same
    ("A man was arrested in Kharkiv for passing coordinates to an enemy, police said.", ("Arrest", None, None, None)),
    ("More than 2,000 children have been deported to Belarus since the war began.", ("Deportation", None, None, None)),
])
def test_events_named_by_phrases_and_done_to_unnamed_people(nlp, text, expected):
    assert expected in events(nlp, text)


def test_a_fire_at_a_site_no_place_names_is_kept_and_one_at_no_site_is_too_vague(nlp):
    assert ("FireOrExplosion", None, None, None) in events(nlp, "Officials said a fire started in a warehouse on the edge of town.")
    assert not events(nlp, "The governor said a fire broke out overnight.")


def test_destroying_some_of_the_weapons_named_is_an_interception(nlp):
    found = events(nlp, "Russia launched 30 drones at Kherson. Air defence destroyed 21 of the drones, the army said.")
    assert [e[0] for e in found if e[0] in ("Attack", "Interception") and e[2] == "drones"] == ["Interception"]


def test_a_pull_out_is_a_withdrawal(nlp):
    assert ("Withdrawal", "Russia", None, None) in events(nlp, "Russia withdrew its troops from Kherson in November.")


def test_what_an_explosion_hit_is_no_attack_of_its_own(nlp):
    assert not [e for e in events(nlp, "The Crimean Bridge was hit by a powerful explosion on Saturday.") if e[0] == "Attack"]
    assert ("Attack", None, "Crimean Bridge", "drone") in events(nlp, "The Crimean Bridge was hit by a drone on Saturday.")


def test_the_one_blamed_is_the_target_of_the_blame_not_its_agent(nlp):
    """A root verb is not its own head: the blaming verb is not an alleging verb above itself."""
    blame = [e for e in events(nlp, "The governor blamed Ukraine for a drone attack on the bridge.") if e[0] == "Accusation"]
    assert blame == [("Accusation", None, "Ukraine", None)]
