"""Mention extraction on short made-up sentences, with the real spaCy model and gazetteer."""

from __future__ import annotations

import pytest

from kg.export.atomic import write_atomic
from kg.nlp.extract import extract_mentions
from kg.nlp.gazetteer import Gazetteer


def mentions(nlp, text: str):
    doc = nlp(text)
    found = extract_mentions(doc, "t", Gazetteer.load(), "test").mentions
    for m in found:
        assert text[m.start : m.end] == m.text and m.sentence_start <= m.start < m.end <= m.sentence_end
    return found


def by_text(found, text: str):
    return next(m for m in found if m.text == text)


def test_title_is_a_role_not_part_of_the_name(nlp):
    found = mentions(nlp, "Kremlin spokesman Dmitry Peskov told reporters that the talks were over.")
    peskov = by_text(found, "Dmitry Peskov")
    assert (peskov.kind, peskov.role.title, peskov.role.affiliation_key) == ("person", "spokesman", "organization/kremlin")
    kremlin = by_text(found, "Kremlin")
    assert (kremlin.kind, kremlin.sense, kremlin.gazetteer_key) == ("organization", "actor", "organization/kremlin")


def test_the_first_words_of_a_title_are_no_organisation(nlp):
    """"Defense" in "Defense Minister Boris Pistorius": the NER's organisation is half a title."""
    found = mentions(nlp, "The package is worth 700 million euros, German Defense Minister Boris Pistorius said.")
    assert [(m.text, m.kind) for m in found] == [("Boris Pistorius", "person")]
    nato = mentions(nlp, "NATO Secretary General Jens Stoltenberg said the alliance would help.")
    assert ("NATO", "organization") in [(m.text, m.kind) for m in nato]  # a name before a title stays


def test_misspelt_title_and_local_office(nlp):
    found = mentions(nlp, "Earlier, Moscow Mayer Sergei Sobyanin said that several buildings were damaged.")
    mayor = by_text(found, "Sergei Sobyanin")
    assert mayor.role.title == "mayor"
    assert by_text(found, "Moscow").gazetteer_key == "place/moscow"  # a mayor's city is the place


@pytest.mark.parametrize("text,exact,sense,key", [
    ("Two drones exploded over the Kremlin on Wednesday night.", "Kremlin", "place", "place/kremlin"),
    ("The Kremlin said the attack was a terrorist act.", "Kremlin", "actor", "organization/kremlin"),
    ("The claims drew swift denials from Kyiv on Thursday.", "Kyiv", "actor", "government/ukraine"),
    ("A missile strike on Kyiv damaged two apartment blocks.", "Kyiv", "place", "place/kyiv"),
    ("The shipment was confirmed, according to the Pentagon.", "Pentagon", "actor", "organization/pentagon"),
    ("The allies will provide Kyiv with more shells, officials said.", "Kyiv", "actor", "government/ukraine"),
    ("A Moscow-backed official said the road was closed.", "Moscow", "actor", "government/russia"),
])
def test_places_that_act(nlp, text, exact, sense, key):
    m = by_text(mentions(nlp, text), exact)
    assert (m.sense, m.gazetteer_key) == (sense, key)


def test_weapons_are_found_before_the_ner(nlp):
    found = mentions(nlp, "Air defence units shot down 31 Shahed-136 drones and two cruise missiles.")
    kinds = {m.text: (m.kind, m.gazetteer_key) for m in found}
    assert kinds["Air defence"] == ("weapon", "weapon/air-defence")
    assert kinds["Shahed-136 drones"] == ("weapon", "weapon/shahed-136")
    assert kinds["cruise missiles"] == ("weapon", "weapon/cruise-missile")
    assert not any(m.kind == "person" for m in found)


def test_words_that_only_look_like_weapons(nlp):
    found = mentions(nlp, "A London think tank said the fuel tanks at the depot were empty.")
    assert not any(m.kind == "weapon" for m in found)


def test_known_places_and_platforms_are_never_people(nlp):
    found = mentions(nlp, "Kyiv and Odesa were quiet, Taras Melnyk wrote on Telegram and Twitter.")
    kinds = {m.text: m.kind for m in found}
    assert kinds["Telegram"] == kinds["Twitter"] == "organization"
    assert kinds["Odesa"] == "place"
    assert kinds["Taras Melnyk"] == "person"


