"""A build end to end: read inputs, extract mentions, resolve entities, write the outputs.

Outputs are written only once everything is built, into a hidden folder in OUT, and then moved
into place together, so a failed or stopped build leaves the previous outputs as they were.

Memory: what is kept of each article between its extraction and its graph is its results, pickled
and compressed (`PackedExtraction`, ~2 KB), and the article, on disk for a big build
(kg.run.held_articles); read in passes, one article at a time, and let go after the graph stage.
"""

from __future__ import annotations

import itertools
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg import __version__
from kg.config import Settings, spare_core
from kg.dataset.store import CACHE, DIGESTS, ExtractionCache, open_store, stored_articles
from kg.dataset.sync import sync
from kg.errors import InputError
from kg.export.report import build_report
from kg.graph.build import build_quads
from kg.graph.iris import IriMinter
from kg.graph.spool import QuadSpool
from kg.ingest import MAX_ARTICLE_CHARS, Article, Inputs, Skipped, read_inputs
from kg.nlp.components import facts_of, mentions_of, set_article
from kg.nlp.components.context import ArticleContext, add_results_only
from kg.nlp.deadline import GUARDED_CHARS, run_with_deadline
from kg.nlp.facts import ArticleFacts
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.mention import ArticleMentions
from kg.nlp.packed import PackedExtraction
from kg.nlp.pipeline import load_pipeline
from kg.resolve.event_identity import event_identities
from kg.resolve.facts import FactResolver, affiliations
from kg.resolve.grant_identity import grant_identities
from kg.resolve.model import ResolvedArticle
from kg.resolve.resolver import Resolution, resolve
from kg.resolve.sightings import Sightings
from kg.run import progress as stages
from kg.run.held_articles import SpilledArticles, held_articles
from kg.run.incremental import GraphSelection
from kg.run.memory import release_memory
from kg.run.outputs import write_outputs
from kg.run.progress import Progress, counted, stage
from kg.run.signature import extraction_signature
from kg.util.nogc import collector_paused

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


class NothingToBuild(InputError):
    """No input produced an article; the output folder was left untouched."""

    def __init__(self, skipped: tuple[Skipped, ...]):
        super().__init__("no article could be read from the inputs")
        self.skipped = skipped


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path | None
    report: dict[str, object]
    skipped: tuple[Skipped, ...]


def _published(article: Article) -> date | None:
    try:
        return date.fromisoformat(article.published[:10]) if article.published else None
    except ValueError:
        return None


@lru_cache(maxsize=2)
def _packaged_pipeline(model: str) -> "Language":
    return _load(model, Gazetteer.load())


def _load(model: str, gazetteer: Gazetteer) -> "Language":
    nlp = load_pipeline(model, gazetteer)
    add_results_only(nlp)  # a Doc parsed for the build comes back from a worker as its results only
    return nlp


def pipeline(model: str, gazetteer: Gazetteer) -> "Language":
    """The spaCy pipeline with the gazetteer's rulers and kg's extractors (kg.nlp.components.context:
    `kg_results_only` last), loaded once per process for the packaged gazetteer (loading takes
    seconds; every later build in the process reuses it)."""
    return _packaged_pipeline(model) if gazetteer is Gazetteer.load() else _load(model, gazetteer)


# Above this many articles the graph stage writes each graph to disk (kg.graph.spool): at 1,000
# generated articles 0.84 -> 0.48 GB after the graph stage; the dumps and the projection take about
# 1.2 times as long (benchmarks/spool_stages.py, README "The graph stage on disk"). At 2,000 the
# sorted quads in memory made the whole build's peak (1.8 GB against 0.9 GB spooled).
SPOOL_ABOVE_ARTICLES = 500

Extraction = tuple[ArticleMentions, ArticleFacts]
# An engine extracts articles and yields each with its result (or why it was skipped), in any order.
Engine = Callable[[Sequence[Article], Settings, Gazetteer], Iterable[tuple[Article, "Extraction | Skipped"]]]


