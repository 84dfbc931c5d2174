"""Articles in a file, pickled one by one, read back in order or by index: what a big build holds
of its inputs is one offset an article (kg.ingest `read_inputs`, kg.run.held_articles)."""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

from kg.ingest.article import Article

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

    def clear(self) -> None:
        """Forget every article and remove the file (a big build's outputs come after)."""
        self._offsets = array("q")
        self._path.unlink(missing_ok=True)
