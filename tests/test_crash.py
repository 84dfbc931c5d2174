"""Crashes: builds killed with SIGKILL at random moments leave every output file either the old
complete file or the new complete file, never a partial one, and a rebuild then completes.

Input set A is built first (the "old" build), and input set B is built over a copy of A's
outputs (the "new" build); both with `python -m kg build`. Every trial starts from a copy of A's
outputs, builds B into it, and kills the build with SIGKILL:

- 24 trials kill `kg.run.build.build` in a child forked from a warm process that has already loaded
  the spaCy pipeline (loading it takes ~3 s; the build itself well under a second, so the kills
  land in the build rather than in the model load). A third of the delays are spread over the
  whole build, measured first; the others start when the first temporary file appears in OUT and
  are spread over the writing phase (and half as long again past it), so that they catch writes
  into the hidden staging folder and the renames at the end whatever the load of the machine.
- 2 trials kill the real command, `python -m kg build`, while it writes.
- 24 trials kill a forked `kg build --store` over a store holding A, at delays spread over the
  whole build: every named graph must then be A's or B's, never half of one, the store must
  reopen, and a rebuild (every 8th trial) gives B's store.

After a kill each file must be byte-identical to A's or to B's; only temporary files may be left
beside them; and a rebuild (every 8th forked trial, and both command trials) gives B's bytes.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from kg.run.outputs import OUTPUT_FILES
from tests.conftest import ROOT, SAMPLES

FORK_TRIALS = 24
COMMAND_TRIALS = 2
SEED = 20260312
REBUILD_EVERY = 8
ENV = {**os.environ, "PYTHONHASHSEED": "0"}

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL (POSIX)")

# The warm process. Commands on stdin, one JSON object a line; one JSON answer a line on stdout.
#   {"measure": OUT}                -> {"total": s, "first_write": s}   (a build run to the end)
#   {"kill": OUT, "delay": s}       -> {"outcome": "killed" | "finished"}
#   {"kill": OUT, "after_write": s} -> the same, the delay counted from the first temporary file
#   {"build": OUT}                  -> {"returncode": n}
# With "store": true, OUT is a store (`kg build --store OUT`) instead of an output folder.
SERVER = r"""
import json, os, signal, sys, time, traceback
from pathlib import Path
import kg.run.build
from kg.config import Settings
from kg.nlp.gazetteer import Gazetteer

inputs = [Path(p) for p in sys.argv[1:]]
settings = Settings.from_env()
kg.run.extraction.pipeline(settings.model, Gazetteer.load())  # warm: forked children build with it

def child(out, store=False):
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            if store:
                kg.run.build.build(inputs, None, settings, store_dir=out)
            else:
                kg.run.build.build(inputs, out, settings)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush(); sys.stderr.flush()
            os._exit(code)
    return pid

def temporary_file(out):
    return any(name.startswith(".") for name in os.listdir(out))

def wait_for(pid, deadline=None, out=None):
    # Poll until the child exits (returns its status), the deadline passes, or a temporary file shows.
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if deadline is not None and time.monotonic() >= deadline:
            return None
        if out is not None and temporary_file(out):
            return None
        time.sleep(0.0005)

print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    command = json.loads(line)
    if "measure" in command:
        out = Path(command["measure"])
        started = time.monotonic()
        pid = child(out, bool(command.get("store")))
        first_write = None
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if first_write is None and temporary_file(out):
                first_write = time.monotonic() - started
            time.sleep(0.0005)
        answer = {"total": time.monotonic() - started, "first_write": first_write, "status": status}
    elif "build" in command:
        pid = child(Path(command["build"]), bool(command.get("store")))
        answer = {"returncode": os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])}
    else:
        out = Path(command["kill"])
        pid = child(out, bool(command.get("store")))
        status = None
        if "after_write" in command:
            status = wait_for(pid, out=out)
            delay = command["after_write"]
        else:
            delay = command["delay"]
        if status is None:
            status = wait_for(pid, deadline=time.monotonic() + delay)
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            answer = {"outcome": "killed"}
        else:
            answer = {"outcome": "finished", "returncode": os.waitstatus_to_exitcode(status)}
    print(json.dumps(answer), flush=True)
