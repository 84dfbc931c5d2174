"""The whole build on a Dask cluster: `kg build --engine dask --shards DIR`.

1. The articles, in article-key order, are cut into partitions; each worker extracts its partition
   and saves the packed extractions into the shared folder DIR (kg.run.shards `extract_shard`).
2. Resolution as reductions (kg.resolve.resolver): the workers make each pass of `resolve` over
   their partitions (the persons' full names, surnames and stated countries; then each entity's
   surface forms with counts, kind and gazetteer key), and the client adds them up in article-key
   order. The Resolution reaches the workers as DIR/resolution.pkl. A third pass saves, per
   partition, what decides the identities that need every article (kg.run.build `_identities`:
   events', aid packages'; and statements'); one worker task decides them from every partition's
   and saves each partition's share (kg.run.shards `identities_shard`).
3. Each worker resolves its partition's articles and writes their named graphs as a shard of sorted
   N-Quads with its index and sorted runs of merged keys (kg.graph.spool `QuadSpool.save`), and its
   articles' report entries; it sends back small aggregates: the annotation totals, the mention
   count, the facts dropped.
4. The client adds up the totals (as sorted runs on disk in DIR). With `--store` it reads the
   shards as one `SpooledQuads` and syncs them (the local engine's sync). Then one worker task
   (kg.run.shard_outputs) reads the shards, saves the default graph as DIR/default.nq (so that the
   shards and it bulk-load into any store) and writes every output with the local engine's code,
   byte for byte, into a folder in DIR; the client moves those files into OUT.

What the client holds: the partitions in flight (the articles read wait on disk), the sums of the
passes (let go once saved as the Resolution); with `--store`, while it syncs, the shards' index
(each graph's place and digest). No quads, extraction, identities, report entries or network.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from kg import __version__
from kg.config import Settings
from kg.dataset.store import DIGESTS, open_store
from kg.dataset.sync import sync
from kg.errors import InputError
from kg.export.atomic import check_writable, move_outputs
from kg.export.report import build_report
from kg.graph.iris import IriMinter
from kg.graph.quads import triple_key
from kg.graph.runs import SortedRuns
from kg.graph.spool import RUN_KEYS, read_shards
from kg.graph.totals import AnnotationTotals
from kg.ingest import Article, Skipped, read_inputs
from kg.nlp.gazetteer import Gazetteer
from kg.resolve.resolver import EntitySightings, PersonSightings, Resolution
from kg.run import progress as stages
from kg.run import shards
from kg.run.build import BuildResult, NothingToBuild, extraction_signature, with_stored
from kg.run.dask_engine import DaskEngine, EngineError
from kg.run.dask_worker import PartitionResult
from kg.run.progress import Progress, stage
from kg.run.shard_outputs import finish_shard
from kg.run.shards import DEFAULT_NQ
from kg.util.nogc import collector_paused
from kg.util.scratch import scratch_folder

TRIES = 3  # a partition's task (after extraction) is run again after its worker died, up to this many times in all


def build_sharded(inputs: Iterable[str | Path], out_dir: Path | None, settings: Settings, engine: DaskEngine,
                  folder: Path, progress: Progress | None = None, store_dir: Path | None = None) -> BuildResult:
    """`kg.run.build.build` with every stage on `engine`'s cluster and the shards in `folder` (a
    folder every worker and the client can read and write, such as a network file system)."""
    try:
        return _build(inputs, out_dir, settings, engine, folder, progress, store_dir)
    finally:
        if progress is not None:
            progress.close()


def _build(inputs: Iterable[str | Path], out_dir: Path | None, settings: Settings, engine: DaskEngine, folder: Path,
           progress: Progress | None, store_dir: Path | None) -> BuildResult:
    IriMinter(settings.base_iri)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _clear(folder)
        check_writable(folder)  # the client writes here too
    except OSError as err:
        raise InputError(f"cannot use {folder} as the shards folder: {err.strerror or err}") from None
    stage(progress, stages.READING)
    with scratch_folder("articles") as spill:  # the articles read, until they are sent
        read = read_inputs(inputs, settings.follow_links, spill_to=spill)
        store = open_store(store_dir) if store_dir is not None else None
        articles, not_read = with_stored(read.articles, store, spill), list(read.skipped)
        del read
        if not articles:
            raise NothingToBuild(tuple(not_read))
        size = engine.partition_size
        firsts = [articles[i].key for i in range(0, len(articles), size)]  # each partition's first article key
        extracted = stage(progress, stages.EXTRACTING, len(articles))
        skipped = not_read + _extract(engine, articles, settings, folder, extracted)
    return _finish(engine, folder, firsts, skipped, settings, out_dir, store, progress,
                   store_dir / DIGESTS if store_dir is not None else None)


def _clear(folder: Path) -> None:
    """The files of an earlier sharded build in `folder` (a bulk load of shard-*.nq must not find stale ones)."""
    for pattern in ("part-*.pkl", "sightings-*.pkl", "identities-*.pkl", "shard-*", DEFAULT_NQ, shards.RESOLUTION):
        for path in folder.glob(pattern):
            path.unlink()
    _clear_temporaries(folder)


def _clear_temporaries(folder: Path, keep: Path | None = None) -> None:
    """What tasks whose worker died (or an earlier build that was stopped) left half-written in
    `folder`, once no task runs; `keep`: a folder of this build's."""
    temporaries = (".part-", ".shard-", ".sightings-", ".identities-", f".{shards.RESOLUTION}.", f".{DEFAULT_NQ}.",
                   ".totals.", ".finish.", ".outputs.")
    for path in folder.glob(".*"):
        if path.name.startswith(temporaries) and path != keep:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def _extract(engine: DaskEngine, articles: Sequence[Article], settings: Settings, folder: Path,
             progress: Callable[[int], None]) -> list[Skipped]:
    """Each partition extracted and saved by a worker; a partition whose worker died is extracted
    again by the engine (article by article if it dies again: kg.run.dask_engine) and saved here.
    Only the partitions in flight are held (`articles` may be on disk)."""
    settings = replace(settings, n_process=1)
    expected = extraction_signature(settings)
    gazetteer = Gazetteer.load()
    size = engine.partition_size
    pending = iter(range(0, len(articles), size))
    in_flight: dict[object, tuple[int, tuple[Article, ...]]] = {}

    def submit_next() -> None:
        for start in pending:
            part = tuple(articles[start:start + size])
            in_flight[engine.submit(shards.extract_shard, start // size, part, settings, str(folder))] = start // size, part
            return

    for _ in range(engine.window()):
        submit_next()
    skipped: dict[int, list[Skipped]] = {}
    while in_flight:
        for future in engine.wait_any(list(in_flight)):
            i, part = in_flight.pop(future)
            outcome = engine.result(future, expected)
            if isinstance(outcome, PartitionResult):
                results = outcome.results
                engine.partitions += 1
            else:
                results = tuple((a.key, r) for a, r in engine(part, settings, gazetteer))
                shards.save_part(folder, i, part, results)
            skipped[i] = [r for _, r in results if isinstance(r, Skipped)]
            progress(len(part))
            del part  # sent and saved: the client lets the articles go
            submit_next()
    return [s for i in sorted(skipped) for s in skipped[i]]


@collector_paused
def _finish(engine: DaskEngine, folder: Path, firsts: list[str], skipped: list[Skipped], settings: Settings,
            out_dir: Path | None, store, progress: Progress | None, digests: Path | None) -> BuildResult:
    stage(progress, stages.RESOLVING)
    report = _report(_resolve(engine, folder, len(firsts)), skipped, settings)  # the Resolution is let go
    built = sum(_map(engine, len(firsts), shards.sightings_shard, str(folder)))
    if not built:
        raise NothingToBuild(tuple(skipped))
    for _ in _map(engine, 1, shards.identities_shard, str(folder), firsts):
        pass
    graphs = stage(progress, stages.GRAPH, built)
    names = [shards.shard_name(i) for i in range(len(firsts))]
    with tempfile.TemporaryDirectory(dir=folder, prefix=".totals.") as work:
        totals = AnnotationTotals(Path(work))  # added up as the shards come, on disk (they grow with the corpus)
        mentions, dropped = 0, Counter[str]()
        for result in _map(engine, len(firsts), shards.graph_shard, str(folder), settings.base_iri,
                           f"kg@{__version__}"):
            for body, (count, articles) in result.totals.items():
                totals.add_counts(body, count, articles)
            mentions += result.mentions
            dropped.update(result.dropped)
            graphs(result.articles)
        _clear_temporaries(folder, keep=Path(work))
        runs = _sorted_keys((triple_key(t) for t in totals.triples()), Path(work))
        _complete(report, built, mentions, dropped)
        if store is not None:
            stage(progress, stages.STORE)
            report["store"] = _sync(store, folder, names, runs, digests)
        stage(progress, stages.OUTPUTS_ON_A_WORKER if out_dir is not None else stages.DEFAULT_ON_A_WORKER)
        report = _outputs(engine, folder, names, runs, report, settings.base_iri, out_dir)
    _clear_temporaries(folder)  # what a last task whose worker died left
    return BuildResult(out_dir, report, tuple(skipped))


def _sorted_keys(keys: Iterable[str], work: Path) -> list[Path]:
    """`keys` as sorted runs in `work` (kg.graph.runs), which the workers can read."""
    runs = SortedRuns(work, "totals", RUN_KEYS)
    for key in keys:
        runs.add(key)
    return runs.finish()


def _sync(store, folder: Path, names: list[str], runs: list[Path], digests: Path | None) -> dict[str, object]:
    """The shards (with the default graph's `runs`) synced into `store` from the client."""
    with scratch_folder("shards") as work:
        return sync(store, read_shards(folder, names, (), work, runs), digests).as_dict()


def _outputs(engine: DaskEngine, folder: Path, names: list[str], runs: list[Path], report: dict[str, object],
             base_iri: str, out_dir: Path | None) -> dict[str, object]:
    """DIR/default.nq and every output written by a worker (kg.run.shard_outputs); the outputs
    then moved into `out_dir`. The report, without its per-article entries."""
    target = Path(tempfile.mkdtemp(dir=folder, prefix=".outputs.")) if out_dir is not None else None
    try:
        (report,) = _map(engine, 1, finish_shard, str(folder), names, [str(r) for r in runs], report, base_iri,
                         str(target) if target is not None else None)
        if out_dir is not None and target is not None:
            move_outputs(target, out_dir)
        return report
    finally:
        if target is not None:
            shutil.rmtree(target, ignore_errors=True)


def _resolve(engine: DaskEngine, folder: Path, n: int) -> Resolution:
    """kg.resolve.resolver `resolve` as two reductions: each pass runs over the partitions on the
    workers, and the client adds up what they found in article-key order (the first pass's person
    index goes to the workers for the second in DIR/resolution.pkl, as the result does)."""
    persons = PersonSightings({}, {})
    for found in _map(engine, n, shards.persons_shard, str(folder)):
        persons.add(found)
    index = persons.index()
    del persons
    shards.save_resolution(folder, Resolution((), index))
    entities = EntitySightings({}, {}, {})
    for more in _map(engine, n, shards.entities_shard, str(folder)):
        entities.add(more)
    resolution = Resolution(entities.entities({e.key: e.label for e in Gazetteer.load().entries()}), index)
    shards.save_resolution(folder, resolution)
    return resolution


def _map(engine: DaskEngine, n: int, task: Callable, *args: object) -> Iterator:
    """`task(i, *args)` on the workers for each partition i (or once, n = 1), a window at a time;
    the results in partition order. A task that fails (its worker died) is run again, up to TRIES
    times in all; then EngineError."""
    pending = iter(range(n))
    in_flight: dict[object, int] = {}
    tries: Counter[int] = Counter()
    done: dict[int, object] = {}
    next_index = 0

    def submit(i: int) -> None:
        tries[i] += 1
        in_flight[engine.submit(task, i, *args)] = i

    for i in itertools.islice(pending, engine.window()):
        submit(i)
    while in_flight:
        for future in engine.wait_any(list(in_flight)):
            i = in_flight.pop(future)
            outcome = engine.result(future)
            if not isinstance(outcome, Exception):
                done[i] = outcome
                worker = getattr(outcome, "worker", None)
                if worker:
                    engine.workers_used.add(worker)
                for j in itertools.islice(pending, 1):
                    submit(j)
            elif tries[i] < TRIES:
                submit(i)
            else:
                raise EngineError(f"partition {i}'s task {getattr(task, '__name__', task)} failed {tries[i]} times "
                                  f"({type(outcome).__name__}: {outcome})")
        while next_index in done:
            yield done.pop(next_index)
            next_index += 1


def _report(resolution: Resolution, skipped: list[Skipped], settings: Settings) -> dict[str, object]:
    """The local build's report.json without what the graphs give (kg.export.report.build_report)."""
    return build_report((), tuple(sorted(skipped, key=lambda s: (s.source, s.reason))), resolution.entities, {}, 0,
                        {"kg_version": __version__, "model": settings.model, "base_iri": settings.base_iri})


def _complete(report: dict[str, object], built: int, mentions: int, dropped: Counter[str]) -> None:
    """What the graph shards give the report: how many articles and mentions, the facts dropped."""
    totals = report["totals"]
    assert isinstance(totals, dict)
    totals["articles"] = built
    totals["mentions"] = mentions
    report["dropped_facts"] = dict(sorted(dropped.items()))
