"""Dataset-wide totals in the default graph: for every node that is the oa:hasBody of an annotation,
how many annotations there are (kgo:mentionCount) and in how many articles (kgo:articleCount).

"Most mentioned" otherwise means reading every annotation at query time, which no SPARQL store does
in interactive time past a million quads. They are computed from the quads of the whole build, so
they are the same whether the dataset was built at once, one article at a time, or into a store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg.graph.terms import O_KGO, O_OA, O_XSD

_HAS_BODY = O_OA.hasBody
MENTION_COUNT = O_KGO.mentionCount
ARTICLE_COUNT = O_KGO.articleCount
_COUNT = O_XSD.nonNegativeInteger


class AnnotationTotals:
    """The totals, added up one article's graph at a time (an annotation's IRI names its article,
    so no annotation is in two graphs): memory grows with the bodies, not with the annotations."""

    def __init__(self) -> None:
        self.mentions: dict[ox.NamedNode, int] = defaultdict(int)
        self.articles: dict[ox.NamedNode, int] = defaultdict(int)

    def add(self, triples: Iterable[tuple]) -> None:
        """One article's graph."""
        annotations: dict[ox.NamedNode, set] = defaultdict(set)
        for s, p, o in triples:
            if p == _HAS_BODY:
                annotations[o].add(s)
        for body, found in annotations.items():
            self.mentions[body] += len(found)
            self.articles[body] += 1

    def triples(self) -> Iterator[tuple]:
        """(subject, predicate, object) triples for the default graph, made as they are read."""
        return ((body, predicate, ox.Literal(str(counts[body]), datatype=_COUNT))
                for body in self.mentions for predicate, counts in ((MENTION_COUNT, self.mentions),
                                                                   (ARTICLE_COUNT, self.articles)))


def count_annotations(named_graphs: Iterable[tuple[object, Iterable[tuple]]]) -> list[tuple]:
    """The totals, as (subject, predicate, object) triples for the default graph, of the
    annotations in `named_graphs` (each one article's graph: its name and its triples)."""
    totals = AnnotationTotals()
    for _, triples in named_graphs:
        totals.add(triples)
    return list(totals.triples())


def annotation_totals(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The same totals, as default-graph quads, for the named graphs of `quads`."""
    by_graph: dict[object, list[tuple]] = defaultdict(list)
    for q in quads:
        if not isinstance(q.graph_name, ox.DefaultGraph):
            by_graph[q.graph_name].append((q.subject, q.predicate, q.object))
    return [ox.Quad(s, p, o) for s, p, o in count_annotations(by_graph.items())]
