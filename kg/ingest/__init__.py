"""Ingest: files and folders in, cleaned Articles (and skipped inputs with reasons) out."""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kg.ingest.article import Article, Skipped
from kg.ingest.keys import ArticleKeys
from kg.ingest.metadata import display_path
from kg.ingest.readers import MAX_ARTICLE_CHARS, READERS, SUFFIXES, Listed, not_regular_reason
from kg.ingest.spill import SpilledArticles

__all__ = ["Article", "Skipped", "Inputs", "read_inputs", "iter_files", "display_path", "MAX_ARTICLE_CHARS"]


@dataclass(frozen=True)
class Inputs:
    """Every article read, sorted by key, and every input skipped."""

    articles: Sequence[Article]  # a tuple, or SpilledArticles (read_inputs's `spill_to`)
    skipped: tuple[Skipped, ...]


def iter_files(paths: Iterable[str | Path], follow_links: bool = False,
               listed: dict[str, Listed] | None = None) -> Iterator[Path | Skipped]:
    """The input files under the given paths, in sorted order; unusable paths as Skipped.

    A file reached twice (given twice, or given and inside a given folder) is read once. Files of
    other types inside a folder are passed over; given by name, they are skipped. Inside a folder,
    every path with an input extension is yielded or skipped with its reason: a broken link, a
    link cycle, a link out of the folder (followed only with `follow_links`), not a regular file.
    """
    listed = {} if listed is None else listed  # what each file found in a folder was when listed
    seen: dict[str, Path] = {}  # the real path of each file read -> the path it was first reached by

    def once(path: Path) -> bool | Skipped:
        real = os.path.realpath(path)
        first = seen.setdefault(real, path)
        if first is path:
            return True
        if os.path.abspath(first) == os.path.abspath(path):
            return False  # the same path given twice: read once, nothing to say
        return Skipped(display_path(path), f"the same file as {display_path(first)}, read once")

    for given in paths:
        path = Path(given)
        if path.is_dir():
            for found in _folder_files(path, follow_links, listed):
                first = found if isinstance(found, Skipped) else once(found)
                if first is True:
                    yield found
                elif first:
                    yield first
        elif not path.exists():
            yield Skipped(display_path(path), "no such file or folder")
        elif path.suffix.lower() not in SUFFIXES:
            suffix = display_path(path.suffix) if path.suffix else "(none)"
            yield Skipped(display_path(path), f"unsupported file type {suffix!r}; use .txt, .html or .jsonl")
        elif not path.is_file():
            yield Skipped(display_path(path), not_regular_reason(path.stat().st_mode))
        elif (first := once(path)) is True:
            yield path
        elif first:
            yield first


def _folder_files(folder: Path, follow_links: bool, listed: dict[str, Listed]) -> list[Path | Skipped]:
    """The files with an input extension in a folder and its subfolders (links to folders are not
    entered), each checked where it leads, in sorted order."""
    root = os.path.realpath(folder)
    found: list[Path | Skipped] = []
    for parent, _, names in os.walk(folder, followlinks=False):
        for name in names:
            if Path(name).suffix.lower() in SUFFIXES:
                found.append(_checked(Path(parent) / name, root, follow_links, listed))
    # files before links, so that a file reached both ways is read under its own name
    return sorted(found, key=lambda p: (True, p.source) if isinstance(p, Skipped) else (p.is_symlink(), str(p)))


def _checked(path: Path, root: str, follow_links: bool, listed: dict[str, Listed]) -> Path | Skipped:
    """The path if it is a regular file inside the folder (or a link the user allows), else why not."""
    if path.is_symlink():
        try:
            target = Path(os.path.realpath(path, strict=True))
        except RuntimeError:
            return Skipped(display_path(path), "link cycle")
        except OSError as err:
            reason = "link cycle" if err.errno == errno.ELOOP else "broken link (its target does not exist)"
            return Skipped(display_path(path), reason)
        if not follow_links and os.path.commonpath([root, str(target)]) != root:
            return Skipped(display_path(path), f"link to {display_path(target)}, outside the folder; "
                                               "give the file itself, or --follow-links")
    try:
        info = path.stat()
    except OSError as err:
        return Skipped(display_path(path), f"cannot read file: {err.strerror or err}")
    if not stat.S_ISREG(info.st_mode):
        return Skipped(display_path(path), not_regular_reason(info.st_mode))
    listed[str(path)] = (info.st_dev, info.st_ino, path.is_symlink())
    return path


def _read_all(paths: Iterable[str | Path], follow_links: bool) -> Iterator[Article | Skipped]:
    """Every article and skipped input of `paths`, as read."""
    listed: dict[str, Listed] = {}
    for item in iter_files(paths, follow_links, listed):
        if isinstance(item, Skipped):
            yield item
            continue
        try:
            yield from READERS[item.suffix.lower()](item, listed.get(str(item)))
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
