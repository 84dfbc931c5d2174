"""One pass over a dataset's quads: what the networkx projection (kg.export.projection) reads.

`rows_of` gives the (subject, predicate, object) pyoxigraph terms of a build's `SortedQuads`,
pyoxigraph quads or an rdflib Dataset; `Collected` reads them once: the types of every subject,
which subjects are extraction machinery or structured values, labels, headlines, bodies, the
annotation links (body, target, selector, source, offsets), and every other triple.
Subjects and objects are keyed as `term_key` spells them (an IRI as itself, a blank node "_:id").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Dataset, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.graph.namespaces import GEO, KGO, OA, PREFIXES, SCHEMA
from kg.graph.spool import BUILT

Term = ox.NamedNode | ox.BlankNode | ox.Literal  # an object of a quad (kg writes no RDF-star triples)

# Structured values (an amount of money, a quantity, a point): folded into the node that points to them.
VALUES = {str(t) for t in (SCHEMA.MonetaryAmount, SCHEMA.QuantitativeValue, SCHEMA.PropertyValue,
                           SCHEMA.StructuredValue, SCHEMA.GeoCoordinates, GEO.Geometry)}
MACHINERY = {str(t) for t in (OA.Annotation, OA.SpecificResource, OA.TextPositionSelector, OA.TextQuoteSelector,
                              KGO.Mention, KGO.ExtractionGraph, KGO.Sentence)}
TYPE, LABEL, ALT, HEADLINE, BODY = (str(t) for t in (RDF.type, RDFS.label, SKOS.altLabel, SCHEMA.headline,
                                                     SCHEMA.articleBody))
HAS_BODY, HAS_TARGET, HAS_SOURCE, HAS_SELECTOR, START, END = (
    str(t) for t in (OA.hasBody, OA.hasTarget, OA.hasSource, OA.hasSelector, OA.start, OA.end))
SENTENCE_START, SENTENCE_END = str(KGO.sentenceStart), str(KGO.sentenceEnd)
# What `Collected` does with a predicate: 0 rdf:type, 9 nothing more than keep the triple
_OTHER, _FIRST, _HAS_BODY, _HAS_TARGET, _HAS_SELECTOR, _LABEL, _ALT, _HEADLINE, _BODY = 9, 8, 5, 6, 7, 1, 2, 3, 4
_HANDLERS = {TYPE: 0, LABEL: _LABEL, ALT: _ALT, HEADLINE: _HEADLINE, BODY: _BODY, HAS_BODY: _HAS_BODY,
             HAS_TARGET: _HAS_TARGET, HAS_SELECTOR: _HAS_SELECTOR,
             **dict.fromkeys((HAS_SOURCE, START, END, SENTENCE_START, SENTENCE_END), _FIRST)}


@lru_cache(maxsize=4096)
def curie(iri: str) -> str:
    """"https://schema.org/Person" -> "schema:Person" for the known prefixes."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def term_key(term) -> str:
    """A subject or object as a string: an IRI as itself, a blank node as "_:id"."""
    return term.value if type(term) is ox.NamedNode else f"_:{term.value}"


def rows_of(dataset) -> Iterable[tuple]:
    """(subject, predicate, object) pyoxigraph terms of every quad, blank nodes kept (a build's
    quads as they are read: on disk, graph by graph)."""
    if isinstance(dataset, BUILT):
        return (row for _, rows in dataset.graphs for row in rows)
    if not isinstance(dataset, Dataset):
        return [(q.subject, q.predicate, q.object) for q in dataset]
    cache: dict = {}

    def convert(term):
        found = cache.get(term)
        if found is None:
            if isinstance(term, URIRef):
                found = ox.NamedNode(str(term))
            elif isinstance(term, BNode):
                found = ox.BlankNode(str(term))
            elif term.language:
                found = ox.Literal(str(term), language=term.language)
            else:
                found = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
            cache[term] = found
        return found

    return [(convert(s), convert(p), convert(o)) for s, p, o, _ in dataset.quads((None, None, None, None))]


class RowSink(Protocol):
    """What takes a build's rows graph by graph as the dumps are written (`Collected`,
    kg.export.netspill.NetworkSpill)."""

    def add(self, rows: Iterable[tuple]) -> None: ...


class Collected:
    """What one pass over the quads gathers (keys of subjects and objects: see `term_key`)."""

    def __init__(self, rows: Iterable[tuple] = (), caches: tuple[dict, dict] | None = None):
        self.types: dict[str, set[str]] = defaultdict(set)
        self.machinery: set[str] = set()
        self.values: set[str] = set()
        self.labels: dict[str, str] = {}
        self.alt_labels: dict[str, set[str]] = defaultdict(set)
        self.headlines: dict[str, str] = {}
        self.bodies: dict[str, str] = {}
        self.has_body: dict[tuple[str, str], None] = {}
        self.targets: dict[str, list[str]] = defaultdict(list)
        self.selectors: dict[str, list[str]] = defaultdict(list)
        self.first: dict[tuple[str, str], Term] = {}  # (subject, predicate) -> its value: sources, offsets
        self.rest: list[tuple[str, str, Term]] = []  # every other quad, for attributes and edges
        # Terms are read once: a subject once per run of its triples (rows may be read from disk
        # and let go: no cache by id), a predicate (with what to do with it) and a class once in all.
        # (`caches`: those of another Collected, shared: kg.export.netspill reads each graph with a new one)
        self._predicates: dict[ox.NamedNode, tuple[str, int]] = {} if caches is None else caches[0]
        self._classes: dict[ox.NamedNode, tuple[str, int]] = {} if caches is None else caches[1]
        self.add(rows)

    def add(self, rows: Iterable[tuple]) -> None:
        """Gather more rows (a build's graphs one at a time, in order, as a dump is written)."""
        types, machinery, values, first, keep = self.types, self.machinery, self.values, self.first, self.rest.append
        predicates, classes = self._predicates, self._classes
        last: object = None
        s = ""
        skip = False
        for subject, p, o in rows:
            if subject is not last:
                last = subject
                s = term_key(subject)
                skip = s in machinery
            found = predicates.get(p)
            if found is None:
                found = predicates[p] = (p.value, _HANDLERS.get(p.value, _OTHER))
            p, handler = found
            if handler == 0:
                found = classes.get(o)
                if found is None:
                    found = classes[o] = (curie(o.value), 1 if o.value in MACHINERY else 2 if o.value in VALUES else 0)
                types[s].add(found[0])
                if found[1] == 1:
                    machinery.add(s)
                    skip = True
                elif found[1] == 2:
                    values.add(s)
                continue
            if not skip:  # (annotations are typed before their other triples in sorted quads)
                keep((s, p, o))
            if handler == _OTHER:
                continue
            if handler == _FIRST:  # one value expected; of several, the first in N-Triples order (whatever the input order)
                pair = (s, p)
                previous = first.setdefault(pair, o)
                if previous is not o and str(o) < str(previous):
                    first[pair] = o
            elif handler == _HAS_BODY:
                self.has_body[(s, term_key(o))] = None
            elif handler == _HAS_TARGET:
                self.targets[s].append(term_key(o))
            elif handler == _HAS_SELECTOR:
                self.selectors[s].append(term_key(o))
            elif handler == _LABEL:
                self.labels[s] = min(self.labels.get(s, o.value), o.value)
            elif handler == _ALT:
                self.alt_labels[s].add(o.value)
            elif handler == _HEADLINE:
                self.headlines[s] = min(self.headlines.get(s, o.value), o.value)
            else:
                self.bodies[s] = o.value
