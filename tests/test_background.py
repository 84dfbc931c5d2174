"""kg.run.background: an output step in another process (the tables beside the view)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from kg.run.background import BackgroundFailed, in_background, run_later


def test_the_value_comes_back_from_another_process():
    with in_background(os.getpid) as pending:
        assert pending.result() not in (os.getpid(), None)
        assert pending.returncode == 0  # and it exited cleanly (its watch on stdin does not stall the exit)


def test_the_error_is_raised_in_the_caller():
    with in_background(int, "not a number") as pending, pytest.raises(ValueError, match="not a number"):
        pending.result()


def test_a_killed_step_is_an_error_that_says_so():
    with in_background(time.sleep, 60) as pending:
        os.kill(pending.pid, signal.SIGKILL)
        with pytest.raises(BackgroundFailed, match="sleep stopped with exit status -9"):
            pending.result()


def test_leaving_the_block_early_stops_the_step():
    with pytest.raises(KeyboardInterrupt), in_background(time.sleep, 60) as pending:
        pid = pending.pid
        raise KeyboardInterrupt
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, and reaped


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            return "\nState:\tZ" in status.read()  # a zombie no one reaped has stopped all the same
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")
def test_the_step_stops_when_the_build_is_killed():
    script = ("import time, sys\nfrom kg.run.background import in_background\n"
              "with in_background(time.sleep, 60) as pending:\n    print(pending.pid, flush=True)\n    time.sleep(60)\n")
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert build.stdout is not None
    pid = int(build.stdout.readline())
    assert not _gone(pid)
    build.kill()  # SIGKILL: no finally block runs in the build
    build.wait()
    deadline = time.monotonic() + 10
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(pid), "the background step outlived the killed build"


def test_run_later_runs_the_step_here_when_asked():
    with run_later(os.getpid) as deferred:
        assert deferred.result() == os.getpid()


@pytest.mark.parametrize("beside", [True, False])
def test_the_outputs_are_the_same_with_the_tables_beside_or_after(beside, sample_out, tmp_path, monkeypatch):
    """A build decides before extraction whether the tables run beside the other outputs (a spare core);
    either way every file is the same as the shared sample build's."""
    import kg.run.build as build_module
    from kg.config import Settings
    from tests.conftest import SAMPLES

    monkeypatch.setattr(build_module, "spare_core", lambda: beside)
    monkeypatch.setattr(build_module, "TABLES_BESIDE_ABOVE_ARTICLES", 0)  # the 4 samples' tables too
    build_module.build([SAMPLES], tmp_path / "out", Settings())
    names = sorted(p.relative_to(sample_out) for p in sample_out.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert [n for n in names if (sample_out / n).read_bytes() != (tmp_path / "out" / n).read_bytes()] == []


def test_a_small_build_makes_its_tables_in_its_own_process(tmp_path, monkeypatch):
    """Below TABLES_BESIDE_ABOVE_ARTICLES, a second process would take longer to start than the tables."""
    import kg.run.build as build_module
    import kg.run.outputs as outputs_module
    from kg.config import Settings
    from tests.conftest import SAMPLES

    def no_second_process(*args):
        raise AssertionError("a second process for the tables of 4 articles")

    monkeypatch.setattr(build_module, "spare_core", lambda: True)
    monkeypatch.setattr(outputs_module, "in_background", no_second_process)
    build_module.build([SAMPLES], tmp_path / "out", Settings())
    assert (tmp_path / "out" / "events.geojson").exists()
