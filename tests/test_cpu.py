"""Whether a second process would get a core: how busy the cores are now (kg.util.cpu), not a minute ago."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import kg.config as config
from kg.util import cpu

SPIN = "import os, sys; os.sched_setaffinity(0, {int(sys.argv[1])}); exec('while True: pass')"


def test_busy_cores_sees_a_process_spinning_on_one_of_this_process_cores():
    core = min(os.sched_getaffinity(0))
    spinner = subprocess.Popen([sys.executable, "-c", SPIN, str(core)])
    try:
        time.sleep(0.3)
        busy = cpu.busy_cores(0.5)
    finally:
        spinner.kill()
        spinner.wait()
    assert busy is not None and 0.8 <= busy <= len(os.sched_getaffinity(0))


def test_busy_cores_is_none_where_the_tick_counts_cannot_be_read(monkeypatch, tmp_path):
    monkeypatch.setattr(cpu, "PROC_STAT", tmp_path / "absent")
    assert cpu.busy_cores(0.01) is None
    (tmp_path / "stat").write_text("\nintr 1 2 3\n")
    monkeypatch.setattr(cpu, "PROC_STAT", Path(tmp_path / "stat"))
    assert cpu.busy_cores(0.01) is None


def test_a_core_is_spare_when_one_is_idle_now_whatever_the_load_average(monkeypatch):
    monkeypatch.setattr(config, "usable_cores", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.9, 1.5, 1.0))  # a job that ended seconds ago
    monkeypatch.setattr(config, "busy_cores", lambda: 0.1)
    assert config.spare_core()
    monkeypatch.setattr(config, "busy_cores", lambda: 1.4)
    assert not config.spare_core()
    monkeypatch.setattr(config, "busy_cores", lambda: None)  # no tick counts: the load average stands in
    assert not config.spare_core()
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.1, 0.1))
    assert config.spare_core()
    monkeypatch.setattr(config, "usable_cores", lambda: 1)
    assert not config.spare_core()
