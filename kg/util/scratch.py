"""Scratch folders in the system's temporary folder ("kg-articles-x1y2", "kg-spool-…", "kg-serve-…").
A build killed by the kernel (out of memory, SIGKILL) cannot remove its own, and a big build's hold
gigabytes, so each folder holds a lock for as long as the process that made it lives (`flock`: the
kernel lets go of it when the process dies, however it dies); the next kg that makes a scratch folder
removes every kg folder whose lock it can take. A folder without the lock (not kg's, or from an
older kg) is left alone."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: folders are removed by their own process only
    fcntl = None  # type: ignore[assignment]

PREFIX = "kg-"
LOCK = ".kg-owner.lock"


@contextmanager
def scratch_folder(purpose: str) -> Iterator[Path]:
    """A new folder "kg-PURPOSE-…" in the temporary folder, removed when the block ends; those
    that dead processes left are removed first."""
    remove_abandoned()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{purpose}-"))
    owner = _hold(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if owner is not None:
            os.close(owner)


def remove_abandoned(parent: Path | None = None) -> list[Path]:
    """Remove the kg scratch folders in `parent` (default: the temporary folder) whose process is
    gone; the folders removed."""
    parent = Path(tempfile.gettempdir()) if parent is None else parent
    removed: list[Path] = []
    if fcntl is None:
        return removed
    try:
        entries = sorted(e.name for e in os.scandir(parent) if e.name.startswith(PREFIX) and e.is_dir(follow_symlinks=False))
    except OSError:
        return removed
    for name in entries:
        folder = parent / name
        if _remove_if_abandoned(folder):
            removed.append(folder)
    return removed


def _remove_if_abandoned(folder: Path) -> bool:
    try:
        handle = os.open(folder / LOCK, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:  # no lock: not ours to judge (or another user's)
        return False
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: its process lives (or another kg is removing it now)
            return False
        shutil.rmtree(folder, ignore_errors=True)
        return True
    finally:
        os.close(handle)


def _hold(folder: Path) -> int | None:
    """Lock a file in `folder` for this process's life; the file is locked before it has the name
    another process looks for, so no one takes a new folder for an abandoned one. Where the file
    system cannot lock, nothing: the folder is used all the same, only not removed by another kg."""
    if fcntl is None:
        return None
    fresh = folder / f"{LOCK}.new"
    handle = os.open(fresh, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.replace(fresh, folder / LOCK)
    except BaseException as err:
        os.close(handle)
        with suppress(OSError):
            fresh.unlink()
        if isinstance(err, OSError):
            return None
        raise
    return handle