def test_demonyms_and_headline_lines(nlp):
    text = "Ukrainian port hit overnight\nUkrainian officials said Russia fired drones at Odesa."
    found = mentions(nlp, text)
    assert "Ukrainian" not in {m.text for m in found}
    assert {m.sentence for m in found if m.text in ("Russia", "Odesa")} == {1}  # a headline is its own sentence


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "graph.nq"
    target.write_text("old\n", encoding="utf-8")

    def write_then_fail(tmp):
        tmp.write_text("half of the new", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomic(target, write_then_fail)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nq"]


def test_a_place_noun_after_a_name_makes_one_place(nlp):
    found = mentions(nlp, "Floods reached the Kakhovka dam and the Tver region on Monday, and blasts hit "
                          "the Holosiivskyi district of the city.")
    kinds = {m.text: m.kind for m in found}
    assert kinds["Kakhovka dam"] == kinds["Tver region"] == kinds["Holosiivskyi district"] == "place"
    assert "Tver" not in kinds and "Kakhovka" not in kinds


def test_names_before_a_plural_place_noun_are_places_as_written(nlp):
    found = mentions(nlp, "The mayor reported explosions in Goloseevsky and Svyatoshinsky districts of the capital.")
    assert {m.text: m.kind for m in found if m.text in ("Goloseevsky", "Svyatoshinsky")} == {
        "Goloseevsky": "place", "Svyatoshinsky": "place"}


def test_a_model_name_before_a_weapon_class_is_a_weapon(nlp):
    found = mentions(nlp, "The package includes Stryker armored personnel carriers. The port was hit with "
                          "Oniks and Kh-22 missiles and a strike came from an Olkha MLRS.")
    weapons = {m.text: m.gazetteer_key for m in found if m.kind == "weapon"}
    # a word name keeps its class; a model coordinated before it is a weapon of its own
    assert {"Stryker armored personnel carriers", "Oniks", "Olkha MLRS"} <= set(weapons)
    assert "weapon/kh-22" in weapons.values()


def test_a_numbered_designation_names_the_weapon_alone(nlp):
    found = mentions(nlp, "The bombers carried six Kinzhal-47 cruise missiles.")
    assert by_text(found, "Kinzhal-47").gazetteer_key == "weapon/kinzhal"


def test_weapon_classes_and_catch_all_words(nlp):
    found = mentions(nlp, "The convoy carried weapons and ammunition, air surveillance radars and a truck bomb, "
                          "and more ammunition for HIMARS.")
    weapons = [m.text for m in found if m.kind == "weapon"]
    assert "air surveillance radars" in weapons and "truck bomb" in weapons
    assert "weapons" not in weapons and weapons.count("ammunition") == 1  # only the ammunition for HIMARS


def test_a_place_with_administrative_words_and_a_head_is_a_body(nlp):
    found = mentions(nlp, "The Kherson regional administration said the water would rise, and the Kyiv city "
                          "military administration agreed.")
    kinds = {m.text: m.kind for m in found}
    assert kinds["Kherson regional administration"] == kinds["Kyiv city military administration"] == "organization"


def test_the_agency_of_a_dateline_in_slashes_is_an_organisation(nlp):
    found = mentions(nlp, "MOSCOW, June 6. /TASS/. The bridge was closed for traffic.")
    assert by_text(found, "TASS").gazetteer_key == "organization/tass"


def test_time_zones_and_the_west_are_no_entities(nlp):
    found = mentions(nlp, "As of 07:00 (0400 GMT) the West had not answered, Gen. Anton Weber said.")
    assert not {"GMT", "West"} & {m.text for m in found}


def test_a_name_in_apposition_to_a_role_is_a_person(nlp):
    found = mentions(nlp, "The spokesman for the Navy of Ukraine, Petro Kovalenko, said that the ships could not "
                          "stop the drones. Kovalenko said it was new.")
    assert by_text(found, "Petro Kovalenko").kind == by_text(found, "Kovalenko").kind == "person"


def test_a_country_s_body_described_in_lower_case_is_an_organisation(nlp):
    found = {(m.text, m.kind) for m in mentions(nlp, "Poland's national prosecution office said the case was opened. "
                                                     "Russia's defence ministry spokesman Ivan Petrov said nothing. "
                                                     "Italy's state news agency ANSA reported it.")}
    assert ("national prosecution office", "organization") in found
    assert not any(text.startswith("defence ministry spokesman") for text, _ in found)  # left to the roles
    assert ("state news agency", "organization") not in found  # its name follows: ANSA


def test_a_description_before_the_body_s_own_name_is_no_body_of_its_own():
    """"Ukraine's energy company DTEK": the tagger may take the name for a common noun; a mention
    that starts there is the body's name all the same, and the description no body of its own."""
    import spacy
    from spacy.tokens import Doc

    from kg.nlp.compounds import country_bodies
    from kg.nlp.mention import COUNTRY, ORGANIZATION, Mention

    words = ["Ukraine", "'s", "energy", "company", "DTEK", "reported", "an", "attack", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[False, True, True, True, True, True, True, False, False],
              pos=["PROPN", "PART", "NOUN", "NOUN", "NOUN", "VERB", "DET", "NOUN", "PUNCT"])

    def make(span, **fields):
        return Mention(span.start_char, span.end_char, span.text, sentence=0, sentence_start=0,
                       sentence_end=len(doc.text), extractor="test", **fields)

    ukraine = Mention(0, 7, "Ukraine", COUNTRY, "GPE", 0, 0, len(doc.text))
    dtek = Mention(25, 29, "DTEK", ORGANIZATION, "ORG", 0, 0, len(doc.text))
    assert doc.text[25:29] == "DTEK"
    assert country_bodies(doc, [ukraine, dtek], make) == []
    assert [m.text for m in country_bodies(doc, [ukraine], make)] == ["energy company"]  # no name after it


def test_a_common_word_the_ner_took_for_a_person_is_no_person(nlp):
    """"Debris" opening a sentence, tagged PERSON by the small model and a common noun by its tagger."""
    found = mentions(nlp, "Russia fired missiles at the city overnight. Debris from a downed missile hit a kindergarten.")
    assert "Debris" not in [m.text for m in found]
    names = mentions(nlp, "Zelensky said the push would continue. Peskov denied it.")  # names opening sentences stay
    assert [(m.text, m.kind) for m in names] == [("Zelensky", "person"), ("Peskov", "person")]


def test_a_person_written_in_lower_case_is_no_person():
    import spacy
    from spacy.tokens import Doc

    from kg.nlp.common_words import without_common_words
    from kg.nlp.mention import PERSON, Mention

    doc = Doc(spacy.blank("en").vocab, words=["The", "fighters", "left", "Rostov", "."],
              spaces=[True, True, True, False, False])
    fighters = Mention(4, 12, "fighters", PERSON, "PERSON", 0, 0, len(doc.text))
    rostov = Mention(18, 24, "Rostov", PERSON, "PERSON", 0, 0, len(doc.text))
    assert without_common_words(doc, [fighters, rostov]) == [rostov]
