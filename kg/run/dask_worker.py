"""What a Dask worker runs for `kg build --engine dask` (the client side is kg.run.dask_engine).

One task extracts one partition of articles with the local engine and sends back each article's
result, with the worker's address and extraction signature (kg version, model, gazetteer) so the
client can refuse a worker that does not match.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from kg.config import Settings
from kg.ingest import Article, Skipped
from kg.nlp.deadline import GUARDED_CHARS
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.packed import PackedExtraction
from kg.run.extraction import extract_local, pipeline
from kg.run.signature import extraction_signature

_WORKER_LOCK = threading.Lock()  # one extraction at a time per worker process (spaCy objects are not thread-safe)


@dataclass(frozen=True)
class PartitionResult:
    """What a worker sends back for one partition: each article's key and its result."""

    worker: str
    signature: str
    results: tuple[tuple[str, PackedExtraction | Skipped], ...]


def failure(article: Article, err: BaseException) -> Skipped:
    """`article` skipped because its extraction raised `err`: the reason names the error, or what to do."""
    if "daemonic processes are not allowed to have children" in str(err):
        return Skipped(article.source, f"extraction failed: an article over {GUARDED_CHARS:,} characters is parsed in a "
                                       "child process, which a daemonic Dask worker cannot start; start the workers "
                                       "with DASK_DISTRIBUTED__WORKER__DAEMON=False")
    if type(err).__name__ == "KilledWorker":
        return Skipped(article.source, "extraction failed: the worker process died on it (KilledWorker)")
    message = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return Skipped(article.source, f"extraction failed: {type(err).__name__}" + (f": {message}" if message else ""))


def extract_partition(articles: tuple[Article, ...], settings: Settings) -> PartitionResult:
    """Runs on a worker: extract every article of the partition with the local engine.

    If extraction raises, every article is extracted again on its own, so that one bad article
    costs only itself (it comes back as Skipped with the error as reason).
    """
    from distributed import get_worker

    gazetteer = Gazetteer.load()
    with _WORKER_LOCK:
        pipeline(settings.model, gazetteer)  # loaded once per worker process; a missing model fails the task
        try:
            results = [(a.key, r) for a, r in extract_local(articles, settings, gazetteer)]
        except Exception:  # noqa: BLE001 - any article-level failure: find which article
            results = []
            for article in articles:
                try:
                    results.extend((a.key, r) for a, r in extract_local((article,), settings, gazetteer))
                except Exception as err:  # noqa: BLE001
                    results.append((article.key, failure(article, err)))
    return PartitionResult(get_worker().address, extraction_signature(settings), tuple(results))
