"""pyoxigraph terms for the graph stage: the vocabularies, literals and the build's IRIs.

The graph stage writes Oxigraph terms directly (no rdflib graph in between). Typed literals are
spelled exactly as rdflib spells them (rdflib normalises lexical forms, e.g. an xsd:dateTime "…Z"
becomes "…+00:00"), so rdflib stays the reference for their lexical form; plain strings are
taken as they are. Term objects are made once and reused.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Literal, URIRef

from kg.graph.iris import IriMinter
from kg.graph.namespaces import GEO, KGO, OA, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, XSD


class Vocabulary:
    """The NamedNodes of one namespace: `V.Person` or `V["Person"]`, each made once.

    With `declared` (a function giving the names the namespace declares) the vocabulary is closed:
    a name it does not declare is an error at first use, so a typo never writes a wrong predicate.
    """

    def __init__(self, namespace: str, declared: Callable[[], frozenset[str]] | None = None):
        self._namespace = namespace
        self._declared = declared

    def __getattr__(self, name: str) -> ox.NamedNode:  # only called the first time
        if name.startswith("_"):
            raise AttributeError(name)
        if self._declared is not None and name not in self._declared():
            raise AttributeError(f"{self._namespace}{name} is not declared in the ontology (kg/ontology/kg.ttl)")
        term = ox.NamedNode(self._namespace + name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> ox.NamedNode:
        return getattr(self, name)


O_RDF, O_RDFS, O_XSD, O_SKOS, O_PROV = (Vocabulary(str(ns)) for ns in (RDF, RDFS, XSD, SKOS, PROV))
O_SCHEMA, O_SEM, O_OA, O_GEO = (Vocabulary(str(ns)) for ns in (SCHEMA, SEM, OA, GEO))


@lru_cache(maxsize=1)
def kgo_terms() -> frozenset[str]:
    """The local names of every kgo: term the ontology (kg/ontology/kg.ttl) declares."""
    from importlib.resources import files

    text = files("kg.ontology").joinpath("kg.ttl").read_bytes()
    namespace = str(KGO)
    return frozenset(quad.subject.value[len(namespace):] for quad in ox.parse(text, ox.RdfFormat.TURTLE)
                     if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(namespace))


O_KGO = Vocabulary(str(KGO), kgo_terms)


def to_oxigraph(term):
    """An rdflib term as the equivalent pyoxigraph term (blank nodes refused: every node has an IRI)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"unexpected term {term!r}: every node must have an IRI")


text = ox.Literal  # a plain string literal: text("Kyiv")


def literal(value, datatype: ox.NamedNode | None = None) -> ox.Literal:
    """The literal rdflib's `Literal(value, datatype=…)` is, lexical form included."""
    return _literal(str(value), value, datatype.value if datatype is not None else None)


@lru_cache(maxsize=1 << 14, typed=True)  # dates, counts, amounts: the same ones again and again
def _literal(_spelling: str, value, datatype: str | None) -> ox.Literal:
    # The key holds the spelling and the type: Decimal("1.0") == Decimal("1.00") == 1.0, spelled or typed apart
    return to_oxigraph(Literal(value, datatype=URIRef(datatype) if datatype else None))


# Nodes kept for reuse: most of an article's are its own (its statements, events, sentences), so
# keeping every one grew with the corpus (~23,800 for 2,000 generated articles); made again if needed.
_HELD_NODES = 1 << 14


class Terms:
    """The build's IRIs as NamedNodes (an IriMinter underneath), made once per key."""

    def __init__(self, iris: IriMinter):
        self.iris = iris
        self._entities: dict[str, ox.NamedNode] = {}
        self._articles: dict[str, ox.NamedNode] = {}

    def entity(self, key: str) -> ox.NamedNode:
        found = self._entities.get(key)
        if found is None:
            if len(self._entities) >= _HELD_NODES:
                self._entities.clear()
            found = self._entities[key] = ox.NamedNode(self.iris.entity(key))
        return found

    def article(self, article_key: str) -> ox.NamedNode:
        found = self._articles.get(article_key)
        if found is None:
            if len(self._articles) >= _HELD_NODES:
                self._articles.clear()
            found = self._articles[article_key] = ox.NamedNode(self.iris.article(article_key))
        return found

    def graph(self, article_key: str) -> ox.NamedNode:
        return ox.NamedNode(self.iris.graph(article_key))

    def sentence(self, article_key: str, index: int) -> ox.NamedNode:
        """The sentence node shared by the annotations of one sentence: <article IRI>/sentence/N."""
        return ox.NamedNode(f"{self.article(article_key).value}/sentence/{index}")

    def publisher(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.iris.publisher(name))

    def annotation(self, article_key: str, start: int, end: int, body: str = "mention") -> ox.NamedNode:
        return ox.NamedNode(self.iris.annotation(article_key, start, end, body))


@lru_cache(maxsize=1024)
def named(iri: str) -> ox.NamedNode:
    """A NamedNode of a vocabulary IRI given as a string or an rdflib URIRef, made once."""
    return ox.NamedNode(str(iri))
