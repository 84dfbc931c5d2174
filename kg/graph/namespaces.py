"""The vocabularies the graph uses, and the prefixes the dumps declare."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rdflib import Namespace
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

if TYPE_CHECKING:
    import pyoxigraph as ox

SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
OA = Namespace("http://www.w3.org/ns/oa#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")  # OGC GeoSPARQL: geo:hasGeometry, geo:asWKT
KGO = Namespace("https://w3id.org/evkg/ontology#")

PREFIXES = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "skos": str(SKOS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "sem": str(SEM),
    "oa": str(OA),
    "geo": str(GEO),
    "kgo": str(KGO),
}
# The one SPARQL prologue: every query kg runs itself starts with it (kg query prepends it on one line)
SPARQL_PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())

_PREFIXED_NAME = re.compile(r"\b([a-z]+):([A-Za-z_][\w-]*)")


def named_in(*queries: str) -> frozenset[str]:
    """Every IRI the queries name with one of kg's prefixes, and rdf:type (their "a"): a superset of
    the predicates they match, as long as none has a variable or a full IRI as predicate (the tables'
    and the map's queries do not; tests/test_tables.py checks it against rdflib's parse)."""
    names = {PREFIXES[prefix] + local for query in queries for prefix, local in _PREFIXED_NAME.findall(query)
             if prefix in PREFIXES}
    return frozenset({*names, PREFIXES["rdf"] + "type"})


__all__ = ["SCHEMA", "SEM", "OA", "GEO", "KGO", "PROV", "RDF", "RDFS", "SKOS", "XSD", "OWL", "PREFIXES", "SPARQL_PROLOGUE"]


def select(store: "ox.Store", query: str, prefixes: dict[str, str] | None = None,
           named_graphs: "list[ox.NamedNode | ox.BlankNode] | None" = None) -> "ox.QuerySolutions":
    """The rows of a SELECT query (pyoxigraph's `query` may also give a boolean or triples); with
    `named_graphs`, its GRAPH patterns see only those graphs."""
    import pyoxigraph as ox

    result = store.query(query, prefixes=prefixes, named_graphs=named_graphs)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {' '.join(query.split())[:80]!r}")
    return result
