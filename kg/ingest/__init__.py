"""Ingest: files and folders in, cleaned Articles (and skipped inputs with reasons) out."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from kg.ingest.article import Article, Skipped
from kg.ingest.readers import READERS, SUFFIXES

__all__ = ["Article", "Skipped", "Inputs", "read_inputs", "iter_files"]


@dataclass(frozen=True)
class Inputs:
    """Every article read, sorted by key, and every input skipped."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | Skipped]:
    """The input files under the given paths, in sorted order; unusable paths as Skipped."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            yield from found
        elif not path.exists():
            yield Skipped(str(path), "no such file or folder")
        elif path.suffix.lower() not in SUFFIXES:
            yield Skipped(str(path), f"unsupported file type {path.suffix or '(none)'!r}; use .txt, .html or .jsonl")
        else:
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
        for result in READERS[item.suffix.lower()](item):
            (skipped if isinstance(result, Skipped) else articles).append(result)  # type: ignore[arg-type]
    articles, duplicates = _unique_keys(articles)
    skipped.extend(duplicates)
    return Inputs(
        articles=tuple(sorted(articles, key=lambda a: a.key)),
        skipped=tuple(sorted(skipped, key=lambda s: (s.source, s.reason))),
    )
