"""The interactive HTML view (graph.html): one self-contained file that loads nothing from the network.

The page is a pyvis Network (kg.export.pyvis_net) rendered through pyvis's template mechanism with
this project's template; the nodes, edges and options are those of kg.export.view_data. Big graphs:
positions are computed here (community layout) and physics is off; a top-N control limits what is
drawn. Output is byte-identical for identical input.
"""

from __future__ import annotations

import html
from pathlib import Path

import networkx as nx

from kg.export.atomic import write_text_atomic
from kg.export.pyvis_net import render_network, view_network
from kg.export.view_data import (
    COLOURS,
    DEFAULT_TOP,
    HIDDEN_KINDS,
    LAYOUT_THRESHOLD,
    MAX_EVIDENCE,
    MAX_NODES,
    SHAPES,
    view_data,
)
from kg.export.view_layout import layout
from kg.util.nogc import collector_paused

__all__ = ["COLOURS", "DEFAULT_TOP", "HIDDEN_KINDS", "LAYOUT_THRESHOLD", "MAX_EVIDENCE", "MAX_NODES", "SHAPES", "layout", "notebook_view",
           "render_view", "view_data", "write_view"]


@collector_paused
def render_view(graph: nx.MultiDiGraph, title: str = "Event knowledge graph", **options) -> str:
    """The whole page as one string (see view_data for the options)."""
    return render_network(view_network(graph, title, **options))


def write_view(graph: nx.MultiDiGraph, path: Path, title: str = "Event knowledge graph", **options) -> None:
    """Write graph.html atomically."""
    write_text_atomic(path, render_view(graph, title, **options))


def notebook_view(graph: nx.MultiDiGraph, title: str = "Event knowledge graph", height: int = 700, **options):
    """The view inline in Jupyter: an <iframe srcdoc> (the page stays self-contained and sandboxed)."""
    from IPython.display import HTML  # imported here: only notebooks need IPython

    page = html.escape(render_view(graph, title, **options), quote=True)
    return HTML(f'<iframe srcdoc="{page}" style="width:100%;height:{int(height)}px;border:1px solid #ddd" '
                'sandbox="allow-scripts"></iframe>')
