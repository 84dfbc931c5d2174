"""A build end to end: read inputs, extract mentions, resolve entities, write the outputs.

Outputs are written only once everything is built, into a hidden folder in OUT, and then moved
into place together, so a failed or stopped build leaves the previous outputs as they were.

Memory: what is kept of each article between its extraction and its graph is its results, pickled
and compressed (`PackedExtraction`, ~2 KB), and the article, on disk from its reading on
(kg.ingest.spill, with --store merged there with the stored ones); read in passes (spaCy's
included), one article at a time, and let go after the graph stage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kg import __version__
from kg.config import Settings, spare_core
from kg.dataset.store import CACHE, DIGESTS, open_store, stored_articles
from kg.dataset.sync import sync
from kg.errors import InputError
from kg.export.report import build_report
from kg.graph.build import build_quads
from kg.graph.iris import IriMinter
from kg.graph.spool import QuadSpool
from kg.ingest import Article, Inputs, Skipped, read_inputs
from kg.ingest.spill import SpilledArticles, in_key_order, merged_by_key
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.packed import PackedExtraction
from kg.resolve.facts import FactResolver
from kg.resolve.model import ResolvedArticle
from kg.resolve.resolver import Resolution, resolve
from kg.resolve.sightings import Sightings
from kg.run import progress as stages
from kg.run.extraction import Engine, extract, open_cache
from kg.run.incremental import GraphSelection
from kg.run.memory import release_memory
from kg.run.outputs import write_outputs
from kg.run.progress import Progress, counted, stage
from kg.run.signature import extraction_signature
from kg.util.nogc import collector_paused, heap_before_frozen
from kg.util.scratch import scratch_folder

# Above this many articles the graph stage writes each graph to disk (kg.graph.spool): at 1,000
# generated articles 0.84 -> 0.48 GB after the graph stage; the dumps and the projection take about 1.2 times as long
# (benchmarks/spool_stages.py, README "The graph stage on disk"). At 2,000 the sorted quads in
# memory made the whole build's peak (1.8 GB against 0.9 GB spooled).
SPOOL_ABOVE_ARTICLES = 500
# The tables and the map run in a second Python process beside the other outputs (kg.run.outputs) only
# for more articles than this: that process takes ~0.4 s to start, about what the tables of 50 articles take.
TABLES_BESIDE_ABOVE_ARTICLES = 100


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
    reused: int = 0  # extractions taken from the cache (a store's, or --cache), not parsed again
    cache_pruned: tuple[int, int] | None = None  # (entries, bytes) removed by --prune-cache
    cache_others: int = 0  # folders and files of other signatures left in the cache (kg.dataset.cache)


def build(inputs: Iterable[str | Path], out_dir: Path | None, settings: Settings,
          progress: Progress | None = None,
          store_dir: Path | None = None, engine: Engine | None = None, cache_dir: Path | None = None) -> BuildResult:
    """Build the dataset from files and folders; write every output into `out_dir` (if given) and
    add to the store in `store_dir` (if given: the stored articles are built together with the inputs).
    Each article's extraction is kept in the store's cache, or without a store in `cache_dir` (if
    given): run again after it was stopped, a build parses only the articles it had not reached.

    `engine` runs the extraction (default: `extract_local`; `kg.run.dask_engine.DaskEngine` runs it on a
    Dask cluster); resolution and the outputs are the same whichever engine extracted. `progress`
    shows each stage as it starts (kg.run.progress)."""
    try:
        # collections walk only what the build makes (kg.util.nogc); the articles read wait in `work`
        with heap_before_frozen(), scratch_folder("articles") as work:
            return _build(inputs, out_dir, settings, progress, store_dir, engine, work, cache_dir)
    finally:
        if progress is not None:
            progress.close()


def _build(inputs: Iterable[str | Path], out_dir: Path | None, settings: Settings, progress: Progress | None,
           store_dir: Path | None, engine: Engine | None, work: Path, cache_dir: Path | None) -> BuildResult:
    IriMinter(settings.base_iri)  # a bad base IRI is an error before the extraction, not after it
    # --cache without a store: a bad folder is an error before the reading (a store has its own cache)
    cache = open_cache(cache_dir, settings) if cache_dir is not None and store_dir is None else None
    stage(progress, stages.READING)
    read: Inputs = read_inputs(inputs, settings.follow_links, spill_to=work)  # on disk as they are read
    store = open_store(store_dir) if store_dir is not None else None
    if store_dir is not None:
        cache = open_cache(store_dir / CACHE, settings)
    # what another kg or other settings cached is of no use to this build: removed if asked, before it adds
    pruned = cache.prune() if cache is not None and settings.prune_cache else None
    candidates = with_stored(read.articles, store, work)
    skipped = list(read.skipped)
    del read
    if not candidates:
        raise NothingToBuild(tuple(skipped))
    # tables beside the other outputs (kg.run.outputs): decided before spaCy's processes load the cores
    beside = len(candidates) > TABLES_BESIDE_ABOVE_ARTICLES and spare_core()
    gazetteer = Gazetteer.load()
    digests = store_dir / DIGESTS if store_dir is not None else None
    assert isinstance(candidates, SpilledArticles)  # on disk from their reading on (read_inputs, with_stored)
    extracted = stage(progress, stages.EXTRACTING, len(candidates))
    packed: dict[str, PackedExtraction] = {}  # what is kept of each article until its graph is written
    for item in extract(candidates, settings, gazetteer, extracted, cache, engine):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            packed[item.article_key] = item
    if not packed:
        raise NothingToBuild(tuple(skipped))
    # what spaCy freed (20,000 articles: resolving began 150 MB higher without it); what is left (the
    # pipeline, the extractions) is not walked again
    release_memory(hold_survivors=True)
    articles = candidates.keeping(packed)  # those not extracted let go
    built = _finish(articles, packed, skipped, gazetteer, settings, out_dir, store, progress, digests, beside)
    if cache is None:
        return built
    return replace(built, reused=cache.reused, cache_pruned=pruned,
                   cache_others=0 if pruned is not None else len(cache.others()))


def with_stored(read: Sequence[Article], store, folder: Path) -> Sequence[Article]:
    """The articles read and, with a store, those it holds that no input replaces, in key order: on
    disk in `folder` (the caller removes it), one article held at a time, whatever the store holds."""
    if store is None:
        return read
    stored = in_key_order(stored_articles(store), folder)
    merged = SpilledArticles(merged_by_key(stored, read), folder / "with-stored.pickle")  # an input replaces
    for copied in (stored, read):
        if isinstance(copied, SpilledArticles):
            copied.clear()  # (the caller lets `read` go)
    return merged


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
    return found.identities()


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
    with scratch_folder("spool") as spool:
        # a big build's graphs go to disk once written; a small one's stay in memory (faster)
        sink = QuadSpool(spool) if len(articles) > SPOOL_ABOVE_ARTICLES else None
        quads = build_quads(resolved, resolution.entities, gazetteer,
                            IriMinter(settings.base_iri), f"kg@{__version__}", sink)
        report = build_report(articles, tuple(sorted(skipped, key=lambda s: (s.source, s.reason))),
                              resolution.entities, mentioned, len(quads),
                              {"kg_version": __version__, "model": settings.model, "base_iri": settings.base_iri})
        report["dropped_facts"] = dict(sorted(dropped.items()))
        packed.clear()  # what the stage freed is given back before the dumps and tables
        articles.clear()
        mentioned.clear()
        release_memory(hold_survivors=True)  # the quads, entities and report: not walked again by the outputs'
        if store is not None:
            stage(progress, stages.STORE)
            synced = selection.sync(store, quads) if selection is not None else sync(store, quads, digests)
            report["store"] = synced.as_dict()
            if selection is not None and selection.partial:  # the kept graphs' quads counted too
                report["totals"]["quads"] = synced.quads  # type: ignore[index]
        if out_dir is not None:
            write_outputs(quads, report, out_dir, settings.base_iri, progress, beside, settings.skip_outputs)
    return BuildResult(out_dir, report, tuple(skipped))
