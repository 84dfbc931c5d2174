"""Bringing a store to a build's dataset: `sync` rewrites only the graphs that differ.

The whole change is one SPARQL update, so one transaction: a reader, or a build killed at any
moment, sees the store as it was or as it is after, never between, and never a staging graph. A
change whose text is over ONE_TRANSACTION_BYTES (a first build of a few hundred articles or more)
is applied graph by graph instead: each named graph in one transaction (every graph old or new),
then the merged default graph, last, in batches of DEFAULT_BATCH triples; a build killed while those
are written leaves the default graph partly merged until the next build completes it. The first
build into an empty store goes through Oxigraph's bulk loader (several times faster), with the same
caveat: killed meanwhile, it leaves part of the dataset, which the next build completes.

A partial sync (kg.run.incremental: the build made only the graphs whose fingerprint changed) keeps
every other graph as stored, with the digest and number of quads recorded for it, and takes the
whole dataset's own default-graph triples from the caller.

Memory: the build's quads are read where they are (`SortedQuads`, or `SpooledQuads` on disk, graph
by graph; a graph whose digest is the one recorded at the last sync is not read at all), each graph is
compared with the store's on its own, the text of a change is made only when it is sent, and the
merged default graph is compared through 16-byte digests of its triples rather than sets of quads
(at 1,000 generated articles the peak of a first `--store` build fell from 6.6 GB to about the
peak of a build without a store). A changed graph is read to be compared, let go, and read again
when written; a big change's default-graph triples are read from the build as they are added
(kg.dataset.default_graph): a first build of 20,000 articles held 23.7 GB here before.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.dataset.default_graph import GraphWrite, default_changes, default_changes_of, graph_quads
from kg.errors import InputError
from kg.graph.quads import QuadCollector, SortedQuads
from kg.graph.spool import BUILT, SpooledQuads

_STAGING = "urn:kg:staging:"  # graphs that stores written by earlier versions of kg may hold
ONE_TRANSACTION_BYTES = 256 * 2**20  # the whole change in one update when its text is no larger
DEFAULT_BATCH = 100_000  # triples of the merged default graph added per transaction in a big change
# raised when what the record holds changes; 2: SortedQuads.digests; 3: each graph's digest, its
# number of quads and the fingerprint of what it was built from (kg.run.incremental)
DIGESTS_FORMAT = "kg-graph-digests 3"


@dataclass(frozen=True)
class SyncReport:
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    unchanged: int
    quads: int = 0  # of the whole dataset (kept graphs included), as `len()` of a full build's quads
    built: int | None = None  # graphs the build made (kg.run.incremental); the others were kept as stored

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {"graphs_added": list(self.added), "graphs_replaced": list(self.replaced),
                                    "graphs_unchanged": self.unchanged}
        if self.built is not None:
            found["graphs_built"] = self.built
        return found


def _data(graph: ox.NamedNode | None, triples: Iterable[tuple]) -> str:
    """Triples as the body of INSERT DATA / DELETE DATA (N-Triples terms are SPARQL terms)."""
    text = " .\n".join(f"{s} {p} {o}" for s, p, o in triples)
    body = text + " ." if text else ""
    return f"{{ GRAPH {graph} {{ {body} }} }}" if graph is not None else f"{{ {body} }}"


Record = dict[str, tuple[str, int, str]]  # graph IRI -> (digest, number of quads, fingerprint)


def _plan(store: ox.Store, quads: SortedQuads | SpooledQuads, recorded: Record | None):
    """The named graphs to write, every built graph's digest and number of quads, and the report. A
    graph whose digest is the one recorded at the last sync is not read from the store, nor from the
    build's quads (on disk, `SpooledQuads`, it is not even parsed); a changed one is read to be
    compared and let go, and read again when written."""
    writes: list[GraphWrite] = []
    digests: dict[str, tuple[str, int]] = {}
    added: list[str] = []
    replaced: list[str] = []
    unchanged = 0
    for graph, read in quads.named_graphs():
        if not isinstance(graph, ox.NamedNode):  # SPARQL cannot DROP a blank-node graph
            raise InputError(f"store: the graph {graph} is named by a blank node")
        digest = quads.digests[str(graph)]  # made while sorting (SortedQuads.digests)
        before = recorded.get(graph.value) if recorded is not None else None
        if before is not None and before[0] == digest:
            digests[graph.value] = (digest, before[1])  # the same digest: the same quads
            unchanged += 1
            continue
        rows = read()
        digests[graph.value] = (digest, len(rows))
        old = set(store.quads_for_pattern(None, None, None, graph))
        if (old or not rows) and old == graph_quads(graph, rows):  # none stored: added, nothing to compare
            unchanged += 1
            continue
        (replaced if old else added).append(graph.value)
        writes.append(GraphWrite(graph, read, len(rows), old))
    return writes, digests, SyncReport(tuple(added), tuple(replaced), unchanged)


def _operations(store: ox.Store, writes: list[GraphWrite], default: tuple[list, list]) -> Iterator[list[str]]:
    """The SPARQL operations, one group per graph, the default graph last; made one at a time."""
    stale = sorted((g for g in store.named_graphs() if g.value.startswith(_STAGING)), key=str)
    if stale:
        yield [f"DROP SILENT GRAPH {g}" for g in stale]
    for write in writes:
        new = sorted(((q.subject, q.predicate, q.object) for q in graph_quads(write.graph, write.rows())), key=str)
        yield ([f"DROP SILENT GRAPH {write.graph}"] if write.old else []) + [f"INSERT DATA {_data(write.graph, new)}"]
    removed, more = default
    if removed or more:
        yield (([f"DELETE DATA {_data(None, removed)}"] if removed else [])
               + ([f"INSERT DATA {_data(None, more)}"] if more else []))


def _apply_graph_by_graph(store: ox.Store, writes: list[GraphWrite], default: tuple[list, Iterable[tuple]]) -> None:
    """A big change: each named graph in its own transaction (a new one added as quads, with no
    update text to make and parse), then the default graph's removals in one and its additions in
    bounded batches (its text in one update would be gigabytes), read as they are added."""
    for group in _operations(store, [w for w in writes if w.old], ([], [])):
        store.update(" ;\n".join(group))
    for write in writes:
        if not write.old:
            store.extend(graph_quads(write.graph, write.rows()))  # one transaction
    removed, more = default
    if removed:
        store.update(f"DELETE DATA {_data(None, removed)}")
    triples = iter(more)
    while batch := [ox.Quad(s, p, o) for s, p, o in itertools.islice(triples, DEFAULT_BATCH)]:
        store.extend(batch)


def _empty(store: ox.Store) -> bool:
    return next(store.quads_for_pattern(None, None, None, None), None) is None  # not len(): a full scan


def _bulk_load(store: ox.Store, writes: list[GraphWrite], merged: Iterable[tuple]) -> None:
    """The first build into an empty store: every graph, then the merged default graph, through
    Oxigraph's bulk loader, several times faster than transactions (300 generated articles: 23 s
    against 6), without their guarantee: a build killed meanwhile leaves part of the dataset, which
    the next sync compares and completes (the record of digests is written after)."""
    def every_quad() -> Iterator[ox.Quad]:
        for write in writes:
            graph = write.graph
            yield from (ox.Quad(s, p, o, graph) for s, p, o in write.rows())
        yield from (ox.Quad(s, p, o) for s, p, o in merged)  # read as they are loaded, not held

    store.bulk_extend(every_quad())


def _size(writes: list[GraphWrite], default: tuple[list, list] = ([], [])) -> int:
    """About the length of the change's text (to choose one transaction or one per graph)."""
    rows = sum(write.count for write in writes) + len(default[0]) + len(default[1])
    sample = [row for write in writes[:20] for row in write.rows()[:50]] or default[1][:1000] or default[0][:1000]
    per_row = sum(len(f"{s} {p} {o} .\n") for s, p, o in sample) / max(1, len(sample))
    return int(rows * per_row)


