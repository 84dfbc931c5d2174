"""GraphML and GEXF text written directly, byte for byte as networkx 3's writers write them.

networkx builds an element tree of the whole graph before it writes a byte (GraphML through lxml's
incremental writer, GEXF through xml.etree); at a few thousand nodes that costs most of the export.
These functions write the same documents as strings:
- GraphML as `nx.write_graphml` (lxml) does: keys in reverse order of first use, one `<node>` or
  `<edge>` a line block, UTF-8; `& < >` and CR escaped in text, `& < > "` TAB LF CR in attributes.
- GEXF 1.2 as `nx.generate_gexf` does: ElementTree's indentation, `&#N;` for every non-ASCII
  character, `label`/`weight` edge attributes, `networkx_key` for the multigraph key, and the
  lines split as `str.splitlines` splits them.
They return None for anything outside that common case (graph attributes, a graph that is not a
multigraph, a value that is not str/int/float/bool, GEXF's reserved keys such as `start` or
`viz`, characters lxml refuses); the callers then use networkx's writer itself, so the result
(or the error) is still networkx's. tests/test_graphfiles.py compares both on hostile strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import networkx as nx

_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
# What lxml refuses to write (it raises): C0 controls but TAB LF CR, U+FFFE, U+FFFF, lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_GRAPHML_HEAD = ("<?xml version='1.0' encoding='utf-8'?>\n"
                 '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                 'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">')
_GEXF_HEAD = ('<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
              '  <meta>\n    <creator>NetworkX {version}</creator>\n  </meta>\n'
              '  <graph defaultedgetype="{edges}" mode="static" name="">\n')
# Keys networkx's GEXF writer takes out of the attributes (ids, dynamics, viz, hierarchy)
_GEXF_NODE_SPECIAL = frozenset(("id", "pid", "start", "end", "viz", "parents", "spells", "slices"))
_GEXF_EDGE_SPECIAL = frozenset(("id", "key", "type", "start", "end", "viz", "spells", "slices"))


class _Unsupported(Exception):
    """The graph needs networkx's own writer."""


