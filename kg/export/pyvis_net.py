"""The view as a pyvis Network, rendered through pyvis's template mechanism with this project's template.

pyvis's own page pulls bootstrap and tom-select from CDNs even with `cdn_resources="in_line"`
(pyvis #228/#229), so the Network is given this project's template (view_assets/template.html, a
Jinja2 template pyvis renders with its nodes, edges, heading and options) into which vis-network
9.1.9, the library pyvis wraps, the page's script and style are inlined. The node and edge lists are
filled in bulk: pyvis's add_node/add_edge scan lists for duplicates, so building through them is
quadratic. Safety: the graph reaches the page only through Jinja's `tojson` (`<`, `>`, `&`, `'`
escaped) inside `<script type="application/json">`, the page builds its DOM with textContent only,
vis-network 9 draws titles as text, and a Content-Security-Policy allows only the page's own two
scripts (by hash) and no request at all.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from pathlib import Path

import networkx as nx

from kg.export.view_data import view_data

ASSETS = Path(__file__).with_name("view_assets")
TEMPLATE = "template.html"


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """A file of view_assets; scripts that could close their <script> element are refused."""
    text = (ASSETS / name).read_text(encoding="utf-8")
    if name.endswith(".js") and "</script" in text.lower():
        raise ValueError(f"{name} cannot be inlined: it contains </script")
    return text


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def page_assets() -> dict[str, str]:
    """What the template inlines besides the graph: the scripts, the style and the CSP naming the scripts."""
    vis_js, app_js = asset("vis-network.min.js"), asset("view.js")
    csp = ("default-src 'none'; script-src " + _sha256(vis_js) + " " + _sha256(app_js)
           + "; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    return {"csp": csp, "css": asset("view.css").replace("</", "<\\/"), "vis_js": vis_js, "app_js": app_js}


def view_network(graph: nx.MultiDiGraph, title: str = "Event knowledge graph", **options):
    """A directed pyvis Network of the projection, set to render graph.html (see view_data for the options)."""
    from pyvis.network import Network  # imported here: pyvis pulls in jinja2 and IPython

    data = view_data(graph, title, **options)
    net = Network(height="100%", width="100%", directed=True, heading=title, cdn_resources="in_line")
    net.nodes, net.edges, net.options = data["nodes"], data["edges"], data["options"]
    net.node_ids = [n["id"] for n in net.nodes]
    net.node_map = {n["id"]: n for n in net.nodes}
    net.set_template_dir(str(ASSETS), TEMPLATE)
    env = net.templateEnv
    # tojson with sorted keys (deterministic), compact and UTF-8 as is; Jinja still escapes < > & '
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}
    env.globals.update(page_assets(), kg_meta=data["meta"])
    return net


def render_network(net) -> str:
    """The page of a Network from view_network(), rendered by pyvis."""
    if "<" in json.dumps(net.options):  # options are this module's constants; the template inlines them raw
        raise ValueError("vis options must not contain '<'")
    return net.generate_html(name="graph.html")


def to_pyvis(graph: nx.MultiDiGraph, title: str = "Event knowledge graph", **options):
    """The projection as a pyvis Network for pyvis users (its API, `generate_html`, notebooks): the
    same network graph.html draws, with the project's template set."""
    return view_network(graph, title, **options)