"""


def _command(inputs: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "kg", "build", str(inputs), "-o", str(out), "--quiet"]


def _build(inputs: Path, out: Path) -> None:
    result = subprocess.run(_command(inputs, out), cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def _snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


class Server:
    def __init__(self, inputs: Path):
        self.process = subprocess.Popen([sys.executable, "-c", SERVER, str(inputs)], cwd=ROOT, env=ENV, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.ask_line() == {"ready": True}

    def ask_line(self) -> dict:
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        assert line, "the build server died"
        return json.loads(line)

    def ask(self, **command: object) -> dict:
        self.process.stdin.write(json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in command.items()}) + "\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        return self.ask_line()

    def close(self) -> None:
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Inputs B, A's output folder, and the bytes of every output file of A and of B."""
    root = tmp_path_factory.mktemp("crash")
    inputs_a, inputs_b = root / "a", root / "b"
    inputs_a.mkdir()
    inputs_b.mkdir()
    shutil.copy(SAMPLES / "odesa-wire.txt", inputs_a / "odesa-wire.txt")
    shutil.copy(SAMPLES / "briefings.jsonl", inputs_b / "briefings.jsonl")
    old, new = root / "old", root / "new"
    _build(inputs_a, old)
    shutil.copytree(old, new)  # B built over A, as in every trial
    _build(inputs_b, new)
    old_bytes, new_bytes = _snapshot(old), _snapshot(new)
    assert all(old_bytes[n] != new_bytes[n] for n in OUTPUT_FILES if "/" not in n), "A and B must give different files"
    return root, inputs_b, old, old_bytes, new_bytes


def _check(out: Path, old_bytes: dict[str, bytes], new_bytes: dict[str, bytes], what: str) -> tuple[str, list[str]]:
    """'all old', 'all new' or 'mixed', and the problems: a file neither old nor new, a stray file."""
    problems, states = [], set()
    for name in OUTPUT_FILES:
        path = out / name
        data = path.read_bytes() if path.is_file() else None
        if data == old_bytes[name]:
            states.add("old")
        elif data == new_bytes[name]:
            states.add("new")
        else:
            problems.append(f"{what}: {name} is neither old nor new ({'missing' if data is None else f'{len(data)} bytes'})")
    # A killed write leaves its temporary file (".graph.nq.XXXX.tmp") behind, and nothing else.
    expected = {name.split("/")[0] for name in OUTPUT_FILES}  # tables/ is a folder of outputs
    problems += [f"{what}: unexpected file {p.name}" for p in out.iterdir()
                 if p.name not in expected and not (p.name.startswith(".") and p.name.endswith(".tmp"))]
    outcome = "mixed" if len(states) > 1 else f"all {states.pop()}" if states else "broken"
    return outcome, problems


