"""W3C Web Annotations: the evidence of every node, pointing into schema:articleBody."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.graph.iris import IriMinter
from kg.graph.namespaces import KGO, OA
from kg.ingest import Article

_CONTEXT_CHARS = 32


@dataclass(frozen=True)
class Evidence:
    """One span of one article that supports a node."""

    start: int
    end: int
    sentence: int
    sentence_start: int
    sentence_end: int
    confidence: float
    extractor: str


def add_evidence(graph: Graph, body: URIRef, article: Article, iris: IriMinter, evidence: Evidence,
                 kind: str = "mention") -> URIRef:
    """An oa:Annotation with body `body` and target the span; returns the annotation's IRI."""
    e = evidence
    ann = iris.annotation(article.key, e.start, e.end, kind)
    target, position, quote = URIRef(f"{ann}/target"), URIRef(f"{ann}/position"), URIRef(f"{ann}/quote")
    add = graph.add
    add((ann, RDF.type, OA.Annotation))
    add((ann, OA.motivatedBy, OA.identifying if kind == "mention" else OA.describing))
    add((ann, OA.hasBody, body))
    add((ann, OA.hasTarget, target))
    add((ann, KGO.confidence, Literal(Decimal(str(e.confidence)))))
    add((ann, KGO.extractor, Literal(e.extractor)))
    add((ann, KGO.sentenceIndex, Literal(e.sentence, datatype=XSD.nonNegativeInteger)))
    add((ann, KGO.sentenceStart, Literal(e.sentence_start, datatype=XSD.nonNegativeInteger)))
    add((ann, KGO.sentenceEnd, Literal(e.sentence_end, datatype=XSD.nonNegativeInteger)))
    sentence = URIRef(f"{iris.article(article.key)}/sentence/{e.sentence}")  # one node per sentence: co-mentions
    add((ann, KGO.sentence, sentence))
    add((sentence, RDF.type, KGO.Sentence))
    add((target, RDF.type, OA.SpecificResource))
    add((target, OA.hasSource, iris.article(article.key)))
    add((target, OA.hasSelector, position))
    add((target, OA.hasSelector, quote))
    add((position, RDF.type, OA.TextPositionSelector))
    add((position, OA.start, Literal(e.start, datatype=XSD.nonNegativeInteger)))
    add((position, OA.end, Literal(e.end, datatype=XSD.nonNegativeInteger)))
    add((quote, RDF.type, OA.TextQuoteSelector))
    add((quote, OA.exact, Literal(article.text[e.start : e.end])))
    prefix = article.text[max(0, e.start - _CONTEXT_CHARS) : e.start]
    suffix = article.text[e.end : e.end + _CONTEXT_CHARS]
    if prefix:
        add((quote, OA.prefix, Literal(prefix)))
    if suffix:
        add((quote, OA.suffix, Literal(suffix)))
    return ann
