"""RDF dumps in a stable order: TriG, N-Quads, Turtle (all graphs merged) and JSON-LD.

rdflib's serialisers emit triples in an order that changes from run to run, so the quads are
sorted here and streamed through Oxigraph's serialisers, which keep the order they are given
(and are strict and fast).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.export.atomic import write_atomic
from kg.export.jsonld import jsonld_document
from kg.graph.namespaces import PREFIXES
from kg.graph.quads import QuadCollector, SortedQuads
from kg.graph.terms import to_oxigraph

DUMPS = {
    "graph.trig": ox.RdfFormat.TRIG,
    "graph.nq": ox.RdfFormat.N_QUADS,
    "graph.ttl": ox.RdfFormat.TURTLE,
    "graph.jsonld": ox.RdfFormat.JSON_LD,
}


def sorted_dataset(dataset: Dataset) -> SortedQuads:
    """An rdflib Dataset as sorted quads (see kg.graph.quads for the order)."""
    cache: dict = {}

    def convert(term):
        found = cache.get(term)
        if found is None:
            found = cache[term] = to_oxigraph(term)
        return found

    collector = QuadCollector()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        default = g is None or g == DATASET_DEFAULT_GRAPH_ID
        collector.graph(None if default else convert(g)).add((convert(s), convert(p), convert(o)))
    return collector.finish()


def sorted_quads(dataset: Dataset) -> list[ox.Quad]:
    """Every quad of the dataset in a deterministic order: graph, then subject, rdf:type first
    (so that Turtle reads "<x> a schema:Person ; …"), predicate, object."""
    return sorted_dataset(dataset).quads


def merged_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """All graphs merged into one (for Turtle-only tools), duplicates removed, sorted."""
    collector = QuadCollector()
    merged = collector.graph()
    for q in quads:
        merged.add((q.subject, q.predicate, q.object))
    return list(collector.finish().iter_triples())


def write_dumps(quads: SortedQuads | list[ox.Quad], out_dir: Path,
                base_iri: str = "https://w3id.org/evkg/id/") -> dict[str, Path]:
    """Write the four dumps atomically; return their paths by file name."""
    written = {}
    whole = quads  # the JSON-LD writer reads SortedQuads faster than ox.Quad objects
    if isinstance(quads, SortedQuads):
        quads, triples = quads.quads, quads.iter_triples()
    else:
        triples = merged_triples(quads)
    for name, rdf_format in DUMPS.items():
        data = triples if rdf_format == ox.RdfFormat.TURTLE else quads
        prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        path = out_dir / name
        if rdf_format == ox.RdfFormat.JSON_LD:
            document = jsonld_document(whole, base_iri)
            write_atomic(path, lambda tmp, doc=document: tmp.write_bytes(doc))
        else:
            write_atomic(path, lambda tmp, d=data, f=rdf_format, p=prefixes: ox.serialize(d, str(tmp), f, prefixes=p))
        written[name] = path
    return written
