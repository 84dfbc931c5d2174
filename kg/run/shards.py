"""What a Dask worker runs for a sharded build (`kg build --engine dask --shards DIR`; the client
side is kg.run.sharded), and the files it leaves in the shared folder DIR.

A partition is a run of articles contiguous in article-key order. For partition N:
- `part-N.pkl`: its articles and their packed extractions (kg.nlp.packed), written by `extract_shard`;
- `sightings-N.pkl`: what in its articles decides the identities that need every article (events',
  aid packages', statements'), written by `sightings_shard`; `identities-N.pkl`: its share of those
  identities, written for every partition by one task, `identities_shard`;
- `shard-N.nq`, `shard-N.merged-*.keys`, `shard-N.json`: its named graphs as N-Quads, its sorted
  runs of merged keys and its index (kg.graph.spool `QuadSpool.save`), and `shard-N.report.pkl`, its
  articles' entries in report.json, written by `graph_shard`.
Every file is written under a temporary name and renamed into place, and what a task writes
depends only on its inputs: a task run again (its worker died) writes the same bytes over them.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.config import Settings
from kg.export.report import build_report
from kg.graph.build import write_graphs
from kg.graph.iris import IriMinter
from kg.graph.spool import QuadSpool
from kg.ingest import Article, Skipped
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.packed import PackedExtraction
from kg.resolve.facts import FactResolver, remark_keys
from kg.resolve.model import ResolvedArticle
from kg.resolve.resolver import EntitySightings, PersonSightings, Resolution, entity_sightings, person_sightings
from kg.resolve.sightings import Sightings
from kg.run.dask_worker import PartitionResult, extract_partition
from kg.util.nogc import collector_paused

Packed = list[tuple[Article, PackedExtraction]]  # a partition's extracted articles, in article-key order


def part_name(index: int) -> str:
    return f"part-{index:06d}.pkl"


def shard_name(index: int) -> str:
    return f"shard-{index:06d}"


def write_atomic(path: Path, data: bytes) -> None:
    """`data` into `path`, through a temporary file in the same folder renamed into place."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as out:
        out.write(data)
    os.replace(out.name, path)


def save_part(folder: Path, index: int, articles: Sequence[Article],
              results: Sequence[tuple[str, PackedExtraction | Skipped]]) -> None:
    """Partition `index`'s extracted articles (in the order of `articles`) into `folder`."""
    by_key = dict(results)
    kept = [(a, by_key[a.key]) for a in articles if not isinstance(by_key[a.key], Skipped)]
    write_atomic(folder / part_name(index), pickle.dumps(kept, protocol=5))


def load_part(folder: Path, index: int) -> Packed:
    with open(folder / part_name(index), "rb") as part:
        return pickle.load(part)


def extract_shard(index: int, articles: tuple[Article, ...], settings: Settings, folder: str) -> PartitionResult:
    """Runs on a worker: extract partition `index` (kg.run.dask_worker.extract_partition) and save
    it into the shared `folder`; only the skipped articles' reasons go back to the client."""
    result = extract_partition(articles, settings)
    save_part(Path(folder), index, articles, result.results)
    return PartitionResult(result.worker, result.signature,
                           tuple((key, r if isinstance(r, Skipped) else None) for key, r in result.results))  # type: ignore[misc]


@dataclass(frozen=True)
class Identities:
    """The keys decided from every article (kg.run.build `_identities`, and the statements'), of
    one partition's articles: events', aid packages' and statements' (with their scores)."""

    events: dict[tuple[str, int], str]
    grants: dict[tuple[str, int], str]
    remarks: dict[tuple[str, int], tuple[str, float]]


@dataclass(frozen=True)
class ShardResult:
    """What a worker sends back for one partition's graphs: small aggregates only."""

    worker: str
    totals: dict[str, tuple[int, int]]  # annotation body IRI -> (mentions, articles) (kg.graph.totals)
    articles: int  # how many articles the shard holds
    mentions: int
    dropped: dict[str, int]


DEFAULT_NQ = "default.nq"  # the default graph: with the shards' N-Quads, the whole dataset
RESOLUTION = "resolution.pkl"  # the build's Resolution, written by the client, read by every worker
_loaded: dict[tuple[str, int, int, int], Resolution] = {}  # the last one read in this process


def save_resolution(folder: Path, resolution: Resolution) -> None:
    write_atomic(folder / RESOLUTION, pickle.dumps(resolution, protocol=5))


def load_resolution(folder: Path) -> Resolution:
    """The build's Resolution from the shared folder, read once per worker process and build."""
    stat = (folder / RESOLUTION).stat()
    key = (str(folder), stat.st_ino, stat.st_mtime_ns, stat.st_size)  # a new file each time (renamed into place)
    if key not in _loaded:
        _loaded.clear()
        with open(folder / RESOLUTION, "rb") as saved:
            _loaded[key] = pickle.load(saved)
    return _loaded[key]


def persons_shard(index: int, folder: str) -> PersonSightings:
    """Runs on a worker: resolution's first pass over partition `index` (kg.resolve.resolver)."""
    return person_sightings(packed.mentions() for _, packed in load_part(Path(folder), index))


