"""Sorted runs of keys on disk: what a build keeps of a set too big to hold (kg.graph.spool: the
merged triples and the default graph), written a run at a time and read back merged, each key once."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path

MAX_OPEN_RUNS = 200  # sorted runs merged at once; more are first merged in groups into bigger runs


class SortedRuns:
    """Distinct keys written to `folder` as sorted runs of at most `limit` keys (what is held: one run)."""

    def __init__(self, folder: Path, name: str, limit: int):
        self._folder, self._name, self._limit = folder, name, limit
        self._keys: set[str] = set()
        self.paths: list[Path] = []

    def add(self, key: str) -> None:
        self._keys.add(key)
        if len(self._keys) >= self._limit:
            self._flush()

    def update(self, keys: Iterable[str]) -> None:
        self._keys.update(keys)
        if len(self._keys) >= self._limit:
            self._flush()

    def _flush(self) -> None:
        path = self._folder / f"{self._name}-{len(self.paths):05d}.keys"
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.writelines(k + "\n" for k in sorted(self._keys))
        self.paths.append(path)
        self._keys = set()

    def finish(self) -> list[Path]:
        """The runs' files (at least one, perhaps empty)."""
        if self._keys or not self.paths:
            self._flush()
        return self.paths


def merged_keys(runs: Iterable[Path]) -> Iterator[str]:
    """The keys of sorted runs, in order, each once."""
    yield from (key for key, _ in groupby(merged_lines(runs)))


def merged_lines(runs: Iterable[Path]) -> Iterator[str]:
    """Every line of sorted runs (each line's newline dropped), in order, a line in several runs as often."""
    files = [open(run, encoding="utf-8") for run in runs]  # noqa: SIM115 (closed below)
    try:
        yield from (line.rstrip("\n") for line in heapq.merge(*files))
    finally:
        for f in files:
            f.close()


def fewer_runs(runs: list[Path], work: Path) -> tuple[Path, ...]:
    """`runs`, merged in groups into files in `work` until at most MAX_OPEN_RUNS are left."""
    level = 0
    while len(runs) > MAX_OPEN_RUNS:
        merged = []
        for n in range(0, len(runs), MAX_OPEN_RUNS):
            path = work / f"runs-{level}-{n:07d}.keys"
            with open(path, "w", encoding="utf-8", newline="\n") as out:
                out.writelines(key + "\n" for key in merged_keys(runs[n:n + MAX_OPEN_RUNS]))
            merged.append(path)
        runs, level = merged, level + 1
    return tuple(runs)
