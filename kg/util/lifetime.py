"""A child process that dies with its parent (Linux: PR_SET_PDEATHSIG), however the parent dies:
an orphan would otherwise wait for work forever, holding its memory (a spaCy worker holds the
whole pipeline, about 190 MB) and the build's scratch folder (kg.util.scratch)."""

from __future__ import annotations

import os
import signal

_PR_SET_PDEATHSIG = 1
_guarded = 0  # the process in which `die_with` armed the signal (a fork copies this)


def die_with_parent() -> None:
    """SIGKILL this process when the thread that started it ends (where prctl exists)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def die_with(owner: int) -> None:
    """In a process that `owner` started (spaCy's workers, forked from the build): die with `owner`;
    anywhere else (`owner` itself, a process of its own that loaded a pickled pipeline) nothing.
    Once per process: cheap enough to call for every text."""
    global _guarded
    pid = os.getpid()
    if pid == _guarded or pid == owner:
        return
    _guarded = pid
    if os.getppid() == owner:
        die_with_parent()
