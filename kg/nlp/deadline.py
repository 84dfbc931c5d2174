"""A time budget per article. spaCy cannot be interrupted inside a document, so long articles are
parsed in a forked child (which shares the loaded pipeline) that is killed at the deadline.

Shorter articles are not worth a process: spaCy's time is linear in the length of a cleaned text
(about 0.1 s per 1,000 characters on a slow core), so below GUARDED_CHARS they end in seconds.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

GUARDED_CHARS = 50_000
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T | None
    failure: str | None  # why there is no value: over the budget, or the error in the child


def _child(writer, work: Callable[[], T]) -> None:
    try:
        writer.send((True, work()))
    except BaseException as err:  # noqa: BLE001 - everything goes back to the parent as a reason
        writer.send((False, f"{type(err).__name__}: {err}".strip() or traceback.format_exc(limit=1)))
    finally:
        writer.close()


def run_with_deadline(work: Callable[[], T], seconds: float) -> Outcome[T]:
    """`work()` in a forked child, killed after `seconds`. The result comes back pickled."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(writer, work), daemon=True)
    child.start()
    writer.close()
    try:
        if not reader.poll(seconds):
            return Outcome(None, f"took longer than {seconds:g} s, the time budget of one article")
        ok, payload = reader.recv()
        return Outcome(payload, None) if ok else Outcome(None, f"failed while parsing: {payload}")
    except EOFError:
        return Outcome(None, f"the parsing process died (exit status {child.exitcode})")
    finally:
        reader.close()
        child.kill()
        child.join()
