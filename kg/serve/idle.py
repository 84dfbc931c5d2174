"""The idle fast engines of `kg serve`, in two shares, handed to waiting queries in arrival order."""

from __future__ import annotations

import collections
import threading

from kg.serve.engine import Engine


class IdleEngines:
    """The idle fast engines, in two shares: "proven" ones run only queries whose shape has answered
    within its budget before, "open" ones run any query. So a crowd of expensive queries of new
    shapes, each spending a budget before it moves to the slow lane, can hold the open engines but
    never the proven ones, and repeated cheap queries keep answering at once. Waiting queries are
    served first come, first served (a freed engine goes to the longest waiter it may serve), so
    that under load no query waits much longer than the others."""

    def __init__(self):
        self.lock = threading.Lock()
        self.engines: dict[str, list[Engine]] = {"proven": [], "open": []}
        self.waiting: collections.deque[_Waiter] = collections.deque()

    def put(self, engine: Engine) -> None:
        with self.lock:
            for waiter in self.waiting:
                if engine.home in waiter.shares:
                    self.waiting.remove(waiter)
                    waiter.engine = engine
                    waiter.given.set()
                    return
            self.engines[engine.home].append(engine)

    def take(self, proven: bool, timeout: float) -> Engine | None:
        """An idle engine the query may use (a proven one first, for a proven shape); None after `timeout`."""
        shares = ("proven", "open") if proven else ("open",)
        with self.lock:
            for share in shares:
                if self.engines[share]:
                    return self.engines[share].pop()
            waiter = _Waiter(shares)
            self.waiting.append(waiter)
        waiter.given.wait(timeout)
        with self.lock:
            if waiter.engine is None:
                self.waiting.remove(waiter)
            return waiter.engine


class _Waiter:
    def __init__(self, shares: tuple[str, ...]):
        self.shares = shares
        self.given = threading.Event()
        self.engine: Engine | None = None
