"""The Oxigraph processes behind `kg serve`, in two lanes so that cheap queries never wait on
expensive ones.

Each engine is an `oxigraph serve-read-only` process on a private loopback port answering one
query at a time, so that killing it stops exactly one query: Oxigraph's `--timeout-s` answers the
client but lets the evaluation run on, and killing is what really stops the work.

- **Fast lane.** Every query starts on one of `fast` idle engines at normal CPU priority, with a
  budget of `budget` seconds of CPU time (not wall time: a cheap query on a busy machine is
  still cheap). Most queries end well inside it.
- **Slow lane.** A query that has used its budget and is still running is *escalated*: its engine is
  moved to the lowest CPU priority (nice 19, every thread), a fresh fast engine replaces it in the
  background (an engine starts in about 30 ms), and the query goes on until it ends or reaches the
  timeout, after which its engine is killed. Its shape (kg.serve.query_shape: the text with literals,
  IRIs, numbers and comments blanked) is remembered while it runs and kept if it ran to the
  timeout, so a query of that shape goes straight to the slow lane, to a new engine started at
  nice 19 (and the shape is forgotten once such a query ends in time).
  At most `slow` queries run in the slow lane at once; a known-slow query waits for a place (up
  to the timeout), and an escalation that finds `fast` escalated queries already running is
  refused with 503 rather than let the number of processes grow.

So at most fast + fast + slow engines run; cheap queries only ever wait on other cheap queries
and on first sightings of expensive ones, and those only for the budget. A query waits at most
`queue_wait` seconds (at least the timeout) for a fast engine, then gets 503 "busy".
"""

from __future__ import annotations

import collections
import concurrent.futures
import http.client
import math
import queue
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from kg.serve.process_controls import LOWEST_PRIORITY, child_setup, cpu_seconds, lowest_priority_for_all_threads
from kg.dataset.query import QueryError
from kg.util.sandbox import available as sandbox_available, connect
from kg.serve.query_shape import query_shape

