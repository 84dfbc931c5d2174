"""Pixel positions for big views (above LAYOUT_THRESHOLD nodes the browser's physics would take minutes)."""

from __future__ import annotations

import math

import networkx as nx

from kg.export.network import simple_graph


def layout(graph: nx.MultiDiGraph, groups: list[list[str]], seed: int = 0, spacing: float = 60.0,
           simple: nx.Graph | None = None) -> dict[str, tuple[int, int]]:
    """Pixel positions without scipy: each community laid out on its own (spring layout when small,
    a sunflower of hubs-first otherwise), communities packed in rows, largest first; `simple` =
    simple_graph(graph) when already made."""
    simple = simple_graph(graph) if simple is None else simple
    positions: dict[str, tuple[int, int]] = {}
    blocks = []
    for members in groups:
        radius = spacing * math.sqrt(len(members)) * 0.8 + spacing / 2
        if 2 < len(members) < 400:
            sub = nx.Graph()  # not simple.subgraph(): a subgraph view iterates a set (hash order)
            sub.add_nodes_from(sorted(members))
            inside = set(members)
            sub.add_weighted_edges_from(sorted((a, b, data.get("weight")) for a in inside
                                               for b, data in simple.adj[a].items() if a < b and b in inside))
            local = nx.spring_layout(sub, seed=seed, iterations=60)
            local = {n: (float(x) * radius, float(y) * radius) for n, (x, y) in sorted(local.items())}
        else:
            ordered = sorted(members, key=lambda n: (-simple.degree(n), n))
            golden = math.pi * (3 - math.sqrt(5))
            local = {n: (math.sqrt(i + 0.5) * spacing * 0.8 * math.cos(i * golden), math.sqrt(i + 0.5) * spacing * 0.8 * math.sin(i * golden))
                     for i, n in enumerate(ordered)}
        blocks.append((radius, local))
    width = max(spacing, math.sqrt(sum((2 * r) ** 2 for r, _ in blocks)) * 1.2)
    x = y = row_height = 0.0
    for radius, local in blocks:
        if x > 0 and x + 2 * radius > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (dx, dy) in local.items():
            positions[node] = (round(x + radius + dx), round(y + radius + dy))
        x, row_height = x + 2 * radius + spacing, max(row_height, 2 * radius + spacing)
    return positions
