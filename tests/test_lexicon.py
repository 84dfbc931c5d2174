"""The extractors' word lists are versioned data files, and the extraction signature follows them."""

from __future__ import annotations

import json
import shutil
from importlib.resources import files

import pytest

from kg.config import Settings
from kg.nlp import lexicon
from kg.run.build import extraction_signature


def test_every_lexicon_file_is_well_formed():
    folder = files("kg.nlp.lexicon").joinpath("en")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".json"))
    assert names, "no lexicon files shipped"
    for name in names:
        document = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        assert isinstance(document["version"], int) and document["description"].strip(), name
        entries = document["entries"]
        assert isinstance(entries, (list, dict)) and entries, f"{name}: empty"
        if isinstance(entries, list):
            assert len(entries) == len(set(entries)), f"{name}: duplicate entries"


def test_a_missing_or_malformed_lexicon_names_the_file():
    with pytest.raises(lexicon.LexiconError, match="en/no-such-list.json"):
        lexicon.words("no-such-list")


def test_the_extraction_signature_covers_the_lexicons(tmp_path):
    before = extraction_signature(Settings())
    assert f"lexicon {lexicon.Lexicon.load('en').signature}" in before
    copy = tmp_path / "en"
    shutil.copytree(str(files("kg.nlp.lexicon").joinpath("en")), copy)
    assert lexicon.Lexicon.load(copy).signature == lexicon.Lexicon.load("en").signature
    first = sorted(copy.glob("*.json"))[0]
    changed = tmp_path / "changed"
    shutil.copytree(copy, changed)
    (changed / first.name).write_bytes(first.read_bytes() + b" ")  # one byte more
    assert lexicon.Lexicon.load(changed).signature != lexicon.Lexicon.load("en").signature


def test_a_lexicon_is_read_once_and_a_bad_file_names_itself(tmp_path):
    assert lexicon.Lexicon.load("en") is lexicon.Lexicon.load("en")
    (tmp_path / "speech_cues.json").write_text('{"version": 1, "entries": [', encoding="utf-8")
    with pytest.raises(lexicon.LexiconError, match="speech_cues.json: not valid JSON"):
        lexicon.Lexicon.load(tmp_path)
    with pytest.raises(lexicon.LexiconError, match="no such language"):
        lexicon.Lexicon.load("xx")


def test_an_event_type_a_lexicon_maps_to_must_be_a_member(tmp_path):
    from kg.vocab import EventType

    (tmp_path / "event_triggers.json").write_text(
        json.dumps({"version": 1, "entries": {"shell": "Attack", "raid": "Atack"}}), encoding="utf-8")
    with pytest.raises(lexicon.LexiconError, match="event_triggers.json: Atack: not a member of EventType"):
        lexicon.Lexicon.load(tmp_path).mapping_of("event_triggers", EventType)
    assert lexicon.Lexicon.load("en").mapping_of("event_triggers", EventType)["attack"] is EventType.ATTACK
