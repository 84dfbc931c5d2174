"""Each article's final key, decided from every article read, in a SQLite table on disk.

Two articles read with the same key and the same text are one (the later source is skipped as a
duplicate); with the same key and different texts each gets a suffix of its text's digest. What
decides that is the key, source and digest of every article, a few hundred bytes each as Python
objects: a million articles would hold several hundred MB for it. Here they are rows of a table in
the folder the articles go to (sorted by SQLite, on disk), so reading holds the same memory for any
number of articles. Keys and sources are stored as UTF-8 bytes (`surrogatepass`), whose byte order
is Python's order of the strings, so the outcome is the one sorting them in Python gave.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from kg.ingest.article import Skipped

_BATCH = 1_000  # rows inserted at a time
_SCHEMA = ("CREATE TABLE read (key BLOB, source BLOB, digest BLOB, position INTEGER)",
           # position of the key's first article read, then of the article in its key's group: the
           # order of two final keys that are equal (a suffixed key that another article has as its own)
           "CREATE TABLE kept (final BLOB, first INTEGER, rank INTEGER, position INTEGER)")


def _blob(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _text(blob: bytes) -> str:
    return blob.decode("utf-8", "surrogatepass")


class ArticleKeys:
    """The keys of the articles read (`add` each, in the order read), then `decide`: the positions
    of the kept articles in final-key order with their keys, and the duplicates skipped. `path`:
    a file for the table (in a folder the caller removes); None, a private temporary database."""

    def __init__(self, path: Path | None = None):
        self._path = path
        self._db = sqlite3.connect("" if path is None else str(path), isolation_level=None)  # "": temporary, on disk
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE"):
            self._db.execute(f"PRAGMA {pragma}")
        for statement in _SCHEMA:
            self._db.execute(statement)
        self._rows: list[tuple[bytes, bytes | int, bytes | int, int]] = []
        self.count = 0

    def add(self, key: str, source: str, digest: bytes) -> None:
        """One article read (its text's digest): its position is the number added before it."""
        self._rows.append((_blob(key), _blob(source), digest, self.count))
        self.count += 1
        if len(self._rows) >= _BATCH:
            self._flush("read")

    def _flush(self, table: str) -> None:
        if self._rows:
            self._db.execute("BEGIN")  # one transaction a batch (else one a row)
            self._db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", self._rows)  # noqa: S608 - our names
            self._db.execute("COMMIT")
            self._rows = []

    def decide(self) -> tuple[Iterator[tuple[int, str]], list[Skipped]]:
        """(position read, final key) of each kept article, in final-key order (read lazily: close
        after), and the duplicates. Decided from the set of articles alone, not their order."""
        self._flush("read")
        skipped: list[Skipped] = []
        rows = self._db.execute("SELECT key, source, digest, position FROM read ORDER BY key, source, position")
        for key, group in itertools.groupby(rows, key=lambda row: row[0]):
            self._keep(_text(key), list(group), skipped)
        self._flush("kept")
        kept = self._db.execute("SELECT final, position FROM kept ORDER BY final, first, rank")
        return ((position, _text(final)) for final, position in kept), skipped

    def _keep(self, key: str, group: list[tuple[bytes, bytes, bytes, int]], skipped: list[Skipped]) -> None:
        """One key's articles (by source): the first of each text kept, the others skipped."""
        by_text: dict[bytes, tuple[bytes, int]] = {}
        for _, source, digest, position in group:
            if digest in by_text:
                skipped.append(Skipped(_text(source), f"duplicate of {_text(by_text[digest][0])} (same id and text)"))
            else:
                by_text[digest] = source, position
        first = min(row[3] for row in group)
        for rank, (digest, (_, position)) in enumerate(by_text.items()):
            final = key if len(by_text) == 1 else f"{key}-{digest.hex()[:10]}"
            self._rows.append((_blob(final), first, rank, position))
            if len(self._rows) >= _BATCH:
                self._flush("kept")

    def close(self) -> None:
        """Close the table and remove its file."""
        self._db.close()
        if self._path is not None:
            self._path.unlink(missing_ok=True)
