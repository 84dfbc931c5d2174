"""The packaged gazetteer: lookups news needs, and data that regenerates byte for byte."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.nlp.gazetteer import Gazetteer, normalise
from tests.conftest import ROOT

G = Gazetteer.load()


@pytest.mark.parametrize("text,key", [
    ("Kiev", "place/kyiv"), ("Kyiv’s", "place/kyiv"), ("Odessa", "place/odesa"),
    ("the U.S.", "country/united-states"), ("US", "country/united-states"), ("America", "country/united-states"),
    ("RF", "country/russia"), ("Russian Federation", "country/russia"), ("the Kremlin", "place/kremlin"),
    ("Crimea", "place/crimea"), ("Bakhmut", "place/bakhmut"), ("HIMARS", "weapon/himars"),
    ("drones", "weapon/drone"), ("UAVs", "weapon/drone"), ("155mm howitzers", "weapon/howitzer"),
    ("air defense systems", "weapon/air-defence"), ("S-300", "weapon/s-300"), ("S-400", "weapon/s-400"),
    ("Telegram", "organization/telegram"), ("RIA Novosti", "organization/ria-novosti"),
    ("Soviet Union", "country/soviet-union"),
])
def test_lookup(text, key):
    assert G.lookup(text).key == key


@pytest.mark.parametrize("text", ["us", "Us", "it", "Jackson", "Lincoln", "Post", "rounds"])
def test_words_that_are_not_entries(text):
    assert G.lookup(text) is None


def test_places_that_act_name_their_actor():
    assert G.lookup("Kyiv").actor == "government/ukraine"
    assert G.lookup("Moscow").actor == "government/russia"
    assert G.lookup("Kremlin").actor == "organization/kremlin"
    assert G.get("organization/kremlin").kind == "government"
    assert G.lookup("Odesa").actor is None  # not a capital: never stands for a government
    for entry in G.entries():
        assert entry.actor is None or G.get(entry.actor) is not None, entry.key


def test_capitals_and_countries_come_from_geonames():
    kyiv = G.get("place/kyiv")
    assert (kyiv.capital_of, kyiv.country, kyiv.geonames_id) == ("UA", "UA", 703448)
    countries = [e for e in G.entries() if e.kind == "country" and e.country]
    assert len(countries) >= 240
    cities = [e for e in G.entries() if e.kind == "city"]
    assert len(cities) > 2000


def test_titles_and_demonyms():
    assert G.title("Mayer") == "mayor"
    assert G.title("Secretary of State") == "secretary of state"
    assert G.title("former President") == "former president"
    assert G.title("press secretary") == "press secretary"
    assert G.title("State") is None and G.title("former") is None
    assert G.demonym("Ukrainian").key == "country/ukraine"
    assert G.demonym("American").key == "country/united-states"


def test_normalise():
    assert normalise("the U.S.’s") == "=US"
    assert normalise("Shahed-136") == "shahed 136"
    assert normalise("Zaporizhzhia") == normalise("ZAPORIZHZHIA") != normalise("ZNPP")


def test_ruler_patterns_are_split_by_case_and_size():
    patterns = G.ruler_patterns()
    any_case = {p["pattern"] for p in patterns["weapons_any_case"]}
    assert {"drones", "howitzers", "air defence"} <= any_case and all(p == p.lower() for p in any_case)
    assert {"HIMARS", "Patriot"} <= {p["pattern"] for p in patterns["weapons_exact"]}
    assert all(" " in p["pattern"] or "-" in p["pattern"] for p in patterns["names_several_words"])
    several = {p["pattern"] for p in patterns["names_several_words"]}
    assert {"Rostov-on-Don", "Crimean Bridge", "Crimean bridge"} <= several  # hyphenated; a lower-case tail
    assert {p["label"] for p in patterns["names_one_word"] if p["pattern"] == "Telegram"} == {"PLATFORM"}


def test_data_file_regenerates_identically(tmp_path):
    data = ROOT / "kg" / "data" / "gazetteer.json"
    before = data.read_bytes()
    try:
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_gazetteer.py")], check=True,
                       capture_output=True, timeout=300)
        assert data.read_bytes() == before, "kg/data/gazetteer.json is stale: rerun scripts/build_gazetteer.py"
    finally:
        data.write_bytes(before)
