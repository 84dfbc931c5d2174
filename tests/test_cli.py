"""The command line as users run it: real processes for build, click's runner for query."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.run.outputs import OUTPUT_FILES
from tests.conftest import ROOT

PEOPLE = "SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name } ORDER BY ?name"


def run_kg(*args: str, cwd: Path = ROOT, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def query(out: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["query", str(out), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_version_and_help():
    assert run_kg("--version").stdout.strip() == "kg, version 0.1.0"
    help_text = run_kg("build", "--help").stdout
    for option in ("--out", "--model", "--base-iri", "--batch-size", "--processes", "--quiet"):
        assert option in help_text


def test_query_formats_agree(sample_out):
    table = query(sample_out, PEOPLE)
    names = [line.strip() for line in table.splitlines()[2:-1]]
    assert "Oksana Hrytsenko" in names and "Daniel Whitfield" in names
    assert table.splitlines()[-1] == f"({len(names)} rows)"
    rows = list(csv.reader(io.StringIO(query(sample_out, PEOPLE, "--format", "csv"))))
    assert rows[0] == ["name"] and [r[0] for r in rows[1:]] == names
    tsv = query(sample_out, PEOPLE, "--format", "tsv").splitlines()
    assert tsv[0] == "?name" and [line.strip('"') for line in tsv[1:]] == names
    solutions = json.loads(query(sample_out, PEOPLE, "--format", "json"))
    assert [b["name"]["value"] for b in solutions["results"]["bindings"]] == names


def test_query_from_file_and_ask(sample_out, tmp_path):
    rq = tmp_path / "people.rq"
    rq.write_text(PEOPLE, encoding="utf-8")
    assert query(sample_out, "-f", str(rq)) == query(sample_out, PEOPLE)
    assert query(sample_out, "ASK { ?x a schema:NewsArticle }").strip() == "true"


@pytest.mark.parametrize("text,reason", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT is not allowed"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is not allowed"),
    ("SELECT ?x WHERE { ?x ", "invalid SPARQL"),
])
def test_refused_and_invalid_queries(sample_out, text, reason):
    before = (sample_out / "graph.nq").read_bytes()
    result = CliRunner().invoke(cli, ["query", str(sample_out), text])
    assert result.exit_code == 1 and reason in result.output
    assert (sample_out / "graph.nq").read_bytes() == before


def test_keywords_inside_strings_are_not_refused(sample_out):
    out = query(sample_out, 'SELECT ?l WHERE { ?e rdfs:label ?l FILTER(?l != "DELETE me") } LIMIT 1')
    assert out.endswith("(1 row)\n")


def test_query_on_a_folder_without_a_build(tmp_path):
    result = CliRunner().invoke(cli, ["query", str(tmp_path), PEOPLE])
    assert result.exit_code == 2 and "no graph.nq" in result.output


def test_nothing_buildable_exits_2_and_keeps_the_previous_build(tmp_path, sample_out):
    out = tmp_path / "out"
    out.mkdir()
    for name in OUTPUT_FILES:
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_bytes((sample_out / name).read_bytes())
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("  \n", encoding="utf-8")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "broken.jsonl").write_text('{"text": \n', encoding="utf-8")
    result = run_kg("build", str(bad), "-o", str(out), "--quiet")
    assert result.returncode == 2
    for name, reason in (("empty.txt", "empty"), ("binary.txt", "binary"), ("broken.jsonl", "JSON")):
        line = next((line for line in result.stderr.splitlines() if name in line), "")
        assert reason.lower() in line.lower(), result.stderr
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (sample_out / name).read_bytes(), name
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_bad_inputs_beside_good_ones_are_reported_and_skipped(tmp_path):
    folder = tmp_path / "in put"  # a path with a space
    folder.mkdir()
    (folder / "good.txt").write_text((ROOT / "samples" / "odesa-wire.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    out = tmp_path / "out"
    result = run_kg("build", str(folder), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert list(report["articles"]) == ["good"]
    skipped = {Path(s["source"]).name: s["reason"] for s in report["skipped"]}
    assert set(skipped) >= {"empty.txt"} and "empty" in skipped["empty.txt"]
    assert "empty.txt" in result.stderr


def test_a_missing_model_is_a_clear_error(tmp_path):
    result = run_kg("build", "samples", "-o", str(tmp_path / "out"), "--model", "no_such_pipeline", "--quiet")
    assert result.returncode == 2
    assert "no_such_pipeline" in result.stderr and "not installed" in result.stderr
    assert not (tmp_path / "out" / "graph.nq").exists()


def test_a_missing_input_path_is_a_clear_error(tmp_path):
    result = run_kg("build", str(tmp_path / "nowhere.txt"), "-o", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 2 and "nowhere.txt" in result.stderr


def test_build_shows_every_stage_and_quiet_shows_none(tmp_path):
    from kg.run.progress import DUMPS, EXTRACTING, GRAPH, NETWORK, READING, RESOLVING, TABLES, VIEW

    shown = run_kg("build", "samples", "-o", str(tmp_path / "shown"))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stderr.splitlines()
    stages = [line.split("] ", 1)[1] for line in lines if line.startswith("[")]
    expected = [READING, f"{EXTRACTING} (4 articles)", RESOLVING, f"{GRAPH} (4 articles)", DUMPS, NETWORK, VIEW, TABLES]
    assert stages == expected, shown.stderr
    assert lines[-1].startswith("built 4 article(s)")
    quiet = run_kg("build", "samples", "-o", str(tmp_path / "quiet"), "-q")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr.splitlines() == [lines[-1].replace(str(tmp_path / "shown"), str(tmp_path / "quiet"))]


def test_progress_draws_a_bar_per_stage_on_a_terminal():
    from kg.run.progress import Progress

    stream = io.StringIO()
    progress = Progress(stream, bars=True)
    update = progress.stage("extracting", 3)
    update(1)
    update(2)
    progress.stage("resolving entities")
    progress.close()
    text = stream.getvalue()
    assert "extracting:   0%" in text and "0/3" in text and "resolving entities" in text
    assert text.endswith("\r"), "each bar is cleared when its stage ends"


def test_progress_in_a_log_tells_how_far_a_long_stage_is_and_how_long_it_has_left():
    from kg.run.progress import Progress, _duration

    stream = io.StringIO()
    progress = Progress(stream, bars=False, every=0.0)  # (a line a minute in a real build)
    update = progress.stage("extracting", 4)
    for _ in range(4):
        update(1)
    progress.stage("resolving entities")
    lines = [line.split("] ", 1)[1] for line in stream.getvalue().splitlines()]
    assert lines[0] == "extracting (4 articles)" and lines[-1] == "resolving entities"
    assert len(lines) == 5, lines  # after 1, 2 and 3 articles; none when the stage is done
    assert re.fullmatch(r"extracting: 3 of 4 articles \([\d,.]+ a second; about \d+ s left\)", lines[3]), lines[3]
    assert [_duration(s) for s in (44.6, 719, 12_000)] == ["45 s", "12 min", "3 h 20 min"]
    quiet = io.StringIO()
    Progress(quiet, bars=False).stage("extracting", 4)(1)  # before the minute: nothing more
    assert quiet.getvalue().count("\n") == 1


def test_progress_in_a_log_says_a_stage_that_counts_nothing_is_still_running():
    from kg.run.progress import Progress

    stream = io.StringIO()
    progress = Progress(stream, bars=False, every=0.05)
    progress.stage("writing TriG, N-Quads, Turtle, JSON-LD")
    time.sleep(0.3)
    progress.close()
    shown = stream.getvalue().count("\n")
    time.sleep(0.2)  # a closed stage says nothing more
    lines = stream.getvalue().splitlines()
    assert len(lines) == shown >= 3, lines
    assert all(re.fullmatch(r"\[ +[\d.]+ s\] writing TriG, N-Quads, Turtle, JSON-LD: still running \(\d+ s so far\)", line)
               for line in lines[1:]), lines


def test_tests_that_need_the_corpus_skip_with_the_reason_outside_ci_and_fail_in_ci(tmp_path, monkeypatch):
    from tests.conftest import require_corpus

    present = tmp_path / "meta.jsonl"
    present.write_text("{}\n", encoding="utf-8")
    assert require_corpus(present) == present
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"needs the evaluation corpus: .*nowhere.* ../shared/corpus"):
        require_corpus(tmp_path / "nowhere")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="needs the evaluation corpus"):
        require_corpus(tmp_path / "nowhere")