def extract(articles: Iterable[Article], settings: Settings, gazetteer: Gazetteer,
            progress: Callable[[int], None] | None = None,
            cache: ExtractionCache | None = None,
            engine: Engine | None = None) -> Iterator[Extraction | PackedExtraction | Skipped]:
    """Extract mentions, then facts, from each article with `engine` (default: `extract_local`).

    Articles whose extraction is in `cache` are not parsed again (they come as the cache keeps
    them, `PackedExtraction`s); the others are added to it.
    """
    todo: list[Article] = []
    for article in articles:
        cached = cache.get_packed(article) if cache is not None else None  # packed: not unpickled here
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
                  gazetteer: Gazetteer) -> Iterator[tuple[Article, Extraction | Skipped]]:
    """The local engine: spaCy over the articles (batched, `settings.n_process` processes), kg's
    extractors included (kg.nlp.components: they run in spaCy's worker processes too)."""
    nlp = pipeline(settings.model, gazetteer)
    fitting: dict[str, Article] = {}
    long: list[Article] = []
    limit = min(nlp.max_length, MAX_ARTICLE_CHARS)  # spaCy cannot be stopped mid-document: bound the length
    for article in articles:
        if len(article.text) > limit:
            yield article, Skipped(article.source,
                                   f"article longer than {limit} characters; split it into smaller articles")
        elif len(article.text) > GUARDED_CHARS:
            long.append(article)
        else:
            fitting[article.key] = article

    def doc_of(article: Article) -> "Doc":
        return set_article(nlp.make_doc(article.text), article.key, _published(article))

    def context(article: Article) -> ArticleContext:
        published = _published(article)
        return ArticleContext(article.key, published.isoformat() if published else None)

    # texts, not Docs: spaCy's worker processes tokenize them, and send back the results only
    docs = nlp.pipe(((a.text, context(a)) for a in fitting.values()), as_tuples=True,
                    batch_size=settings.batch_size, n_process=settings.processes_for(len(fitting)))
    results: Iterator[tuple[Article, Extraction]] = ((fitting[c.key], _extraction(doc)) for doc, c in docs)
    for article in long:  # each in a child process killed at the deadline

        def work(article: Article = article) -> Extraction:
            return _extraction(nlp(doc_of(article)))

        outcome = run_with_deadline(work, settings.article_seconds)
        if outcome.value is None:
            yield article, Skipped(article.source, f"{outcome.failure}; split it into smaller articles")
        else:
            results = itertools.chain(results, [(article, outcome.value)])
    yield from results


def _extraction(doc: "Doc") -> Extraction:
    """What kg's components stored on a Doc: its mentions and facts."""
    return mentions_of(doc), facts_of(doc)


def build(inputs: Iterable[str | Path], out_dir: Path | None, settings: Settings,
          progress: Progress | None = None,
          store_dir: Path | None = None, engine: Engine | None = None) -> BuildResult:
    """Build the dataset from files and folders; write every output into `out_dir` (if given) and
    add to the store in `store_dir` (if given: the stored articles are built together with the inputs).

    `engine` runs the extraction (default: `extract_local`; `kg.run.dask_engine.DaskEngine` runs it on a
    Dask cluster); resolution and the outputs are the same whichever engine extracted. `progress`
    shows each stage as it starts (kg.run.progress)."""
    try:
        return _build(inputs, out_dir, settings, progress, store_dir, engine)
    finally:
        if progress is not None:
            progress.close()


def _build(inputs: Iterable[str | Path], out_dir: Path | None, settings: Settings, progress: Progress | None,
           store_dir: Path | None, engine: Engine | None) -> BuildResult:
    IriMinter(settings.base_iri)  # a bad base IRI is an error before the extraction, not after it
    beside = spare_core()  # tables beside the other outputs (kg.run.outputs): decided before spaCy loads the cores
    stage(progress, stages.READING)
    read: Inputs = read_inputs(inputs, settings.follow_links)
    store = open_store(store_dir) if store_dir is not None else None
    by_key = {a.key: a for a in stored_articles(store)} if store is not None else {}
    by_key.update({a.key: a for a in read.articles})  # an input replaces the stored article of its key
    candidates = [by_key[k] for k in sorted(by_key)]
    skipped = list(read.skipped)
    del read, by_key  # the articles held once (their texts are the most of a build's input), here
    if not candidates:
        raise NothingToBuild(tuple(skipped))
    gazetteer = Gazetteer.load()
    cache = ExtractionCache(store_dir / CACHE, extraction_signature(settings)) if store_dir is not None else None
    extracted = stage(progress, stages.EXTRACTING, len(candidates))
    packed: dict[str, PackedExtraction] = {}  # what is kept of each article until its graph is written
    for item in extract(candidates, settings, gazetteer, extracted, cache, engine):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            kept = item if isinstance(item, PackedExtraction) else PackedExtraction.pack(*item)
            packed[kept.article_key] = kept
    if not packed:
        raise NothingToBuild(tuple(skipped))
    digests = store_dir / DIGESTS if store_dir is not None else None
    with held_articles(candidates, packed, len(packed) > SPOOL_ABOVE_ARTICLES) as articles:  # empties candidates
        return _finish(articles, packed, skipped, gazetteer, settings, out_dir, store, progress, digests, beside)


