"""`kg build --cache DIR`: each article's extraction kept, so that a build stopped part-way and run
again parses only the articles it had not reached, and writes the same bytes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from click.testing import CliRunner

from kg.cli import cli
from kg.run.outputs import OUTPUT_FILES
from tests.conftest import ROOT, SAMPLES

ENV = {**os.environ, "PYTHONHASHSEED": "0"}


def _same_outputs(a, b) -> None:
    for name in OUTPUT_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def _entries(cache) -> int:
    return sum(1 for p in cache.glob("*/*.packed")) if cache.is_dir() else 0  # a folder per signature


def test_a_second_build_takes_every_extraction_from_the_cache(tmp_path, sample_out):
    runner = CliRunner()
    cache = tmp_path / "cache"
    first = runner.invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "a"), "--cache", str(cache), "-q"])
    assert first.exit_code == 0, first.output
    assert "cache: 0 of 4 article(s) not parsed again" in first.stderr
    assert _entries(cache) == 4
    second = runner.invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "b"), "--cache", str(cache), "-q"])
    assert second.exit_code == 0, second.output
    assert "cache: 4 of 4 article(s) not parsed again" in second.stderr
    _same_outputs(tmp_path / "b", sample_out)  # as a build without a cache
    _same_outputs(tmp_path / "a", sample_out)


def test_a_killed_build_run_again_parses_only_what_it_had_not_reached(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_corpus.py"), "-n", "40", "-o", str(corpus)],
                   check=True, capture_output=True, timeout=120)
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "kg", "build", str(corpus), "-q", "--processes", "1"]
    first = subprocess.Popen([*command, "-o", str(tmp_path / "out"), "--cache", str(cache)], cwd=ROOT, env=ENV,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while _entries(cache) < 5:
        assert first.poll() is None and time.monotonic() < deadline, "the build cached nothing"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    kept = _entries(cache)
    assert 5 <= kept < 40 and not (tmp_path / "out" / "graph.nq").exists()

    again = subprocess.run([*command, "-o", str(tmp_path / "out"), "--cache", str(cache)], cwd=ROOT, env=ENV,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    reused = int(again.stderr.split("cache: ", 1)[1].split(" of 40 ", 1)[0])
    assert reused >= kept and _entries(cache) == 40
    whole = subprocess.run([*command, "-o", str(tmp_path / "whole")], cwd=ROOT, env=ENV, capture_output=True,
                           text=True, timeout=600)
    assert whole.returncode == 0, whole.stderr
    _same_outputs(tmp_path / "out", tmp_path / "whole")


def test_a_cache_that_cannot_be_used_is_an_error_before_anything_is_built(tmp_path):
    runner = CliRunner()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(SAMPLES), "-o", str(out), "--cache", str(blocked / "cache"), "-q"])
    assert result.exit_code == 2
    assert f"cannot use {blocked / 'cache'} as the extraction cache" in result.stderr
    assert not out.exists() or not any(out.iterdir())
    both = runner.invoke(cli, ["build", str(SAMPLES), "--store", str(tmp_path / "s"), "--cache", str(tmp_path / "c")])
    assert both.exit_code == 2 and "--cache goes without --store" in both.stderr


def test_an_entry_made_by_other_extraction_code_is_parsed_again(tmp_path, monkeypatch):
    """kg's version stays 0.1.0 across a git pull: the code's digest tells two checkouts apart."""
    import kg.run.signature as signature

    runner = CliRunner()
    cache = tmp_path / "cache"
    first = runner.invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "a"), "--cache", str(cache), "-q"])
    assert first.exit_code == 0, first.output
    monkeypatch.setattr(signature, "kg_source_digest", lambda parts: "0" * 16)  # as another checkout's
    second = runner.invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "b"), "--cache", str(cache), "-q"])
    assert second.exit_code == 0, second.output
    assert "cache: 0 of 4 article(s) not parsed again" in second.stderr
    assert _entries(cache) == 8  # the first checkout's entries are kept (another build may use that kg)...
    assert "also holds entries another kg or other settings made" in second.stderr
    pruned = runner.invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "c"), "--cache", str(cache), "-q",
                                 "--prune-cache"])
    assert pruned.exit_code == 0, pruned.output  # ...until --prune-cache removes them
    assert "cache: 4 of 4 article(s) not parsed again" in pruned.stderr
    assert "cache: 4 entries another kg or other settings made removed" in pruned.stderr
    assert _entries(cache) == 4 and len([p for p in cache.iterdir()]) == 1
    _same_outputs(tmp_path / "c", tmp_path / "b")


def test_a_store_cache_is_pruned_and_prune_needs_a_cache(tmp_path, monkeypatch):
    import kg.run.signature as signature

    runner = CliRunner()
    store = tmp_path / "store"
    first = runner.invoke(cli, ["build", str(SAMPLES / "odesa-wire.txt"), "--store", str(store), "-q"])
    assert first.exit_code == 0, first.output
    monkeypatch.setattr(signature, "kg_source_digest", lambda parts: "0" * 16)
    second = runner.invoke(cli, ["build", str(SAMPLES / "odesa-wire.txt"), "--store", str(store), "-q",
                                 "--prune-cache"])
    assert second.exit_code == 0, second.output
    assert "cache: 1 entries another kg or other settings made removed" in second.stderr
    assert _entries(store / "extractions") == 1
    refused = runner.invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "out"), "--prune-cache"])
    assert refused.exit_code == 2 and "--prune-cache goes with --cache DIR or --store DIR" in refused.output


def test_the_code_digest_changes_with_any_byte_of_the_extraction_source(tmp_path):
    import shutil
    from importlib.resources import files
    from pathlib import Path

    from kg.config import Settings
    from kg.run.signature import EXTRACTION_SOURCE, extraction_signature, kg_source_digest, source_digest

    assert f"code {kg_source_digest(EXTRACTION_SOURCE)};" in extraction_signature(Settings())
    root = tmp_path / "kg"
    shutil.copytree(Path(str(files("kg"))), root, ignore=shutil.ignore_patterns("__pycache__"))
    assert source_digest(root, EXTRACTION_SOURCE) == kg_source_digest(EXTRACTION_SOURCE)
    (root / "export" / "view.py").write_bytes(b"")  # not what extraction runs
    assert source_digest(root, EXTRACTION_SOURCE) == kg_source_digest(EXTRACTION_SOURCE)
    events = root / "nlp" / "events.py"
    events.write_bytes(events.read_bytes() + b"\n")
    assert source_digest(root, EXTRACTION_SOURCE) != kg_source_digest(EXTRACTION_SOURCE)
