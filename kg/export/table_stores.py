"""The stores the tables' and the map's queries run on (kg.export.tables), none holding a whole dump.

What is said of entities and events across articles (their classes, labels, counts, places and
points) is read from `entity_store`: the merged triples with the predicates asked for, without the
classes of the nodes there is one of per mention (annotations, their targets and selectors,
mentions, sentences, statements, articles, graphs). What one article says (its mentions, events,
statements, aid packages) is read from `graph_batches`: small in-memory stores of a few dozen
article graphs at a time, each with the labels, from the merge, of what its graphs link to.

Before, one store held a whole dump and its merge; on disk for a big one, and it grew with each
query (20,000 generated articles: 275 MB once loaded, 651 MB after the tables).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.graph.namespaces import PREFIXES

_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
# Never an entity or an event, and as many as the mentions: their classes stay out of the entity store.
PER_MENTION_CLASSES = frozenset(PREFIXES[prefix] + local for prefix, local in (
    ("oa", "Annotation"), ("oa", "SpecificResource"), ("oa", "TextPositionSelector"), ("oa", "TextQuoteSelector"),
    ("kgo", "Mention"), ("kgo", "Sentence"), ("kgo", "Statement"), ("schema", "Quotation"),
    ("schema", "NewsArticle"), ("kgo", "ExtractionGraph")))
BATCH_QUADS = 100_000  # quads added to a store at a time: Oxigraph's bulk loader holds ~1.8 GB in one go


def batches(items: Iterable, size: int | None = None) -> Iterator[list]:
    it = iter(items)
    while batch := list(itertools.islice(it, size or BATCH_QUADS)):
        yield batch


def entity_store(dump: Path, predicates: Collection[str], folder: Path | None = None) -> ox.Store:
    """A store whose default graph holds the triples of `dump` (the build's Turtle, or an N-Quads
    dump whose graphs are merged here) that have one of `predicates`, less the classes of the
    per-mention nodes. In memory, or in `folder` (empty, removed by the caller) when given."""
    rdf_format = ox.RdfFormat.TURTLE if dump.suffix == ".ttl" else ox.RdfFormat.N_QUADS
    wanted = {ox.NamedNode(p) for p in predicates}
    skipped = {ox.NamedNode(c) for c in PER_MENTION_CLASSES}
    triples = (q if isinstance(q.graph_name, ox.DefaultGraph) else ox.Quad(q.subject, q.predicate, q.object)
               for q in ox.parse(path=str(dump), format=rdf_format)
               if q.predicate in wanted and not (q.predicate == _TYPE and q.object in skipped))
    store = ox.Store() if folder is None else ox.Store(str(folder))
    for batch in batches(triples):
        store.bulk_extend(batch)
    return store


def graph_batches(nquads: Path, predicates: Collection[str], links: Collection[str], labels: ox.Store,
                  graphs: int) -> Iterator[ox.Store]:
    """In-memory stores of `graphs` named graphs of `nquads` at a time (their quads with one of
    `predicates`), in the dump's order; each store's default graph holds the labels `labels` gives
    the objects of its quads with one of `links`. A graph must not be split: kg's dumps write each
    graph's quads together, graphs in code-point order of their N-Quads spelling, which is checked."""
    wanted, linking = {ox.NamedNode(p) for p in predicates}, {ox.NamedNode(p) for p in links}
    quads = (q for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)
             if q.predicate in wanted and not isinstance(q.graph_name, ox.DefaultGraph))
    store, held, previous = ox.Store(), 0, ""
    linked: set[ox.NamedNode] = set()
    for name, run in itertools.groupby(quads, key=lambda quad: quad.graph_name):
        if str(name) <= previous:
            raise ValueError(f"{nquads}: the quads of graph {name} are not together, or not in order "
                             "(the tables read one graph at a time)")
        previous, held = str(name), held + 1
        for chunk in batches(run):
            store.bulk_extend(chunk)
            linked.update(q.object for q in chunk if q.predicate in linking and isinstance(q.object, ox.NamedNode))
        if held == graphs:
            yield _with_labels(store, linked, labels)
            store, linked, held = ox.Store(), set(), 0
    if held:
        yield _with_labels(store, linked, labels)


def _with_labels(store: ox.Store, nodes: set[ox.NamedNode], labels: ox.Store) -> ox.Store:
    store.bulk_extend([label for node in nodes for label in labels.quads_for_pattern(node, _LABEL, None, ox.DefaultGraph())])
    return store
