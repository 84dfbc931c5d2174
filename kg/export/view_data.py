"""What the HTML view draws: the projection as vis-network nodes and edges (the ones a pyvis Network
holds) plus what the page's panel, search and filters need, and the vis-network options.

Nodes are numbered (their position in the graph); each carries vis-network's drawing fields (label,
title, shape, size, color, x/y when laid out here) and the page's own (`name`, `iri`, `kind`, `types`,
`alt`, `imp`, `community`, `arts`, `ev`, `more`, `attrs`); vis-network ignores the latter. Edges carry
`from`, `to`, `label`, `title`, `width`, `dashes` and `weight`. Deterministic for identical input.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

from kg.export.network import KINDS, node_scores, simple_graph
from kg.export.view_layout import layout

COLOURS = {
    "person": "#4e79a7", "organization": "#f28e2b", "country": "#e15759", "place": "#59a14f",
    "weapon": "#b07aa1", "equipment": "#9c755f", "article": "#bab0ac", "event": "#edc948",
    "statement": "#76b7b2", "grant": "#ff9da7", "source": "#d37295", "other": "#8c8c8c",
}
SHAPES = {
    "person": "dot", "organization": "hexagon", "country": "diamond", "place": "triangleDown",
    "weapon": "triangle", "equipment": "triangle", "article": "square", "event": "star",
    "statement": "dot", "grant": "box", "source": "dot", "other": "dot",
}
LAYOUT_THRESHOLD = 300  # above this many nodes: positions computed here, physics off
DEFAULT_TOP = 2000  # at most this many nodes drawn at first (the page's "most central" control)
MAX_EVIDENCE = 20  # sentences per node in the page; the rest are counted
# A build's page holds at most this many nodes: the most connected (distinct neighbours in the whole
# network, ties in IRI order), and the heading says how many of how many (kg.export.netspill).
MAX_NODES = 5000
LABEL_CHARS = 40  # longer labels are cut on the canvas (the panel shows them whole)
# Kinds not drawn as nodes until their box in the legend is ticked: statements would be half of the
# nodes (42 of 93 on the samples); their words are in the panel of their speaker and their event.
HIDDEN_KINDS = ("statement",)
_SKIP_ATTRS = {"label", "kind", "types", "alt_labels", "evidence", "importance", "community", "x", "y"}


def _plain(value):
    """Attribute values as JSON can hold them (numbers, strings, lists, dicts)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value if not (isinstance(value, float) and not math.isfinite(value)) else str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=str)
    return str(value)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 3] + "\u2026"


def vis_options(count: int, physics: bool) -> dict[str, Any]:
    """vis-network options: physics (then frozen) for small graphs, precomputed positions and
    straight edges hidden while dragging for big ones."""
    big = not physics
    return {
        "layout": {"randomSeed": 7, "improvedLayout": count <= 100},
        "physics": {"enabled": True, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -140, "springLength": 90, "avoidOverlap": 1},
                    "stabilization": {"enabled": True, "iterations": 250, "fit": True}} if physics else {"enabled": False},
        "interaction": {"hover": not big, "tooltipDelay": 200, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big},
        "nodes": {"font": {"size": 22}, "borderWidth": 1},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "color": {"color": "#b8b8b8", "highlight": "#444", "hover": "#666"},
                  "font": {"size": 12, "color": "#555", "strokeWidth": 2, "align": "middle"},
                  "smooth": False if big else {"type": "continuous"}},
    }


def _evidence(data: dict, article_index: dict[str, int], arts: set[int], max_evidence: int) -> list[dict]:
    evidence = []
    for item in data.get("evidence", [])[:max_evidence]:
        source = str(item.get("article", ""))
        if source in article_index:
            arts.add(article_index[source])
        evidence.append({"a": article_index.get(source, source), "s": str(item.get("sentence", "")),
                         "m": [[int(b), int(e)] for b, e in item.get("spans", [])]})
    return evidence


