"""A networkx projection of the dataset, analysis helpers, and GraphML/GEXF for Gephi and Cytoscape.

`to_networkx(dataset)` returns a `MultiDiGraph`:
- one node per typed IRI resource that is not extraction machinery (annotations, selectors,
  extraction graphs): entities, articles, publishers, events, statements, grants. Node ids are
  the IRIs. Attributes: `kind` (person, organization, country, place, weapon, equipment, article,
  event, statement, grant, source = an unnamed speaker, other), `label` (rdfs:label, else the
  headline, name or quoted words), `types` (CURIEs), `alt_labels`, `evidence` (the
  sentences the node is mentioned in: `{"article", "sentence", "spans": [[b, e], …]}`, offsets into
  the sentence) and every literal property under its snake_case local name (`job_title`,
  `date_published`, `has_time_stamp`, `text`, …); a blank-node or structured value
  (`schema:amount` -> a schema:MonetaryAmount) becomes a dict of its literals, an IRI that is not a
  node its CURIE (`stance: kgo:denies`).
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
from decimal import Decimal
from pathlib import Path

import networkx as nx
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kg.export.atomic import write_atomic
from kg.graph.namespaces import KGO, OA, PREFIXES, SCHEMA

KINDS = ("person", "organization", "country", "place", "weapon", "equipment", "article", "event", "statement", "grant",
         "source", "other")
_KIND_BY_TYPE = (("schema:NewsArticle", "article"), ("sem:Event", "event"), ("schema:Quotation", "statement"),
                 ("schema:MonetaryGrant", "grant"), ("schema:Person", "person"), ("schema:Country", "country"),
                 ("schema:Organization", "organization"), ("schema:NewsMediaOrganization", "organization"),
                 ("schema:GovernmentOrganization", "organization"), ("schema:Place", "place"), ("schema:City", "place"),
                 ("kgo:WeaponType", "weapon"), ("kgo:Equipment", "equipment"),
                 ("kgo:UnnamedSource", "source"))
# Structured values (an amount of money, a quantity): folded into the node that points to them.
_VALUES = {SCHEMA.MonetaryAmount, SCHEMA.QuantitativeValue, SCHEMA.PropertyValue, SCHEMA.StructuredValue}
_MACHINERY = {OA.Annotation, OA.SpecificResource, OA.TextPositionSelector, OA.TextQuoteSelector, KGO.Mention, KGO.ExtractionGraph,
              KGO.Sentence}
_NOT_ATTRIBUTES = {RDF.type, RDFS.label, SKOS.altLabel, SCHEMA.articleBody, PROV.wasDerivedFrom,
                   KGO.mentionCount, KGO.articleCount}  # dataset totals: the view counts evidence itself
RESERVED = {"id", "label", "kind", "types", "alt_labels", "evidence", "importance", "community", "x", "y"}


def curie(iri: str) -> str:
    """"https://schema.org/Person" -> "schema:Person" for the known prefixes."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


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


def _value(term) -> str | int | float:
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal) and value.is_finite():
            value = int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(term)
        return value if not (isinstance(value, float) and math.isnan(value)) else str(term)
    return str(term)


def to_networkx(dataset: Dataset) -> nx.MultiDiGraph:
    """Typed nodes and relation-labelled edges (see the module doc). Deterministic order."""
    types: dict[URIRef, set[str]] = defaultdict(set)
    machinery: set = set()
    values: set = set()
    for s, _, o, _ in dataset.quads((None, RDF.type, None, None)):
        types[s].add(curie(str(o)))
        if o in _MACHINERY:
            machinery.add(s)
        elif o in _VALUES:
            values.add(s)
    nodes = sorted(s for s in types if isinstance(s, URIRef) and s not in machinery and s not in values)
    node_set = set(nodes)
    labels, alt_labels = {}, defaultdict(set)
    for s, _, o, _ in dataset.quads((None, RDFS.label, None, None)):
        labels[s] = min(labels.get(s, str(o)), str(o))
    for s, _, o, _ in dataset.quads((None, SKOS.altLabel, None, None)):
        alt_labels[s].add(str(o))
    headlines = {s: str(o) for s, _, o, _ in dataset.quads((None, SCHEMA.headline, None, None))}
    literals: dict[URIRef, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    facts: set[tuple[str, str, str, str]] = set()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        if s not in node_set or p in _NOT_ATTRIBUTES:
            continue
        if isinstance(o, URIRef) and o in node_set:
            facts.add((str(s), str(o), relation_name(str(p)), curie(str(p))))
        elif isinstance(o, BNode) or o in values:
            literals[s][_attribute(p)].add(json.dumps(_blank(dataset, o), sort_keys=True))
        else:
            literals[s][_attribute(p)].add(json.dumps(curie(str(o)) if isinstance(o, URIRef) else _value(o)))
    graph = nx.MultiDiGraph()
    for node in nodes:
        kinds = sorted(types[node] - {"kgo:Entity"})
        kind = main_kind(kinds)
        attrs = {key: _collapse(found) for key, found in sorted(literals[node].items())}
        label = labels.get(node) or headlines.get(node) or _text_label(attrs) or str(node).rstrip("/").rsplit("/", 1)[-1]
        graph.add_node(str(node), label=label, kind=kind, types=kinds, alt_labels=sorted(alt_labels[node] - {label}),
                       evidence=[], **attrs)
    _add_evidence(dataset, graph)
    for s, o, relation, predicate in sorted(facts):
        graph.add_edge(s, o, key=relation, relation=relation, predicate=predicate, weight=1)
    return graph


def _text_label(attrs: dict) -> str | None:
    """A node without rdfs:label (a statement) is labelled by its name or its words."""
    for key in ("name", "text"):
        value = attrs.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str) and value.strip():
            return f"“{value}”" if key == "text" else value
    return None