def entities_shard(index: int, folder: str) -> EntitySightings:
    """Runs on a worker: resolution's second pass over partition `index`, with the person index of
    the whole build (the Resolution saved without its entities)."""
    persons = load_resolution(Path(folder)).persons
    return entity_sightings((packed.mentions() for _, packed in load_part(Path(folder), index)), persons)


def sightings_name(index: int) -> str:
    return f"sightings-{index:06d}.pkl"


def identities_name(index: int) -> str:
    return f"identities-{index:06d}.pkl"


def sightings_shard(index: int, folder: str) -> int:
    """Runs on a worker: the sightings of partition `index`'s articles, with the build's Resolution,
    saved into `folder`; how many articles the partition has."""
    resolution = load_resolution(Path(folder))
    part = load_part(Path(folder), index)
    found = Sightings(with_statements=True)  # (their identities are decided from every partition's)
    for article, packed in part:
        found.add(*packed.unpack(), article.published, resolution)
    write_atomic(Path(folder) / sightings_name(index), pickle.dumps(found, protocol=5))
    return found.articles


def identities_shard(_: int, folder: str, firsts: list[str]) -> None:
    """Runs on a worker, once for the build: the keys that need every article (kg.run.build
    `_identities`: events', aid packages'; and statements', which a speaker's earlier remarks
    decide), from every partition's sightings in article-key order, saved as each partition's
    share (`firsts`: each partition's first article key)."""
    every = Sightings()  # (the statements' keys are decided partition by partition, in order)
    remarks: dict[tuple[str, int], tuple[str, float]] = {}
    known: dict[str, list] = {}  # each speaker's remarks so far
    for index in range(len(firsts)):
        with open(Path(folder) / sightings_name(index), "rb") as saved:
            found: Sightings = pickle.load(saved)
        every.roles += found.roles
        every.events += found.events
        every.grants += found.grants
        remarks.update(remark_keys(found.statements, known))
        del found
    events, grants = every.identities()
    shares = [Identities({}, {}, {}) for _ in firsts]
    for keys, share in ((events, "events"), (grants, "grants"), (remarks, "remarks")):
        for key, value in keys.items():
            getattr(shares[bisect_right(firsts, key[0]) - 1], share)[key] = value
    for index, identities in enumerate(shares):
        write_atomic(Path(folder) / identities_name(index), pickle.dumps(identities, protocol=5))


def graph_shard(index: int, folder: str, base_iri: str, extractor: str) -> ShardResult:
    """Runs on a worker: resolve partition `index`'s articles, write their named graphs as a shard
    and their report entries beside it."""
    from distributed import get_worker

    resolution = load_resolution(Path(folder))
    with open(Path(folder) / identities_name(index), "rb") as saved:
        identities = pickle.load(saved)
    return _graph_shard(index, Path(folder), resolution, identities, base_iri, extractor, get_worker().address)


@collector_paused
def _graph_shard(index: int, folder: Path, resolution: Resolution, identities: Identities, base_iri: str,
                 extractor: str, worker: str) -> ShardResult:
    part = load_part(folder, index)
    facts = FactResolver(identities.events, identities.grants, identities.remarks)
    mentioned: dict[str, tuple[str, ...]] = {}
    with tempfile.TemporaryDirectory(dir=folder, prefix=f".{shard_name(index)}.") as work:
        spool = QuadSpool(Path(work))
        totals = write_graphs(_resolved(part, resolution, facts, mentioned), resolution.entities, Gazetteer.load(),
                              IriMinter(base_iri), extractor, spool)
        sums = {body: (m, a) for body, m, a in totals.counts()}  # read before the work folder goes
        spool.save(folder, shard_name(index))
    report = build_report(tuple(a for a, _ in part), (), resolution.entities, mentioned, 0, {})
    write_atomic(folder / report_name(index), pickle.dumps(report["articles"], protocol=5))
    return ShardResult(worker, sums, len(part), sum(len(m) for m in mentioned.values()), dict(facts.dropped))


def report_name(index: int) -> str:
    return f"{shard_name(index)}.report.pkl"


def report_entries(folder: Path, n: int) -> dict[str, dict[str, object]]:
    """The report.json entries of every partition's articles, in article-key order."""
    entries: dict[str, dict[str, object]] = {}
    for index in range(n):
        with open(folder / report_name(index), "rb") as saved:
            entries.update(pickle.load(saved))
    return entries


def _resolved(part: Packed, resolution: Resolution, facts: FactResolver,
              mentioned: dict[str, tuple[str, ...]]) -> Iterator[ResolvedArticle]:
    """As kg.run.build.resolved_articles, for one partition."""
    for article, packed in part:
        mentions, found = packed.unpack()
        resolved = resolution.article(mentions)
        entity_of = {(rm.mention.start, rm.mention.end): rm.entity_key for rm in resolved}
        mentioned[article.key] = tuple(rm.entity_key for rm in resolved)
        yield ResolvedArticle(article, resolved, facts.article(found, entity_of), found.sentences)