def _node(graph: nx.MultiDiGraph, node: str, i: int, kind: str, arts: set[int], evidence: list[dict],
          importance: float, peak: float, community: int, max_evidence: int, total: int) -> dict[str, Any]:
    data = graph.nodes[node]
    label, colour = str(data.get("label", node)), COLOURS[kind]
    return {
        "id": i, "label": _short(label), "title": f"{label} ({kind})", "shape": SHAPES[kind],
        "size": round(8 + 22 * math.sqrt(importance / peak), 1),
        "color": {"background": colour, "border": "#333", "highlight": {"background": colour, "border": "#000"}},
        "name": label, "iri": str(node), "kind": kind, "types": [str(t) for t in data.get("types", [])],
        "alt": [str(a) for a in data.get("alt_labels", [])], "imp": round(importance, 4), "community": community,
        "arts": sorted(arts), "ev": evidence, "more": max(0, total - max_evidence),
        "attrs": {str(k): _plain(v) for k, v in sorted(data.items(), key=lambda kv: str(kv[0])) if k not in _SKIP_ATTRS},
    }


def _edge(i: int, source: int, target: int, relation: str, weight: int) -> dict[str, Any]:
    return {"id": i, "from": source, "to": target, "label": relation, "weight": weight,
            "title": relation + (f" \u00d7{weight}" if weight > 1 else ""),
            "width": round(min(6.0, 1 + math.log(weight)), 3), "dashes": relation == "mentioned_in"}


def view_data(graph: nx.MultiDiGraph, title: str = "Event knowledge graph", *, top: int = DEFAULT_TOP,
              layout_threshold: int = LAYOUT_THRESHOLD, max_evidence: int = MAX_EVIDENCE, seed: int = 0,
              evidence_counts: dict[str, int] | None = None) -> dict:
    """{"nodes", "edges", "options" (vis-network's), "meta" (title, articles, centrality order, kinds,
    the view's settings)}. Does not change `graph`. `evidence_counts`: each node's number of
    sentences when its `evidence` holds only the first ones (a build keeps `max_evidence` a node)."""
    simple = simple_graph(graph)
    importance_of, community_of = node_scores(graph, seed=seed, simple=simple)
    ids = list(graph.nodes)
    index = {node: i for i, node in enumerate(ids)}
    kind_of = {n: (d.get("kind") if d.get("kind") in COLOURS else "other") for n, d in graph.nodes(data=True)}
    article_index = {n: i for i, n in enumerate(n for n in ids if kind_of[n] == "article")}
    articles = [{"node": index[n], "label": str(graph.nodes[n].get("label", n)),
                 "date": str(graph.nodes[n].get("date_published", "") or "")} for n in article_index]
    positions = {}
    if len(ids) > layout_threshold:
        groups: dict[int, list[str]] = {}
        for node in ids:  # node_scores() numbered the communities, largest first
            groups.setdefault(community_of[node], []).append(node)
        positions = layout(graph, [groups[k] for k in sorted(groups)], seed=seed, simple=simple)
    peak = max((importance_of[n] for n in ids), default=0.0) or 1.0
    nodes: list[dict[str, Any]] = []
    for i, node in enumerate(ids):
        arts = {article_index[m] for m in nx.all_neighbors(graph, node) if m in article_index}
        if node in article_index:
            arts.add(article_index[node])
        evidence = _evidence(graph.nodes[node], article_index, arts, max_evidence)
        total = len(graph.nodes[node].get("evidence", []))
        if evidence_counts is not None:
            total = evidence_counts.get(node, total)
        entry = _node(graph, node, i, kind_of[node], arts, evidence, float(importance_of[node]), peak,
                      community_of[node], max_evidence, total)
        if node in positions:
            entry["x"], entry["y"] = positions[node]
        nodes.append(entry)
    edges = [_edge(i, index[s], index[o], str(d.get("relation", k)), int(d.get("weight", 1) or 1))
             for i, (s, o, k, d) in enumerate(graph.edges(keys=True, data=True))]
    order = sorted(range(len(ids)), key=lambda i: (-nodes[i]["imp"], ids[i]))
    counts = {k: sum(1 for n in nodes if n["kind"] == k) for k in KINDS}
    physics = len(ids) <= layout_threshold
    meta = {"title": title, "articles": articles, "order": order,
            "kinds": [{"kind": k, "colour": COLOURS[k], "shape": SHAPES[k], "count": c} for k, c in counts.items() if c],
            "view": {"physics": physics, "top": min(top, len(ids)) or 1, "layout_threshold": layout_threshold,
                     "hidden_kinds": [k for k in HIDDEN_KINDS if counts.get(k)]}}
    return {"nodes": nodes, "edges": edges, "options": vis_options(len(ids), physics), "meta": meta}
