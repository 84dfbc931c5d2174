"""The dataset as sorted pyoxigraph quads: what the graph stage hands to the exports and the store.

The graph stage appends triples to light per-graph lists (`QuadCollector`); `finish()` removes
duplicates and sorts once, on the N-Quads spelling of each term: graph (the default graph
first), subject, rdf:type first (so that Turtle reads "<x> a schema:Person ; …"), predicate,
object. The merged graph (every triple once, for Turtle) comes from the same pass. An rdflib
`Dataset` is made from the quads only when asked (`to_rdflib`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

import pyoxigraph as ox

_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


class Appender(Protocol):
    def append(self, triple: tuple, /) -> None: ...


class GraphWriter:
    """One graph being written: `add((s, p, o))` with pyoxigraph terms (duplicates allowed)."""

    __slots__ = ("add",)

    def __init__(self, triples: list | Appender):
        self.add = triples.append


Triple = tuple  # (subject, predicate, object): pyoxigraph terms
GraphRun = tuple  # (graph name: ox.NamedNode or ox.DefaultGraph, [Triple, …])


@dataclass(frozen=True)
class SortedQuads:
    """Every quad of a dataset once, sorted; and every triple of all graphs merged once, sorted.

    `graphs` holds the quads as plain tuples of terms, graph by graph (reading them is much cheaper
    than reading the attributes of `ox.Quad` objects). `ox.Quad`s are made one at a time when a
    writer asks (`iter_quads`): a list of them would hold a copy of every term, about 440 bytes a
    quad (6 GB at 10,000 articles). `merged` holds the merged triples; `iter_triples()` likewise.
    """

    merged: list[Triple]
    graphs: list[GraphRun]
    count: int
    # each named graph's digest (by its N-Quads spelling): a hash of its sorted triples' spelling,
    # made from the sort keys while they exist (kg.dataset.sync compares it with the last sync's)
    digests: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return self.count

    def iter_quads(self) -> Iterator[ox.Quad]:
        return (ox.Quad(s, p, o, graph) for graph, rows in self.graphs for s, p, o in rows)

    @property
    def quads(self) -> list[ox.Quad]:
        """Every quad as a list (made on each call; for small datasets and tests)."""
        return list(self.iter_quads())

    def iter_triples(self) -> Iterator[ox.Triple]:
        return (ox.Triple(s, p, o) for s, p, o in self.merged)

    @property
    def default(self) -> list[Triple]:
        """The rows of the default graph (the first run, when there is one)."""
        return self.graphs[0][1] if self.graphs and isinstance(self.graphs[0][0], ox.DefaultGraph) else []

    def quad_runs(self) -> Iterator[tuple[ox.NamedNode | ox.DefaultGraph, list[Triple], list[ox.Quad]]]:
        """(graph, rows, its `ox.Quad`s) of each graph, in order (the quads made one graph at a time)."""
        return ((graph, rows, [ox.Quad(s, p, o, graph) for s, p, o in rows]) for graph, rows in self.graphs)

    def named_graphs(self) -> Iterator[tuple[ox.NamedNode, Callable[[], list[Triple]]]]:
        """(graph, a function that gives its rows) of each named graph, in order (as `SpooledQuads`)."""
        return ((graph, partial(_same, rows)) for graph, rows in self.graphs if not isinstance(graph, ox.DefaultGraph))

    def to_rdflib(self):
        """The quads as an rdflib Dataset (for code written against rdflib; slow on big builds)."""
        return to_rdflib(self.iter_quads())


class QuadCollector:
    """Collects the triples of each graph; `finish()` gives the sorted, de-duplicated dataset."""

    def __init__(self) -> None:
        self._graphs: dict[ox.NamedNode | ox.DefaultGraph, list] = {}

    def graph(self, name: ox.NamedNode | None = None) -> GraphWriter:
        """The named graph `name` (the default graph when None)."""
        key = ox.DefaultGraph() if name is None else name
        triples = self._graphs.get(key)
        if triples is None:
            triples = self._graphs[key] = []
        return GraphWriter(triples)

    def named_graphs(self) -> Iterator[tuple[ox.NamedNode, list]]:
        """Each named graph with its triples so far (duplicates included)."""
        return ((g, triples) for g, triples in self._graphs.items() if not isinstance(g, ox.DefaultGraph))

    def add_graph(self, name: ox.NamedNode, triples: list) -> None:
        """A complete named graph (the interface `kg.graph.spool.QuadSpool` shares)."""
        self._graphs.setdefault(name, []).extend(triples)

    def finish(self) -> SortedQuads:
        merged: dict[str, tuple] = {}
        count = 0
        spelled: dict[str, ox.NamedNode | ox.DefaultGraph] = {
            "" if isinstance(g, ox.DefaultGraph) else str(g): g for g in self._graphs}
        # Terms are the same objects again and again: spell each once (by id: they stay alive here)
        graphs: list[GraphRun] = []
        spellings = Spellings()
        digests: dict[str, str] = {}
        for graph_key in sorted(spelled):
            graph = spelled[graph_key]
            keyed = spellings.keyed(self._graphs[graph])
            merged.update(keyed)
            keys = sorted(keyed)
            rows = [keyed[k] for k in keys]
            graphs.append((graph, rows))
            count += len(rows)
            if graph_key:
                digests[graph_key] = graph_digest(keys)
        return SortedQuads([merged[k] for k in sorted(merged)], graphs, count, digests)


class Spellings:
    """The sort key of each triple: the N-Quads spelling of its terms, each term spelled once (cached
    by id: the caller keeps the terms alive while it is used)."""

    def __init__(self) -> None:
        self.subjects: dict[int, str] = {}
        self.predicates: dict[int, str] = {}
        self.objects: dict[int, str] = {}

    def keyed(self, triples: Iterable[tuple]) -> dict[str, tuple]:
        """Each distinct triple by its sort key: subject, rdf:type first, predicate, object; "\0"
        (never in N-Quads text) ends each part."""
        subjects, predicates, objects = self.subjects, self.predicates, self.objects
        keyed = {}
        for triple in triples:
            s, p, o = triple
            subject = subjects.get(id(s))
            if subject is None:
                subject = subjects[id(s)] = f"{s}\0"
            predicate = predicates.get(id(p))
            if predicate is None:
                predicate = predicates[id(p)] = _predicate_part(str(p))
            obj = objects.get(id(o))
            if obj is None:
                obj = objects[id(o)] = str(o)
            keyed[subject + predicate + obj] = triple
        return keyed


def triple_key(triple: tuple) -> str:
    """A triple's sort key, as `Spellings.keyed` makes it (without its cache: for terms that do not live on)."""
    s, p, o = triple
    return f"{s}\0{_predicate_part(str(p))}{o}"


