"""Versioned word lists of the extractors (trigger words, cue verbs, role nouns, …) as data files.

One folder per language (`kg/nlp/lexicon/en/`), one JSON file per list:

    {"version": 1, "description": "what the list is for and how it is matched",
     "entries": [...] | {...}}

`entries` is a list of strings (looked up as a frozenset) or an object (a mapping). A `Lexicon` is
every list of one folder, read and checked once (`Lexicon.load("en")` or `Lexicon.load(folder)`).
kg's spaCy components are given one when they are made (config `lexicon`, a language or a folder)
or at `initialize(lexicon=…)`, as spaCy's entity_ruler is given its patterns, and make it the
current lexicon while they run (`use`); the extraction functions read their lists from the current
lexicon (`words`, `ordered`, `mapping`), the packaged English one outside a component. Every file's
bytes are part of the lexicon's `signature`, which is part of the extraction signature, so a
`--store` cache or a Dask worker that extracted with other rules is never used silently.
No entry may be there because one article used it: every rule must make sense for news in general.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

DEFAULT_LANGUAGE = "en"

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


class LexiconError(ValueError):
    """A lexicon file is missing or malformed."""


class Lexicon:
    """The word lists of one language (one folder of JSON files), read and checked once."""

    def __init__(self, label: str, documents: dict[str, dict[str, Any]], signature: str):
        self.label = label  # the language ("en") or the folder, for error messages
        self.signature = signature  # a hash of every file's name and bytes
        self._documents = documents
        self._derived: dict[tuple[object, ...], object] = {}  # values built from the lists (`cached`)

    @staticmethod
    def load(source: str | Path = DEFAULT_LANGUAGE) -> Lexicon:
        """The lexicon of a packaged language ("en") or of a folder of list files (a Path, or a
        string with a slash as a spaCy config gives it); read once per process."""
        is_folder = isinstance(source, Path) or "/" in source or "\\" in source
        return _load(str(source), is_folder)

    def __getstate__(self) -> dict[str, Any]:  # sent to spaCy's worker processes without its caches
        return {**self.__dict__, "_derived": {}}

    def __repr__(self) -> str:
        return f"Lexicon({self.label!r}, {self.signature})"

    def _entries(self, name: str) -> Any:
        try:
            return self._documents[name]["entries"]
        except KeyError:
            raise LexiconError(f"lexicon {self.label}/{name}.json: no such file") from None

    def _strings(self, name: str) -> list[str]:
        entries = self._entries(name)
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise LexiconError(f"lexicon {self.label}/{name}.json: 'entries' must be a list of strings")
        return entries

    def words(self, name: str) -> frozenset[str]:
        """A list lexicon as a set of strings."""
        found = self._derived.get(("words", name))  # asked per token: no closure made once it is built
        if found is None:
            found = self.derive(("words", name), lambda: frozenset(self._strings(name)))
        return found  # type: ignore[return-value]  # the key names what was built

    def ordered(self, name: str) -> tuple[str, ...]:
        """A list lexicon in file order (for phrase lists where the first match wins)."""
        return self.derive(("ordered", name), lambda: tuple(self._strings(name)))

    def mapping(self, name: str) -> dict[str, Any]:
        """A mapping lexicon (a copy: callers cannot change the loaded one)."""
        entries = self._entries(name)
        if not isinstance(entries, dict):
            raise LexiconError(f"lexicon {self.label}/{name}.json: 'entries' must be an object")
        return dict(entries)

    def mapping_of(self, name: str, kind: type[E]) -> dict[str, E]:
        """A mapping lexicon whose values are members of the enum `kind` (an event type, a stance)."""
        entries = self.mapping(name)
        unknown = sorted({str(v) for v in entries.values()} - {m.value for m in kind})
        if unknown:
            raise LexiconError(f"lexicon {self.label}/{name}.json: {', '.join(unknown)}: not a member of {kind.__name__}")
        return {key: kind(value) for key, value in entries.items()}

    def derive(self, key: tuple[object, ...], build: Callable[[], T]) -> T:
        """`build()` once per lexicon and key (a set, a compiled pattern, a table of several lists)."""
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]  # type: ignore[return-value]  # the key names what build returns


@lru_cache(maxsize=None)
def _load(source: str, is_folder: bool) -> Lexicon:
    folder: Any = Path(source) if is_folder else _folder(source)
    if is_folder and not folder.is_dir():
        raise LexiconError(f"lexicon folder {source}: no such folder")
    label = source
    documents: dict[str, dict[str, Any]] = {}
    digest = hashlib.sha256()
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".json"):
            continue
        data = entry.read_bytes()
        digest.update(entry.name.encode() + b"\0" + data + b"\0")
        documents[entry.name[: -len(".json")]] = _document(data, f"{label}/{entry.name}")
    if not documents:
        raise LexiconError(f"lexicon {label}: no list files (*.json)")
    return Lexicon(label, documents, digest.hexdigest()[:16])


def _folder(language: str) -> Any:
    folder = files("kg.nlp.lexicon").joinpath(language)
    if not folder.is_dir():
        raise LexiconError(f"lexicon {language}: no such language (kg/nlp/lexicon/{language}/)")
    return folder


def _document(data: bytes, where: str) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise LexiconError(f"lexicon {where}: not valid JSON: {err}") from None
    if not isinstance(document, dict) or not isinstance(document.get("version"), int) or "entries" not in document:
        raise LexiconError(f"lexicon {where}: needs an integer 'version' and 'entries'")
    return document


_MISSING = object()
_CURRENT: ContextVar[Lexicon | None] = ContextVar("kg_lexicon", default=None)


def current() -> Lexicon:
    """The lexicon of the component that is running (`use`), else the packaged English one."""
    return _CURRENT.get() or Lexicon.load()


@contextmanager
def use(lexicon: Lexicon) -> Iterator[Lexicon]:
    """Make `lexicon` the current one while the block runs (what a kg component does around its work)."""
    token = _CURRENT.set(lexicon)
    try:
        yield lexicon
    finally:
        _CURRENT.reset(token)


def cached(build: Callable[..., T]) -> Callable[..., T]:
    """A function of the current lexicon's lists, computed once per lexicon (and arguments)."""

    def get(*args: Any) -> T:
        lexicon = current()
        found = lexicon._derived.get((build, *args), _MISSING)  # asked per token: no closure once built
        return found if found is not _MISSING else lexicon.derive((build, *args), lambda: build(*args))  # type: ignore[return-value]

    get.__doc__, get.__name__ = build.__doc__, build.__name__
    return get


def words(name: str) -> frozenset[str]:
    """A list of the current lexicon as a set of strings."""
    return current().words(name)


def ordered(name: str) -> tuple[str, ...]:
    """A list of the current lexicon in file order."""
    return current().ordered(name)


def mapping(name: str) -> dict[str, Any]:
    """A mapping of the current lexicon (a copy)."""
    return current().mapping(name)


def mapping_of(name: str, kind: type[E]) -> dict[str, E]:
    """A mapping of the current lexicon with values of the enum `kind`."""
    return current().mapping_of(name, kind)


def lexicon_signature(language: str = DEFAULT_LANGUAGE) -> str:
    """A hash of every lexicon file of the language (names and bytes), for the extraction signature."""
    return Lexicon.load(language).signature
