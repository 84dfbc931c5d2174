"""The interactive HTML view (graph.html): one self-contained file that loads nothing from the network.

pyvis's template pulls bootstrap and tom-select from CDNs even in `in_line` mode (pyvis #228/#229)
and puts ids into the page unescaped, so the page is this project's own template
(view_assets/template.html) with vis-network 9.1.9, the library pyvis wraps, inlined. Safety:
the graph goes into the page only as JSON inside `<script type="application/json">` with `<`, `>` and `&` escaped, the page builds its DOM with
textContent only, and a Content-Security-Policy allows only the page's own two scripts (by hash)
and no request at all. Big graphs: positions are computed here (community layout) and physics is
off; a top-N control limits what is drawn. Output is byte-identical for identical input.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export.atomic import write_text_atomic
from kg.export.network import KINDS, node_scores, simple_graph
from kg.util.nogc import collector_paused

ASSETS = Path(__file__).with_name("view_assets")
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
# Kinds not drawn as nodes until their box in the legend is ticked: statements would be half of the
# nodes (42 of 93 on the samples); their words are in the panel of their speaker and their event.
HIDDEN_KINDS = ("statement",)
_SKIP_ATTRS = {"label", "kind", "types", "alt_labels", "evidence", "importance", "community", "x", "y"}


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    text = (ASSETS / name).read_text(encoding="utf-8")
    if name.endswith(".js") and "</script" in text.lower():
        raise ValueError(f"{name} cannot be inlined: it contains </script")
    return text


def script_json(value: object) -> str:
    """JSON safe inside a <script> element: no `</`, `<!--` or `]]>` can appear (all of <, >, & escaped)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


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


def view_data(graph: nx.MultiDiGraph, title: str = "Event knowledge graph", *, top: int = DEFAULT_TOP,
              layout_threshold: int = LAYOUT_THRESHOLD, max_evidence: int = MAX_EVIDENCE, seed: int = 0) -> dict:
    """What the page gets: nodes (by index), edges, articles, kinds, options. Does not change `graph`."""
    simple = simple_graph(graph)
    importance_of, community_of = node_scores(graph, seed=seed, simple=simple)
    ids = list(graph.nodes)
    index = {node: i for i, node in enumerate(ids)}
    kind_of = {n: (d.get("kind") if d.get("kind") in COLOURS else "other") for n, d in graph.nodes(data=True)}
    article_ids = [n for n in ids if kind_of[n] == "article"]
    article_index = {n: i for i, n in enumerate(article_ids)}
    articles = [{"node": index[n], "label": str(graph.nodes[n].get("label", n)),
                 "date": str(graph.nodes[n].get("date_published", "") or "")} for n in article_ids]
    positions = {}
    if len(ids) > layout_threshold:
        groups: dict[int, list[str]] = {}
        for node in ids:  # node_scores() numbered the communities, largest first
            groups.setdefault(community_of[node], []).append(node)
        positions = layout(graph, [groups[k] for k in sorted(groups)], seed=seed, simple=simple)
    peak = max((importance_of[n] for n in ids), default=0.0) or 1.0
    nodes: list[dict[str, Any]] = []
    for node in ids:
        data = graph.nodes[node]
        arts = {article_index[m] for m in nx.all_neighbors(graph, node) if m in article_index}
        if node in article_index:
            arts.add(article_index[node])
        evidence = []
        for item in data.get("evidence", [])[:max_evidence]:
            source = str(item.get("article", ""))
            if source in article_index:
                arts.add(article_index[source])
            evidence.append({"a": article_index.get(source, source), "s": str(item.get("sentence", "")),
                             "m": [[int(b), int(e)] for b, e in item.get("spans", [])]})
        importance = float(importance_of[node])
        entry = {"iri": str(node), "label": str(data.get("label", node)), "kind": kind_of[node],
                 "types": [str(t) for t in data.get("types", [])], "alt": [str(a) for a in data.get("alt_labels", [])],
                 "imp": round(importance, 4), "community": community_of[node], "size": round(8 + 22 * math.sqrt(importance / peak), 1),
                 "arts": sorted(arts), "ev": evidence, "more": max(0, len(data.get("evidence", [])) - max_evidence),
                 "attrs": {str(k): _plain(v) for k, v in sorted(data.items(), key=lambda kv: str(kv[0])) if k not in _SKIP_ATTRS}}
        if node in positions:
            entry["x"], entry["y"] = positions[node]
        nodes.append(entry)
    edges = [[index[s], index[o], str(d.get("relation", k)), int(d.get("weight", 1) or 1)]
             for s, o, k, d in graph.edges(keys=True, data=True)]
    order = sorted(range(len(ids)), key=lambda i: (-nodes[i]["imp"], ids[i]))
    counts = {k: sum(1 for n in nodes if n["kind"] == k) for k in KINDS}
    return {
        "title": title,
        "nodes": nodes, "edges": edges, "articles": articles, "order": order,
        "kinds": [{"kind": k, "colour": COLOURS[k], "shape": SHAPES[k], "count": c} for k, c in counts.items() if c],
        "options": {"physics": len(ids) <= layout_threshold, "top": min(top, len(ids)) or 1, "layout_threshold": layout_threshold,
                    "hidden_kinds": [k for k in HIDDEN_KINDS if counts.get(k)]},
    }


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


@collector_paused
def render_view(graph: nx.MultiDiGraph, title: str = "Event knowledge graph", **options) -> str:
    """The whole page as one string (see view_data for the options)."""
    vis_js, app_js = _asset("vis-network.min.js"), _asset("view.js")
    csp = ("default-src 'none'; script-src " + _sha256(vis_js) + " " + _sha256(app_js)
           + "; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    parts = {"CSP": csp, "TITLE": html.escape(title), "CSS": _asset("view.css").replace("</", "<\\/"),
             "DATA": script_json(view_data(graph, title, **options)), "VIS_JS": vis_js, "APP_JS": app_js}
    return re.sub(r"\{\{(CSP|TITLE|CSS|DATA|VIS_JS|APP_JS)\}\}", lambda m: parts[m.group(1)], _asset("template.html"))


def write_view(graph: nx.MultiDiGraph, path: Path, title: str = "Event knowledge graph", **options) -> None:
    """Write graph.html atomically."""
    write_text_atomic(path, render_view(graph, title, **options))


def notebook_view(graph: nx.MultiDiGraph, title: str = "Event knowledge graph", height: int = 700, **options):
    """The view inline in Jupyter: an <iframe srcdoc> (the page stays self-contained and sandboxed)."""
    from IPython.display import HTML  # imported here: only notebooks need IPython

    page = html.escape(render_view(graph, title, **options), quote=True)
    return HTML(f'<iframe srcdoc="{page}" style="width:100%;height:{int(height)}px;border:1px solid #ddd" '
                'sandbox="allow-scripts"></iframe>')
