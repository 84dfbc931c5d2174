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
import sys
import threading
import time
from pathlib import Path

from kg.dataset.query import QueryError
from kg.serve.engine import TEXT, Answer, Caps, Engine
from kg.serve.idle import IdleEngines
from kg.serve.process_controls import LOWEST_PRIORITY
from kg.serve.query_shape import query_shape
from kg.util.sandbox import available as sandbox_available

DEFAULT_CAPS = Caps(rows=10_000, bytes=16 * 2**20)
# The open share runs queries of shapes not yet seen to answer in their budget, among them every new
# expensive one spending its budget: below normal priority, so that on a busy machine the front
# server and the proven share (cheap queries) get the CPU first. On an idle machine it changes nothing.
OPEN_SHARE_PRIORITY = 10


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
        self.idle = IdleEngines()
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
        self.known_cheap: collections.OrderedDict[str, None] = collections.OrderedDict()
        for number in range(fast):  # half of them kept for shapes that have answered within budget
            home = "proven" if number < fast // 2 else "open"
            engine = self._start(nice=_share_priority(home))
            engine.home = home
            self.idle.put(engine)

    def _start(self, nice: int = 0, timeout: float | None = None) -> Engine:
        spawner = self.spawners["slow" if nice == LOWEST_PRIORITY else "fast"]
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

    def _replace_fast(self, home: str) -> None:
        """Start a fast engine off the request path, for the same share of the fast lane."""
        def start() -> None:
            try:
                engine = self._spawn(_share_priority(home), self.timeout)
                engine.home = home
                self.idle.put(engine)
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

    def _remember_cheap(self, signature: str) -> None:
        with self.lock:
            self.known_cheap[signature] = None
            self.known_cheap.move_to_end(signature)
            while len(self.known_cheap) > self.remembered:
                self.known_cheap.popitem(last=False)

    def _forget_cheap(self, signature: str) -> None:
        with self.lock:
            self.known_cheap.pop(signature, None)

    def _known_cheap(self, signature: str) -> bool:
        with self.lock:
            return signature in self.known_cheap

    def _forget_slow(self, signature: str) -> None:
        with self.lock:
            self.known_slow.pop(signature, None)

    def _known_slow(self, signature: str) -> bool:
        with self.lock:
            return signature in self.known_slow

    def is_known_slow(self, query: str) -> bool:
        return self._known_slow(query_shape(query))

    def query(self, query: str, accept: str, caps: Caps = DEFAULT_CAPS) -> Answer:
        """The engine's answer to `query` in `accept`, read under `caps` (see the module's docstring)."""
        signature = query_shape(query)
        if self._known_slow(signature):  # its shape ran past its budget before: straight to the slow lane
            return self._slow_lane(query, signature, accept, caps)
        engine = self._live_idle_engine(self._known_cheap(signature))
        if engine is None:
            return Answer(503, TEXT, b"busy: every query engine is taken, try again\n")
        if self._known_slow(signature):  # one of its shape moved to the slow lane while this one waited
            self.idle.put(engine)
            return self._slow_lane(query, signature, accept, caps)
        return _FastRun(self, engine, signature).run(query, accept, caps)

    def _live_idle_engine(self, proven: bool) -> Engine | None:
        """An idle engine that is still running, or None after `queue_wait`: one that died while idle
        (killed, out of memory) is replaced and the next one taken, so no query fails for it."""
        deadline = time.monotonic() + self.queue_wait
        while (engine := self.idle.take(proven, max(0.0, deadline - time.monotonic()))) is not None:
            if engine.process.poll() is None:
                return engine
            sys.stderr.write(f"kg serve: an idle engine had died ({engine.last_error()}); replaced\n")
            self._kill(engine)
            self._replace_fast(engine.home)
        return None

    def _fail(self, engine: Engine, reason: str) -> Answer:
        """A dead or wedged engine: killed, replaced off the request path, and said so."""
        detail = engine.last_error()
        self._kill(engine)
        self._replace_fast(engine.home)
        sys.stderr.write(f"kg serve: engine failed ({reason}): {detail}; replaced\n")
        return Answer(503, TEXT, f"engine failed: {reason}; try again\n".encode())

    def _slow_lane(self, query: str, signature: str, accept: str, caps: Caps) -> Answer:
        started = time.monotonic()
        if not self.slow_places.acquire(timeout=self.timeout):
            return Answer(503, TEXT, b"busy: too many long-running queries, try again later\n")
        try:
            remaining = self.timeout - (time.monotonic() - started)
            if remaining < 1:  # Oxigraph's timeout counts whole seconds
                return Answer(503, TEXT, b"query timed out while waiting for a slow-lane engine\n")
            try:
                engine = self._start(nice=LOWEST_PRIORITY, timeout=remaining)
            except QueryError as err:
                return Answer(503, TEXT, f"no query engine: {err}\n".encode())
            try:
                answer = engine.ask(query, accept, caps)
            except OSError as err:
                answer = Answer(503, TEXT, f"engine failed: {err}\n".encode())
            finally:
                self._kill(engine)
            if answer.status != 503:  # it ends in time after all (it was slow under load only)
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


