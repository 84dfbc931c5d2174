"""One Oxigraph engine behind `kg serve`: an `oxigraph serve-read-only` process on a private port
(in a network namespace of its own where the system allows: kg.util.sandbox), and how its answers
are read.

- Its stderr is drained all the time by a thread (Oxigraph writes a line on every failed stream; an
  unread pipe fills and blocks the engine): the last lines are kept for error messages, and at
  most one line a second is repeated on kg serve's own stderr.
- Waiting for an answer is bounded by CPU time (the budget that tells cheap from expensive queries)
  and by wall time (an engine that neither answers nor works is wedged), and notices a dead engine.
- The body is read incrementally, with the caps applied while it streams: at most `rows` lines of
  a line-based format (TSV results, N-Triples) and at most `bytes` bytes; past a cap the reading
  stops and the answer says it was truncated (the engine is then still streaming: the pool kills it).
"""

from __future__ import annotations

import collections
import http.client
import math
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kg.dataset.query import QueryError
from kg.serve.process_controls import child_setup, cpu_seconds, lowest_priority_for_all_threads
from kg.util.sandbox import connect

TEXT = "text/plain; charset=utf-8"
LINE_BASED = ("text/tab-separated-values", "application/n-triples")
_CHUNK = 65536


class Answer(NamedTuple):
    status: int
    content_type: str
    body: bytes
    truncated: bool = False


@dataclass(frozen=True)
class Caps:
    rows: int  # lines of a line-based answer (a TSV header is not a row)
    bytes: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Engine:
    """One `oxigraph serve-read-only` process on a private port."""

    def __init__(self, database: Path, timeout: float, nice: int = 0, isolate: bool = False):
        self.timeout = timeout
        self.isolated = isolate
        self.port = _free_port()
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=5)
        self.home = "open"  # its share of the fast lane (kg.serve.engines.IdleEngines)
        self.ready = False  # until it answers, its lines ("Listening for requests…") are kept, not echoed
        exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        self.process = subprocess.Popen(
            [exe, "serve-read-only", "--location", str(database), "--bind", f"127.0.0.1:{self.port}",
             "--timeout-s", str(max(1, math.ceil(timeout)))],  # whole seconds: the socket's timeout is exact
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=lambda: child_setup(nice, isolate))
        threading.Thread(target=self._drain, name=f"kg-engine-stderr-{self.process.pid}", daemon=True).start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise QueryError(f"oxigraph server failed: {self.last_error()}")
            try:
                with self._connect(0.5):
                    self.ready = True
                    return
            except OSError:
                time.sleep(0.005)
        self.stop()
        raise QueryError("oxigraph server did not start")

    def _drain(self) -> None:
        """Read the engine's stderr until it closes; keep the last lines, repeat one a second."""
        last_logged, skipped = 0.0, 0
        stderr = self.process.stderr
        if stderr is None:  # started without stderr=PIPE: nothing to read
            return
        for raw in iter(stderr.readline, b""):
            line = raw.decode("utf-8", "replace").strip()[:500]
            self.stderr_tail.append(line)
            now = time.monotonic()
            if not self.ready or line.startswith("Listening for requests"):
                continue
            if now - last_logged >= 1.0:
                more = f" (+{skipped} more lines)" if skipped else ""
                sys.stderr.write(f"kg serve: engine {self.process.pid}: {line}{more}\n")
                last_logged, skipped = now, 0
            else:
                skipped += 1
        stderr.close()

    def last_error(self) -> str:
        return self.stderr_tail[-1] if self.stderr_tail else f"exit status {self.process.poll()}"

    def _connect(self, timeout: float) -> socket.socket:
        """A connection to the engine: from inside its network namespace when it has one."""
        return connect(self.process.pid if self.isolated else None, self.port, timeout)

    def send(self, query: str, accept: str) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        connection.sock = self._connect(self.timeout)
        connection.request("POST", "/query", urllib.parse.urlencode({"query": query}), {
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        return connection

    def cpu(self) -> float | None:
        return cpu_seconds(self.process.pid)

    def wait(self, connection: http.client.HTTPConnection, budget: float, wall: float) -> str:
        """How the wait for the first bytes ended: "answered"; "over budget" (the query used `budget`
        seconds of CPU: CPU, not wall time, so that a cheap query on a busy machine is still cheap;
        wall time where /proc cannot tell); "stalled" (no answer and no work for `wall` seconds); "died"."""
        started, began = self.cpu(), time.monotonic()
        while not select.select([connection.sock], [], [], 0.02)[0]:
            if self.process.poll() is not None:
                return "died"
            used, waited = self.cpu(), time.monotonic() - began
            if (started is None or used is None) and waited >= budget:
                return "over budget"
            if started is not None and used is not None and used - started >= budget:
                return "over budget"
            if waited >= wall:
                return "stalled"
        return "answered"

    def read(self, connection: http.client.HTTPConnection, accept: str, caps: Caps,
             keep_going: Callable[[], bool] | None = None) -> Answer:
        """The answer, read incrementally under the caps. `keep_going` is asked between chunks;
        when it says no, reading stops with 503 busy."""
        deadline = time.monotonic() + self.timeout + 1
        try:
            response = connection.getresponse()
            if response.status != 200:
                return _failure(response.read(_CHUNK))
            body, truncated = bytearray(), False
            lines_allowed = caps.rows + (1 if accept == "text/tab-separated-values" else 0)
            lines = 0
            while chunk := response.read1(_CHUNK):
                if keep_going is not None and not keep_going():
                    return Answer(503, TEXT, b"busy: too many long-running queries, try again later\n")
                if time.monotonic() > deadline:
                    return Answer(503, TEXT, b"query timed out\n")
                body += chunk
                if accept in LINE_BASED:
                    lines += chunk.count(b"\n")
                    if lines > lines_allowed:
                        del body[_nth_line_end(body, lines_allowed):]
                        truncated = True
                        break
                if len(body) > caps.bytes:
                    cut = body.rfind(b"\n", 0, caps.bytes) + 1 if accept in LINE_BASED else caps.bytes
                    del body[cut:]
                    truncated = True
                    break
        except (TimeoutError, OSError, http.client.HTTPException):
            return Answer(503, TEXT, b"query timed out\n")
        finally:
            connection.close()
        return Answer(200, response.getheader("Content-Type", accept), bytes(body), truncated)

    def ask(self, query: str, accept: str, caps: Caps) -> Answer:
        return self.read(self.send(query, accept), accept, caps)

    def lower_priority(self) -> None:
        """Nice 19 for every thread of the process (Oxigraph answers on a thread per request)."""
        lowest_priority_for_all_threads(self.process.pid)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def _nth_line_end(body: bytearray, n: int) -> int:
    """The position just after the n-th line break (0: the start)."""
    position = 0
    for _ in range(n):
        position = body.index(b"\n", position) + 1
    return position


def _failure(body: bytes) -> Answer:
    lowered = body.lower()
    timed_out = b"timeout" in lowered or b"timed out" in lowered
    return Answer(503 if timed_out else 400, TEXT, body)
