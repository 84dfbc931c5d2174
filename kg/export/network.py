"""A networkx projection of the dataset, and GraphML for Gephi, Cytoscape and the like.

Nodes are entities and articles (typed, labelled); edges are named by the relation:
`mentioned_in` (entity -> article, weight = number of mentions), and the entity-to-entity
facts of the graph (`affiliation`, `contained_in_place`, `seat`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF, RDFS

from kg.export.atomic import write_atomic
from kg.graph.namespaces import KGO, OA, PREFIXES, SCHEMA

_RELATIONS = {SCHEMA.affiliation: "affiliation", SCHEMA.containedInPlace: "contained_in_place", KGO.seat: "seat"}


def curie(iri: str) -> str:
    """"https://schema.org/Person" -> "schema:Person" for the known prefixes."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def to_networkx(dataset: Dataset) -> nx.MultiDiGraph:
    """Entities and articles as typed nodes; relations as labelled edges. Deterministic order."""
    graph = nx.MultiDiGraph()
    types: dict[URIRef, set[str]] = defaultdict(set)
    labels: dict[URIRef, str] = {}
    for s, _, o, _ in dataset.quads((None, RDF.type, None, None)):
        types[s].add(curie(str(o)))
    for s, _, o, _ in dataset.quads((None, RDFS.label, None, None)):
        labels[s] = str(o)
    headlines = {s: str(o) for s, _, o, _ in dataset.quads((None, SCHEMA.headline, None, None))}
    entities = sorted(s for s, t in types.items() if "kgo:Entity" in t)
    articles = sorted(s for s, t in types.items() if "schema:NewsArticle" in t)
    for node in entities:
        kinds = sorted(t for t in types[node] if t != "kgo:Entity")
        graph.add_node(str(node), label=labels.get(node, str(node)), kind=_main_kind(kinds), types=kinds)
    for node in articles:
        graph.add_node(str(node), label=headlines.get(node, str(node).rsplit("/", 1)[-1]), kind="article", types=["schema:NewsArticle"])
    mentions: Counter[tuple[str, str]] = Counter()
    for ann, _, body, _ in dataset.quads((None, OA.hasBody, None, None)):
        for _, _, target, _ in dataset.quads((ann, OA.hasTarget, None, None)):
            for _, _, source, _ in dataset.quads((target, OA.hasSource, None, None)):
                mentions[(str(body), str(source))] += 1
    for (body, source), count in sorted(mentions.items()):
        graph.add_edge(body, source, key="mentioned_in", relation="mentioned_in", weight=count)
    facts = set()
    for predicate, relation in _RELATIONS.items():
        for s, _, o, _ in dataset.quads((None, predicate, None, None)):
            if str(s) in graph and str(o) in graph:
                facts.add((str(s), str(o), relation))
    for s, o, relation in sorted(facts):
        graph.add_edge(s, o, key=relation, relation=relation, weight=1)
    return graph


def _main_kind(types: list[str]) -> str:
    for wanted, kind in (("schema:Person", "person"), ("schema:Country", "country"), ("schema:Organization", "organization"),
                         ("schema:Place", "place"), ("kgo:WeaponType", "weapon"), ("kgo:Equipment", "equipment")):
        if wanted in types:
            return kind
    return "other"


def flatten_for_graphml(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML holds only scalars: lists become ';'-joined strings (networkx #3663, #5071)."""
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{k: ";".join(v) if isinstance(v, (list, tuple, set)) else v for k, v in data.items()})
    for s, o, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(s, o, key=key, **data)
    return flat


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    write_atomic(path, lambda tmp: nx.write_graphml(flatten_for_graphml(graph), str(tmp)))
