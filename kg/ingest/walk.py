"""The input files under the paths given, as they are found: a folder of a million files is walked,
not listed whole.

Inside a folder, files come in the order of their full paths as strings: each folder's entries are
sorted with a subfolder's name followed by "/", which gives that order one folder at a time (a
name and the same name with more after it: "a.txt" before "a/…", as "." sorts before "/"); a
folder of many names in sorted runs on disk. Links
and paths that cannot be read come after the files (few, and held until then), as before. Which
files were already reached (a file given and inside a folder given, or reached through a link) is
kept in a temporary SQLite database on disk.
"""

from __future__ import annotations

import errno
import itertools
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from pathlib import Path

from kg.ingest.article import Skipped
from kg.ingest.metadata import display_path
from kg.ingest.readers import SUFFIXES, Listed, not_regular_reason
from kg.util.extsort import external_sorted

NAMES_AT_ONCE = 50_000  # a folder's names sorted in memory at a time (~8 MB); more go to sorted runs on disk


class _Reached:
    """The real path of each file reached, with the path it was first reached by (on disk)."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)  # "": a private temporary database on disk
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("CREATE TABLE reached (real BLOB PRIMARY KEY, first BLOB)")

    def first(self, path: Path) -> bytes | None:
        """None if `path` is the first path to reach its file (recorded now), else that first path."""
        real = os.fsencode(os.path.realpath(path))
        row = self._db.execute("SELECT first FROM reached WHERE real = ?", (real,)).fetchone()
        if row is None:
            self._db.execute("INSERT INTO reached VALUES (?, ?)", (real, os.fsencode(path)))
            return None
        return row[0]

    def close(self) -> None:
        self._db.close()


def iter_files(paths: Iterable[str | Path], follow_links: bool = False,
               listed: dict[str, Listed] | None = None) -> Iterator[Path | Skipped]:
    """The input files under the given paths, in sorted order; unusable paths as Skipped.

    A file reached twice (given twice, or given and inside a given folder) is read once. Files of
    other types inside a folder are passed over; given by name, they are skipped. Inside a folder,
    every path with an input extension is yielded or skipped with its reason: a broken link, a
    link cycle, a link out of the folder (followed only with `follow_links`), not a regular file.
    `listed` receives what each file found in a folder was when found (kg.ingest.readers `Listed`).
    """
    listed = {} if listed is None else listed
    reached = _Reached()

    def once(path: Path) -> bool | Skipped:
        first = reached.first(path)
        if first is None:
            return True
        shown = os.fsdecode(first)
        if os.path.abspath(shown) == os.path.abspath(path):
            return False  # the same path given twice: read once, nothing to say
        return Skipped(display_path(path), f"the same file as {display_path(shown)}, read once")

    try:
        for given in paths:
            yield from _given(Path(given), follow_links, listed, once)
    finally:
        reached.close()


def _given(path: Path, follow_links: bool, listed: dict[str, Listed],
           once: Callable[[Path], bool | Skipped]) -> Iterator[Path | Skipped]:
    """The files of one path given (a folder's, or the file itself), each the first time reached."""
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


def _folder_files(folder: Path, follow_links: bool, listed: dict[str, Listed]) -> Iterator[Path | Skipped]:
    """The files with an input extension in a folder and its subfolders (links to folders are not
    entered), each checked where it leads: the files as found, then the links and what cannot be
    read, in sorted order."""
    root = os.path.realpath(folder)
    later: list[Path | Skipped] = []
    for path in _sorted_walk(folder):
        found = _checked(path, root, follow_links, listed)
        if isinstance(found, Path) and not found.is_symlink():
            yield found
        else:  # files before links, so that a file reached both ways is read under its own name
            later.append(found)
    yield from sorted(later, key=lambda p: p.source if isinstance(p, Skipped) else str(p))


def _sorted_walk(folder: Path) -> Iterator[Path]:
    """The paths with an input extension under `folder`, in the order of their strings; one folder's
    entries held at a time along the way down (a stack, not recursion: any depth)."""
    stack = [iter(_entries(folder))]
    while stack:
        for is_folder, path in stack[-1]:
            if is_folder:
                stack.append(iter(_entries(path)))
                break
            yield path
        else:
            stack.pop()


def _entries(folder: Path) -> Iterator[tuple[bool, Path]]:
    """A folder's subfolders to enter (not links) and files with an input extension, as (is a
    folder, path), sorted as their paths' strings sort (a folder's name followed by "/"); nothing
    for a folder that cannot be listed (as os.walk passes over it). A folder of more than
    `NAMES_AT_ONCE` names is sorted in runs on disk (kg.util.extsort): a flat folder of a million
    files holds a run of names, not a million."""
    ordered = external_sorted(_listing(folder), key=itemgetter(0), run_size=NAMES_AT_ONCE)
    try:
        first = next(ordered, None)  # the whole listing is read before the first name comes
    except _Unlisted:
        return
    if first is not None:
        for _, is_folder, name in itertools.chain((first,), ordered):
            yield is_folder, folder / name


class _Unlisted(Exception):
    """The folder could not be listed (not an error writing the sorted runs, which is raised as it is)."""


def _listing(folder: Path) -> Iterator[tuple[str, bool, str]]:
    """(sort key, is a folder, name) of each entry of `folder` to keep, as the OS lists them."""
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                try:
                    is_folder = entry.is_dir()  # through a link, as os.walk does: a link to a folder is one
                except OSError:
                    is_folder = False
                if is_folder:
                    if not entry.is_symlink():
                        yield entry.name + "/", True, entry.name
                elif Path(entry.name).suffix.lower() in SUFFIXES:
                    yield entry.name, False, entry.name
    except OSError as err:
        raise _Unlisted(folder) from err


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
