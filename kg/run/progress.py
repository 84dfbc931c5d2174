"""Progress over every stage of a build, on stderr (`kg build` without `-q`).

On a terminal each stage is a tqdm bar (articles counted where a stage goes article by article);
elsewhere (a log, CI, a pipe, a batch job's output file) each stage is one line with the time since
the build started, and a stage that counts articles adds a line every minute with how far it is,
its rate and the time it has left (a big build's extraction runs for hours); any other stage says
every minute that it is still running:

    [   0.0 s] reading inputs
    [   0.1 s] extracting (20000 articles)
    [  60.1 s] extracting: 640 of 20,000 articles (10.7 a second; about 30 min left)
    …
    [1875.2 s] resolving entities
    …
"""

from __future__ import annotations

import sys
import threading
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

    def __init__(self, stream: TextIO | None = None, bars: bool | None = None, every: float = 60.0):
        """`every`: seconds between the lines of a stage where there are no bars."""
        self.stream = stream if stream is not None else sys.stderr
        self.bars = bool(getattr(self.stream, "isatty", lambda: False)()) if bars is None else bars
        self.every = every
        self._bar: Any = None
        self._beat: _Heartbeat | None = None
        self._printing = threading.Lock()  # (the heartbeat prints from its own thread)
        self._start = time.monotonic()

    def stage(self, name: str, total: int | None = None, unit: str = "article") -> Callable[[int], None]:
        self.close()
        if self.bars:
            from tqdm import tqdm

            bar = self._bar = tqdm(total=total, desc=name, unit=unit, file=self.stream, leave=False, dynamic_ncols=True)
            return bar.update
        count = f" ({total} {unit}{'' if total == 1 else 's'})" if total is not None else ""
        self._line(f"{name}{count}")
        if total:
            return _Lines(self, name, total, unit)
        if self.every > 0:  # (0: a line for every item counted, and no heartbeat)
            self._beat = _Heartbeat(self, name)
            self._beat.start()
        return _nothing

    def _line(self, text: str) -> None:
        with self._printing:
            print(f"[{time.monotonic() - self._start:6.1f} s] {text}", file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self._beat is not None:
            self._beat.stopped.set()
            self._beat = None


class _Lines:
    """Counts a stage's items; a line every `progress.every` seconds: how many, the rate, the time left."""

    def __init__(self, progress: Progress, name: str, total: int, unit: str):
        self.progress, self.name, self.total, self.unit = progress, name, total, unit
        self.done = 0
        self.started = self.shown = time.monotonic()

    def __call__(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.shown < self.progress.every or not 0 < self.done < self.total:
            return
        self.shown = now
        rate = self.done / max(now - self.started, 1e-9)
        self.progress._line(f"{self.name}: {self.done:,} of {self.total:,} {self.unit}s ({rate:,.1f} a second; "
                            f"about {_duration((self.total - self.done) / rate)} left)")


class _Heartbeat(threading.Thread):
    """A line every `progress.every` seconds while a stage that counts nothing runs."""

    def __init__(self, progress: Progress, name: str):
        super().__init__(name="kg-progress", daemon=True)
        self.progress, self.label, self.stopped = progress, name, threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopped.wait(self.progress.every):
            self.progress._line(f"{self.label}: still running ({_duration(time.monotonic() - started)} so far)")


def _duration(seconds: float) -> str:
    """'45 s', '12 min', '3 h 20 min'."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def stage(progress: Progress | None, name: str, total: int | None = None) -> Callable[[int], None]:
    """`progress.stage(…)`, or a no-op without progress (`kg build -q`, the library)."""
    return progress.stage(name, total) if progress is not None else _nothing


def counted(items: Iterable[T], update: Callable[[int], None]) -> Iterator[T]:
    """`items`, calling `update(1)` after each is used."""
    for item in items:
        yield item
        update(1)