def test_killed_builds_leave_old_or_new_files_never_partial(builds):
    root, inputs_b, old, old_bytes, new_bytes = builds
    rng = random.Random(SEED)
    server = Server(inputs_b)
    try:
        measured = root / "measured"
        shutil.copytree(old, measured)
        timing = server.ask(measure=measured)
        assert timing["status"] == 0 and _snapshot(measured) == new_bytes, "a forked build differs from `kg build`"
        total, first_write = timing["total"], timing["first_write"] or 0.0
        outcomes: Counter[str] = Counter()
        problems: list[str] = []
        for trial in range(FORK_TRIALS):
            out = root / f"trial-{trial:02d}"
            shutil.copytree(old, out)
            if trial % 3 == 0:
                delay = rng.uniform(0, total)
                answer, what = server.ask(kill=out, delay=delay), f"trial {trial} (killed at {delay:.3f} s)"
            else:
                delay = rng.uniform(0, (total - first_write) * 1.5)  # past the end: a loaded machine is slower
                answer = server.ask(kill=out, after_write=delay)
                what = f"trial {trial} (killed {delay:.3f} s after the first write)"
            outcome, found = _check(out, old_bytes, new_bytes, what)
            outcomes[f"{outcome} ({answer['outcome']})"] += 1
            problems += found
            if trial % REBUILD_EVERY == REBUILD_EVERY - 1:
                assert server.ask(build=out) == {"returncode": 0}
                problems += [f"{what}: rebuilt {n} differs" for n, data in _snapshot(out).items() if data != new_bytes[n]]
            shutil.rmtree(out)
    finally:
        server.close()
    print(f"\n{FORK_TRIALS} kills of a {total:.2f} s build (first write at {first_write:.2f} s): {dict(outcomes)}")
    assert not problems, "\n".join(problems)
    caught = sum(n for k, n in outcomes.items() if not k.startswith("all old"))
    assert caught, f"no kill came after the build began replacing files: {dict(outcomes)}"


def test_killing_the_command_while_it_writes(builds):
    root, inputs_b, old, old_bytes, new_bytes = builds
    rng = random.Random(SEED + 1)
    for trial in range(COMMAND_TRIALS):
        out = root / f"command-{trial}"
        shutil.copytree(old, out)
        process = subprocess.Popen(_command(inputs_b, out), cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        while process.poll() is None and not any(p.name.startswith(".") for p in out.iterdir()):
            time.sleep(0.0005)
        delay = rng.uniform(0, 0.3)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        outcome, problems = _check(out, old_bytes, new_bytes, f"command trial {trial} (killed {delay:.3f} s in)")
        assert not problems, "\n".join(problems)
        _build(inputs_b, out)
        assert _snapshot(out) == new_bytes, f"command trial {trial}: the rebuild differs"
        shutil.rmtree(out)


STORE_TRIALS = 24


def test_killed_store_builds_leave_every_graph_committed(builds, tmp_path):
    from kg.config import Settings
    from kg.run.build import build
    from tests.test_store import _graphs

    root, inputs_b, _, _, _ = builds
    base = tmp_path / "base"
    build([SAMPLES / "odesa-wire.txt"], None, Settings(), store_dir=base)
    old = _graphs(base)
    rng = random.Random(SEED + 2)
    server = Server(inputs_b)
    try:
        expected = tmp_path / "expected"
        shutil.copytree(base, expected)
        timing = server.ask(measure=expected, store=True)
        assert timing["status"] == 0
        new = _graphs(expected)
        assert new != old
        outcomes: Counter[str] = Counter()
        problems: list[str] = []
        for trial in range(STORE_TRIALS):
            store_dir = tmp_path / f"store-{trial:02d}"
            shutil.copytree(base, store_dir)
            delay = rng.uniform(0, timing["total"])
            answer = server.ask(kill=store_dir, delay=delay, store=True)
            graphs = _graphs(store_dir)
            problems += [f"trial {trial} (killed at {delay:.3f} s): staging graph {g} is visible"
                         for g in graphs if g.startswith("urn:kg:staging:")]
            if graphs not in (old, new):
                problems.append(f"trial {trial} (killed at {delay:.3f} s): the store is between old and new")
            outcomes["new" if graphs == new else "old" if graphs == old else "mixed"] += 1
            outcomes[answer["outcome"]] += 1
            if trial % REBUILD_EVERY == REBUILD_EVERY - 1:
                assert server.ask(build=store_dir, store=True) == {"returncode": 0}
                if _graphs(store_dir) != new:
                    problems.append(f"trial {trial}: the rebuilt store differs")
            shutil.rmtree(store_dir)
    finally:
        server.close()
    print(f"\n{STORE_TRIALS} kills of a {timing['total']:.2f} s store build: {dict(outcomes)}")
    assert not problems, "\n".join(problems)
    assert outcomes["killed"], f"no kill landed inside the build: {dict(outcomes)}"