def _attribute(predicate: URIRef) -> str:
    name = relation_name(str(predicate))
    return f"p_{name}" if name in RESERVED else name


def _collapse(values: set[str]):
    decoded = [json.loads(v) for v in sorted(values)]
    return decoded[0] if len(decoded) == 1 else decoded


def _blank(dataset: Dataset, node) -> dict:
    """The literal (and IRI) values of a blank node, e.g. a schema:MonetaryAmount."""
    found: dict[str, list] = defaultdict(list)
    for _, p, o, _ in dataset.quads((node, None, None, None)):
        if p == RDF.type:
            found["type"].append(curie(str(o)))
        elif not isinstance(o, BNode):
            found[relation_name(str(p))].append(_value(o))
    return {k: sorted(set(v), key=str)[0] if len(set(v)) == 1 else sorted(set(v), key=str) for k, v in sorted(found.items())}


def _add_evidence(dataset: Dataset, graph: nx.MultiDiGraph) -> None:
    """`mentioned_in` edges and, per node, the sentences with the mentioned spans."""
    def one(subject, predicate):
        for _, _, o, _ in dataset.quads((subject, predicate, None, None)):
            return o
        return None

    bodies = {str(s): str(o) for s, _, o, _ in dataset.quads((None, SCHEMA.articleBody, None, None))}
    mentions: Counter[tuple[str, str]] = Counter()
    sentences: dict[str, dict[tuple[str, int, int], set]] = defaultdict(lambda: defaultdict(set))
    seen = set()
    for ann, _, body, _ in dataset.quads((None, OA.hasBody, None, None)):
        if (ann, body) in seen or str(body) not in graph:
            continue
        seen.add((ann, body))
        for _, _, target, _ in dataset.quads((ann, OA.hasTarget, None, None)):
            source = one(target, OA.hasSource)
            if source is None:
                continue
            mentions[(str(body), str(source))] += 1
            start, end = None, None
            for _, _, selector, _ in dataset.quads((target, OA.hasSelector, None, None)):
                if one(selector, OA.start) is not None:
                    start, end = int(one(selector, OA.start)), int(one(selector, OA.end))
            text = bodies.get(str(source))
            if start is None or text is None:
                continue
            s_start, s_end = one(ann, KGO.sentenceStart), one(ann, KGO.sentenceEnd)
            s_start = int(s_start) if s_start is not None else max(0, start - 80)
            s_end = int(s_end) if s_end is not None else min(len(text), end + 80)
            sentences[str(body)][(str(source), s_start, s_end)].add((start - s_start, end - s_start))
    for node, found in sentences.items():
        graph.nodes[node]["evidence"] = [
            {"article": article, "sentence": bodies[article][b:e], "spans": [list(span) for span in sorted(spans)]}
            for (article, b, e), spans in sorted(found.items())]
    for (body, source), count in sorted(mentions.items()):
        if source in graph and body != source:
            graph.add_edge(body, source, key="mentioned_in", relation="mentioned_in", predicate="oa:hasTarget", weight=count)


def load_dataset(out_dir: Path) -> Dataset:
    """The dataset of a build folder, parsed from its TriG dump (for notebooks and scripts)."""
    dataset = Dataset()
    dataset.parse(str(Path(out_dir) / "graph.trig"), format="trig")
    return dataset


