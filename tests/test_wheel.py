"""What a pip user gets: the built wheel, installed into a fresh virtual environment outside the
repository, runs build, query (the shipped library), stats, validate (the shipped shapes), eval and
serve from a folder that has nothing of the repository in it.

The wheel is installed with `--no-deps`; its dependencies (spaCy, the model, pyoxigraph, …) come
from this test environment's site-packages through a path file, so that the test needs no download
of half a gigabyte, while `kg` itself is imported from the wheel only (the repository's editable
install is not visible there: its finder lives in a .pth file that is not read).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("kg_events-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(work / "venv")], check=True, timeout=120)
    python = work / "venv" / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    # the `oxigraph` command of the oxigraph package, as its own install would put it beside python
    (work / "venv" / "bin" / "oxigraph").symlink_to(Path(sys.executable).with_name("oxigraph"))
    # --ignore-installed: the path file shows pip this environment's own kg, which must not count
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                           "--ignore-installed", str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    home = work / "elsewhere"  # a working folder with nothing of the repository in it
    home.mkdir()
    shutil.copytree(ROOT / "samples", home / "articles")
    return python, home


def clean_env() -> dict[str, str]:
    """This environment without anything that would put the repository on the path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def kg(installed, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    python, home = installed
    return subprocess.run([str(python), "-m", "kg", *args], cwd=home, capture_output=True, text=True, timeout=timeout,
                          env=clean_env())


def test_kg_comes_from_the_wheel(installed):
    python, home = installed
    where = subprocess.run([str(python), "-c", "import kg; print(kg.__file__)"], cwd=home, capture_output=True,
                           text=True, check=True, env=clean_env()).stdout
    assert str(ROOT) not in where and "site-packages" in where, where


def test_build_query_stats_and_validate_from_the_wheel(installed):
    _, home = installed
    built = kg(installed, "build", "articles", "-o", "out", "-q")
    assert built.returncode == 0, built.stderr
    assert (home / "out" / "tables" / "events.csv").is_file()
    names = kg(installed, "query", "out", "--named", "list").stdout.split()
    assert "people-and-roles" in names and "who-said-what" in names
    roles = kg(installed, "query", "out", "--named", "people-and-roles", "--format", "csv")
    assert roles.returncode == 0 and "Daniel Whitfield" in roles.stdout, roles.stderr
    assert "entities by kind:" in kg(installed, "stats", "out").stdout
    validated = kg(installed, "validate", "out")
    assert validated.returncode == 0 and "conforms" in validated.stdout, validated.stdout + validated.stderr
    context = json.loads((home / "out" / "graph.jsonld").read_text())["@context"]
    assert "kgo" in json.dumps(context)


def test_eval_from_the_wheel(installed):
    _, home = installed
    if not (home / "out" / "graph.nq").is_file():
        assert kg(installed, "build", "articles", "-o", "out", "-q").returncode == 0
    gold = home / "gold.json"
    gold.write_text(json.dumps({"articles": {"odesa-wire": [{"label": "Odesa", "type": "Place", "aliases": []}]}}))
    facts = home / "facts.json"
    facts.write_text(json.dumps({"articles": {}}))
    scored = kg(installed, "eval", "out", "--entities", str(gold), "--facts", str(facts))
    assert scored.returncode == 0 and "Place" in scored.stdout, scored.stdout + scored.stderr
    assert "tests/" not in kg(installed, "eval", "--help").stdout


def test_serve_from_the_wheel(installed):
    python, home = installed
    if not (home / "out" / "graph.nq").is_file():
        assert kg(installed, "build", "articles", "-o", "out", "-q").returncode == 0
    process = subprocess.Popen([str(python), "-m", "kg", "serve", "out", "--port", "0"], cwd=home,
                               stderr=subprocess.PIPE, text=True, env=clean_env())
    try:
        line = process.stderr.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)/sparql", line)
        assert match, line
        query = urllib.parse.quote("SELECT ?n WHERE { ?p a schema:Person ; rdfs:label ?n } ORDER BY ?n LIMIT 1")
        started = time.monotonic()
        with urllib.request.urlopen(f"{match.group(1)}/sparql?query={query}", timeout=60) as response:
            assert b"Daniel Whitfield" in response.read()
        assert time.monotonic() - started < 60
    finally:
        process.terminate()
        process.wait(timeout=30)