def _share_priority(home: str) -> int:
    return OPEN_SHARE_PRIORITY if home == "open" else 0


class _FastRun:
    """One query on a fast engine: escalated to the slow lane as soon as it has used its CPU
    budget, whether it is still computing or already streaming (the first bytes of a stream do
    not make a query cheap)."""

    def __init__(self, pool: EnginePool, engine: Engine, signature: str):
        self.pool, self.engine, self.signature = pool, engine, signature
        self.escalated = self.refused = False
        self.started = engine.cpu()

    def run(self, query: str, accept: str, caps: Caps) -> Answer:
        pool, engine = self.pool, self.engine
        try:
            connection = engine.send(query, accept)
        except OSError as err:
            return pool._fail(engine, f"no connection ({err})")
        state = engine.wait(connection, pool.budget, pool.timeout + 1)
        if state in ("died", "stalled"):
            connection.close()
            return pool._fail(engine, "it died" if state == "died" else f"no answer and no work for {pool.timeout + 1:g} s")
        if state == "over budget" and not self._escalate():
            connection.close()
            return Answer(503, TEXT, b"busy: too many long-running queries, try again later\n")
        answer = None
        try:
            answer = engine.read(connection, accept, caps, self._keep_going)
        finally:
            self._finish(answer)
        if answer.status == 503 and not self.escalated and not self.refused:
            pool._remember_slow(self.signature)  # timed out: its shape goes to the slow lane next time
        if self.escalated and answer.status != 503:
            pool._forget_slow(self.signature)
        return answer

    def _keep_going(self) -> bool:
        """Between two chunks of a stream: escalate once the budget is used; False if refused."""
        if self.escalated or self.started is None:
            return True
        used = self.engine.cpu()
        if used is None or used - self.started < self.pool.budget:
            return True
        return self._escalate()

    def _escalate(self) -> bool:
        pool = self.pool
        pool._replace_fast(self.engine.home)  # off the request path
        pool._forget_cheap(self.signature)
        sys.stderr.write(f"kg serve: a query ran past its {pool.budget:g} s budget: moved to the slow lane\n")
        if not pool.escalation_places.acquire(blocking=False):
            self.refused = True
            pool._kill(self.engine)
            return False
        self.escalated = True
        pool._remember_slow(self.signature)  # until it proves cheap: the next ones go straight to the slow lane
        self.engine.lower_priority()
        return True

    def _finish(self, answer: Answer | None) -> None:
        """An escalated engine is killed (it may still be working); so is one whose answer was cut
        short or failed; a fast engine that answered in full goes back to the idle ones."""
        pool, engine = self.pool, self.engine
        if self.escalated:
            pool._kill(engine)
            pool.escalation_places.release()
        elif self.refused:
            return  # killed, and its replacement started, when the escalation was refused
        elif answer is not None and answer.status != 503 and not answer.truncated and engine.process.poll() is None:
            pool.idle.put(engine)
            if answer.status == 200:
                pool._remember_cheap(self.signature)
        else:
            pool._kill(engine)
            pool._replace_fast(engine.home)
