"""Articles in a file, pickled one by one, read back in order or by index: what a big build holds
of its inputs is one offset an article (kg.ingest `read_inputs`, kg.run.build); articles
that come in any order put in key order on disk (`in_key_order`), and two such files merged."""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import overload

from kg.ingest.article import Article
from kg.util.extsort import external_sorted

_BUFFER = 1 << 20  # bytes read or written at a time


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

    def keeping(self, keys: Collection[str]) -> SpilledArticles:
        """Those whose key is in `keys` (the keys of some of them, such as the articles extracted), in
        order: these themselves when it is all of them; else the others are let go (written again
        beside this file, without them; this one removed)."""
        if len(keys) == len(self):
            return self
        kept = SpilledArticles((a for a in self if a.key in keys), self._path.with_name(f"kept-{self._path.name}"))
        self.clear()
        return kept

    def clear(self) -> None:
        """Forget every article and remove the file (a big build's outputs come after)."""
        self._offsets = array("q")
        self._path.unlink(missing_ok=True)


def in_key_order(articles: Iterable[Article], folder: Path) -> SpilledArticles:
    """`articles` (in any order) in key order, in files in `folder` (the caller removes it); of two
    with one key, the later. Written as they come, then their keys sorted in bounded memory
    (kg.util.extsort) and the articles copied in that order: one article held at a time."""
    read = SpilledArticles(articles, folder / "unordered.pickle")
    keys = external_sorted(((a.key, position) for position, a in enumerate(read)), key=itemgetter(0), folder=folder)
    last = (max(position for _, position in group) for _, group in groupby(keys, key=itemgetter(0)))
    ordered = SpilledArticles(read.at(last), folder / "in-key-order.pickle")
    read.clear()
    return ordered


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
