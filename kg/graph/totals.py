"""Dataset-wide totals in the default graph: for every node that is the oa:hasBody of an annotation,
how many annotations there are (kgo:mentionCount) and in how many articles (kgo:articleCount).

"Most mentioned" otherwise means reading every annotation at query time, which no SPARQL store does
in interactive time past a million quads. They are computed from the quads of the whole build, so
they are the same whether the dataset was built at once, one article at a time, or into a store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import pyoxigraph as ox

from kg.graph.runs import MAX_OPEN_RUNS, merged_lines
from kg.graph.terms import O_KGO, O_OA, O_XSD

_HAS_BODY = O_OA.hasBody
MENTION_COUNT = O_KGO.mentionCount
ARTICLE_COUNT = O_KGO.articleCount
_COUNT = O_XSD.nonNegativeInteger


RUN_BODIES = 20_000  # bodies counted in memory before they are written as a sorted run (~6 MB)


class AnnotationTotals:
    """The totals, added up one article's graph at a time (an annotation's IRI names its article,
    so no annotation is in two graphs). With a `folder`, the counts go to sorted runs on disk every
    `limit` bodies and are summed when read: memory stays bounded although the bodies (most of them
    statements and events) grow with the articles (about 12 an article in generated news)."""

    def __init__(self, folder: Path | None = None, limit: int | None = None) -> None:
        self._folder, self._limit = folder, RUN_BODIES if limit is None else limit
        self._counts: dict[str, list[int]] = {}  # body IRI -> [annotations, articles]
        self._runs: list[Path] = []
        self._written = 0

    def add(self, triples: Iterable[tuple]) -> None:
        """One article's graph."""
        annotations: dict[str, set] = defaultdict(set)
        for s, p, o in triples:
            if p == _HAS_BODY:
                annotations[o.value].add(s)
        for body, found in annotations.items():
            self.add_counts(body, len(found), 1)

    def add_counts(self, body: str, mentions: int, articles: int) -> None:
        """Counts of `body` (an IRI) made elsewhere (kg.run.sharded adds up its shards' totals)."""
        counted = self._counts.get(body)
        if counted is None:
            self._counts[body] = [mentions, articles]
            if self._folder is not None and len(self._counts) >= self._limit:
                self._flush()
        else:
            counted[0] += mentions
            counted[1] += articles

    def _flush(self) -> None:
        self._write(((body, m, a) for body, (m, a) in sorted(self._counts.items())))
        self._counts = {}
        if len(self._runs) >= MAX_OPEN_RUNS:  # a million articles: ~600 runs; merged into one
            self._write(self._merged(), compacted=True)

    def _write(self, rows: Iterable[tuple[str, int, int]], compacted: bool = False) -> None:
        assert self._folder is not None
        path = self._folder / f"totals-{self._written:05d}.counts"
        self._written += 1
        with open(path, "w", encoding="utf-8", newline="\n") as out:  # a tab sorts before any IRI character
            out.writelines(f"{body}\t{m}\t{a}\n" for body, m, a in rows)
        if compacted:
            for run in self._runs:
                run.unlink()
            self._runs = []
        self._runs.append(path)

    def counts(self) -> Iterator[tuple[str, int, int]]:
        """(body IRI, annotations, articles) of every body, in the IRIs' order."""
        if not self._runs:
            yield from ((body, m, a) for body, (m, a) in sorted(self._counts.items()))
            return
        if self._counts:
            self._flush()
        yield from self._merged()

    def _merged(self) -> Iterator[tuple[str, int, int]]:
        rows = (line.split("\t") for line in merged_lines(self._runs))
        for body, same in groupby(rows, key=itemgetter(0)):
            m = a = 0
            for _, mentions, articles in same:
                m, a = m + int(mentions), a + int(articles)
            yield body, m, a

    def triples(self) -> Iterator[tuple]:
        """(subject, predicate, object) triples for the default graph, made as they are read."""
        for body, mentions, articles in self.counts():
            node = ox.NamedNode(body)
            yield node, MENTION_COUNT, ox.Literal(str(mentions), datatype=_COUNT)
            yield node, ARTICLE_COUNT, ox.Literal(str(articles), datatype=_COUNT)


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