def _markup(value: str) -> str:
    """`&`, `<` and `>` escaped (lxml and ElementTree alike, in text and attributes)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _text(value: str) -> str:
    """Character data as lxml escapes it."""
    value = _markup(value)
    return value.replace("\r", "&#13;") if "\r" in value else value


def _attribute(value: str, tab: str) -> str:
    """An attribute value as lxml (`tab` "&#9;") or ElementTree (`tab` "&#09;") escapes it."""
    value = _markup(value)
    for char, reference in (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", tab)):
        if char in value:
            value = value.replace(char, reference)
    return value


def _lxml_attribute(value: str) -> str:
    return _attribute(value, "&#9;")


def _etree_attribute(value: str) -> str:
    return _attribute(value, "&#09;")


def _memoized(escape: Callable[[str], str]) -> Callable[[str], str]:
    """`escape` with a cache for one document (ids, relation names and kinds come back thousands of times)."""
    cache: dict[str, str] = {}

    def escaped(value: str) -> str:
        found = cache.get(value)
        if found is None:
            found = cache[value] = escape(value)
        return found

    return escaped


def graphml_text(graph: nx.Graph) -> str | None:
    """The document `nx.write_graphml(graph, path)` writes (lxml present), or None (see the module doc)."""
    if not graph.is_multigraph() or graph.graph:
        return None
    attribute, text = _memoized(_lxml_attribute), _memoized(_text)
    keys: dict[tuple[str, str, str], str] = {}
    key_lines: list[str] = []
    out: list[str] = []
    add = out.append
    try:
        for scope, items in (("node", ((n, None, None, d) for n, d in graph.nodes(data=True))),
                             ("edge", graph.edges(keys=True, data=True))):
            for first, target, key, data in items:
                if scope == "node":
                    start = f'<node id="{attribute(str(first))}"'
                else:
                    start = (f'<edge source="{attribute(str(first))}" target="{attribute(str(target))}" '
                             f'id="{attribute(str(key))}"')
                if not data:
                    add(start + "/>\n")
                    continue
                add(start + ">\n")
                for name, value in data.items():
                    kind = _TYPES.get(type(value))
                    if kind is None:
                        raise _Unsupported
                    name = str(name)
                    found = keys.get((name, kind, scope))
                    if found is None:
                        found = keys[(name, kind, scope)] = f"d{len(keys)}"
                        key_lines.append(f'<key id="{found}" for="{scope}" attr.name="{attribute(name)}" '
                                         f'attr.type="{kind}"/>\n')
                    add(f'  <data key="{found}">{text(str(value))}</data>\n')
                add(f"</{scope}>\n")
    except _Unsupported:
        return None
    edges = "directed" if graph.is_directed() else "undirected"
    document = "".join((_GRAPHML_HEAD, *reversed(key_lines), f'<graph edgedefault="{edges}">', *out,
                        "</graph></graphml>"))
    return None if _NOT_XML.search(document) else document


def _gexf_value(value, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    text = str(value)
    if kind == "double":
        return {"inf": "INF", "nan": "NaN", "-inf": "-INF"}.get(text, text)
    return text


def gexf_text(graph: nx.Graph) -> str | None:
    """The document `kg.export.network.write_gexf` wrote from `nx.generate_gexf(graph)`: the lines
    joined by LF with a final LF, `<meta>` without its date, and the XML declaration first; or None."""
    if not graph.is_multigraph() or graph.graph:
        return None
    attribute = _memoized(_etree_attribute)
    attributes: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    declared: dict[str, list[str]] = {"node": [], "edge": []}
    classes: list[str] = []  # in order of first use: networkx inserts each new <attributes> first

    def attvalues(scope: str, data: dict, indent: str) -> str:
        lines = [f"{indent}<attvalues>\n"]
        for name, value in data.items():
            kind = _TYPES.get(type(value))
            if kind is None:
                raise _Unsupported
            name = "networkx_key" if name == "key" else str(name)
            found = attributes[scope].get(name)
            if found is None:
                found = attributes[scope][name] = str(sum(len(a) for a in attributes.values()))
                if scope not in classes:
                    classes.append(scope)
                declared[scope].append(f'      <attribute id="{found}" title="{attribute(name)}" '
                                       f'type="{kind}" />\n')
            lines.append(f'{indent}  <attvalue for="{found}" value="{attribute(_gexf_value(value, kind))}" />\n')
        lines.append(f"{indent}</attvalues>\n")
        return "".join(lines)

    nodes: list[str] = []
    edges: list[str] = []
    try:
        for node, data in graph.nodes(data=True):
            if not _GEXF_NODE_SPECIAL.isdisjoint(data):
                raise _Unsupported
            label = attribute(str(data.get("label", node)))
            start = f'      <node id="{attribute(str(node))}" label="{label}"'
            rest = {k: v for k, v in data.items() if k != "label"} if "label" in data else data
            nodes.append(f"{start}>\n{attvalues('node', rest, '        ')}      </node>\n" if rest else f"{start} />\n")
        for number, (source, target, key, data) in enumerate(graph.edges(keys=True, data=True)):
            if not _GEXF_EDGE_SPECIAL.isdisjoint(data):
                raise _Unsupported
            start = (f'      <edge source="{attribute(str(source))}" target="{attribute(str(target))}" '
                     f'id="{number}"')
            if "label" in data:
                start += f' label="{attribute(str(data["label"]))}"'
            if "weight" in data:
                start += f' weight="{attribute(str(data["weight"]))}"'
            rest = {k: v for k, v in data.items() if k != "label" and k != "weight"}
            rest["key"] = key
            edges.append(f"{start}>\n{attvalues('edge', rest, '        ')}      </edge>\n")
    except _Unsupported:
        return None
    parts = [_GEXF_HEAD.format(version=nx.__version__, edges="directed" if graph.is_directed() else "undirected")]
    for scope in reversed(classes):
        parts.append(f'    <attributes mode="static" class="{scope}">\n')
        parts.extend(declared[scope])
        parts.append("    </attributes>\n")
    for name, items in (("nodes", nodes), ("edges", edges)):
        parts.extend((f"    <{name}>\n", *items, f"    </{name}>\n") if items else (f"    <{name} />\n",))
    parts.append("  </graph>\n</gexf>")
    text = "".join(parts).encode("ascii", "xmlcharrefreplace").decode("ascii")
    return "<?xml version='1.0' encoding='utf-8'?>\n" + "\n".join(text.splitlines()) + "\n"
