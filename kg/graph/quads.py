"""The dataset as sorted pyoxigraph quads: what the graph stage hands to the exports and the store.

The graph stage appends triples to light per-graph lists (`QuadCollector`); `finish()` removes
duplicates and sorts once, on the N-Quads spelling of each term: graph (the default graph
first), subject, rdf:type first (so that Turtle reads "<x> a schema:Person ; …"), predicate,
object. The merged graph (every triple once, for Turtle) comes from the same pass. An rdflib
`Dataset` is made from the quads only when asked (`to_rdflib`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


class GraphWriter:
    """One graph being written: `add((s, p, o))` with pyoxigraph terms (duplicates allowed)."""

    __slots__ = ("add",)

    def __init__(self, triples: list):
        self.add = triples.append


@dataclass(frozen=True)
class SortedQuads:
    """Every quad of a dataset once, sorted; and every triple of all graphs merged once, sorted."""

    quads: list[ox.Quad]
    triples: list[ox.Triple]

    def __len__(self) -> int:
        return len(self.quads)

    def to_rdflib(self):
        """The quads as an rdflib Dataset (for code written against rdflib; slow on big builds)."""
        return to_rdflib(self.quads)


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

    def finish(self) -> SortedQuads:
        merged: dict[str, tuple] = {}
        quads: list[ox.Quad] = []
        spelled: dict[str, ox.NamedNode | ox.DefaultGraph] = {
            "" if isinstance(g, ox.DefaultGraph) else str(g): g for g in self._graphs}
        for graph_key in sorted(spelled):
            graph = spelled[graph_key]
            keyed = {}
            for triple in self._graphs[graph]:
                s, p, o = triple
                predicate = str(p)
                # one string per triple; "\0" (never in N-Quads text) keeps a prefix before its extensions
                keyed[f"{s}\0{'1' if predicate != _TYPE else '0'}{predicate}\0{o}"] = triple
            merged.update(keyed)
            quads.extend(ox.Quad(s, p, o, graph) for s, p, o in (keyed[k] for k in sorted(keyed)))
        triples = [ox.Triple(*merged[k]) for k in sorted(merged)]
        return SortedQuads(quads, triples)


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
