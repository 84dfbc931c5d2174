"""RDF dumps in a stable order: TriG, N-Quads, Turtle (all graphs merged) and JSON-LD.

rdflib's serialisers emit triples in an order that changes from run to run, so the quads are
sorted here and streamed through Oxigraph's serialisers, which keep the order they are given
(and are strict and fast).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF

from kg.export.atomic import write_atomic
from kg.export.jsonld import compact_document
from kg.graph.namespaces import PREFIXES

DUMPS = {
    "graph.trig": ox.RdfFormat.TRIG,
    "graph.nq": ox.RdfFormat.N_QUADS,
    "graph.ttl": ox.RdfFormat.TURTLE,
    "graph.jsonld": ox.RdfFormat.JSON_LD,
}


def to_oxigraph(term: URIRef | Literal | BNode):
    """An rdflib term as the equivalent pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        raise ValueError(f"blank node {term!r} in the dataset: every node must have an IRI")
    raise TypeError(f"unexpected term {term!r}")


_TYPE = str(RDF.type)


def sorted_quads(dataset: Dataset) -> list[ox.Quad]:
    """Every quad of the dataset in a deterministic order: graph, then subject, rdf:type first
    (so that Turtle reads "<x> a schema:Person ; …"), predicate, object."""
    cache: dict = {}

    def convert(term):
        found = cache.get(term)
        if found is None:
            found = cache[term] = to_oxigraph(term)
        return found

    keyed = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        default = g is None or g == DATASET_DEFAULT_GRAPH_ID
        graph_name = ox.DefaultGraph() if default else convert(g)
        quad = ox.Quad(convert(s), convert(p), convert(o), graph_name)
        # Sort on the N-Quads spelling of each term, computed once per quad.
        keyed[quad] = ("" if default else str(graph_name), str(quad.subject), str(p) != _TYPE, str(quad.predicate),
                       str(quad.object))
    return sorted(keyed, key=keyed.__getitem__)


def merged_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """All graphs merged into one (for Turtle-only tools), duplicates removed, sorted."""
    keyed = {}
    for q in quads:
        triple = q.triple
        if triple not in keyed:
            predicate = str(q.predicate)
            keyed[triple] = (str(q.subject), predicate != f"<{_TYPE}>", predicate, str(q.object))
    return sorted(keyed, key=keyed.__getitem__)


def write_dumps(quads: list[ox.Quad], out_dir: Path, base_iri: str = "https://w3id.org/evkg/id/") -> dict[str, Path]:
    """Write the four dumps atomically; return their paths by file name."""
    written = {}
    triples = merged_triples(quads)
    for name, rdf_format in DUMPS.items():
        data = triples if rdf_format == ox.RdfFormat.TURTLE else quads
        prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        path = out_dir / name
        if rdf_format == ox.RdfFormat.JSON_LD:
            document = compact_document(ox.serialize(data, format=rdf_format), base_iri)
            write_atomic(path, lambda tmp, doc=document: tmp.write_bytes(doc))
        else:
            write_atomic(path, lambda tmp, d=data, f=rdf_format, p=prefixes: ox.serialize(d, str(tmp), f, prefixes=p))
        written[name] = path
    return written
