"""Sort more rows than should be held in memory: sorted runs on disk, merged as they are read.

`external_sorted(items, key, folder)` yields the items in the order `sorted(items, key=key)` gives,
ties included (both are stable: a run keeps its items' order, and `heapq.merge` takes equal items
from the earlier run first), holding at most `run_size` items and one item of each run. Runs are
pickled in small batches to temporary files in `folder`, removed once read. When everything fits in
one run nothing is written.
"""

from __future__ import annotations

import heapq
import itertools
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

T = TypeVar("T")

RUN_SIZE = 50_000  # items sorted in memory at a time: ~60 MB of table rows with their sort keys
_BATCH = 1_000  # items pickled together: one pickle per item would be slower to read back


def external_sorted(items: Iterable[T], key: Callable[[T], Any], folder: Path | None = None,
                    run_size: int | None = None) -> Iterator[T]:
    """`items` sorted by `key`, as `sorted` would, with at most `run_size` (default `RUN_SIZE`) of
    them in memory."""
    run_size = run_size or RUN_SIZE
    it = iter(items)
    first = sorted(itertools.islice(it, run_size), key=key)
    if len(first) < run_size:
        yield from first
        return
    with tempfile.TemporaryDirectory(prefix=".sort-", suffix=".tmp", dir=folder) as scratch:
        runs = [_spilled(first, Path(scratch) / "0")]
        del first
        while run := sorted(itertools.islice(it, run_size), key=key):
            runs.append(_spilled(run, Path(scratch) / str(len(runs))))
        del run
        handles = [path.open("rb") for path in runs]
        try:
            yield from heapq.merge(*(pickled_batches(handle) for handle in handles), key=key)
        finally:
            for handle in handles:
                handle.close()


def _spilled(run: list[T], path: Path) -> Path:
    with path.open("wb") as handle:
        for start in range(0, len(run), _BATCH):
            pickle.dump(run[start:start + _BATCH], handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def pickled_batches(handle: IO[bytes]) -> Iterator[Any]:
    """The items of each list pickled in turn into `handle`, in order."""
    while True:
        try:
            batch = pickle.load(handle)
        except EOFError:
            return
        yield from batch
