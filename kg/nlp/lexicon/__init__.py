"""Versioned word lists of the extractors (trigger words, cue verbs, role nouns, …) as data files.

One folder per language (`kg/nlp/lexicon/en/`), one JSON file per list:

    {"version": 1, "description": "what the list is for and how it is matched",
     "entries": [...] | {...}}

`entries` is a list of strings (looked up as a frozenset) or an object (a mapping). A list is loaded
once per process. Every file's bytes are part of the extraction signature (`lexicon_signature`), so
a `--store` cache or a Dask worker that extracted with other rules is never used silently.
No entry may be there because one article used it: every rule must make sense for news in general.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

DEFAULT_LANGUAGE = "en"


class LexiconError(ValueError):
    """A lexicon file is missing or malformed."""


def _folder(language: str):
    return files("kg.nlp.lexicon").joinpath(language)


@lru_cache(maxsize=None)
def _document(name: str, language: str) -> dict[str, Any]:
    path = _folder(language).joinpath(f"{name}.json")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"lexicon {language}/{name}.json: no such file") from None
    except json.JSONDecodeError as err:
        raise LexiconError(f"lexicon {language}/{name}.json: not valid JSON: {err}") from None
    if not isinstance(document, dict) or not isinstance(document.get("version"), int) or "entries" not in document:
        raise LexiconError(f"lexicon {language}/{name}.json: needs an integer 'version' and 'entries'")
    return document


@lru_cache(maxsize=None)
def words(name: str, language: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    """A list lexicon as a set of strings."""
    entries = _document(name, language)["entries"]
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise LexiconError(f"lexicon {language}/{name}.json: 'entries' must be a list of strings")
    return frozenset(entries)


@lru_cache(maxsize=None)
def ordered(name: str, language: str = DEFAULT_LANGUAGE) -> tuple[str, ...]:
    """A list lexicon in file order (for phrase lists where the first match wins)."""
    entries = _document(name, language)["entries"]
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise LexiconError(f"lexicon {language}/{name}.json: 'entries' must be a list of strings")
    return tuple(entries)


def mapping(name: str, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """A mapping lexicon (a copy: callers cannot change the loaded one)."""
    entries = _document(name, language)["entries"]
    if not isinstance(entries, dict):
        raise LexiconError(f"lexicon {language}/{name}.json: 'entries' must be an object")
    return dict(entries)


@lru_cache(maxsize=None)
def lexicon_signature(language: str = DEFAULT_LANGUAGE) -> str:
    """A hash of every lexicon file of the language (names and bytes), for the extraction signature."""
    digest = hashlib.sha256()
    folder = _folder(language)
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
