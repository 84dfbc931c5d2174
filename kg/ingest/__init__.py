"""Ingest: files and folders in, cleaned Articles (and skipped inputs with reasons) out."""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from kg.ingest.article import Article, Skipped
from kg.ingest.readers import MAX_ARTICLE_CHARS, READERS, SUFFIXES, display_path

__all__ = ["Article", "Skipped", "Inputs", "read_inputs", "iter_files", "display_path", "MAX_ARTICLE_CHARS"]


@dataclass(frozen=True)
class Inputs:
    """Every article read, sorted by key, and every input skipped."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | Skipped]:
    """The input files under the given paths, in sorted order; unusable paths as Skipped.

    A file reached twice (given twice, or given and inside a given folder) is read once.
    Files of other types inside a folder are passed over; given by name, they are skipped.
    """
    seen: set[str] = set()

    def once(path: Path) -> bool:
        key = os.path.normpath(os.path.abspath(path))
        if key in seen:
            return False
        seen.add(key)
        return True

    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            yield from (p for p in found if once(p))
        elif not path.exists():
            yield Skipped(display_path(path), "no such file or folder")
        elif path.suffix.lower() not in SUFFIXES:
            suffix = display_path(path.suffix) if path.suffix else "(none)"
            yield Skipped(display_path(path), f"unsupported file type {suffix!r}; use .txt, .html or .jsonl")
        elif not path.is_file():
            yield Skipped(display_path(path), "not a regular file")
        elif once(path):
            yield path


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def _unique_keys(articles: list[Article]) -> tuple[list[Article], list[Skipped]]:
    """Drop exact duplicates; give articles that share a key but differ a content suffix.

    Decided from the set of articles alone, so the outcome does not depend on input order.
    """
    by_key: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_key[article.key].append(article)
    unique: list[Article] = []
    skipped: list[Skipped] = []
    for key, group in by_key.items():
        by_text: dict[str, Article] = {}
        for article in sorted(group, key=lambda a: a.source):
            if article.text in by_text:
                kept = by_text[article.text]
                skipped.append(Skipped(article.source, f"duplicate of {kept.source} (same id and text)"))
            else:
                by_text[article.text] = article
        if len(by_text) == 1:
            unique.extend(by_text.values())
        else:
            unique.extend(replace(a, key=f"{key}-{_text_digest(t)}") for t, a in by_text.items())
    return unique, skipped


def read_inputs(paths: Iterable[str | Path]) -> Inputs:
    """Read all inputs. A bad file or line is recorded as skipped, never fatal for the others."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        try:
            for result in READERS[item.suffix.lower()](item):
                (skipped if isinstance(result, Skipped) else articles).append(result)  # type: ignore[arg-type]
        except Exception as err:  # noqa: BLE001 - whatever a reader missed, one bad file never stops the build
            skipped.append(Skipped(display_path(item), f"cannot read: {type(err).__name__}: {err}"[:300]))
    articles, duplicates = _unique_keys(articles)
    skipped.extend(duplicates)
    return Inputs(
        articles=tuple(sorted(articles, key=lambda a: a.key)),
        skipped=tuple(sorted(skipped, key=lambda s: (s.source, s.reason))),
    )
