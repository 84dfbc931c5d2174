"""Write a file completely or not at all: a temporary file beside it, then a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces `path` in one rename.

    On failure the temporary file is removed and `path` keeps its previous content.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp_path)` and move the result into place atomically."""
    with atomic_path(path) as tmp:
        write(tmp)


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files a killed build left (".graph.nq.x1y2.tmp"); one writer per folder."""
    removed = []
    if folder.is_dir():
        for path in sorted(folder.glob(".*.tmp")):
            if path.is_file():
                path.unlink()
                removed.append(path)
    return removed
