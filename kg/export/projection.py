"""The networkx projection of the dataset, made from one pass over its quads (kg.export.quadscan).

`to_networkx(quads)` takes a build's `SortedQuads`, pyoxigraph quads or an rdflib Dataset, and
returns a `MultiDiGraph`:
- one node per typed IRI resource that is not extraction machinery (annotations, selectors,
  extraction graphs): entities, articles, publishers, events, statements, grants. Node ids are
  the IRIs. Attributes: `kind` (person, organization, country, place, weapon, equipment, article,
  event, statement, grant, source = an unnamed speaker, other), `label` (rdfs:label, else the
  headline, name or quoted words), `types` (CURIEs), `alt_labels` (skos:altLabel and the words the
  node is mentioned by, but for statements and articles), `evidence` (the sentences the node is
  mentioned in: `{"article", "sentence", "spans": [[b, e], …]}`, offsets into the sentence) and
  every literal property under its snake_case local name (`job_title`, `date_published`,
  `has_time_stamp`, `text`, …; numbers as numbers, xsd:boolean as bool); a blank-node or structured
  value (`schema:amount` -> a schema:MonetaryAmount, `schema:geo` -> a schema:GeoCoordinates)
  becomes a dict of its literals, an IRI that is not a node its CURIE (`stance: kgo:denies`).
- one edge per IRI-to-IRI property between two nodes, keyed and labelled by `relation` (snake_case
  local name: `affiliation`, `contained_in_place`, `seat`, `has_actor`, `creator`, `publisher`…;
  `predicate` holds the CURIE), plus `mentioned_in` (node -> article, `weight` = mentions).
Node and edge order is sorted, so the projection is deterministic.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import lru_cache

import networkx as nx
import pyoxigraph as ox
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from kg.export.quadscan import (
    END,
    HAS_SOURCE,
    SENTENCE_END,
    SENTENCE_START,
    START,
    Collected,
    Term,
    curie,
    rows_of,
    term_key,
)
from kg.graph.namespaces import KGO, SCHEMA
from kg.graph.quads import SortedQuads
from kg.graph.spool import SpooledQuads
from kg.util.nogc import collector_paused

KINDS = ("person", "organization", "country", "place", "weapon", "equipment", "article", "event", "statement", "grant",
         "source", "other")
_KIND_BY_TYPE = (("schema:NewsArticle", "article"), ("sem:Event", "event"), ("schema:Quotation", "statement"),
                 ("schema:MonetaryGrant", "grant"), ("schema:Person", "person"), ("schema:Country", "country"),
                 ("schema:Organization", "organization"), ("schema:NewsMediaOrganization", "organization"),
                 ("schema:GovernmentOrganization", "organization"), ("schema:Place", "place"), ("schema:City", "place"),
                 ("kgo:WeaponType", "weapon"), ("kgo:Equipment", "equipment"),
                 ("kgo:UnnamedSource", "source"))
# Dataset totals are left out too: the view counts the evidence itself.
_NOT_ATTRIBUTES = {str(t) for t in (RDF.type, RDFS.label, SKOS.altLabel, SCHEMA.articleBody, PROV.wasDerivedFrom,
                                    KGO.mentionCount, KGO.articleCount)}
RESERVED = {"id", "label", "kind", "types", "alt_labels", "evidence", "importance", "community", "x", "y"}
_XSD_STRING = str(XSD.string)


@lru_cache(maxsize=4096)
def relation_name(predicate: str) -> str:
    """schema:containedInPlace -> contained_in_place; sem:hasActor -> has_actor."""
    local = re.split(r"[/#:]", predicate.rstrip("/#"))[-1]
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local).lower()
    return re.sub(r"[^a-z0-9_]+", "_", name).strip("_") or "related"


def main_kind(types: list[str]) -> str:
    for wanted, kind in _KIND_BY_TYPE:
        if wanted in types:
            return kind
    return "other"


def _value(term) -> str | int | float | bool:
    """A literal as the Python value rdflib gives it (numbers as numbers, xsd:boolean as bool), anything
    else as text."""
    if type(term) is not ox.Literal:
        return term.value
    return _literal_value(term.value, term.datatype.value, term.language)


@lru_cache(maxsize=1 << 16)
def _literal_value(lexical: str, datatype: str, language: str | None) -> str | int | float | bool:
    term = Literal(lexical, lang=language) if language else Literal(
        lexical, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
    value = term.toPython()
    if isinstance(value, Decimal) and value.is_finite():
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bool):
        return value
    if not isinstance(value, (int, float)):
        return lexical
    return value if not (isinstance(value, float) and math.isnan(value)) else lexical


@lru_cache(maxsize=4096)
def _attribute(predicate: str) -> str:
    name = relation_name(predicate)
    return f"p_{name}" if name in RESERVED else name


@collector_paused
def to_networkx(dataset: SortedQuads | SpooledQuads | Iterable[ox.Quad] | Dataset) -> nx.MultiDiGraph:
    """Typed nodes and relation-labelled edges (see the module doc). Deterministic order."""
    return network_of(Collected(rows_of(dataset)))


@collector_paused
def network_of(found: Collected) -> nx.MultiDiGraph:
    """The projection of what a pass over every quad gathered (kg.export.rdf.write_dumps makes that
    pass while it writes the dumps, so that a build's graphs are read once for both)."""
    nodes = sorted(s for s in found.types if not s.startswith("_:") and s not in found.machinery
                   and s not in found.values)
    node_set = set(nodes)
    # a value node (a place's coordinates) is repeated in every graph that mentions it: its
    # properties once each, and its folded value made once (it was rebuilt at every mention)
    structured: dict[str, dict[tuple, None]] = defaultdict(dict)
    for s, p, o in found.rest:
        if s in found.values or s.startswith("_:"):
            structured[s][(p, o)] = None
    folded: dict[str, str] = {}
    literals: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    facts: set[tuple[str, str, str, str]] = set()
    for s, p, o in found.rest:
        if s not in node_set or p in _NOT_ATTRIBUTES:
            continue
        kind = type(o)
        if kind is ox.NamedNode and o.value in node_set:
            facts.add((s, o.value, relation_name(p), curie(p)))
        elif kind is ox.BlankNode or (kind is ox.NamedNode and o.value in found.values):
            key = term_key(o)
            if key not in folded:
                folded[key] = json.dumps(_blank(found.types.get(key, ()), structured.get(key, {})), sort_keys=True)
            literals[s][_attribute(p)].add(folded[key])
        else:
            literals[s][_attribute(p)].add(json.dumps(curie(o.value) if kind is ox.NamedNode else _value(o)))
    graph = nx.MultiDiGraph()
    for node in nodes:
        kinds = sorted(found.types[node] - {"kgo:Entity"})
        attrs = {key: _collapse(values) for key, values in sorted(literals[node].items())}
        label = (found.labels.get(node) or found.headlines.get(node) or _text_label(attrs)
                 or node.rstrip("/").rsplit("/", 1)[-1])
        graph.add_node(node, label=label, kind=main_kind(kinds), types=kinds,
                       alt_labels=sorted(found.alt_labels[node] - {label}), evidence=[], **attrs)
    _add_evidence(found, graph)
    _surface_labels(graph)
    for subject, obj, relation, predicate in sorted(facts):
        graph.add_edge(subject, obj, key=relation, relation=relation, predicate=predicate, weight=1)
    return graph


_NO_SURFACE_LABELS = frozenset(("statement", "article"))  # their evidence is their words, not a name


def _surface_labels(graph: nx.MultiDiGraph) -> None:
    """`alt_labels` also holds the words each node is mentioned by (an event's "strike", "shelling";
    a grant's "$150 million"), besides the skos:altLabel forms: every spelling, once, but the label."""
    for _, data in graph.nodes(data=True):
        if data["kind"] in _NO_SURFACE_LABELS or not data["evidence"]:
            continue
        surfaces = {e["sentence"][b:end] for e in data["evidence"] for b, end in e["spans"]}
        surfaces = {s for s in surfaces if s.strip()} - {data["label"]}
        if surfaces - set(data["alt_labels"]):
            data["alt_labels"] = sorted(surfaces | set(data["alt_labels"]))


def _text_label(attrs: dict) -> str | None:
    """A node without rdfs:label (a statement) is labelled by its name or its words."""
    for key in ("name", "text"):
        value = attrs.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str) and value.strip():
            return f"“{value}”" if key == "text" else value
    return None


