"""Progress over every stage of a build, on stderr (`kg build` without `-q`).

On a terminal each stage is a tqdm bar (articles counted where a stage goes article by article);
elsewhere (a log, CI, a pipe) each stage is one line with the time since the build started:

    [   0.0 s] reading inputs
    [   0.1 s] extracting (45 articles)
    [   4.5 s] resolving entities
    [   4.5 s] writing the graph (45 articles)
    …
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO, TypeVar

T = TypeVar("T")

# The stages of a build, in order (the names users see)
READING, EXTRACTING, RESOLVING, GRAPH = "reading inputs", "extracting", "resolving entities", "writing the graph"
STORE, DUMPS, NETWORK = "updating the store", "writing TriG, N-Quads, Turtle, JSON-LD", "writing GraphML, GEXF"
VIEW, TABLES = "writing the view", "writing tables, map and report"
# a sharded build (kg.run.sharded): one worker writes the default graph, and the outputs with -o
OUTPUTS_ON_A_WORKER, DEFAULT_ON_A_WORKER = "writing every output on a worker", "writing the default graph on a worker"
STAGES = (READING, EXTRACTING, RESOLVING, GRAPH, STORE, DUMPS, NETWORK, VIEW, TABLES)


def _nothing(_: int = 1) -> None:
    return None


class Progress:
    """Shows one stage at a time; `stage` ends the previous one and returns the function to call
    with the number of items done (a no-op where there is nothing to count)."""

    def __init__(self, stream: TextIO | None = None, bars: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.bars = bool(getattr(self.stream, "isatty", lambda: False)()) if bars is None else bars
        self._bar: Any = None
        self._start = time.monotonic()

    def stage(self, name: str, total: int | None = None, unit: str = "article") -> Callable[[int], None]:
        self.close()
        if self.bars:
            from tqdm import tqdm

            bar = self._bar = tqdm(total=total, desc=name, unit=unit, file=self.stream, leave=False, dynamic_ncols=True)
            return bar.update
        count = f" ({total} {unit}{'' if total == 1 else 's'})" if total is not None else ""
        print(f"[{time.monotonic() - self._start:6.1f} s] {name}{count}", file=self.stream, flush=True)
        return _nothing

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def stage(progress: Progress | None, name: str, total: int | None = None) -> Callable[[int], None]:
    """`progress.stage(…)`, or a no-op without progress (`kg build -q`, the library)."""
    return progress.stage(name, total) if progress is not None else _nothing


def counted(items: Iterable[T], update: Callable[[int], None]) -> Iterator[T]:
    """`items`, calling `update(1)` after each is used."""
    for item in items:
        yield item
        update(1)
