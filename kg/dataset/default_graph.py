"""A store's default graph, the merge of its named graphs (and the build's own default-graph
triples): how a sync works out its change (kg.dataset.sync).

Terms are compared as the store holds them (`stored_term`). Two ways: from every merged triple of
the build (`default_changes`: a first sync, or one without the record of the last), compared
through 16-byte digests of the store's default graph, so what is held grows with what the store
holds, not with the build (nothing for a new store), and the triples to add are read from the build
as they are written; or from the changed graphs alone (`default_changes_of`: a sync with the record).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = ox.NamedNode(_XSD + "integer")
_DECIMAL = ox.NamedNode(_XSD + "decimal")
# Oxigraph stores the types derived from xsd:integer as xsd:integer: compare them as it holds them
_DERIVED_INTEGERS = frozenset(_XSD + t for t in (
    "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))


@dataclass(frozen=True)
class GraphWrite:
    """A named graph a sync writes: its rows read again when written (a big build's are not all held
    at once), their number, and the quads it replaces (none for a new graph)."""

    graph: ox.NamedNode
    rows: Callable[[], list]
    count: int
    old: set[ox.Quad]


def stored_term(term):
    """A term as the store holds it: integer types as xsd:integer, decimals without trailing zeros."""
    if type(term) is not ox.Literal:
        return term
    datatype = term.datatype.value
    if datatype in _DERIVED_INTEGERS:
        return ox.Literal(term.value, datatype=_INTEGER)
    if datatype == _DECIMAL.value and "." in term.value:
        try:
            value = format(Decimal(term.value).normalize(), "f")
        except InvalidOperation:
            return term
        return ox.Literal("0" if value in ("-0", "0") else value, datatype=_DECIMAL)
    return term


def graph_quads(graph: ox.NamedNode, rows: Iterable[tuple]) -> set[ox.Quad]:
    return {ox.Quad(s, p, stored_term(o), graph) for s, p, o in rows}


def _digest(s, p, o) -> bytes:
    return hashlib.blake2b(f"{s} {p} {o}".encode(), digest_size=16).digest()


def default_changes(store: ox.Store, merged: Callable[[], Iterable[tuple]]) -> tuple[list[tuple], Iterator[tuple]]:
    """(triples to delete, sorted; triples to insert, in the build's order, made as they are read)
    that make the store's default graph `merged()` (read once more when the store's default graph
    holds anything)."""
    held = {_digest(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    removed: list[tuple] = []
    if held:
        unmatched = set(held)
        for s, p, o in merged():
            unmatched.discard(_digest(s, p, stored_term(o)))
        removed = sorted(((q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
                          if _digest(q.subject, q.predicate, q.object) in unmatched), key=str)
    added = ((s, p, o) for s, p, o in ((s, p, stored_term(o)) for s, p, o in merged()) if _digest(s, p, o) not in held)
    return removed, added


def _held_by_named_graph(store: ox.Store, triple: tuple, besides: set) -> bool:
    subject, predicate, obj = triple
    return any(not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name not in besides
               for q in store.quads_for_pattern(subject, predicate, obj, None))


def default_changes_of(store: ox.Store, default: list[tuple], writes: list[GraphWrite]) -> tuple[list[tuple], list[tuple]]:
    """The default graph's change from the changed graphs alone (the store's default graph being the
    merge of its graphs and the build's own default-graph triples, as the last complete sync left
    it): their triples not there yet are added; their old triples no other graph holds are removed;
    the build's own default triples (extraction graphs, totals) replace the old ones."""
    own = {(s, p, stored_term(o)) for s, p, o in default}  # (the named graphs are not read)
    patterns = {(None, p, o if p == _TYPE else None) for _, p, o in own}
    changed = {write.graph for write in writes}
    old_own = {(q.subject, q.predicate, q.object) for subject, predicate, obj in patterns
               for q in store.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph())}
    removed = {t for t in old_own - own if not _held_by_named_graph(store, t, set())}
    new_rows = {(s, p, stored_term(o)) for write in writes for s, p, o in write.rows()}
    added = {t for t in own - old_own}
    added |= {(s, p, o) for s, p, o in new_rows if next(store.quads_for_pattern(s, p, o, ox.DefaultGraph()), None) is None}
    for write in writes:
        removed |= {t for t in ((q.subject, q.predicate, q.object) for q in write.old)
                    if t not in new_rows and t not in own and not _held_by_named_graph(store, t, changed)}
    return sorted(removed, key=str), sorted(added - removed, key=str)