def _predicate_part(spelling: str) -> str:
    """A predicate's part of a sort key: rdf:type first ("0"), then the others ("1"); "\0" ends it."""
    return ("1" if spelling != _TYPE else "0") + spelling + "\0"


def _same(rows: list[Triple]) -> list[Triple]:
    return rows


def graph_digest(keys: list[str]) -> str:
    """A named graph's digest: a hash of its sorted triples' keys (kg.dataset.sync compares them)."""
    return hashlib.blake2b("\n".join(keys).encode(), digest_size=16).hexdigest()


def key_line(key: str, tail: str) -> str:
    """The N-Quads (or, with `tail` " .", N-Triples) line of a sort key."""
    subject, predicate, obj = key.split("\0", 2)
    return f"{subject} {predicate[1:]} {obj}{tail}\n"


def graph_runs(quads: Iterable[ox.Quad]) -> list[GraphRun]:
    """Quads as runs of one graph each, in their order (the terms of each quad read once)."""
    runs: list[GraphRun] = []
    current = None
    for q in quads:
        graph = q.graph_name
        if current is None or graph != current:
            current = graph
            runs.append((graph, []))
        runs[-1][1].append((q.subject, q.predicate, q.object))
    return runs


def to_rdflib(quads):
    """pyoxigraph quads as an rdflib Dataset."""
    from rdflib import BNode, Dataset, Literal, URIRef

    def term(t):
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        return Literal(t.value, datatype=URIRef(t.datatype.value)) if t.datatype.value != _XSD_STRING else Literal(t.value)

    dataset = Dataset()
    for q in quads:
        g = q.graph_name
        target = dataset if isinstance(g, ox.DefaultGraph) else dataset.graph(URIRef(g.value))
        target.add((term(q.subject), term(q.predicate), term(q.object)))
    return dataset


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