def sync(store: ox.Store, quads: SortedQuads | SpooledQuads | Iterable[ox.Quad], digests: Path | None = None,
         fingerprints: dict[str, str] | None = None, default: list[tuple] | None = None) -> SyncReport:
    """Make the store hold `quads` (a full build), rewriting only the graphs that differ (see the module).

    `digests` (a file beside the database) records each graph's digest after a complete sync; with
    it, unchanged graphs are not read back and the default graph's change is worked out from the
    changed graphs alone. It is removed before the store changes and written after, so a build
    killed in between leaves none and the next sync compares everything. `fingerprints` (graph IRI ->
    what its graph was built from, kg.run.incremental) are recorded with the digests.

    With `default` the build is partial: `quads` holds only the graphs that were built again, every
    other graph of `fingerprints` is kept as the store holds it, and `default` is the whole dataset's
    own default graph (extraction-graph triples and totals). It needs the record of the last sync."""
    if not isinstance(quads, BUILT):
        quads = _collected(quads)
    recorded = _read_digests(digests)
    if default is not None and (recorded is None or fingerprints is None):
        raise ValueError("a partial sync needs the record of the last complete sync and every graph's fingerprint")
    writes, graph_digests, report = _plan(store, quads, recorded)
    kept = 0
    if default is not None:
        assert recorded is not None and fingerprints is not None  # checked above
        for graph in fingerprints.keys() - graph_digests.keys():
            graph_digests[graph] = recorded[graph][:2]  # KeyError: a kept graph the record does not know
            kept += 1
    if digests is not None:
        digests.unlink(missing_ok=True)
    _apply(store, writes, quads, default, recorded is not None)
    store.flush()
    if digests is not None:
        from kg.export.atomic import write_text_atomic  # imported here: the store is read without it

        fps = fingerprints or {}
        graphs = {g: [d, n, fps.get(g, "")] for g, (d, n) in graph_digests.items()}
        write_text_atomic(digests, json.dumps({"format": DIGESTS_FORMAT, "graphs": graphs}, sort_keys=True))
    count = len(quads) if default is None else sum(n for _, n in graph_digests.values()) + len(set(default))
    return SyncReport(report.added, report.replaced, report.unchanged + kept, count)


