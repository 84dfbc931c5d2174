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

import io
import re
import shutil
from collections.abc import Callable
from typing import TextIO

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


class Unsupported(Exception):
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


class GraphmlStream:
    """A GraphML document written element by element, as `graphml_text` writes it: every node (`node`)
    before any edge (`edge`), their lines to `body` (a file or a StringIO), the key lines kept, and
    `finish` writes the head, the keys and the body copied back. Raises `Unsupported` for what needs
    networkx's writer."""

    def __init__(self, body: TextIO, directed: bool = True):
        self._body, self._directed = body, directed
        self._attribute, self._text = _memoized(_lxml_attribute), _memoized(_text)
        self._keys: dict[tuple[str, str, str], str] = {}
        self._key_lines: list[str] = []

    def _element(self, scope: str, start: str, data: dict) -> None:
        if not data:
            self._write(start + "/>\n")
            return
        lines = [start + ">\n"]
        for name, value in data.items():
            kind = _TYPES.get(type(value))
            if kind is None:
                raise Unsupported
            name = str(name)
            found = self._keys.get((name, kind, scope))
            if found is None:
                found = self._keys[(name, kind, scope)] = f"d{len(self._keys)}"
                self._key_lines.append(f'<key id="{found}" for="{scope}" attr.name="{self._attribute(name)}" '
                                       f'attr.type="{kind}"/>\n')
            lines.append(f'  <data key="{found}">{self._text(str(value))}</data>\n')
        lines.append(f"</{scope}>\n")
        self._write("".join(lines))

    def _write(self, text: str) -> None:
        if _NOT_XML.search(text):
            raise Unsupported
        self._body.write(text)

    def node(self, node, data: dict) -> None:
        self._element("node", f'<node id="{self._attribute(str(node))}"', data)

    def edge(self, source, target, key, data: dict) -> None:
        attribute = self._attribute
        self._element("edge", f'<edge source="{attribute(str(source))}" target="{attribute(str(target))}" '
                              f'id="{attribute(str(key))}"', data)

    def finish(self, out: TextIO) -> None:
        """The whole document into `out` (`body` is read back from its start)."""
        head = "".join((_GRAPHML_HEAD, *reversed(self._key_lines),
                        f'<graph edgedefault="{"directed" if self._directed else "undirected"}">'))
        if _NOT_XML.search(head):
            raise Unsupported
        out.write(head)
        self._body.seek(0)
        shutil.copyfileobj(self._body, out)
        out.write("</graph></graphml>")


def graphml_text(graph: nx.Graph) -> str | None:
    """The document `nx.write_graphml(graph, path)` writes (lxml present), or None (see the module doc)."""
    return _streamed(graph, GraphmlStream)


