"""Rows of kg.export.netspill's SQLite file: a term stored as columns and read back, and rows sorted
by node read alongside the sorted node list."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import groupby

import pyoxigraph as ox

from kg.export.quadscan import Term

_IRI, _BLANK, _LITERAL = 0, 1, 2


def stored(term: Term) -> tuple[int, str, str | None, str | None]:
    """(kind, value, datatype, language) of an object, as the `props` table holds it."""
    if isinstance(term, ox.NamedNode):
        return _IRI, term.value, None, None
    if isinstance(term, ox.BlankNode):
        return _BLANK, term.value, None, None
    return _LITERAL, term.value, None if term.language else term.datatype.value, term.language


class Terms:
    """Terms read back from their columns (`stored`), datatypes made once."""

    def __init__(self) -> None:
        self._datatypes: dict[str, ox.NamedNode] = {}

    def term(self, kind: int, value: str, datatype: str | None, language: str | None) -> Term:
        if kind == _IRI:
            return ox.NamedNode(value)
        if kind == _BLANK:
            return ox.BlankNode(value)
        if language:
            return ox.Literal(value, language=language)
        assert datatype is not None
        found = self._datatypes.get(datatype)
        if found is None:
            found = self._datatypes[datatype] = ox.NamedNode(datatype)
        return ox.Literal(value, datatype=found)

    def pairs(self, rows: Iterable[tuple]) -> dict[tuple[str, Term], None]:
        """The distinct (predicate, object) pairs of rows (…, predicate, kind, value, datatype, language)."""
        return {(row[-5], self.term(*row[-4:])): None for row in rows}


def by_node(rows: Iterable[tuple], nodes: list[str]) -> Iterator[tuple[str, Iterable[tuple]]]:
    """(node, its rows) for every node of `nodes` (sorted), from rows sorted by node (first column);
    a node without rows gets none. Each node's rows must be read before the next is asked for."""
    groups = groupby(rows, key=lambda row: row[0])
    current = next(groups, None)
    for node in nodes:
        while current is not None and current[0] < node:
            current = next(groups, None)
        yield node, (current[1] if current is not None and current[0] == node else ())


def read_evidence(rows: Iterator[tuple], max_evidence: int | None) -> tuple[list[dict], int, set[str]]:
    """A node's evidence items (the first `max_evidence`), how many there are, and the words mentioned."""
    evidence: list[dict] = []
    surfaces: set[str] = set()
    count = 0
    for (article, _, _), same in groupby(rows, key=lambda row: (row[1], row[2], row[3])):
        spans: set[tuple[int, int]] = set()
        sentence = ""
        for row in same:
            sentence = row[4]
            spans.update((x, y) for x, y in json.loads(row[5]))
        count += 1
        surfaces.update(sentence[x:y] for x, y in spans)
        if max_evidence is None or len(evidence) < max_evidence:
            evidence.append({"article": article, "sentence": sentence, "spans": [list(s) for s in sorted(spans)]})
    return evidence, count, surfaces
