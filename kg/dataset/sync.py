"""Bringing a store to a build's dataset: `sync` rewrites only the graphs that differ.

The whole change is one SPARQL update, so one transaction: a reader, or a build killed at any
moment, sees the store as it was or as it is after, never between, and never a staging graph. A
change whose text is over ONE_TRANSACTION_BYTES (a first build of a few hundred articles or more)
is applied graph by graph instead: each named graph in one transaction (every graph old or new),
then the merged default graph, last, in batches of DEFAULT_BATCH triples; a build killed while those
are written leaves the default graph partly merged until the next build completes it.

Memory: the build's quads are read where they are (`SortedQuads`, graph by graph), each graph is
compared with the store's on its own, the text of a change is made only when it is sent, and the
merged default graph is compared through 16-byte digests of its triples rather than sets of quads
(at 1,000 generated articles the peak of a first `--store` build fell from 6.6 GB to about the
peak of a build without a store).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import InputError
from kg.graph.quads import QuadCollector, SortedQuads

_STAGING = "urn:kg:staging:"  # graphs that stores written by earlier versions of kg may hold
ONE_TRANSACTION_BYTES = 256 * 2**20  # the whole change in one update when its text is no larger
DEFAULT_BATCH = 100_000  # triples of the merged default graph added per transaction in a big change
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = ox.NamedNode(_XSD + "integer")
# Oxigraph stores the types derived from xsd:integer as xsd:integer: compare them as it holds them
_DERIVED_INTEGERS = frozenset(_XSD + t for t in (
    "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))


@dataclass(frozen=True)
class SyncReport:
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    unchanged: int

    def as_dict(self) -> dict[str, object]:
        return {"graphs_added": list(self.added), "graphs_replaced": list(self.replaced),
                "graphs_unchanged": self.unchanged}


def _stored(term):
    """A term as the store holds it."""
    if type(term) is ox.Literal and term.datatype.value in _DERIVED_INTEGERS:
        return ox.Literal(term.value, datatype=_INTEGER)
    return term


def _graph_quads(graph: ox.NamedNode, rows: Iterable[tuple]) -> set[ox.Quad]:
    return {ox.Quad(s, p, _stored(o), graph) for s, p, o in rows}


def _digest(s, p, o) -> bytes:
    return hashlib.blake2b(f"{s} {p} {o}".encode(), digest_size=16).digest()


def _data(graph: ox.NamedNode | None, triples: Iterable[tuple]) -> str:
    """Triples as the body of INSERT DATA / DELETE DATA (N-Triples terms are SPARQL terms)."""
    text = " .\n".join(f"{s} {p} {o}" for s, p, o in triples)
    body = text + " ." if text else ""
    return f"{{ GRAPH {graph} {{ {body} }} }}" if graph is not None else f"{{ {body} }}"


def _default_changes(store: ox.Store, quads: SortedQuads) -> tuple[list[tuple], list[tuple]]:
    """(triples to delete, triples to insert) that make the store's default graph the merge of all
    the build's graphs, compared by digest."""
    new = {_digest(s, p, _stored(o)) for s, p, o in quads.merged}
    removed: list[tuple] = []
    kept: set[bytes] = set()
    for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        key = _digest(q.subject, q.predicate, q.object)
        if key in new:
            kept.add(key)
        else:
            removed.append((q.subject, q.predicate, q.object))
    added = [(s, p, _stored(o)) for s, p, o in quads.merged if _digest(s, p, _stored(o)) not in kept]
    return sorted(removed, key=str), sorted(added, key=str)


def _plan(store: ox.Store, quads: SortedQuads) -> tuple[list[tuple[ox.NamedNode, list, bool]], SyncReport]:
    """The named graphs to write (graph, its rows, whether it replaces one) and the report."""
    writes: list[tuple[ox.NamedNode, list, bool]] = []
    added: list[str] = []
    replaced: list[str] = []
    unchanged = 0
    for graph, rows in quads.graphs:
        if isinstance(graph, ox.DefaultGraph):
            continue
        if not isinstance(graph, ox.NamedNode):  # SPARQL cannot DROP a blank-node graph
            raise InputError(f"store: the graph {graph} is named by a blank node")
        old = set(store.quads_for_pattern(None, None, None, graph))
        if old == _graph_quads(graph, rows):
            unchanged += 1
            continue
        (replaced if old else added).append(graph.value)
        writes.append((graph, rows, bool(old)))
    return writes, SyncReport(tuple(added), tuple(replaced), unchanged)


def _operations(store: ox.Store, writes: list, default: tuple[list, list]) -> Iterator[list[str]]:
    """The SPARQL operations, one group per graph, the default graph last; made one at a time."""
    stale = sorted((g for g in store.named_graphs() if g.value.startswith(_STAGING)), key=str)
    if stale:
        yield [f"DROP SILENT GRAPH {g}" for g in stale]
    for graph, rows, replaces in writes:
        new = sorted(((q.subject, q.predicate, q.object) for q in _graph_quads(graph, rows)), key=str)
        yield ([f"DROP SILENT GRAPH {graph}"] if replaces else []) + [f"INSERT DATA {_data(graph, new)}"]
    removed, more = default
    if removed or more:
        yield (([f"DELETE DATA {_data(None, removed)}"] if removed else [])
               + ([f"INSERT DATA {_data(None, more)}"] if more else []))


def _apply_graph_by_graph(store: ox.Store, writes: list, default: tuple[list, list]) -> None:
    """A big change: each named graph in its own transaction, then the default graph's removals in
    one and its additions in bounded batches (its text in one update would be gigabytes)."""
    for group in _operations(store, writes, ([], [])):
        store.update(" ;\n".join(group))
    removed, more = default
    if removed:
        store.update(f"DELETE DATA {_data(None, removed)}")
    for start in range(0, len(more), DEFAULT_BATCH):
        store.extend(ox.Quad(s, p, o) for s, p, o in more[start:start + DEFAULT_BATCH])


def _size(writes: list, default: tuple[list, list]) -> int:
    """About the length of the change's text (to choose one transaction or one per graph)."""
    rows = sum(len(rows) for _, rows, _ in writes) + len(default[0]) + len(default[1])
    sample = [row for _, rows, _ in writes[:20] for row in rows[:50]] or default[1][:1000] or default[0][:1000]
    per_row = sum(len(f"{s} {p} {o} .\n") for s, p, o in sample) / max(1, len(sample))
    return int(rows * per_row)


def sync(store: ox.Store, quads: SortedQuads | Iterable[ox.Quad]) -> SyncReport:
    """Make the store hold `quads` (a full build), rewriting only the graphs that differ (see the module)."""
    if not isinstance(quads, SortedQuads):
        collector = QuadCollector()
        for q in quads:
            graph = q.graph_name
            if not isinstance(graph, (ox.DefaultGraph, ox.NamedNode)):
                raise InputError(f"store: the graph {graph} is named by a blank node")
            collector.graph(None if isinstance(graph, ox.DefaultGraph) else graph).add((q.subject, q.predicate, q.object))
        quads = collector.finish()
    writes, report = _plan(store, quads)
    default = _default_changes(store, quads)
    if _size(writes, default) <= ONE_TRANSACTION_BYTES:
        operations = [op for group in _operations(store, writes, default) for op in group]
        if operations:
            store.update(" ;\n".join(operations))
    else:
        _apply_graph_by_graph(store, writes, default)
    store.flush()
    return report
