"""The build's articles from their reading to the end of the graph stage, on disk when many.

The extraction reads their texts (kg.run.extraction), resolution their keys and dates, the graph
stage their texts, the report their metadata and lengths: each a pass in article-key order. Held in
memory, their texts were most of what a build held while extracting and grew with the corpus
(20,000 generated articles: about 150 MB). `SpilledArticles` writes them, pickled one by one, to a
file and reads them back on each pass; what stays in memory is one offset an article.
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import overload

from kg.ingest import Article
from kg.run.memory import release_memory

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
            return [self[i] for i in range(*index.indices(len(self)))]
        offset = self._offsets[index]
        with self._path.open("rb") as handle:
            handle.seek(offset)
            return pickle.load(handle)

    def clear(self) -> None:
        """Forget every article and remove the file (a big build's outputs come after)."""
        self._offsets = array("q")
        self._path.unlink(missing_ok=True)


@contextmanager
def held_articles(articles: list[Article], on_disk: bool) -> Iterator[list[Article] | SpilledArticles]:
    """`articles` as a list, or `on_disk`: `SpilledArticles` in a temporary folder removed after.
    `articles` is emptied (held twice, their texts would be too)."""
    if not on_disk:
        kept = list(articles)
        articles.clear()
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="kg-articles-") as folder:
        spilled = SpilledArticles(articles, Path(folder) / "articles.pickle")
        articles.clear()
        release_memory()  # the texts' pages given back: else they stay in the heap (20,000 articles: ~150 MB)
        yield spilled


def extracted_only(held: list[Article] | SpilledArticles,
                   extracted: Collection[str]) -> list[Article] | SpilledArticles:
    """Those of `held` whose key is in `extracted` (the keys of some of them), in order: `held` itself
    when it is all of them; else the others are let go (a spill is written again, without them)."""
    if len(extracted) == len(held):
        return held
    kept = (a for a in held if a.key in extracted)
    if isinstance(held, list):
        held[:] = list(kept)
        return held
    spilled = SpilledArticles(kept, held._path.with_name("extracted.pickle"))
    held.clear()
    return spilled
