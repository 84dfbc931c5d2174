"""Extractions read back from pickles (the `--store` cache, kg.nlp.packed) are the objects written,
whether the pickle was written with `dataclasses`' own state or read with kg's quicker one."""

from __future__ import annotations

import dataclasses
import pickle

from kg.config import Settings
from kg.dataset.cache import ExtractionCache
from kg.ingest import Article
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.mention import ArticleMentions, Mention, Role
from kg.run.extraction import extract
from kg.run.signature import extraction_signature
from kg.vocab import EntityKind

TEXT = ("KHARKIV, March 3 (Lowland Wire) - Ukraine's air force said on Monday that Russia launched "
        "42 drones overnight and 37 were shot down. Regional governor Marta Levchuk said a depot burned. "
        "The European Union announced 30 million euros in aid for repairs, Levchuk told reporters.")


def test_an_extraction_read_back_from_the_cache_is_the_one_written(tmp_path):
    article = Article(key="lowland-wire-1", text=TEXT, source="test", published="2025-03-03")
    settings = Settings(n_process=1)
    cache = ExtractionCache(tmp_path / "cache", extraction_signature(settings))
    (packed,) = extract([article], settings, Gazetteer.load(), cache=cache)
    written = mentions, facts = packed.unpack()
    assert any(m.role is not None for m in mentions.mentions) and facts.events
    assert cache.get(article) == written
    assert pickle.loads(pickle.dumps(written)) == written


def test_state_in_the_order_dataclasses_writes_it_is_read_into_the_same_fields():
    role = Role("governor", "Ukraine", "country/ukraine")
    mention = Mention(0, 13, "Marta Levchuk", EntityKind.PERSON, "PERSON", 0, 0, 40, role=role)
    article = ArticleMentions("a", (mention,), 1, 9)
    for obj in (role, mention, article):
        state = [getattr(obj, f.name) for f in dataclasses.fields(obj)]  # dataclasses' own __getstate__
        fresh = object.__new__(type(obj))
        fresh.__setstate__(state)
        assert fresh == obj and repr(fresh) == repr(obj)
    assert type(mention).__setstate__ is not dataclasses._dataclass_setstate  # type: ignore[attr-defined]