def _apply(store: ox.Store, writes: list[GraphWrite], quads: SortedQuads | SpooledQuads, default: list | None,
           recorded: bool) -> None:
    """Write the change: in one transaction when small, else graph by graph. With the record of the
    last sync the default graph's change comes from the changed graphs alone, unless the build is
    full and its named graphs alone are a big change: then, as without a record, it is compared
    with every merged triple, and when big, those to add are read as they are written."""
    if default is None and _empty(store):  # a first build
        _bulk_load(store, writes, quads.merged)
        return
    big = _size(writes) > ONE_TRANSACTION_BYTES  # the named graphs alone
    if default is None and (big or not recorded):
        removed, more = default_changes(store, lambda: quads.merged)
        if big:
            _apply_graph_by_graph(store, writes, (removed, more))
            return
        changes = (removed, sorted(more, key=str))
    else:
        changes = default_changes_of(store, quads.default if default is None else default, writes)
    if not big and _size(writes, changes) <= ONE_TRANSACTION_BYTES:
        operations = [op for group in _operations(store, writes, changes) for op in group]
        if operations:
            store.update(" ;\n".join(operations))
    else:
        _apply_graph_by_graph(store, writes, changes)


def _collected(quads: Iterable[ox.Quad]) -> SortedQuads:
    collector = QuadCollector()
    for q in quads:
        graph = q.graph_name
        if not isinstance(graph, (ox.DefaultGraph, ox.NamedNode)):
            raise InputError(f"store: the graph {graph} is named by a blank node")
        collector.graph(None if isinstance(graph, ox.DefaultGraph) else graph).add((q.subject, q.predicate, q.object))
    return collector.finish()


def _read_digests(path: Path | None) -> Record | None:
    """The record of the last complete sync, or None (no file, another format, unreadable)."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != DIGESTS_FORMAT or not isinstance(data.get("graphs"), dict):
        return None
    try:
        return {g: (str(d), int(n), str(f)) for g, (d, n, f) in data["graphs"].items()}
    except (TypeError, ValueError):
        return None


def recorded_fingerprints(path: Path) -> dict[str, str] | None:
    """Graph IRI -> the fingerprint recorded at the last complete sync (kg.run.incremental), or None
    when there is no usable record."""
    recorded = _read_digests(path)
    return None if recorded is None else {g: f for g, (_, _, f) in recorded.items()}
