"""A first interactive HTML view of the entity network (pyvis), written atomically.

Node and edge lists are filled directly: pyvis's add_node/add_edge scan lists for duplicates
and turn building quadratic. Every text from an article is HTML-escaped before it reaches a
tooltip.
"""

from __future__ import annotations

import html
from pathlib import Path

import networkx as nx

from kg.export.atomic import write_text_atomic

COLOURS = {
    "person": "#4e79a7",
    "organization": "#f28e2b",
    "country": "#e15759",
    "place": "#59a14f",
    "weapon": "#b07aa1",
    "equipment": "#9c755f",
    "article": "#bab0ac",
    "other": "#76b7b2",
}
SHAPES = {"article": "box", "person": "dot", "weapon": "triangle", "equipment": "triangle", "country": "diamond"}


def write_view(graph: nx.MultiDiGraph, path: Path, title: str = "Event knowledge graph") -> None:
    """Write graph.html: entities coloured by kind, articles as boxes, physics bounded."""
    from pyvis.network import Network  # imported here: pyvis pulls in jinja2 and IPython

    net = Network(height="800px", width="100%", directed=True, cdn_resources="in_line", heading=html.escape(title))
    degree = dict(graph.degree())
    for node, data in graph.nodes(data=True):
        kind = data.get("kind", "other")
        label = str(data.get("label", node))
        net.nodes.append({
            "id": node,
            "label": label if len(label) <= 40 else label[:37] + "…",
            "title": f"{html.escape(label)} ({html.escape(', '.join(data.get('types', [])))})",
            "color": COLOURS.get(kind, COLOURS["other"]),
            "shape": SHAPES.get(kind, "dot"),
            "size": 10 + min(30, 3 * degree.get(node, 0)),
        })
        net.node_ids.append(node)
        net.node_map[node] = net.nodes[-1]
    for s, o, data in graph.edges(data=True):
        relation = str(data.get("relation", ""))
        net.edges.append({"from": s, "to": o, "title": html.escape(f"{relation} ×{data.get('weight', 1)}"), "arrows": "to"})
    net.toggle_physics(len(net.nodes) <= 1500)
    write_text_atomic(path, net.generate_html(notebook=False))
