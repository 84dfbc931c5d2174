"""The steps after extraction run with the cyclic garbage collector paused.

Resolution, the graph stage and the exports allocate hundreds of thousands of small objects
(tuples, dicts, strings) that live until the step returns or longer, and make next to no cycles; while they run, the collector would
walk the whole young heap of a build again and again (at 200 articles: about a third of the
projection's time) and free nothing. Reference counting still frees what they drop; a cycle they
make waits for the next collection after the step. `kg.run.build` pauses it across every step after
extraction at once: paused step by step, the first collection after each step would still walk
everything the step made (6 s in the report step of a 10,000-article build).

A build also freezes what was alive before it (`heap_before_frozen`) and what survives its
collections (kg.run.memory `release_memory(hold_survivors=True)`), so that each collection walks
only what is newer; all of it is thawed when the build returns.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

# Whether what is frozen (gc.freeze) is kg's own, to thaw when the outermost step or build returns:
# never a caller's freeze, which is left as it is.
_FREEZES_OURS: ContextVar[bool] = ContextVar("kg_freezes_ours", default=False)


def may_freeze() -> bool:
    """Whether what is alive now may be frozen: inside a step or build that thaws it on return."""
    return _FREEZES_OURS.get()


@contextmanager
def _owning_freezes() -> Iterator[bool]:
    """Makes the block the owner of the freezes (True), unless an enclosing block already is or a
    caller froze something (False); the owner thaws everything frozen when it ends."""
    if _FREEZES_OURS.get() or gc.get_freeze_count() != 0:  # (the count walks what is frozen: asked once)
        yield False
        return
    token = _FREEZES_OURS.set(True)
    try:
        yield True
    finally:
        gc.unfreeze()  # what was frozen is walked again from now on
        _FREEZES_OURS.reset(token)


@contextmanager
def heap_before_frozen() -> Iterator[None]:
    """What is alive when the block starts (modules, a pipeline loaded by an earlier build) frozen
    until it ends, so that the block's collections (kg.run.memory.release_memory) walk only what the
    block made; thawed at the end. Nothing is frozen when a caller froze something already."""
    with _owning_freezes() as ours:
        if ours:
            gc.freeze()
        yield


def collector_paused(function: Callable[P, R]) -> Callable[P, R]:
    """`function` with the collector off while it runs (and on again after, if it was on); what it
    froze (`gc.freeze`) thawed when it returns, unless it runs inside a block that owns the freezes
    (`heap_before_frozen`, an outer paused step) or something was frozen before it ran."""

    @wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            with _owning_freezes():
                return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused
