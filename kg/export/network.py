"""Analysis helpers on the networkx projection, and GraphML/GEXF for Gephi and Cytoscape.

The projection itself (`to_networkx`: typed nodes, relation-labelled edges, evidence) is made in
`kg.export.projection` and re-exported here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
from rdflib import Dataset

from kg.export.atomic import write_atomic
from kg.export.graphfiles import gexf_text, graphml_text
from kg.export.projection import KINDS, RESERVED, curie, main_kind, relation_name, to_networkx
from kg.util.nogc import collector_paused

__all__ = ["KINDS", "RESERVED", "curie", "main_kind", "relation_name", "to_networkx", "load_dataset", "simple_graph",
           "centrality", "communities", "node_scores", "annotate", "flatten", "flatten_for_graphml", "write_graphml",
           "write_gexf"]


def load_dataset(out_dir: Path | str) -> Dataset:
    """The dataset of a build folder, parsed from its TriG dump (for notebooks and scripts)."""
    dataset = Dataset()
    dataset.parse(str(Path(out_dir) / "graph.trig"), format="trig")
    return dataset


def simple_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """Undirected, one edge per linked pair, weight = summed edge weights (for analysis)."""
    weights: dict[tuple, object] = {}  # each pair as first met, so the adjacency order is that of the edges
    for s, o, weight in graph.edges(data="weight", default=1):
        if s != o:
            pair = (o, s) if (o, s) in weights else (s, o)
            weights[pair] = weight + weights.get(pair, 0)
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((s, o, {"weight": weight}) for (s, o), weight in weights.items())
    return simple


def centrality(graph: nx.MultiDiGraph, measure: str = "degree", simple: nx.Graph | None = None) -> dict[str, float]:
    """Node importance: "degree" (distinct neighbours), "pagerank" or "betweenness" (sampled, seeded);
    `simple` = simple_graph(graph) when already made."""
    simple = simple_graph(graph) if simple is None else simple
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


def communities(graph: nx.MultiDiGraph, seed: int = 0, resolution: float = 1.0,
                simple: nx.Graph | None = None) -> list[list[str]]:
    """Louvain communities (seeded, so deterministic), largest first, each sorted; `simple` as for centrality."""
    simple = simple_graph(graph) if simple is None else simple
    found = nx.community.louvain_communities(simple, weight="weight", resolution=resolution, seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def node_scores(graph: nx.MultiDiGraph, seed: int = 0,
                simple: nx.Graph | None = None) -> tuple[dict[str, float], dict[str, int]]:
    """What `annotate` adds, without changing `graph`: each node's `importance` (degree centrality,
    rounded) and `community` (Louvain index, largest first); `simple` as for centrality."""
    simple = simple_graph(graph) if simple is None else simple
    importance = {node: round(value, 6) for node, value in centrality(graph, simple=simple).items()}
    community = {node: index for index, members in enumerate(communities(graph, seed=seed, simple=simple))
                 for node in members}
    return importance, community


def annotate(graph: nx.MultiDiGraph, seed: int = 0) -> nx.MultiDiGraph:
    """Adds `importance` (degree centrality) and `community` (Louvain index) to every node, in place."""
    importance, community = node_scores(graph, seed)
    for node, value in importance.items():
        graph.nodes[node]["importance"] = value
    for node, index in community.items():
        graph.nodes[node]["community"] = index
    return graph


_PLAIN = frozenset((str, int, float, bool))  # values GraphML and GEXF take as they are


def _scalar(value):
    """A value GraphML and GEXF take; a list of scalars is left a list (joined by `_uniform`)."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, (list, tuple, set)) and all(type(v) in _PLAIN for v in value):
        return list(value)
    if isinstance(value, (list, tuple, set, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else value


def scalars(data: dict, drop: tuple[str, ...]) -> dict:
    """The attributes as scalars (lists kept); a structured value (a dict: `amount`, `geo`) as one
    attribute per field, `amount_value` 150000000 and `amount_currency` "USD", its `type` left out."""
    flat: dict = {}
    for k, v in data.items():
        if k in drop:
            continue
        if type(v) in _PLAIN:
            flat[k] = v
        elif isinstance(v, dict) and all(isinstance(f, str) for f in v):
            flat.update((f"{k}_{field}", _scalar(value)) for field, value in v.items() if field != "type")
        else:
            flat[k] = _scalar(v)
    return flat


def key_types(rows: Iterable[dict]) -> tuple[set[str], dict[str, type]]:
    """What `uniform_row` needs from every row of scalars (`scalars`): the keys that are a boolean or
    number somewhere (`single`), and the type each key that holds several types becomes (`mixed`)."""
    scalar: dict[str, set[type]] = {}
    listed: set[str] = set()
    for data in rows:
        for k, v in data.items():
            if type(v) is list:
                listed.add(k)
            else:
                scalar.setdefault(k, set()).add(type(v))
    single = {k for k, found in scalar.items() if found & {bool, int, float}}
    types = {k: set(found) for k, found in scalar.items()}
    for k in listed:
        types.setdefault(f"{k}_values" if k in single else k, set()).add(str)
    mixed: dict[str, type] = {k: float if found == {int, float} else str for k, found in types.items()
                              if len(found) > 1}
    return single, mixed


def uniform_row(data: dict, single: set[str], mixed: dict[str, type]) -> dict:
    """A row of scalars with each key of one type throughout (see `_uniform`)."""
    flat = {}
    for k, v in data.items():
        if type(v) is list:
            k, v = (f"{k}_values" if k in single else k), "; ".join(str(x) for x in v)
        flat[k] = v
    return {k: mixed[k](v) if k in mixed else v for k, v in flat.items()} if mixed else flat


def _uniform(items, drop: tuple[str, ...]) -> list[tuple]:
    """(key, data) rows of scalars, each key of one type throughout. A list (`types`, `alt_labels`)
    is a "; "-joined string; where a key is a boolean or number elsewhere (sources disagree on this
    node), the list goes to `KEY_values` so that KEY keeps its type. Integers among doubles become doubles;
    any other mix of types makes the key text."""
    rows = [(key, scalars(data, drop)) for key, data in items]
    single, mixed = key_types(data for _, data in rows)
    return [(key, uniform_row(data, single, mixed)) for key, data in rows]


@collector_paused
def flatten(graph: nx.MultiDiGraph, drop: tuple[str, ...] = ("evidence",)) -> nx.MultiDiGraph:
    """Scalars only, as GraphML and GEXF need (networkx #3663, #5071), each key of one type (boolean,
    integer, double or string): lists of scalars become "; "-joined strings (`KEY_values` where KEY is a
    single value on other nodes), a dict one attribute per field (`amount_value`, `amount_currency`,
    `geo_latitude`), lists of dicts JSON (see `_uniform`). Every edge gets a `label` (its relation),
    which Gephi shows."""
    flat = nx.MultiDiGraph()
    for node, data in _uniform(graph.nodes(data=True), drop):
        flat.add_node(node, mentions=len(graph.nodes[node].get("evidence", [])), **data) if "evidence" in drop else flat.add_node(node, **data)
    for (s, o, key), data in _uniform((((s, o, k), d) for s, o, k, d in graph.edges(keys=True, data=True)), drop):
        if "label" not in data and "relation" in data:
            data = {"label": data["relation"], **data}
        flat.add_edge(s, o, key=key, **data)
    return flat


flatten_for_graphml = flatten


@collector_paused
def write_graphml(graph: nx.MultiDiGraph, path: Path | str, flat: nx.MultiDiGraph | None = None) -> None:
    """GraphML (Cytoscape, Gephi, yEd), written atomically; `flat` = flatten(graph) when already made.
    The text is networkx's (`nx.write_graphml`), written directly (kg.export.graphfiles) when it can be."""
    path = Path(path)
    flat = flatten(graph) if flat is None else flat
    text = graphml_text(flat)
    if text is None:
        write_atomic(path, lambda tmp: nx.write_graphml(flat, str(tmp)))
    else:
        write_atomic(path, lambda tmp: tmp.write_bytes(text.encode("utf-8")))


@collector_paused
def write_gexf(graph: nx.MultiDiGraph, path: Path | str, flat: nx.MultiDiGraph | None = None) -> None:
    """GEXF 1.2 (Gephi), written atomically, without networkx's lastmodifieddate (deterministic);
    `flat` = flatten(graph) when already made. The text is networkx's (`nx.generate_gexf`), written
    directly (kg.export.graphfiles) when it can be."""
    path = Path(path)
    flat = flatten(graph) if flat is None else flat
    text = gexf_text(flat)
    if text is None:
        text = "\n".join(nx.generate_gexf(flat)) + "\n"
        text = "<?xml version='1.0' encoding='utf-8'?>\n" + re.sub(r'<meta lastmodifieddate="[^"]*">', "<meta>", text,
                                                                    count=1)
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