def _gexf_value(value, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    text = str(value)
    if kind == "double":
        return {"inf": "INF", "nan": "NaN", "-inf": "-INF"}.get(text, text)
    return text


def _gexf_lines(text: str) -> str:
    """A part of the document as `gexf_text` leaves it: non-ASCII as `&#N;`, lines split as
    `str.splitlines` splits them and ended by LF (the part ends with a line break)."""
    text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return "\n".join(text.splitlines()) + "\n"


class GexfStream:
    """A GEXF 1.2 document written element by element, as `gexf_text` writes it: every node (`node`)
    before any edge (`edge`), their lines to `body`, the attribute declarations kept, and `finish`
    writes the head, the declarations and the body copied back. Raises `Unsupported` as GraphmlStream."""

    def __init__(self, body: TextIO, directed: bool = True):
        self._body, self._directed = body, directed
        self._attribute = _memoized(_etree_attribute)
        self._attributes: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
        self._declared: dict[str, list[str]] = {"node": [], "edge": []}
        self._classes: list[str] = []  # in order of first use: networkx inserts each new <attributes> first
        self._nodes = self._edges = 0

    def _attvalues(self, scope: str, data: dict, indent: str) -> str:
        attributes, attribute = self._attributes, self._attribute
        lines = [f"{indent}<attvalues>\n"]
        for name, value in data.items():
            kind = _TYPES.get(type(value))
            if kind is None:
                raise Unsupported
            name = "networkx_key" if name == "key" else str(name)
            found = attributes[scope].get(name)
            if found is None:
                found = attributes[scope][name] = str(sum(len(a) for a in attributes.values()))
                if scope not in self._classes:
                    self._classes.append(scope)
                self._declared[scope].append(f'      <attribute id="{found}" title="{attribute(name)}" '
                                             f'type="{kind}" />\n')
            lines.append(f'{indent}  <attvalue for="{found}" value="{attribute(_gexf_value(value, kind))}" />\n')
        lines.append(f"{indent}</attvalues>\n")
        return "".join(lines)

    def _write(self, text: str) -> None:
        self._body.write(_gexf_lines(text))

    def node(self, node, data: dict) -> None:
        if not _GEXF_NODE_SPECIAL.isdisjoint(data):
            raise Unsupported
        if not self._nodes:
            self._write("    <nodes>\n")
        self._nodes += 1
        label = self._attribute(str(data.get("label", node)))
        start = f'      <node id="{self._attribute(str(node))}" label="{label}"'
        rest = {k: v for k, v in data.items() if k != "label"} if "label" in data else data
        self._write(f"{start}>\n{self._attvalues('node', rest, '        ')}      </node>\n" if rest
                    else f"{start} />\n")

    def _close_nodes(self) -> None:
        if self._nodes >= 0:
            self._write("    </nodes>\n" if self._nodes else "    <nodes />\n")
            self._nodes = -1

    def edge(self, source, target, key, data: dict) -> None:
        if not _GEXF_EDGE_SPECIAL.isdisjoint(data):
            raise Unsupported
        self._close_nodes()
        if not self._edges:
            self._write("    <edges>\n")
        attribute = self._attribute
        start = f'      <edge source="{attribute(str(source))}" target="{attribute(str(target))}" id="{self._edges}"'
        self._edges += 1
        if "label" in data:
            start += f' label="{attribute(str(data["label"]))}"'
        if "weight" in data:
            start += f' weight="{attribute(str(data["weight"]))}"'
        rest = {k: v for k, v in data.items() if k != "label" and k != "weight"}
        rest["key"] = key
        self._write(f"{start}>\n{self._attvalues('edge', rest, '        ')}      </edge>\n")

    def finish(self, out: TextIO) -> None:
        """The whole document into `out` (`body` is read back from its start)."""
        self._close_nodes()
        self._write("    </edges>\n" if self._edges else "    <edges />\n")
        parts = ["<?xml version='1.0' encoding='utf-8'?>\n",
                 _GEXF_HEAD.format(version=nx.__version__, edges="directed" if self._directed else "undirected")]
        for scope in reversed(self._classes):
            parts.append(f'    <attributes mode="static" class="{scope}">\n')
            parts.extend(self._declared[scope])
            parts.append("    </attributes>\n")
        out.write(_gexf_lines("".join(parts)))
        self._body.seek(0)
        shutil.copyfileobj(self._body, out)
        out.write("  </graph>\n</gexf>\n")


def gexf_text(graph: nx.Graph) -> str | None:
    """The document `kg.export.network.write_gexf` wrote from `nx.generate_gexf(graph)`: the lines
    joined by LF with a final LF, `<meta>` without its date, and the XML declaration first; or None."""
    return _streamed(graph, GexfStream)


def _streamed(graph: nx.Graph, kind: type[GraphmlStream] | type[GexfStream]) -> str | None:
    """The whole document of `graph` through a stream of `kind`, or None if it cannot write it."""
    if not graph.is_multigraph() or graph.graph:
        return None
    stream, out = kind(io.StringIO(), graph.is_directed()), io.StringIO()
    try:
        for node, data in graph.nodes(data=True):
            stream.node(node, data)
        for source, target, key, data in graph.edges(keys=True, data=True):
            stream.edge(source, target, key, data)
        stream.finish(out)
    except Unsupported:
        return None
    return out.getvalue()
