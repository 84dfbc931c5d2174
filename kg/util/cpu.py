"""How busy this process's processors are now: whether a second process would get a core of its own."""

from __future__ import annotations

import os
import time
from pathlib import Path

PROC_STAT = Path("/proc/stat")


def busy_cores(window: float = 0.1) -> float | None:
    """How many of the CPUs this process may run on were busy over the next `window` seconds (0 to
    their number), from the kernel's tick counts (Linux `/proc/stat`; None where it cannot be read).

    Unlike the 1-minute load average, which follows the machine a minute behind, this says how busy
    it is now: a build started seconds after another job ended sees the cores free, one started
    just after a job began sees them taken."""
    cpus = {f"cpu{index}" for index in (os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else ())}
    before = _ticks(cpus)
    if before is None:
        return None
    time.sleep(window)
    after = _ticks(cpus)
    if after is None:
        return None
    busy, total = after[0] - before[0], after[1] - before[1]
    return len(cpus) * busy / total if total > 0 else None


def _ticks(cpus: set[str]) -> tuple[int, int] | None:
    """(busy, all) ticks of `cpus` since boot: user, nice, system, irq, softirq and steal are busy;
    idle and iowait are not (guest time is in user's already)."""
    if not cpus:
        return None
    try:
        lines = PROC_STAT.read_text().splitlines()
    except OSError:
        return None
    busy = total = 0
    for line in lines:
        fields = line.split()
        if len(fields) > 8 and fields[0] in cpus:
            ticks = [int(field) for field in fields[1:9]]
            busy += sum(ticks) - ticks[3] - ticks[4]
            total += sum(ticks)
    return (busy, total) if total else None
