"""Exit statuses of the real `kg` program (README: Exit statuses): a KgError is one line and its status,
never a traceback; bad input names the file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import errors
from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def run_kg(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_statuses_are_distinct():
    statuses = [errors.OK, errors.REFUSED, errors.BAD_INPUT, errors.RESOURCE, errors.INTERNAL]
    assert len(set(statuses)) == len(statuses)
    assert issubclass(errors.InputError, errors.KgError) and errors.InputError.exit_status == errors.BAD_INPUT


def test_unusable_input_exits_2_naming_the_file(tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": \n', encoding="utf-8")
    done = run_kg("build", str(broken), "-o", str(tmp_path / "out"), "--quiet")
    assert done.returncode == errors.BAD_INPUT, done.stderr
    assert "broken.jsonl" in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: ")


def test_a_folder_without_a_build_exits_2_in_one_line(tmp_path):
    done = run_kg("query", str(tmp_path), "ASK { ?s ?p ?o }")
    assert done.returncode == errors.BAD_INPUT
    assert done.stderr.strip().splitlines() == [
        f"error: {tmp_path}: neither an output folder (no graph.nq here) nor a kg store; "
        f"run `kg build … -o {tmp_path}` first"]


def test_a_bad_base_iri_is_a_kg_error_without_traceback(tmp_path):
    done = run_kg("build", "samples/odesa-wire.txt", "-o", str(tmp_path / "out"), "--base-iri", "ftp://x", "--quiet")
    assert done.returncode == errors.BAD_INPUT
    assert "base IRI" in done.stderr and "ftp://x" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("args,status,words", [
    (["query", "OUT"], errors.BAD_INPUT, "no query given"),
    (["query", "OUT", "SELECT ?x WHERE { ?x "], errors.REFUSED, "invalid SPARQL"),
    (["query", "OUT", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "--format", "json"], errors.BAD_INPUT,
     "CONSTRUCT and DESCRIBE print N-Triples"),
])
def test_query_statuses(sample_out, args, status, words):
    done = run_kg(*[str(sample_out) if a == "OUT" else a for a in args])
    assert done.returncode == status and words in done.stderr and "Traceback" not in done.stderr


def _query(*args: str) -> str:
    """`kg query` in this process (what it prints does not depend on the process; exit statuses are
    checked above in a real one)."""
    result = CliRunner().invoke(cli, ["query", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_query_output_ends_with_a_newline(sample_out):
    for fmt in ("table", "json", "csv"):
        for text in ("ASK { ?s ?p ?o }", "SELECT ?s WHERE { ?s a schema:NewsArticle } LIMIT 1"):
            printed = _query(str(sample_out), text, "--format", fmt)
            assert printed.endswith("\n"), (fmt, text, printed[-20:])


def test_max_width_and_full(sample_out):
    text = "SELECT ?b WHERE { ?a schema:articleBody ?b } ORDER BY ?b LIMIT 1"
    cut = _query(str(sample_out), text, "--max-width", "20").splitlines()[2]
    full = _query(str(sample_out), text, "--full").splitlines()[2]
    assert len(cut) == 20 and cut.endswith("…") and len(full) > 80 and full.startswith(cut[:-1])


def test_a_bug_keeps_its_traceback_and_status_70(tmp_path):
    """Anything that is not a KgError is a bug: `kg` shows where, with a status of its own."""
    code = ("import sys, kg.cli\n"
            "def broken(*a, **k):\n    raise RuntimeError('a bug')\n"
            "kg.cli.Settings.from_env = broken\n"
            "sys.argv = ['kg', 'build', 'samples', '-o', sys.argv[1], '--quiet']\n"
            "kg.cli.main()\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out")], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode == errors.INTERNAL
    assert "Traceback" in done.stderr and "RuntimeError: a bug" in done.stderr


def test_a_full_disk_is_one_line_and_status_3_and_loses_nothing(tmp_path):
    """No space left for the build's temporary files (here the sorted names of a folder walked, made to
    fail as a full disk would) is a resource that ran out, not a bug; the earlier outputs stay."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.nq").write_text("earlier\n", encoding="utf-8")
    code = ("import errno, sys, kg.cli, kg.ingest.walk, kg.util.extsort\n"
            "def full(run, path):\n    raise OSError(errno.ENOSPC, 'No space left on device', str(path))\n"
            "kg.util.extsort._spilled = full\n"
            "kg.ingest.walk.NAMES_AT_ONCE = 1\n"
            "sys.argv = ['kg', 'build', 'samples', '-o', sys.argv[1], '--quiet']\n"
            "kg.cli.main()\n")
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode == errors.RESOURCE, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: no space left on the disk writing ") and "set TMPDIR" in line
    assert [p.name for p in out.iterdir()] == ["graph.nq"] and (out / "graph.nq").read_text() == "earlier\n"
