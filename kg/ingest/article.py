"""The records the ingest stage hands to the rest of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    """One article, its cleaned body and what is known about it.

    `text` is the cleaned body kept as schema:articleBody; every offset in the graph indexes
    into it (Python string indices, i.e. Unicode code points).
    """

    key: str
    text: str
    source: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class Skipped:
    """An input that was not built, and why."""

    source: str
    reason: str