def _collapse(values: set[str]):
    decoded = [json.loads(v) for v in sorted(values)]
    return decoded[0] if len(decoded) == 1 else decoded


def _blank(types: Iterable[str], properties: Iterable[tuple[str, object]]) -> dict:
    """The literal (and IRI) values of a blank node or structured value, e.g. a schema:MonetaryAmount."""
    found: dict[str, list] = defaultdict(list)
    found_types = sorted(types)
    if found_types:
        found["type"] = found_types
    for p, o in properties:
        if type(o) is not ox.BlankNode:
            found[relation_name(p)].append(_value(o))
    return {k: sorted(set(v), key=str)[0] if len(set(v)) == 1 else sorted(set(v), key=str) for k, v in sorted(found.items())}


def annotation_mentions(found: Collected, offset: Callable[[Term], int]
                        ) -> Iterator[tuple[str, str, tuple[int, int, int, int] | None]]:
    """(body, source article, (sentence start, sentence end, start, end) or None) of every target of
    every annotation with a source: what the evidence of a node is made of. The sentence is the
    annotation's own, else 80 characters either side; None when the offsets or the article's text
    are missing (the mention still counts). `offset` reads an offset literal."""
    first, bodies, targets, selectors = found.first, found.bodies, found.targets, found.selectors
    for ann, body in found.has_body:
        for target in targets.get(ann, ()):
            source_term = first.get((target, HAS_SOURCE))
            if source_term is None:
                continue
            source = term_key(source_term)
            start: int | None = None
            end: int | None = None
            for selector in selectors.get(target, ()):
                begin = first.get((selector, START))
                if begin is not None:
                    start, end = offset(begin), offset(first[(selector, END)])
            text = bodies.get(source)
            if start is None or end is None or text is None:
                yield body, source, None
                continue
            given_start, given_end = first.get((ann, SENTENCE_START)), first.get((ann, SENTENCE_END))
            s_start = offset(given_start) if given_start is not None else max(0, start - 80)
            s_end = offset(given_end) if given_end is not None else min(len(text), end + 80)
            yield body, source, (s_start, s_end, start, end)


