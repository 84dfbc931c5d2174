"""Linux controls over the Oxigraph processes behind `kg serve`: a child that dies with its
parent, the CPU time a process has used, and the lowest CPU priority for all of its threads.
Where prctl or /proc is missing, they do what they can (no CPU time: None)."""

from __future__ import annotations

import os
from pathlib import Path

from kg.util.lifetime import die_with_parent

LOWEST_PRIORITY = 19
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def child_setup(nice: int, isolate: bool = False) -> None:
    """In the child, before exec: die with the front server (Linux), so no query runs orphaned;
    with `isolate`, a network namespace of its own with only loopback (kg.util.sandbox)."""
    if isolate:
        from kg.util.sandbox import isolate_child

        isolate_child()  # raises: the engine does not start rather than start with the network
    die_with_parent()
    if nice:
        os.nice(nice)


def cpu_seconds(pid: int) -> float | None:
    """CPU time the process has used (Linux), None where /proc cannot tell."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def lowest_priority_for_all_threads(pid: int) -> None:
    """Nice 19 for every thread of the process (Linux niceness is per thread)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        tasks = [str(pid)]
    for task in tasks:
        try:
            os.setpriority(os.PRIO_PROCESS, int(task), LOWEST_PRIORITY)
        except OSError:
            pass
