"""The extractors' word lists are versioned data files, and the extraction signature follows them."""

from __future__ import annotations

import json
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


def test_the_extraction_signature_covers_the_lexicons(monkeypatch):
    before = extraction_signature(Settings())
    assert f"lexicon {lexicon.lexicon_signature()}" in before
    lexicon.lexicon_signature.cache_clear()
    monkeypatch.setattr(lexicon, "_folder", lambda language: _Changed(files("kg.nlp.lexicon").joinpath(language)))
    try:
        assert extraction_signature(Settings()) != before
    finally:
        lexicon.lexicon_signature.cache_clear()


class _Changed:
    """A lexicon folder whose first file reads one byte differently."""

    def __init__(self, folder):
        self.folder = folder

    def iterdir(self):
        for i, entry in enumerate(sorted(self.folder.iterdir(), key=lambda p: p.name)):
            yield _Entry(entry, changed=i == 0)


class _Entry:
    def __init__(self, entry, changed: bool):
        self.name, self.entry, self.changed = entry.name, entry, changed

    def read_bytes(self) -> bytes:
        return self.entry.read_bytes() + (b" " if self.changed else b"")
