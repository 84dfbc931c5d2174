"""Articles in a file, pickled one by one, read back in order or by index: what a big build holds
of its inputs is one offset an article (kg.ingest `read_inputs`, kg.run.held_articles); articles
that come in any order put in key order on disk (`in_key_order`), and two such files merged."""

from __future__ import annotations

import pickle
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

from kg.ingest.article import Article

_BUFFER = 1 << 20  # bytes read or written at a time
_KEY_BATCH = 1_000  # keys inserted at a time


class SpilledArticles(Sequence[Article]):
    """`articles` in a file at `path` (the caller removes it), in the order given."""

    def __init__(self, articles: Iterable[Article], path: Path):
        self._path = path
        self._offsets = array("q")
        with path.open("wb", buffering=_BUFFER) as out:
            for article in articles:
                self._offsets.append(out.tell())
                pickle.dump(article, out, protocol=pickle.HIGHEST_PROTOCOL)

    def __len__(self) -> int:
        return len(self._offsets)

    def __iter__(self) -> Iterator[Article]:
        count = len(self._offsets)
        if not count:  # cleared: the file is gone
            return
        with self._path.open("rb", buffering=_BUFFER) as handle:
            for _ in range(count):
                yield pickle.load(handle)

    @overload
    def __getitem__(self, index: int) -> Article: ...

    @overload
    def __getitem__(self, index: slice) -> list[Article]: ...

    def __getitem__(self, index: int | slice) -> Article | list[Article]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1 or start >= stop:
                return [self[i] for i in range(start, stop, step)]
            with self._path.open("rb", buffering=_BUFFER) as handle:  # written in order: one read
                handle.seek(self._offsets[start])
                return [pickle.load(handle) for _ in range(start, stop)]
        offset = self._offsets[index]
        with self._path.open("rb") as handle:
            handle.seek(offset)
            return pickle.load(handle)

    def at(self, indices: Iterable[int]) -> Iterator[Article]:
        """The articles at `indices`, in that order (one open file)."""
        with self._path.open("rb") as handle:
            for index in indices:
                handle.seek(self._offsets[index])
                yield pickle.load(handle)

    def clear(self) -> None:
        """Forget every article and remove the file (a big build's outputs come after)."""
        self._offsets = array("q")
        self._path.unlink(missing_ok=True)


def in_key_order(articles: Iterable[Article], folder: Path) -> SpilledArticles:
    """`articles` (in any order) in key order, in files in `folder` (the caller removes it); of two
    with one key, the later. Their keys are sorted by SQLite on disk, as UTF-8 bytes (Python's order
    of the strings), so that no more than one article is held at a time, whatever their number."""
    keys = sqlite3.connect(str(folder / "unordered-keys.sqlite"), isolation_level=None)
    try:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE"):
            keys.execute(f"PRAGMA {pragma}")
        keys.execute("CREATE TABLE k (key BLOB, position INTEGER)")
        read = SpilledArticles(_keys_into(keys, articles), folder / "unordered.pickle")
        last = keys.execute("SELECT max(position) FROM k GROUP BY key ORDER BY key")
        ordered = SpilledArticles(read.at(position for (position,) in last), folder / "in-key-order.pickle")
        read.clear()
    finally:
        keys.close()
        (folder / "unordered-keys.sqlite").unlink(missing_ok=True)
    return ordered


def _keys_into(keys: sqlite3.Connection, articles: Iterable[Article]) -> Iterator[Article]:
    """`articles`, each key and position written into table k as they pass, a batch a transaction."""
    batch: list[tuple[bytes, int]] = []
    for position, article in enumerate(articles):
        batch.append((article.key.encode("utf-8", "surrogatepass"), position))
        if len(batch) == _KEY_BATCH:
            with keys:
                keys.executemany("INSERT INTO k VALUES (?, ?)", batch)
            batch = []
        yield article
    with keys:
        keys.executemany("INSERT INTO k VALUES (?, ?)", batch)


def merged_by_key(first: Iterable[Article], second: Iterable[Article]) -> Iterator[Article]:
    """Two key-ordered streams of articles with unique keys as one; of two with one key, `second`'s."""
    ahead = iter(first)
    waiting = next(ahead, None)
    for article in second:
        while waiting is not None and waiting.key < article.key:
            yield waiting
            waiting = next(ahead, None)
        if waiting is not None and waiting.key == article.key:
            waiting = next(ahead, None)  # replaced
        yield article
    if waiting is not None:
        yield waiting
        yield from ahead