def _add_evidence(found: Collected, graph: nx.MultiDiGraph) -> None:
    """`mentioned_in` edges and, per node, the sentences with the mentioned spans."""
    bodies, nodes = found.bodies, graph.nodes
    mentions: Counter[tuple[str, str]] = Counter()
    sentences: dict[str, dict[tuple[str, int, int], set]] = defaultdict(lambda: defaultdict(set))
    numbers: dict[ox.Literal, int] = {}  # offsets repeat: each literal read once

    def offset(term) -> int:
        found = numbers.get(term)
        if found is None:
            found = numbers[term] = int(_value(term))
        return found

    for body, source, mention in annotation_mentions(found, offset):
        if body not in nodes:
            continue
        mentions[(body, source)] += 1
        if mention is not None:
            s_start, s_end, start, end = mention
            sentences[body][(source, s_start, s_end)].add((start - s_start, end - s_start))
    for node, spans_by_sentence in sentences.items():
        nodes[node]["evidence"] = [
            {"article": article, "sentence": bodies[article][b:e], "spans": [list(span) for span in sorted(spans)]}
            for (article, b, e), spans in sorted(spans_by_sentence.items())]
    for (body, source), count in sorted(mentions.items()):
        if source in nodes and body != source:
            graph.add_edge(body, source, key="mentioned_in", relation="mentioned_in", predicate="oa:hasTarget", weight=count)
