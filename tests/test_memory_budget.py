"""`kg build --max-memory`: past its budget a build stops with exit status 2 and a message, and
the previous outputs stay as they were."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.run.memory import MemoryLimitExceeded, default_limit, memory_budget, parse_size, tree_pss, tree_rss
from kg.run.outputs import OUTPUT_FILES
from tests.conftest import SAMPLES


def test_sizes_are_read_as_people_write_them():
    assert parse_size("512M") == 512 * 2**20
    assert parse_size("1.5GiB") == int(1.5 * 2**30)
    assert parse_size("8g") == 8 * 2**30 and parse_size("0") == 0 and parse_size("1000") == 1000
    with pytest.raises(ValueError, match="not a size"):
        parse_size("lots")


def test_the_default_budget_and_the_measure_are_real():
    import os

    limit = default_limit()
    assert limit is not None and 2**28 < limit
    assert 10 * 2**20 < tree_rss(os.getpid()) < limit


def test_pages_a_forked_child_shares_count_once_in_the_tree_and_the_budget():
    """A forked spaCy worker shares the build's loaded model: RSS summed over the tree counts those
    pages twice, PSS once; the budget stops a build on what the tree uses, not on the double count."""
    import os
    import time

    shared = bytearray(300 * 2**20)
    shared[::4096] = b"\x01" * len(shared[::4096])  # every page resident before the fork
    child = os.fork()
    if child == 0:  # the child only sleeps: it writes nothing, so every page stays shared
        time.sleep(30)
        os._exit(0)
    try:
        time.sleep(0.5)
        rss, pss = tree_rss(os.getpid()), tree_pss(os.getpid())
        assert rss - pss > 250 * 2**20  # the 300 MB counted twice by RSS, once by PSS
        with memory_budget((rss + pss) // 2, interval=0.05):  # over by RSS, under by PSS: goes on
            time.sleep(0.5)
        with pytest.raises(MemoryLimitExceeded), memory_budget(pss - 100 * 2**20, interval=0.05):
            time.sleep(5)
    finally:
        os.kill(child, 9)
        os.waitpid(child, 0)
    del shared


def test_release_memory_gives_back_what_a_paused_collector_kept():
    import gc
    import os

    from kg.run.memory import release_memory

    release_memory()
    before = tree_rss(os.getpid())
    gc.disable()
    try:
        for _ in range(20):  # 20 cycles of 10 MB each: only the cyclic collector frees them
            cycle: list = [bytearray(10 * 2**20)]
            cycle.append(cycle)
        del cycle
        assert tree_rss(os.getpid()) > before + 150 * 2**20
        release_memory()
        assert tree_rss(os.getpid()) < before + 50 * 2**20
    finally:
        gc.enable()


def test_survivors_held_in_a_paused_step_are_not_walked_again_and_are_thawed_on_return():
    import gc

    from kg.run.memory import release_memory
    from kg.util.nogc import collector_paused

    held = [[index] for index in range(10_000)]  # long-lived objects, like a small build's quads
    seen: dict[str, int] = {}

    @collector_paused
    def step() -> None:
        release_memory(hold_survivors=True)
        seen["frozen"] = gc.get_freeze_count()
        cycle: list = []
        cycle.append(cycle)
        seen["walked"] = len(gc.get_objects())  # what a later collection walks: the newer objects only
        del cycle

    assert gc.get_freeze_count() == 0
    step()
    assert seen["frozen"] >= len(held) and seen["walked"] < 1_000
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    gc.freeze()  # a caller's own freeze is left as it is, and nothing more is frozen
    try:
        frozen = gc.get_freeze_count()
        step()
        assert seen["frozen"] == frozen and gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_a_build_over_its_budget_stops_and_leaves_the_previous_outputs(tmp_path, sample_out):
    out = tmp_path / "out"
    for name in OUTPUT_FILES:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes((sample_out / name).read_bytes())
    # the sample build peaks at about 140 MB: 80 MB is over it within the first imports, whatever the load
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(SAMPLES), "-o", str(out), "-q",
                           "--max-memory", "80M"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "memory budget of 80 MB" in done.stderr and "Traceback" not in done.stderr
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (sample_out / name).read_bytes(), name
    again = subprocess.run([sys.executable, "-m", "kg", "build", str(SAMPLES), "-o", str(out), "-q",
                            "--max-memory", "4G"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr


def test_a_build_stopped_while_writing_leaves_out_as_it_was(tmp_path, sample_out, monkeypatch):
    """Every output is written into a hidden folder first: a stop half-way through the writing (as
    the memory watcher's interrupt) leaves every previous file in OUT, and no staging folder."""
    from kg.config import Settings
    from kg.run import build as build_module
    from kg.run import outputs as outputs_module

    out = tmp_path / "out"
    for name in OUTPUT_FILES:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes((sample_out / name).read_bytes())
    written: list[str] = []

    def stopped(network, path, *args, **kwargs):  # the dumps, GraphML and GEXF are written by now
        written.extend(p.name for p in path.parent.iterdir())
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs_module, "write_view", stopped)
    with pytest.raises(KeyboardInterrupt):
        build_module.build([SAMPLES / "odesa-wire.txt"], out, Settings())
    assert "graph.nq" in written and "graph.gexf" in written
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (sample_out / name).read_bytes(), name
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_the_budget_holds_when_the_build_was_started_with_sigint_ignored(tmp_path):
    """A background job of a script (or a test runner's child) starts with SIGINT ignored, where
    Python raises no KeyboardInterrupt: the budget must stop the build all the same."""
    import signal

    done = subprocess.run([sys.executable, "-m", "kg", "build", str(SAMPLES), "-o", str(tmp_path / "out"), "-q",
                           "--max-memory", "80M"], capture_output=True, text=True, timeout=300,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert done.returncode == 2 and "memory budget of 80 MB" in done.stderr, done.stderr


def test_a_builds_collections_walk_only_what_it_made(tmp_path, monkeypatch):
    """What was alive before a build (modules, a pipeline, a caller's data: here 500,000 lists) is
    frozen while it runs, and so is what survives its collections: none of them walks it again
    (each was 50-80 ms with the pipeline loaded, a third of a small build's time). Thawed on return."""
    import gc

    from kg.config import Settings
    from kg.run.build import build
    from tests.conftest import SAMPLES

    held = [[index] for index in range(500_000)]
    walked: list[int] = []
    collect = gc.collect

    def counted(*args):
        walked.append(len(gc.get_objects()))  # what the collection walks: the frozen objects are not in it
        return collect(*args)

    monkeypatch.setattr(gc, "collect", counted)
    build([SAMPLES], tmp_path / "out", Settings())
    monkeypatch.undo()
    assert len(walked) >= 5 and max(walked) < len(held), walked
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    assert (tmp_path / "out" / "graph.nq").exists()
