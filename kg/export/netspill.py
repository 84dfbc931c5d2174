"""The network projection of a build in bounded memory: what `kg.export.projection.network_of` makes,
gathered graph by graph while the dumps are written, with the evidence on disk.

`NetworkSpill.add(rows)` reads one graph's rows (kg.export.rdf.write_dumps hands it each graph) with
`Collected`, keeps per node only its types, labels and alt labels (and the properties of structured
values and blank nodes, which are folded into the nodes that point to them) and writes the rest to an
SQLite file in its folder: the (predicate, object) pairs each node is the subject of, each (node,
article) mention count and each (node, sentence) with its mentioned spans.
An annotation, its target, its selectors and its article's text are in one graph (as kg writes them).
`project` then walks the nodes in order, each with its properties and evidence read back sorted from
the file (never more than one node's at a time), into GraphML and GEXF streams (kg.export.graphfiles,
written by kg.export.netfiles) and a networkx graph for the view: at most `max_evidence` sentences
a node (the view shows no more; it is given how many there are), and above `view_limit` nodes only
the most connected. The files are byte for byte those of the whole projection (`network_of`).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.export.graphfiles import Unsupported
from kg.export.netrows import Terms, by_node, read_evidence, stored
from kg.export.network import key_types, scalars, uniform_row
from kg.export.projection import (
    _NO_SURFACE_LABELS,
    _NOT_ATTRIBUTES,
    _attribute,
    _blank,
    _collapse,
    _text_label,
    _value,
    annotation_mentions,
    main_kind,
    relation_name,
)
from kg.export.quadscan import Collected, Term, curie, term_key

_SCHEMA = ("CREATE TABLE evidence (node TEXT, article TEXT, b INTEGER, e INTEGER, sentence TEXT, spans TEXT);"
           "CREATE TABLE mentions (node TEXT, article TEXT, n INTEGER);"
           "CREATE TABLE props (node TEXT, p TEXT, kind INTEGER, value TEXT, datatype TEXT, language TEXT);")
_PROPS = "SELECT node, p, kind, value, datatype, language FROM props"


class NetworkSpill:
    """Per-node aggregates in memory, evidence in `folder`/network.sqlite (see the module doc)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._db = sqlite3.connect(folder / "network.sqlite")
        self._db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;"
                               "PRAGMA cache_size=-8000;" + _SCHEMA)
        # each node's types: a frozenset shared by every node of the same types (a set each was
        # 216 bytes a node, 14.5 MB of 6,000 generated articles' 60,000 nodes)
        self.types: dict[str, frozenset[str]] = {}
        self._type_sets: dict[frozenset[str], frozenset[str]] = {}
        self.values: set[str] = set()
        self.labels: dict[str, str] = {}
        self.headlines: dict[str, str] = {}
        self.alt_labels: dict[str, set[str]] = defaultdict(set)
        # distinct (predicate, object) of structured values and blank nodes (a node's are in the file)
        self.props: dict[str, dict[tuple[str, Term], None]] = defaultdict(dict)
        self._caches: tuple[dict, dict] = ({}, {})
        self._folded: dict[str, str] = {}
        self._terms = Terms()
        self._indexed = False

    def close(self) -> None:
        self._db.close()

    def add(self, rows: Iterable[tuple]) -> None:
        """One graph's rows (or any rows whose annotations are whole in them)."""
        unit = Collected(rows, self._caches)
        self._fold(unit)
        self._spill(unit)

    def _fold(self, unit: Collected) -> None:
        for s, found in unit.types.items():
            if s not in unit.machinery:
                types = self.types.get(s, frozenset()) | found
                self.types[s] = self._type_sets.setdefault(types, types)
        self.values |= unit.values
        for mine, theirs in ((self.labels, unit.labels), (self.headlines, unit.headlines)):
            for s, text in theirs.items():
                mine[s] = min(mine.get(s, text), text)
        for s, texts in unit.alt_labels.items():
            self.alt_labels[s] |= texts
        values, props = self.values, self.props
        spilled: dict[tuple, None] = {}
        for s, p, o in unit.rest:  # what only a value's or blank node's fold reads is not kept for others
            if s in values or s.startswith("_:"):
                props[s][(p, o)] = None
            elif p not in _NOT_ATTRIBUTES:
                spilled[(s, p, *stored(o))] = None
        self._db.executemany("INSERT INTO props VALUES (?, ?, ?, ?, ?, ?)", spilled)

    def _spill(self, unit: Collected) -> None:
        """Mention counts and sentences of the unit's annotations (as projection._add_evidence)."""
        mentions: Counter[tuple[str, str]] = Counter()
        sentences: dict[tuple[str, str, int, int], set] = defaultdict(set)
        for body, source, mention in annotation_mentions(unit, _offset):
            mentions[(body, source)] += 1
            if mention is not None:
                s_start, s_end, start, end = mention
                sentences[(body, source, s_start, s_end)].add((start - s_start, end - s_start))
        bodies = unit.bodies
        cursor = self._db.cursor()
        cursor.executemany("INSERT INTO mentions VALUES (?, ?, ?)", [(b, s, n) for (b, s), n in mentions.items()])
        cursor.executemany("INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?)", [
            (body, source, b, e, bodies[source][b:e], json.dumps(sorted(spans)))
            for (body, source, b, e), spans in sentences.items()])
        cursor.close()

    # -- the projection, node by node ------------------------------------------------------------

    def nodes(self) -> list[str]:
        """The network's nodes, sorted: typed IRIs that are neither machinery nor structured values."""
        return sorted(s for s in self.types if not s.startswith("_:") and s not in self.values)

    def _fold_value(self, key: str) -> str:
        found = self._folded.get(key)
        if found is None:  # (a value typed in a later graph than one of its properties: those are in the file)
            props = {**self.props.get(key, {}), **self._terms.pairs(self._db.execute(_PROPS + " WHERE node = ?", (key,)))}
            found = self._folded[key] = json.dumps(_blank(self.types.get(key, ()), props), sort_keys=True)
        return found

    def _props(self, nodes: list[str]) -> Iterator[dict[tuple[str, Term], None]]:
        """The distinct (predicate, object) pairs of every node, in order, read from the file."""
        if not self._indexed:
            self._db.execute("CREATE INDEX props_by_node ON props (node)")
            self._indexed = True
        for _, rows in by_node(self._db.execute(_PROPS + " ORDER BY node"), nodes):
            yield self._terms.pairs(rows)

    def node_data(self, node: str, node_set: set[str], props: dict[tuple[str, Term], None]) -> dict:
        """The node's attributes but its evidence (label, kind, types, alt_labels, then the literals);
        `props`: its (predicate, object) pairs."""
        literals: dict[str, set] = defaultdict(set)
        for p, o in props:
            if p in _NOT_ATTRIBUTES:
                continue
            kind = type(o)
            if kind is ox.NamedNode and o.value in node_set:
                continue  # an edge
            if kind is ox.BlankNode or (kind is ox.NamedNode and o.value in self.values):
                literals[_attribute(p)].add(self._fold_value(term_key(o)))
            else:
                literals[_attribute(p)].add(json.dumps(curie(o.value) if kind is ox.NamedNode else _value(o)))
        kinds = sorted(self.types[node] - {"kgo:Entity"})
        attrs = {key: _collapse(values) for key, values in sorted(literals.items())}
        label = (self.labels.get(node) or self.headlines.get(node) or _text_label(attrs)
                 or node.rstrip("/").rsplit("/", 1)[-1])
        return {"label": label, "kind": main_kind(kinds), "types": kinds,
                "alt_labels": sorted(self.alt_labels.get(node, set()) - {label}), **attrs}

    def _evidence(self, nodes: list[str]) -> Iterator[tuple[str, Iterator[tuple]]]:
        """(node, its evidence rows sorted by article and sentence) for every node, in order."""
        cursor = self._db.execute("SELECT node, article, b, e, sentence, spans FROM evidence ORDER BY node, article, b, e")
        for node, rows in by_node(cursor, nodes):
            yield node, iter(rows)

    def _mentions(self, nodes: list[str]) -> Iterator[tuple[str, list[tuple[str, int]]]]:
        cursor = self._db.execute("SELECT node, article, SUM(n) FROM mentions GROUP BY node, article ORDER BY node, article")
        for node, rows in by_node(cursor, nodes):
            yield node, [(a, n) for _, a, n in rows]

    def _edges(self, node: str, mentions: list[tuple[str, int]], node_set: set[str],
               props: dict[tuple[str, Term], None]) -> Iterator[tuple]:
        """The node's out-edges in networkx's order: its mentioned_in edges were added first, then the facts."""
        adjacent: dict[str, dict[str, dict]] = {}
        for article, count in mentions:
            if article in node_set and article != node:
                adjacent.setdefault(article, {})["mentioned_in"] = {
                    "relation": "mentioned_in", "predicate": "oa:hasTarget", "weight": count}
        facts = sorted({(o.value, relation_name(p), curie(p)) for p, o in props
                        if p not in _NOT_ATTRIBUTES and type(o) is ox.NamedNode and o.value in node_set})
        for obj, relation, predicate in facts:
            adjacent.setdefault(obj, {}).setdefault(relation, {}).update(relation=relation, predicate=predicate,
                                                                         weight=1)
        for obj, keyed in adjacent.items():
            for key, data in keyed.items():
                yield node, obj, key, data

    def _most_connected(self, nodes: list[str], node_set: set[str], limit: int) -> tuple[set[str], int]:
        """The `limit` nodes with the most distinct neighbours (ties: IRI order), and the number of edges."""
        index = {node: i for i, node in enumerate(nodes)}
        size, edges = len(nodes), 0
        pairs: set[int] = set()
        for (node, mentions), props in zip(self._mentions(nodes), self._props(nodes)):
            i = index[node]
            for _, target, _, _ in self._edges(node, mentions, node_set, props):
                edges += 1
                j = index[target]
                if i != j:
                    pairs.add(min(i, j) * size + max(i, j))
        degree = [0] * size
        for pair in pairs:
            degree[pair // size] += 1
            degree[pair % size] += 1
        del pairs
        return {nodes[i] for i in sorted(range(size), key=lambda i: (-degree[i], i))[:limit]}, edges

    def project(self, max_evidence: int | None = None, streams: tuple = (),
                view_limit: int | None = None) -> Projection:
        """The projection with at most `max_evidence` sentences a node (None: all), and each node's
        count of sentences; every node and edge also goes, flattened as `network.flatten` does, to
        `streams` (GraphmlStream, GexfStream). With more than `view_limit` nodes, the graph holds only
        the `view_limit` most connected (distinct neighbours) and the edges between them."""
        nodes = self.nodes()
        node_set = set(nodes)
        keep, edges = node_set, -1
        if view_limit is not None and len(nodes) > view_limit:
            keep, edges = self._most_connected(nodes, node_set, view_limit)
        single: set[str] = set()
        mixed: dict[str, type] = {}
        if streams:
            single, mixed = key_types(scalars(self.node_data(n, node_set, props), ("evidence",))
                                      for n, props in zip(nodes, self._props(nodes)))
        graph = nx.MultiDiGraph()
        counts: dict[str, int] = {}
        for (node, rows), props in zip(self._evidence(nodes), self._props(nodes)):
            if node not in keep and not streams:
                continue
            data = self.node_data(node, node_set, props)
            evidence, count, surfaces = read_evidence(rows, max_evidence)
            if data["kind"] not in _NO_SURFACE_LABELS and count:
                surfaces = {s for s in surfaces if s.strip()} - {data["label"]}
                if surfaces - set(data["alt_labels"]):
                    data["alt_labels"] = sorted(surfaces | set(data["alt_labels"]))
            if streams:
                flat = uniform_row(scalars(data, ("evidence",)), single, mixed)
                if "mentions" in flat:
                    raise Unsupported  # (networkx's flatten refuses it)
                flat = {"mentions": count, **flat}
                for stream in streams:
                    stream.node(node, flat)
            if node in keep:
                counts[node] = count
                data = dict(data)
                graph.add_node(node, **{k: data.pop(k) for k in ("label", "kind", "types", "alt_labels")},
                               evidence=evidence, **data)
        for (node, mentions), props in zip(self._mentions(nodes), self._props(nodes)):
            for source, target, key, data in self._edges(node, mentions, node_set, props):
                if source in keep and target in keep:
                    graph.add_edge(source, target, key=key, **data)
                for stream in streams:
                    stream.edge(source, target, key, {"label": data["relation"], **data})
        return Projection(graph, counts, len(nodes), graph.number_of_edges() if edges < 0 else edges)


@dataclass(frozen=True)
class Projection:
    """What `NetworkSpill.project` made: the graph (all nodes, or the most connected), each of its
    nodes' number of sentences, and the whole network's numbers of nodes and edges."""

    graph: nx.MultiDiGraph
    counts: dict[str, int]
    nodes: int
    edges: int

    @property
    def capped(self) -> bool:
        return self.graph.number_of_nodes() < self.nodes


def _offset(term: Term) -> int:
    """An offset literal as the projection reads it (digits read directly: projection._value caches
    every literal it reads, and offsets are as many as the mentions)."""
    text = term.value
    return int(text) if text.isascii() and text.isdigit() else int(_value(term))