def resolved_articles(articles: Sequence[Article], packed: dict[str, PackedExtraction], resolution: Resolution,
                      mentioned: dict[str, tuple[str, ...]] | None = None,
                      dropped: Counter[str] | None = None) -> Iterator[ResolvedArticle]:
    """Each article (in the order given: article-key order) with its mentions and facts resolved,
    unpacked one at a time. `mentioned`, if given, receives each article's mentions' entity keys."""
    facts_resolver = FactResolver(*_identities(articles, packed, resolution))
    for article in articles:
        mentions, facts = packed[article.key].unpack()
        resolved = resolution.article(mentions)
        entity_of = {(rm.mention.start, rm.mention.end): rm.entity_key for rm in resolved}
        if mentioned is not None:
            mentioned[article.key] = tuple(rm.entity_key for rm in resolved)
        yield ResolvedArticle(article, resolved, facts_resolver.article(facts, entity_of), facts.sentences)
    if dropped is not None:
        dropped.update(facts_resolver.dropped)


def _identities(articles: Sequence[Article], packed: dict[str, PackedExtraction],
                resolution: Resolution) -> tuple[dict[tuple[str, int], str], dict[tuple[str, int], str]]:
    """The key of every event mention and of every aid-package mention, decided from all of them
    (one pass over the articles first)."""
    found = Sightings()
    for article in articles:
        found.add(*packed[article.key].unpack(), article.published, resolution)
    # a person's act is also that of whom the person acts for ("Putin's invasion" is Russia's)
    return event_identities(found.events, affiliations(found.roles)), grant_identities(found.grants)


@collector_paused  # all of it: a collection between two steps would walk every object the steps made
def _finish(articles: list[Article] | SpilledArticles, packed: dict[str, PackedExtraction], skipped: list[Skipped],
            gazetteer: Gazetteer, settings: Settings, out_dir: Path | None, store,
            progress: Progress | None = None, digests: Path | None = None, beside: bool | None = None) -> BuildResult:
    """Resolution, the dataset, and every output, from the extracted articles (`digests`: the
    store's record of its graphs, kg.dataset.sync). Empties `articles` and `packed` once the graphs are made."""
    stage(progress, stages.RESOLVING)
    labels = {e.key: e.label for e in gazetteer.entries()}
    resolution = resolve(lambda: (packed[k].mentions() for k in sorted(packed)), labels)  # articles' order, unread
    mentioned: dict[str, tuple[str, ...]] = {}
    dropped: Counter[str] = Counter()
    resolved = counted(resolved_articles(articles, packed, resolution, mentioned, dropped),
                       stage(progress, stages.GRAPH, len(articles)))
    selection = None  # with a store, the graphs whose inputs changed (kg.run.incremental)
    if store is not None and digests is not None:
        selection = GraphSelection(digests, resolution.entities, gazetteer, IriMinter(settings.base_iri),
                                   extraction_signature(settings), partial=out_dir is None)
        resolved = selection.select(resolved)
    with tempfile.TemporaryDirectory(prefix="kg-spool-") as spool:
        # a big build's graphs go to disk once written; a small one's stay in memory (faster)
        sink = QuadSpool(Path(spool)) if len(articles) > SPOOL_ABOVE_ARTICLES else None
        quads = build_quads(resolved, resolution.entities, gazetteer,
                            IriMinter(settings.base_iri), f"kg@{__version__}", sink)
        report = build_report(articles, tuple(sorted(skipped, key=lambda s: (s.source, s.reason))),
                              resolution.entities, mentioned, len(quads),
                              {"kg_version": __version__, "model": settings.model, "base_iri": settings.base_iri})
        report["dropped_facts"] = dict(sorted(dropped.items()))
        packed.clear()  # what the stage freed is given back before the dumps and tables
        articles.clear()
        mentioned.clear()
        release_memory()
        if store is not None:
            stage(progress, stages.STORE)
            synced = selection.sync(store, quads) if selection is not None else sync(store, quads, digests)
            report["store"] = synced.as_dict()
            if selection is not None and selection.partial:  # the kept graphs' quads counted too
                report["totals"]["quads"] = synced.quads  # type: ignore[index]
        if out_dir is not None:
            write_outputs(quads, report, out_dir, settings.base_iri, progress, beside)
    return BuildResult(out_dir, report, tuple(skipped))
