"""A memory budget for a build (`kg build --max-memory`): stop cleanly before the machine does.

A watcher thread samples the memory of the build's process tree (the spaCy worker processes
included, the pages they share with the build counted once) a few times a second; past the budget
it interrupts the build, which then stops with exit status 2 and a message instead of being killed
by the kernel's OOM killer with nothing said. Outputs are written atomically, file by file, so what the build had not finished
is not seen: each output file is the previous one or a complete new one.
"""

from __future__ import annotations

import _thread
import ctypes
import gc
import os
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import BAD_INPUT, ResourceError
from kg.util.nogc import may_freeze

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$", re.IGNORECASE)


class MemoryLimitExceeded(ResourceError):
    """The build went over its memory budget and was stopped. Exit status 2, as for an input the
    build cannot take: the budget is the user's own setting (raise it, or build in parts), not a
    resource that went away."""

    exit_status = BAD_INPUT


def parse_size(text: str) -> int:
    """Bytes from '512M', '8G', '1.5GiB', '1000000'; 0 turns the budget off."""
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(f"not a size: {text!r} (use a number of bytes or 512M, 8G, …)")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def format_size(size: int) -> str:
    return f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:.0f} MB"


def default_limit() -> int | None:
    """80 % of the memory this process may use: the machine's, or its cgroup's if lower."""
    limits = []
    try:
        meminfo = Path("/proc/meminfo").read_text()
        found = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
        if found:
            limits.append(int(found.group(1)) * 1024)
    except OSError:
        pass
    try:
        value = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if value.isdigit():
            limits.append(int(value))
    except OSError:
        pass
    return int(min(limits) * 0.8) if limits else None


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc; those that ended meanwhile are left out)."""
    found, pending, seen = [], [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            children = [int(p) for task in Path(f"/proc/{current}/task").iterdir()
                        for p in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        found.append(current)
        pending += children
    return found


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (0 where unreadable). A page that
    several of them share (a forked spaCy worker shares the parent's loaded model) is counted in
    each: an upper bound of what the tree uses, cheap to read (see `tree_pss`)."""
    return sum(_rss(current) for current in tree_pids(pid))


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def tree_pss(pid: int) -> int:
    """What the process tree uses, a shared page counted once: the sum of the processes'
    proportional set sizes (each shared page divided among its sharers; /proc/PID/smaps_rollup,
    Linux 4.14+). Reading it walks the page tables (about 20 ms a GB), so it is read when the cheap
    `tree_rss` is not enough; a process whose PSS cannot be read counts with its RSS."""
    total = 0
    for current in tree_pids(pid):
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")) * 1024
        except (OSError, ValueError, IndexError, StopIteration):
            total += _rss(current)
    return total


def release_memory(hold_survivors: bool = False) -> None:
    """Give back what a finished step freed: its reference cycles (a build runs with the collector
    paused: kg.util.nogc; a networkx graph is a cycle), then the C heap's free pages to the system
    (glibc's `malloc_trim`; elsewhere nothing more), so that the next steps, and the background
    tables process beside them, do not run on top of memory this process no longer uses.

    `hold_survivors`: what is still in use now is held to the end (a small build's quads: ~750,000
    objects at 300 articles, half a second a walk; the spaCy pipeline), so it is frozen (`gc.freeze`)
    and later collections walk only what is newer; the step or build that owns the freezes thaws it
    on return (kg.util.nogc). Outside one, or when a caller froze something, nothing is frozen."""
    gc.collect()
    if hold_survivors and may_freeze():
        gc.freeze()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


@contextmanager
def memory_budget(limit: int | None, interval: float = 0.2) -> Iterator[None]:
    """Run the block under a memory budget of `limit` bytes (None or 0: no budget)."""
    if not limit:
        yield
        return
    over: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(interval):
            used = tree_rss(os.getpid())
            if used > limit:  # RSS counts a page shared by forked workers in each: confirm with PSS
                used = tree_pss(os.getpid())
            if used > limit:
                over.append(used)
                _thread.interrupt_main()  # again each interval, should a library swallow one

    # interrupt_main() only raises KeyboardInterrupt where Python handles SIGINT; a process started
    # with SIGINT ignored (a background job of a script, some job runners) would never stop
    handler = signal.getsignal(signal.SIGINT)
    restore = handler is not signal.default_int_handler and threading.current_thread() is threading.main_thread()
    if restore:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    watcher = threading.Thread(target=watch, name="kg-memory-budget", daemon=True)
    watcher.start()
    try:
        yield
    except KeyboardInterrupt:
        if over:
            raise MemoryLimitExceeded(f"the build went over its memory budget of {format_size(limit)} "
                                      f"(it reached {format_size(max(over))}) and was stopped; raise "
                                      "--max-memory, or build the articles in smaller parts into a --store") from None
        raise
    finally:
        _stop_watching(stop, watcher, over)
        if restore:
            signal.signal(signal.SIGINT, handler)


def _stop_watching(stop: threading.Event, watcher: threading.Thread, over: list[int]) -> None:
    """Stop the watcher. Over the budget it interrupts again each interval, so one more interrupt
    can arrive while it stops: the budget's error is already on its way, the interrupt is dropped."""
    while watcher.is_alive():
        try:
            stop.set()
            watcher.join()
        except KeyboardInterrupt:
            if not over:
                raise
