"""The build's articles between their extraction and the end of the graph stage, on disk when many.

Resolution reads the articles' keys and dates, the graph stage their texts, the report their
metadata and lengths: each a pass in article-key order. Held in memory, their texts were most of
what a build held after extraction and grew with the corpus (20,000 generated articles: about 150
MB). `SpilledArticles` writes them, pickled one by one, to a file and reads them back on each pass;
what stays in memory is one offset an article.
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Container, Iterable, Iterator, Sequence
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
def held_articles(articles: list[Article], keep: Container[str],
                  on_disk: bool) -> Iterator[list[Article] | SpilledArticles]:
    """Those of `articles` whose key is in `keep`, in order: a list, or `on_disk` `SpilledArticles`
    in a temporary folder removed after. `articles` is emptied (held twice, their texts would be too)."""
    if not on_disk:
        kept = [a for a in articles if a.key in keep]
        articles.clear()
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="kg-articles-") as folder:
        spilled = SpilledArticles((a for a in articles if a.key in keep), Path(folder) / "articles.pickle")
        articles.clear()
        release_memory()  # the texts' pages given back: else they stay in the heap (20,000 articles: ~150 MB)
        yield spilled