def simple_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """Undirected, one edge per linked pair, weight = summed edge weights (for analysis)."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    for s, o, data in graph.edges(data=True):
        if s != o:
            weight = data.get("weight", 1) + (simple[s][o]["weight"] if simple.has_edge(s, o) else 0)
            simple.add_edge(s, o, weight=weight)
    return simple


def centrality(graph: nx.MultiDiGraph, measure: str = "degree") -> dict[str, float]:
    """Node importance: "degree" (distinct neighbours), "pagerank" or "betweenness" (sampled, seeded)."""
    simple = simple_graph(graph)
    if measure == "degree":
        return nx.degree_centrality(simple) if len(simple) > 1 else {n: 0.0 for n in simple}
    if measure == "pagerank":
        return _pagerank(simple)
    if measure == "betweenness":
        return nx.betweenness_centrality(simple, k=min(len(simple), 500) or None, seed=0)
    raise ValueError(f"unknown centrality measure {measure!r}: degree, pagerank or betweenness")


def _pagerank(simple: nx.Graph, alpha: float = 0.85, tol: float = 1e-10) -> dict[str, float]:
    """PageRank by power iteration in pure Python (networkx's own needs scipy)."""
    n = len(simple)
    if not n:
        return {}
    rank = dict.fromkeys(simple, 1.0 / n)
    strength = {v: sum(w for _, _, w in simple.edges(v, data="weight")) for v in simple}
    for _ in range(200):
        dangling = sum(rank[v] for v in simple if not strength[v])
        new = dict.fromkeys(simple, (1.0 - alpha) / n + alpha * dangling / n)
        for v in simple:
            if strength[v]:
                share = alpha * rank[v] / strength[v]
                for _, u, w in simple.edges(v, data="weight"):
                    new[u] += share * w
        done = sum(abs(new[v] - rank[v]) for v in simple) < n * tol
        rank = new
        if done:
            break
    return rank


def communities(graph: nx.MultiDiGraph, seed: int = 0, resolution: float = 1.0) -> list[list[str]]:
    """Louvain communities (seeded, so deterministic), largest first, each sorted."""
    found = nx.community.louvain_communities(simple_graph(graph), weight="weight", resolution=resolution, seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def annotate(graph: nx.MultiDiGraph, seed: int = 0) -> nx.MultiDiGraph:
    """Adds `importance` (degree centrality) and `community` (Louvain index) to every node, in place."""
    for node, value in centrality(graph).items():
        graph.nodes[node]["importance"] = round(value, 6)
    for index, members in enumerate(communities(graph, seed=seed)):
        for node in members:
            graph.nodes[node]["community"] = index
    return graph


def flatten(graph: nx.MultiDiGraph, drop: tuple[str, ...] = ("evidence",)) -> nx.MultiDiGraph:
    """Scalars only, as GraphML and GEXF need (networkx #3663, #5071): lists of scalars become
    "; "-joined strings, dicts and lists of dicts JSON; a key with mixed value types becomes text."""
    def scalar(value):
        if isinstance(value, (list, tuple, set)) and all(isinstance(v, (str, int, float)) for v in value):
            return "; ".join(str(v) for v in value)
        if isinstance(value, (list, tuple, set, dict)):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return "" if value is None else value

    def uniform(items):
        rows = [(key, {k: scalar(v) for k, v in data.items() if k not in drop}) for key, data in items]
        kinds = defaultdict(set)
        for _, data in rows:
            for k, v in data.items():
                kinds[k].add(type(v))
        mixed = {k for k, t in kinds.items() if len(t) > 1}
        return [(key, {k: str(v) if k in mixed else v for k, v in data.items()}) for key, data in rows]

    flat = nx.MultiDiGraph()
    for node, data in uniform(graph.nodes(data=True)):
        flat.add_node(node, mentions=len(graph.nodes[node].get("evidence", [])), **data) if "evidence" in drop else flat.add_node(node, **data)
    for (s, o, key), data in uniform(((s, o, k), d) for s, o, k, d in graph.edges(keys=True, data=True)):
        flat.add_edge(s, o, key=key, **data)
    return flat


flatten_for_graphml = flatten


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """GraphML (Cytoscape, Gephi, yEd), written atomically."""
    write_atomic(path, lambda tmp: nx.write_graphml(flatten(graph), str(tmp)))


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """GEXF 1.2 (Gephi), written atomically, without networkx's lastmodifieddate (deterministic)."""
    text = "\n".join(nx.generate_gexf(flatten(graph))) + "\n"
    text = re.sub(r'<meta lastmodifieddate="[^"]*">', "<meta>", text, count=1)
    write_atomic(path, lambda tmp: tmp.write_text("<?xml version='1.0' encoding='utf-8'?>\n" + text, encoding="utf-8"))
