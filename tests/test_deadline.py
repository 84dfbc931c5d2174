"""The time budget of one article: long articles are parsed in a child process killed at the deadline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import kg.run.extraction
from kg.config import Settings
from kg.nlp.deadline import GUARDED_CHARS, run_with_deadline
from kg.run.build import build
from tests.conftest import ROOT, SAMPLES
from tests.hostile_inputs import PARAGRAPH


def long_article(chars: int) -> str:
    paragraphs = [f"Update {n}. {PARAGRAPH}" for n in range(chars // len(PARAGRAPH) + 1)]
    return "Drones over Odesa, hour by hour\n\n" + "\n\n".join(paragraphs)[:chars]


def test_work_past_the_deadline_is_killed():
    started = time.monotonic()
    outcome = run_with_deadline(lambda: time.sleep(30), 0.3)
    assert outcome.value is None and "took longer than 0.3 s" in outcome.failure
    assert time.monotonic() - started < 10


def test_results_errors_and_deaths_come_back_from_the_child():
    assert run_with_deadline(lambda: {"answer": (4, 2)}, 30).value == {"answer": (4, 2)}

    def fails():
        raise ValueError("no parse")
    assert run_with_deadline(fails, 30).failure == "failed while parsing: ValueError: no parse"
    assert "died (exit status 3)" in run_with_deadline(lambda: os._exit(3), 30).failure


def test_a_long_article_parsed_in_a_child_gives_what_the_batch_gives(tmp_path, monkeypatch):
    source = tmp_path / "long.txt"
    source.write_text(long_article(GUARDED_CHARS + 5_000), encoding="utf-8")
    guarded = build([source], tmp_path / "guarded", Settings())
    monkeypatch.setattr(kg.run.extraction, "GUARDED_CHARS", 10**9)
    build([source], tmp_path / "batched", Settings())
    assert guarded.report["totals"]["articles"] == 1 and not guarded.skipped
    for name in ("graph.nq", "graph.graphml"):
        assert (tmp_path / "guarded" / name).read_bytes() == (tmp_path / "batched" / name).read_bytes(), name


def test_kg_build_skips_an_article_over_its_budget_and_builds_the_rest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "endless.txt").write_text(long_article(150_000), encoding="utf-8")
    (folder / "odesa-wire.txt").write_bytes((SAMPLES / "odesa-wire.txt").read_bytes())
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "kg", "build", str(folder), "-o", str(out), "--quiet",
                             "--article-timeout", "0.3"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    [skipped] = report["skipped"]
    assert skipped["source"].endswith("endless.txt") and "took longer than 0.3 s" in skipped["reason"]
    assert f"skipped {skipped['source']}: " in result.stderr
    assert report["totals"]["articles"] == 1
