"""Write a file completely or not at all: a temporary file beside it, then a rename."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
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


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write(tmp_path)` and move the result into place atomically."""
    with atomic_path(path) as tmp:
        write(tmp)


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def check_writable(folder: Path) -> None:
    """Raise the OSError that writing a file into `folder` (created if missing) would raise, before
    any work that would end by writing there."""
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".write-check-{os.getpid()}"
    probe.write_bytes(b"")
    probe.unlink()


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files and staging folders a killed build left (".graph.nq.x1y2.tmp",
    ".kg-outputs-x1y2.tmp/"); one writer per folder."""
    removed = []
    if folder.is_dir():
        for path in sorted(folder.glob(".*.tmp")):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold back SIGINT (and the memory watcher's interrupt) for a few renames, then deliver it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: held.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


@contextmanager
def staged_outputs(out_dir: Path, removing: Iterable[str] = ()) -> Iterator[Path]:
    """A hidden folder in `out_dir` to write every output into. When the block succeeds, its files
    move into `out_dir` together (renames only, interrupts held back meanwhile), and the files of
    `out_dir` named in `removing` (an earlier build's outputs this one does not write) go; a build
    stopped before then (an error, the memory budget, Ctrl-C) leaves `out_dir` as it was."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-outputs-", suffix=".tmp", dir=out_dir))
    try:
        yield staging
        files = sorted(p for p in staging.rglob("*") if p.is_file())
        with _interrupts_held():
            for name in removing:
                (out_dir / name).unlink(missing_ok=True)
            for path in files:
                target = out_dir / path.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def move_outputs(source: Path, out_dir: Path) -> None:
    """The files written into the folder `source` (perhaps on another file system) moved into
    `out_dir` together, as `staged_outputs` does; `source` is left empty."""
    remove_stale_temporaries(out_dir)
    with staged_outputs(out_dir) as staging:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            target = staging / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
