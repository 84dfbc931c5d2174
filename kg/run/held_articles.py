"""The build's articles from their reading to the end of the graph stage, on disk when many.

The extraction reads their texts (kg.run.extraction), resolution their keys and dates, the graph
stage their texts, the report their metadata and lengths: each a pass in article-key order. Held in
memory, their texts were most of what a build held while extracting and grew with the corpus
(20,000 generated articles: about 150 MB). `SpilledArticles` (kg.ingest.spill) writes them, pickled
one by one, to a file and reads them back on each pass; what stays in memory is one offset an
article. `read_inputs` gives them so (a build reads onto disk); a --store build's list of stored and
read articles is written out here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from kg.ingest import Article
from kg.ingest.spill import SpilledArticles
from kg.run.memory import release_memory

__all__ = ["SpilledArticles", "extracted_only", "held_articles"]


@contextmanager
def held_articles(articles: Sequence[Article], on_disk: bool) -> Iterator[list[Article] | SpilledArticles]:
    """`articles` as a list, or `on_disk`: `SpilledArticles` in a temporary folder removed after
    (articles already on disk, as `read_inputs` may give them, as they are). A list given is
    emptied (held twice, their texts would be too)."""
    if isinstance(articles, SpilledArticles):
        yield articles
        return
    kept = list(articles)
    if isinstance(articles, list):
        articles.clear()
    if not on_disk:
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="kg-articles-") as folder:
        spilled = SpilledArticles(kept, Path(folder) / "articles.pickle")
        kept.clear()
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
