"""One output step in another process while the build goes on with the next ones.

After extraction a build runs one step at a time in one process, and a second core stays idle.
The tables and the map read only the written dumps, so they can run beside the network projection,
GraphML, GEXF and the view. `in_background(function, *args)` starts `function(*args)` in a new
Python process and gives a handle whose `result()` waits for it and returns its value, or raises
its error. Leaving the block any other way (an error, Ctrl-C, the memory watcher's interrupt) stops
the process first, so nothing writes into the outputs after the build gave up on them. The child
is part of the build's process tree, so `--max-memory` counts it.

The child is `python -m kg.run.background`, told what to run on its standard input (pickled), which
stays open until the answer came: if the build is killed, the child sees it closed and stops. Not
multiprocessing's spawn, which imports the caller's main script again (a script that calls
`build()` without a `__main__` guard would run twice), nor fork, which copies a large heap and the
build's threads.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class BackgroundFailed(RuntimeError):
    """The background process died without an answer (killed, or out of memory)."""


class Pending(Generic[T]):
    """A step running in a background process."""

    def __init__(self, process: subprocess.Popen, name: str):
        self._process, self._name = process, name

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """The child's exit status once `result()` returned (0: it finished and exited cleanly)."""
        return self._process.returncode

    def result(self) -> T:
        """Wait for the step: its value, or its error raised here."""
        assert self._process.stdout is not None
        answer = self._process.stdout.read()
        self._process.wait()
        try:
            ok, value = pickle.loads(answer)
        except Exception:  # noqa: BLE001 - no answer, or half of one
            raise BackgroundFailed(f"{self._name} stopped with exit status {self._process.returncode} "
                                   "before it finished") from None
        if not ok:
            raise value
        return value


@contextmanager
def in_background(function: Callable[..., T], *args: Any) -> Iterator[Pending[T]]:
    """`function(*args)` (a module-level function, picklable arguments) in a new process while the
    block runs."""
    import kg

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(kg.__file__).parent.parent), *sys.path]))
    process = subprocess.Popen([sys.executable, "-m", "kg.run.background"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, env=env)
    try:
        assert process.stdin is not None
        payload = pickle.dumps((function, args))
        process.stdin.write(len(payload).to_bytes(8, "big") + payload)
        process.stdin.flush()  # stdin stays open: the child stops when it closes (this process died)
        yield Pending(process, function.__name__)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()


class Deferred(Generic[T]):
    """A step run in this process when its result is asked for (see `run_later`)."""

    def __init__(self, function: Callable[..., T], args: tuple[Any, ...]):
        self._function, self._args = function, args

    def result(self) -> T:
        return self._function(*self._args)


@contextmanager
def run_later(function: Callable[..., T], *args: Any) -> Iterator[Deferred[T]]:
    """What `in_background` does, with no second process: `function(*args)` runs in this one when
    `result()` is called (when no core is spare, a second process would only compete)."""
    yield Deferred(function, args)


def _stop_with_parent() -> None:
    """The parent keeps the child's stdin open until it has the answer: end of file before then means
    the parent died (killed), and the child must not go on writing into outputs given up on."""
    while os.read(0, 4096):  # raw reads: a buffered reader's lock held here would stall the exit
        pass
    os._exit(1)


def _child() -> None:
    """In the child: run what the parent sent, send back (True, value) or (False, error)."""
    size = int.from_bytes(sys.stdin.buffer.read(8), "big")
    function, args = pickle.loads(sys.stdin.buffer.read(size))
    threading.Thread(target=_stop_with_parent, daemon=True).start()
    try:
        outcome = (True, function(*args))
    except Exception as err:  # noqa: BLE001 - raised again in the parent
        outcome = (False, err)
    try:
        answer = pickle.dumps(outcome)
    except Exception as err:  # noqa: BLE001 - an error that cannot be pickled: say what it was
        answer = pickle.dumps((False, RuntimeError(f"{type(outcome[1]).__name__}: {err}")))
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child()
