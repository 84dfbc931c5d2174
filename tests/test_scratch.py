"""Scratch folders a killed kg leaves in the temporary folder are removed by the next one
(kg.util.scratch), and spaCy's workers die with the build (kg.util.lifetime): real processes,
killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.util.scratch import LOCK, remove_abandoned, scratch_folder
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")

# Makes a scratch folder, writes into it, prints its path, and holds it until stdin closes.
HOLDER = """
import sys
from kg.util.scratch import scratch_folder
with scratch_folder("articles") as folder:
    (folder / "articles.pickle").write_bytes(b"x" * 4096)
    print(folder, flush=True)
    sys.stdin.read()
"""


def _holder(temporary: Path) -> tuple[subprocess.Popen, Path]:
    process = subprocess.Popen([sys.executable, "-c", HOLDER], cwd=ROOT, env={**os.environ, "TMPDIR": str(temporary)},
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, Path(process.stdout.readline().strip())


def _kg_folders(temporary: Path) -> list[str]:
    return sorted(p.name for p in temporary.iterdir() if p.name.startswith("kg-"))


def test_only_the_folders_of_dead_processes_are_removed(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    alive, alive_folder = _holder(temporary)
    killed, killed_folder = _holder(temporary)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    foreign = temporary / "kg-someone-else"  # no lock: not made by kg.util.scratch
    foreign.mkdir()
    assert killed_folder.is_dir() and (killed_folder / LOCK).is_file()

    assert remove_abandoned(temporary) == [killed_folder]
    assert not killed_folder.exists()
    assert (alive_folder / "articles.pickle").is_file() and foreign.is_dir()

    alive.communicate("", timeout=30)  # a process that ends removes its own
    assert alive.returncode == 0
    assert _kg_folders(temporary) == ["kg-someone-else"]


def test_a_scratch_folder_is_locked_while_in_use_and_gone_after(tmp_path):
    with scratch_folder("spool") as folder:
        assert folder.name.startswith("kg-spool-") and (folder / LOCK).is_file()
        assert remove_abandoned(folder.parent) == []  # this process holds it
        assert folder.is_dir()
    assert not folder.exists()


def test_where_the_file_system_cannot_lock_the_folder_is_used_all_the_same(tmp_path, monkeypatch):
    import fcntl

    def refuse(handle, operation):
        raise OSError(37, "No locks available")  # ENOLCK, as some network file systems answer

    monkeypatch.setattr(fcntl, "flock", refuse)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with scratch_folder("articles") as folder:
        (folder / "articles.pickle").write_bytes(b"x")
        assert not any(p.name.startswith(LOCK) for p in folder.iterdir())
        assert remove_abandoned(tmp_path) == [] and folder.is_dir()  # no lock: never taken for abandoned
    assert not folder.exists()


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(c) for c in (task / "children").read_text().split())
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc (Linux)")
def test_a_build_killed_by_the_kernel_leaves_no_worker_and_its_articles_to_the_next_build(tmp_path):
    """SIGKILL, as the out-of-memory killer sends it, while two spaCy workers parse: no cleanup
    runs in the build, but its workers die with it (they would wait for texts forever, each holding
    the pipeline) and the next build removes the articles it had read."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    corpus = tmp_path / "corpus.jsonl"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_corpus.py"), "-n", "60", "-o", str(corpus)],
                   check=True, capture_output=True, timeout=120)
    env = {**os.environ, "TMPDIR": str(temporary)}
    command = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(tmp_path / "out"), "--quiet"]
    first = subprocess.Popen([*command, "--processes", "2"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while len(workers := _children(first.pid)) < 2:  # spaCy's two workers have started
        assert first.poll() is None and time.monotonic() < deadline, "the build started no spaCy workers"
        time.sleep(0.05)
    time.sleep(1)  # parsing
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, f"spaCy workers {sorted(workers)} outlived the build"
        time.sleep(0.05)
    left = _kg_folders(temporary)
    assert [name for name in left if name.startswith("kg-articles-")], left

    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert _kg_folders(temporary) == []
    assert (tmp_path / "out" / "graph.nq").stat().st_size > 0
