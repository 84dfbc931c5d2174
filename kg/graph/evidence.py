"""W3C Web Annotations: the evidence of every node, pointing into schema:articleBody."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from kg.graph.quads import GraphWriter
from kg.graph.terms import O_KGO as KGO
from kg.graph.terms import O_OA as OA
from kg.graph.terms import O_RDF as RDF
from kg.graph.terms import O_XSD as XSD
from kg.graph.terms import Terms, literal, text
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


def add_evidence(graph: GraphWriter, body: ox.NamedNode, article: Article, iris: Terms, evidence: Evidence,
                 kind: str = "mention") -> ox.NamedNode:
    """An oa:Annotation with body `body` and target the span; returns the annotation's IRI."""
    e = evidence
    ann = iris.annotation(article.key, e.start, e.end, kind)
    target, position, quote = (ox.NamedNode(f"{ann.value}/{part}") for part in ("target", "position", "quote"))
    add = graph.add
    add((ann, RDF.type, OA.Annotation))
    add((ann, OA.motivatedBy, OA.identifying if kind == "mention" else OA.describing))
    add((ann, OA.hasBody, body))
    add((ann, OA.hasTarget, target))
    add((ann, KGO.confidence, literal(Decimal(str(e.confidence)))))
    add((ann, KGO.extractor, literal(e.extractor)))
    add((ann, KGO.sentenceIndex, literal(e.sentence, XSD.nonNegativeInteger)))
    add((ann, KGO.sentenceStart, literal(e.sentence_start, XSD.nonNegativeInteger)))
    add((ann, KGO.sentenceEnd, literal(e.sentence_end, XSD.nonNegativeInteger)))
    sentence = iris.sentence(article.key, e.sentence)  # one node per sentence: co-mentions join on it
    add((ann, KGO.sentence, sentence))
    add((sentence, RDF.type, KGO.Sentence))
    add((target, RDF.type, OA.SpecificResource))
    add((target, OA.hasSource, iris.article(article.key)))
    add((target, OA.hasSelector, position))
    add((target, OA.hasSelector, quote))
    add((position, RDF.type, OA.TextPositionSelector))
    add((position, OA.start, literal(e.start, XSD.nonNegativeInteger)))
    add((position, OA.end, literal(e.end, XSD.nonNegativeInteger)))
    add((quote, RDF.type, OA.TextQuoteSelector))
    add((quote, OA.exact, text(article.text[e.start : e.end])))
    prefix = article.text[max(0, e.start - _CONTEXT_CHARS) : e.start]
    suffix = article.text[e.end : e.end + _CONTEXT_CHARS]
    if prefix:
        add((quote, OA.prefix, text(prefix)))
    if suffix:
        add((quote, OA.suffix, text(suffix)))
    return ann
