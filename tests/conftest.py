"""Shared fixtures: real builds of the development corpus and of the sample articles.

The corpus lives in ../shared/corpus (beside the repository, as in CI). A test that needs it
calls `require_corpus` (the corpus fixtures do): without the corpus it is skipped, with the reason,
on a developer's machine, and fails in CI (the environment variable CI set), where it must be there.
Builds run once per test session with the real spaCy model.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.dataset.load import open_dataset
from kg.run.build import build

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEV = CORPUS / "dev"  # the dev set: 45 real reports with gold (see its README)
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(ROOT / "scripts"))
import corpus_to_jsonl  # noqa: E402


def require_corpus(path: Path) -> Path:
    """`path` (a file of ../shared/corpus), which must exist: otherwise the test is skipped with the
    reason, or fails in CI (env CI set: there the corpus is always laid beside the repository)."""
    if path.exists():
        return path
    reason = (f"needs the evaluation corpus: {path} not found (the corpus must sit beside the repository, "
              "as ../shared/corpus; README: Development)")
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def corpus_records() -> list[dict]:
    """The corpus articles as JSONL records with meta.jsonl's metadata."""
    require_corpus(CORPUS / "meta.jsonl")
    return corpus_to_jsonl.corpus_records(CORPUS)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def load_store(out_dir: Path) -> ox.Store:
    """The store `kg query` answers from: the article graphs plus their merge as default graph."""
    return open_dataset(out_dir)


def sparql(store: ox.Store, query: str):
    """Runs a query as `kg query` does (the default graph is the merge of all graphs)."""
    return store.query(query)


@pytest.fixture(scope="session")
def corpus_jsonl(tmp_path_factory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", corpus_records())


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory, corpus_jsonl) -> Path:
    out = tmp_path_factory.mktemp("corpus-out")
    build([corpus_jsonl], out, Settings())
    return out


@pytest.fixture(scope="session")
def corpus_store(corpus_out) -> ox.Store:
    return load_store(corpus_out)


@pytest.fixture(scope="session")
def dev_out(tmp_path_factory) -> Path:
    """One build of the dev set per test session (about a minute)."""
    require_corpus(DEV / "articles.jsonl")
    out = tmp_path_factory.mktemp("dev-out")
    build([DEV / "articles.jsonl"], out, Settings())
    return out


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample-out")
    build([SAMPLES], out, Settings())
    return out


@pytest.fixture(scope="session")
def sample_store(sample_out) -> ox.Store:
    return load_store(sample_out)


@pytest.fixture(scope="session")
def nlp():
    """The build's spaCy pipeline (with the gazetteer rulers), loaded once for the session."""
    from kg.nlp.gazetteer import Gazetteer
    from kg.run.extraction import pipeline

    return pipeline(Settings().model, Gazetteer.load())


# Tests that take minutes: they run servers, a browser, Dask clusters, kill builds, or build a corpus.
# `pytest -m "not slow"` leaves them out (README: Tests); `make test` and CI run everything.
_SLOW_MODULES = {"test_serve", "test_serve_lanes", "test_serve_limits", "test_view", "test_crash", "test_distributed",
                 "test_memory_budget", "test_notebook", "test_wheel", "test_hostile", "test_properties", "test_deadline"}
_SLOW_FIXTURES = {"dev_out", "corpus_out", "corpus_store", "corpus_jsonl"}
# Single tests of otherwise fast modules: a build killed at 20 moments; 15 `kg query` processes; a
# store built and validated with SHACL three times; spaCy's worker processes on 12 dev articles;
# 8,316 glued SERVICE queries against a canary (measured 22 s, 3 s, 7 s, 2.5 s and 2.5 s on the
# shared 2-core machine; the fast set keeps the single checks of each).
_SLOW_TESTS = {"test_a_store_survives_kill_9_at_any_moment", "test_kg_query_refuses_every_bypass",
               "test_validate_reads_a_store_and_an_output_folder",
               "test_two_processes_extract_in_their_workers_and_match_one_process",
               "test_no_gluing_of_service_gets_past_the_check",
               # the gazetteer regenerated from GeoNames with coordinates (18 s); two `kg build` processes
               # of the samples to read their progress lines (9.5 s; both measured under load 3.5)
               "test_data_file_regenerates_identically", "test_build_shows_every_stage_and_quiet_shows_none"}


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if (item.module.__name__.rpartition(".")[2] in _SLOW_MODULES or _SLOW_FIXTURES & set(item.fixturenames)
                or item.originalname in _SLOW_TESTS):
            item.add_marker(pytest.mark.slow)
