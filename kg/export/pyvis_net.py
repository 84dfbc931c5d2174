"""The projection as a pyvis Network, for users who work with pyvis (its API, its notebook display).

graph.html does not use pyvis's page (it pulls bootstrap and tom-select from CDNs and leaves ids
unescaped, see view.py); this gives pyvis users the same typed, coloured, escaped network. The
node and edge lists are filled directly: pyvis's add_node/add_edge scan lists for duplicates, so
building through them is quadratic.
"""

from __future__ import annotations

import html

import networkx as nx

from kg.export.view import COLOURS, SHAPES

PHYSICS_LIMIT = 1500  # vis-network's physics needs minutes beyond this many nodes


def to_pyvis(graph: nx.MultiDiGraph, height: str = "750px"):
    """A directed pyvis Network of the projection; every text from an article is HTML-escaped."""
    from pyvis.network import Network  # imported here: pyvis pulls in jinja2 and IPython

    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    degree = dict(graph.degree())
    for node, data in sorted(graph.nodes(data=True), key=lambda item: str(item[0])):
        kind = data.get("kind", "other")
        label = str(data.get("label", node))
        net.nodes.append({
            "id": str(node),
            "label": label if len(label) <= 40 else label[:39] + "…",
            "title": html.escape(f"{label} ({kind})"),
            "color": COLOURS.get(kind, COLOURS["other"]),
            "shape": SHAPES.get(kind, "dot"),
            "size": 10 + min(30, 3 * degree.get(node, 0)),
        })
        net.node_ids.append(str(node))
        net.node_map[str(node)] = net.nodes[-1]
    for source, target, data in sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))):
        relation = str(data.get("relation", ""))
        net.edges.append({"from": str(source), "to": str(target), "title": html.escape(relation),
                          "label": relation, "arrows": "to"})
    net.toggle_physics(len(net.nodes) <= PHYSICS_LIMIT)
    return net
