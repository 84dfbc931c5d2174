"""The steps after extraction run with the cyclic garbage collector paused.

Resolution, the graph stage and the exports allocate hundreds of thousands of small objects
(tuples, dicts, strings) that live until the step returns or longer, and make next to no cycles; while they run, the collector would
walk the whole young heap of a build again and again (at 200 articles: about a third of the
projection's time) and free nothing. Reference counting still frees what they drop; a cycle they
make waits for the next collection after the step. `kg.run.build` pauses it across every step after
extraction at once: paused step by step, the first collection after each step would still walk
everything the step made (6 s in the report step of a 10,000-article build).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def collector_paused(function: Callable[P, R]) -> Callable[P, R]:
    """`function` with the collector off while it runs (and on again after, if it was on); what it
    froze (`gc.freeze`) thawed when it returns, unless something was frozen before it ran."""

    @wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled, thawed = gc.isenabled(), gc.get_freeze_count() == 0
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if thawed:  # what the call froze (kg.run.memory.release_memory) is walked again from now on
                gc.unfreeze()
            if enabled:
                gc.enable()

    return paused
