"""The extraction stage: spaCy and kg's extractors over the articles, one engine or another.

The articles are read as they are parsed (from a file, kg.ingest.spill): what is
held is the articles spaCy has taken and not yet given back, a few batches, not the corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.config import Settings
from kg.dataset.cache import ExtractionCache
from kg.errors import InputError
from kg.export.atomic import check_writable
from kg.ingest import MAX_ARTICLE_CHARS, Article, Skipped
from kg.nlp.deadline import GUARDED_CHARS, run_with_deadline
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.packed import PackedExtraction
from kg.nlp.pipeline import load_pipeline
from kg.run.signature import extraction_signature

if TYPE_CHECKING:
    from spacy.language import Language

# kg.nlp.components (spaCy, ~70 MB) is imported where a pipeline is loaded or run, not here: the client
# of a sharded Dask build imports this module but parses nothing.

# An engine extracts articles and yields each with its mentions and facts, packed as spaCy's
# components keep them (or why it was skipped), in any order.
Engine = Callable[[Sequence[Article], Settings, Gazetteer], Iterable[tuple[Article, "PackedExtraction | Skipped"]]]


def _published(article: Article) -> date | None:
    try:
        return date.fromisoformat(article.published[:10]) if article.published else None
    except ValueError:
        return None


@lru_cache(maxsize=2)
def _packaged_pipeline(model: str) -> "Language":
    return _load(model, Gazetteer.load())


def _load(model: str, gazetteer: Gazetteer) -> "Language":
    from kg.nlp.components.context import add_results_only

    nlp = load_pipeline(model, gazetteer)
    add_results_only(nlp)  # a Doc parsed for the build comes back from a worker as its results only
    return nlp


def pipeline(model: str, gazetteer: Gazetteer) -> "Language":
    """The spaCy pipeline with the gazetteer's rulers and kg's extractors (kg.nlp.components.context:
    `kg_results_only` last), loaded once per process for the packaged gazetteer (loading takes
    seconds; every later build in the process reuses it)."""
    return _packaged_pipeline(model) if gazetteer is Gazetteer.load() else _load(model, gazetteer)


def open_cache(folder: Path, settings: Settings) -> ExtractionCache:
    """The cache of extractions in `folder` (created if missing), checked writable before anything
    is read: a store's, or the one `kg build --cache` names."""
    try:
        cache = ExtractionCache(folder, extraction_signature(settings))
        check_writable(folder)
    except OSError as err:
        raise InputError(f"cannot use {folder} as the extraction cache: {err.strerror or err}") from None
    return cache


def extract(articles: Sequence[Article], settings: Settings, gazetteer: Gazetteer,
            progress: Callable[[int], None] | None = None,
            cache: ExtractionCache | None = None,
            engine: Engine | None = None) -> Iterator[PackedExtraction | Skipped]:
    """Extract mentions, then facts, from each article with `engine` (default: `extract_local`),
    packed (kg.nlp.packed: what a build keeps of an article until its graph is written).

    Articles whose extraction is in `cache` are not parsed again; the others are added to it."""
    todo: Sequence[Article] = articles
    if cache is not None:
        todo = []
        for article in articles:
            cached = cache.get_packed(article)  # packed: not unpickled here
            if cached is not None:
                yield cached
                if progress:
                    progress(1)
            else:
                todo.append(article)
    if not todo:
        return
    for article, extracted in (engine or extract_local)(todo, settings, gazetteer):
        if cache is not None and not isinstance(extracted, Skipped):
            cache.put(article, extracted)
        yield extracted
        if progress:
            progress(1)


def extract_local(articles: Sequence[Article], settings: Settings,
                  gazetteer: Gazetteer) -> Iterator[tuple[Article, PackedExtraction | Skipped]]:
    """The local engine: spaCy over the articles (batched, `settings.n_process` processes), kg's
    extractors included (kg.nlp.components: they run in spaCy's worker processes too). The articles
    are read once, as spaCy takes them."""
    from kg.nlp.components import packed_of
    from kg.nlp.components.context import ArticleText

    nlp = pipeline(settings.model, gazetteer)
    limit = min(nlp.max_length, MAX_ARTICLE_CHARS)  # spaCy cannot be stopped mid-document: bound the length
    for article in articles:  # first those that are not parsed with the others (a pass of their lengths)
        if len(article.text) > limit:
            yield article, Skipped(article.source,
                                   f"article longer than {limit} characters; split it into smaller articles")
        elif len(article.text) > GUARDED_CHARS:  # alone, in a child process killed at the deadline
            yield article, _with_deadline(nlp, article, settings)
    taken: dict[str, Article] = {}  # given to spaCy, not yet back

    def fitting() -> Iterator[ArticleText]:
        for article in articles:
            if len(article.text) <= min(limit, GUARDED_CHARS):
                taken[article.key] = article
                published = _published(article)
                yield ArticleText(article.text, article.key, published.isoformat() if published else None)

    # texts, not Docs or (text, context) tuples: spaCy's worker processes make the Docs (kg's
    # ArticleTokenizer gives each its article), and send back the results only
    docs = nlp.pipe(fitting(), batch_size=settings.batch_size, n_process=settings.processes_for(len(articles)))
    for doc in docs:
        packed = packed_of(doc)
        yield taken.pop(packed.article_key), packed


def _with_deadline(nlp: "Language", article: Article, settings: Settings) -> PackedExtraction | Skipped:
    from kg.nlp.components import packed_of, set_article

    def work() -> PackedExtraction:
        doc = nlp(set_article(nlp.make_doc(article.text), article.key, _published(article)))
        return packed_of(doc)

    outcome = run_with_deadline(work, settings.article_seconds)
    if outcome.value is None:
        return Skipped(article.source, f"{outcome.failure}; split it into smaller articles")
    return outcome.value