Answer = tuple[int, str, bytes]
_TEXT = "text/plain; charset=utf-8"


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
        exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        self.process = subprocess.Popen(
            [exe, "serve-read-only", "--location", str(database), "--bind", f"127.0.0.1:{self.port}",
             "--timeout-s", str(max(1, math.ceil(timeout)))],  # whole seconds: the socket's timeout is exact
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=lambda: child_setup(nice, isolate))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise QueryError(f"oxigraph server failed: {self.process.stderr.read().decode(errors='replace')}")
            try:
                with self._connect(0.5):
                    return
            except OSError:
                time.sleep(0.005)
        self.stop()
        raise QueryError("oxigraph server did not start")

    def _connect(self, timeout: float) -> socket.socket:
        """A connection to the engine: from inside its network namespace when it has one."""
        return connect(self.process.pid if self.isolated else None, self.port, timeout)

    def send(self, query: str, accept: str) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        connection.sock = self._connect(self.timeout)
        connection.request("POST", "/query", urllib.parse.urlencode({"query": query}), {
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        return connection

    @staticmethod
    def answered_within(connection: http.client.HTTPConnection, seconds: float) -> bool:
        return bool(select.select([connection.sock], [], [], seconds)[0])

    def within_budget(self, connection: http.client.HTTPConnection, budget: float) -> bool:
        """Whether the answer comes before the query has used `budget` seconds of CPU: CPU time,
        not wall time, so that a cheap query slowed down by a busy machine is not taken for an
        expensive one. Without /proc, wall time."""
        started = cpu_seconds(self.process.pid)
        if started is None:
            return self.answered_within(connection, budget)
        while not self.answered_within(connection, 0.02):
            used = cpu_seconds(self.process.pid)
            if used is None or used - started >= budget:
                return False
        return True

    @staticmethod
    def receive(connection: http.client.HTTPConnection, accept: str) -> Answer:
        try:
            response = connection.getresponse()
            body = response.read()
        except (TimeoutError, OSError, http.client.HTTPException):
            return 503, _TEXT, b"query timed out\n"
        finally:
            connection.close()
        if response.status == 200:
            return 200, response.getheader("Content-Type", accept), body
        lowered = body.lower()
        timed_out = b"timeout" in lowered or b"timed out" in lowered
        return (503 if timed_out else 400), _TEXT, body

    def ask(self, query: str, accept: str) -> Answer:
        return self.receive(self.send(query, accept), accept)

    def lower_priority(self) -> None:
        """Nice 19 for every thread of the process (Oxigraph answers on a thread per request)."""
        lowest_priority_for_all_threads(self.process.pid)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


class EnginePool:
    """Fast and slow lanes of engines (see the module's docstring)."""

    def __init__(self, database: Path, timeout: float, fast: int = 4, slow: int = 2, budget: float = 0.5,
                 remembered: int = 1000, queue_wait: float = 10.0, isolate: bool | None = None):
        self.database, self.timeout, self.budget = database, timeout, min(budget, timeout)
        self.isolate = sandbox_available() if isolate is None else isolate
        if not self.isolate:
            sys.stderr.write("kg serve: this system allows no network namespace (needs root): query engines keep "
                             "the host's network; SERVICE and LOAD are still refused by the query check\n")
        self.queue_wait = max(queue_wait, timeout)  # waiting for an engine is not running: a longer bound
        self.idle: queue.Queue[Engine] = queue.Queue()
        self.running: set[Engine] = set()
        self.lock = threading.Lock()
        self.slow_places = threading.BoundedSemaphore(slow)
        self.escalation_places = threading.BoundedSemaphore(fast)
        self.known_slow: collections.OrderedDict[str, None] = collections.OrderedDict()
        self.remembered = remembered
        self.stopped = False
        # Engines are started from long-lived threads: PR_SET_PDEATHSIG fires when the *thread*
        # that started a child ends, and request threads end after each request. One thread per
        # lane, so that fast engines never queue behind slow-lane ones (which start at nice 19).
        self.spawners = {lane: concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"kg-{lane}")
                         for lane in ("fast", "slow")}
        for _ in range(fast):
            self.idle.put(self._start())

    def _start(self, nice: int = 0, timeout: float | None = None) -> Engine:
        spawner = self.spawners["slow" if nice else "fast"]
        try:
            return spawner.submit(self._spawn, nice, self.timeout if timeout is None else timeout).result()
        except (RuntimeError, concurrent.futures.CancelledError) as err:
            raise QueryError("the endpoint is stopping") from err

    def _spawn(self, nice: int, timeout: float) -> Engine:
        engine = Engine(self.database, timeout, nice, self.isolate)
        with self.lock:
            self.running.add(engine)
            stopped = self.stopped
        if stopped:
            self._kill(engine)
        return engine

    def _kill(self, engine: Engine) -> None:
        with self.lock:
            self.running.discard(engine)
        engine.stop()

    def _replace_fast(self) -> None:
        """Start a fast engine off the request path."""
        def start() -> None:
            try:
                self.idle.put(self._spawn(0, self.timeout))
            except QueryError as err:
                sys.stderr.write(f"kg serve: could not start a query engine: {err}\n")
        try:
            self.spawners["fast"].submit(start)
        except RuntimeError:  # the pool is stopping: nothing to replace
            pass

    def _remember_slow(self, signature: str) -> None:
        with self.lock:
            self.known_slow[signature] = None
            self.known_slow.move_to_end(signature)
            while len(self.known_slow) > self.remembered:
                self.known_slow.popitem(last=False)

    def _forget_slow(self, signature: str) -> None:
        with self.lock:
            self.known_slow.pop(signature, None)

    def _known_slow(self, signature: str) -> bool:
        with self.lock:
            return signature in self.known_slow

    def is_known_slow(self, query: str) -> bool:
        return self._known_slow(query_shape(query))

    def query(self, query: str, accept: str) -> Answer:
        signature = query_shape(query)
        if self._known_slow(signature):  # its shape ran past its budget before: straight to the slow lane
            return self._slow_lane(query, signature, accept)
        try:
            engine = self.idle.get(timeout=self.queue_wait)
        except queue.Empty:
            return 503, _TEXT, b"busy: every query engine is taken, try again\n"
        if self._known_slow(signature):  # one of its shape moved to the slow lane while this one waited
            self.idle.put(engine)
            return self._slow_lane(query, signature, accept)
        connection = engine.send(query, accept)
        if engine.within_budget(connection, self.budget):
            answer = engine.receive(connection, accept)
            if answer[0] == 503:  # timed out: the evaluation may still run inside Oxigraph
                self._kill(engine)
                self._replace_fast()
                self._remember_slow(signature)
            else:
                self.idle.put(engine)
            return answer
        self._replace_fast()  # off the request path
        sys.stderr.write(f"kg serve: a query ran past its {self.budget:g} s budget: moved to the slow lane\n")
        if not self.escalation_places.acquire(blocking=False):
            self._kill(engine)
            connection.close()
            return 503, _TEXT, b"busy: too many long-running queries, try again later\n"
        self._remember_slow(signature)  # until it proves cheap: the next ones go straight to the slow lane
        try:
            engine.lower_priority()
            answer = engine.receive(connection, accept)
        finally:
            self._kill(engine)
            self.escalation_places.release()
        if answer[0] != 503:
            self._forget_slow(signature)
        return answer

    def _slow_lane(self, query: str, signature: str, accept: str) -> Answer:
        started = time.monotonic()
        if not self.slow_places.acquire(timeout=self.timeout):
            return 503, _TEXT, b"busy: too many long-running queries, try again later\n"
        try:
            remaining = self.timeout - (time.monotonic() - started)
            if remaining < 1:  # Oxigraph's timeout counts whole seconds
                return 503, _TEXT, b"query timed out while waiting for a slow-lane engine\n"
            try:
                engine = self._start(nice=LOWEST_PRIORITY, timeout=remaining)
            except QueryError as err:
                return 503, _TEXT, f"no query engine: {err}\n".encode()
            try:
                answer = engine.ask(query, accept)
            finally:
                self._kill(engine)
            if answer[0] != 503:  # it ends in time after all (it was slow under load only)
                self._forget_slow(signature)
            return answer
        finally:
            self.slow_places.release()

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            engines = list(self.running)
        for engine in engines:
            self._kill(engine)
        for spawner in self.spawners.values():
            spawner.shutdown(wait=False, cancel_futures=True)
