"""Ingest: files and folders in, cleaned Articles (and skipped inputs with reasons) out."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kg.ingest.article import Article, Skipped
from kg.ingest.keys import ArticleKeys
from kg.ingest.metadata import display_path
from kg.ingest.readers import MAX_ARTICLE_CHARS, READERS, Listed
from kg.ingest.spill import SpilledArticles
from kg.ingest.walk import iter_files

__all__ = ["Article", "Skipped", "Inputs", "read_inputs", "iter_files", "display_path", "MAX_ARTICLE_CHARS"]


@dataclass(frozen=True)
class Inputs:
    """Every article read, sorted by key, and every input skipped."""

    articles: Sequence[Article]  # a tuple, or SpilledArticles (read_inputs's `spill_to`)
    skipped: tuple[Skipped, ...]


def _read_all(paths: Iterable[str | Path], follow_links: bool) -> Iterator[Article | Skipped]:
    """Every article and skipped input of `paths`, as read."""
    listed: dict[str, Listed] = {}
    for item in iter_files(paths, follow_links, listed):
        if isinstance(item, Skipped):
            yield item
            continue
        try:
            yield from READERS[item.suffix.lower()](item, listed.pop(str(item), None))  # used once
        except Exception as err:  # noqa: BLE001 - whatever a reader missed, one bad file never stops the build
            yield Skipped(display_path(item), f"cannot read: {type(err).__name__}: {err}"[:300])


def read_inputs(paths: Iterable[str | Path], follow_links: bool = False, spill_to: Path | None = None) -> Inputs:
    """Read all inputs. A bad file or line is recorded as skipped, never fatal for the others.
    `spill_to`: an empty folder (the caller removes it) to hold the articles in as they are read
    (kg.ingest.spill); else they are held in memory."""
    keys = ArticleKeys(spill_to / "keys.sqlite" if spill_to is not None else None)  # on disk, as the articles
    skipped: list[Skipped] = []

    def articles() -> Iterator[Article]:
        for result in _read_all(paths, follow_links):
            if isinstance(result, Skipped):
                skipped.append(result)
            else:
                keys.add(result.key, result.source, hashlib.sha256(result.text.encode("utf-8")).digest())
                yield result

    held = SpilledArticles(articles(), spill_to / "read.pickle") if spill_to is not None else list(articles())
    try:
        unique, duplicates = keys.decide()
        skipped.extend(duplicates)
        positions, final_keys = _split(unique)
        picked = held.at if isinstance(held, SpilledArticles) else lambda indices: (held[i] for i in indices)
        kept = (a if a.key == key else replace(a, key=key) for a, key in zip(picked(positions), final_keys, strict=True))
        in_order = SpilledArticles(kept, spill_to / "articles.pickle") if spill_to is not None else tuple(kept)
    finally:
        keys.close()
    if isinstance(held, SpilledArticles):
        held.clear()  # the file as read
    return Inputs(
        articles=in_order,
        skipped=tuple(sorted(skipped, key=lambda s: (s.source, s.reason))),
    )


def _split(pairs: Iterator[tuple[int, str]]) -> tuple[Iterator[int], Iterator[str]]:
    """Two lazy streams of one lazy stream of pairs, read in step (zip pulls one of each in turn)."""
    first, second = itertools.tee(pairs)
    return (position for position, _ in first), (key for _, key in second)
