"""The direct GraphML/GEXF writers give networkx's bytes, hostile strings included."""

from __future__ import annotations

import io
import random
import re
from xml.etree import ElementTree

import networkx as nx
import pytest

from kg.export.graphfiles import gexf_text, graphml_text
from kg.export.network import flatten, write_gexf, write_graphml

HOSTILE = ["", " ", "plain", "a & b", "<script>alert('x')</script>", 'say "hi"', "it's", "]]>", "&amp;", "&#10;",
           "tab\there", "line\nbreak", "cr\rlf\r\n", "  lead and trail  ", "Ünïcödé — “quoted” ‘single’", "日本語",
           "emoji 🚀 and 𝔘", "\x85next\u2028line\u2029para", "\x7f delete", "\u00a0nbsp", "\ufeffbom", "\ufffd",
           "x" * 20_000, "<" * 3000 + "&" * 3000, "https://w3id.org/evkg/id/person/o'brien?a=1&b=<2>#\"x\""]


def networkx_graphml(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    return buffer.getvalue()


def networkx_gexf(graph: nx.Graph) -> str:
    text = "\n".join(nx.generate_gexf(graph)) + "\n"
    return "<?xml version='1.0' encoding='utf-8'?>\n" + re.sub(r'<meta lastmodifieddate="[^"]*">', "<meta>", text, count=1)


def hostile_graph(seed: int, size: int = 40) -> nx.MultiDiGraph:
    """Nodes and parallel edges whose ids, labels, keys and values are hostile strings and odd numbers."""
    rng = random.Random(seed)

    def text() -> str:
        return "".join(rng.choice(HOSTILE[:-3]) for _ in range(rng.randint(0, 3))) if rng.random() < 0.8 \
            else rng.choice(HOSTILE)

    values = [lambda: text(), lambda: rng.randint(-10**20, 10**20), lambda: rng.choice([0.1, -2.5e-300, 1e300,
              float("inf"), float("-inf"), float("nan"), 3.0]), lambda: rng.random() < 0.5]
    names = ["label", "kind", "a & b", 'q"uote', "ü", "weight", "relation", "networkx_key", "name"]
    graph = nx.MultiDiGraph()
    for i in range(size):
        graph.add_node(f"{i}:{text()}", **{rng.choice(names): rng.choice(values)() for _ in range(rng.randint(0, 4))})
    nodes = list(graph)
    for _ in range(size * 2):
        key = rng.choice([None, text(), rng.randint(0, 3)])
        graph.add_edge(rng.choice(nodes), rng.choice(nodes), key=key,
                       **{rng.choice(names): rng.choice(values)() for _ in range(rng.randint(0, 3))})
    return graph


@pytest.mark.parametrize("seed", range(12))
def test_same_bytes_as_networkx_on_hostile_graphs(seed):
    graph = flatten(hostile_graph(seed)) if seed % 2 else hostile_graph(seed)
    ours = graphml_text(graph)
    assert ours is not None
    assert ours.encode("utf-8") == networkx_graphml(graph)
    ElementTree.fromstring(ours.encode("utf-8"))  # strict (expat) parser
    ours = gexf_text(graph)
    assert ours is not None
    assert ours == networkx_gexf(graph)
    ElementTree.fromstring(ours.encode("utf-8"))


def test_same_bytes_for_small_and_empty_graphs():
    empty = nx.MultiDiGraph()
    bare = nx.MultiDiGraph([("a", "b"), ("a", "b")])
    undirected = nx.MultiGraph([("a", "b", {"w": 1.5})])
    undirected.add_node("c", label="C")
    for graph in (empty, bare, undirected):
        assert graphml_text(graph).encode("utf-8") == networkx_graphml(graph)
        assert gexf_text(graph) == networkx_gexf(graph)


def test_every_character_is_escaped_as_networkx_escapes_it():
    chars = [chr(c) for c in range(0x20, 0x3000)] + ["\t", "\n", "\r", "\U0001f680", "\U0010fffd"]
    graph = nx.MultiDiGraph()
    for i in range(0, len(chars), 97):
        chunk = "".join(chars[i:i + 97])
        graph.add_node(chunk, label=chunk, text=chunk)
        graph.add_edge(chunk, chars[0], key=chunk, relation=chunk)
    assert graphml_text(graph).encode("utf-8") == networkx_graphml(graph)
    assert gexf_text(graph) == networkx_gexf(graph)


@pytest.mark.parametrize("graph", [
    nx.MultiDiGraph([("a", "b")], name="named"),  # graph attributes
    nx.DiGraph([("a", "b")]),  # not a multigraph
    nx.MultiDiGraph([("a", "b", {"value": None})]),  # a type GraphML and GEXF have no name for
    nx.MultiDiGraph([("a", "b", {"value": [1, 2]})]),
    nx.MultiDiGraph([("a", "b", {"start": 1})]),  # GEXF dynamics
])
def test_unusual_graphs_are_left_to_networkx(graph, tmp_path):
    assert graphml_text(graph) is None or gexf_text(graph) is None
    path = tmp_path / "g"
    for writer, reference in ((write_graphml, lambda: networkx_graphml(graph.copy())),
                              (write_gexf, lambda: networkx_gexf(graph.copy()).encode("utf-8"))):
        try:  # the file networkx writes, or the error it raises
            expected = reference()
        except Exception as error:  # noqa: BLE001
            with pytest.raises(type(error)):
                writer(graph.copy(), path, graph.copy())
            continue
        writer(graph.copy(), path, graph.copy())
        assert path.read_bytes() == expected


@pytest.mark.parametrize("bad", ["nul\x00", "bell\x07", "vt\x0b", "ff\x0c", "esc\x1b", "\ufffe", "\uffff", "\ud800"])
def test_characters_lxml_refuses_fall_back_to_networkx(bad, tmp_path):
    graph = nx.MultiDiGraph()
    graph.add_node("a", label=bad)
    assert graphml_text(graph) is None
    with pytest.raises(Exception):
        networkx_graphml(graph)
    assert gexf_text(graph) == networkx_gexf(graph)  # ElementTree writes them (as networkx did)


def test_written_files_are_networkx_files(tmp_path):
    graph = hostile_graph(99)
    write_graphml(graph, tmp_path / "g.graphml")
    assert (tmp_path / "g.graphml").read_bytes() == networkx_graphml(flatten(graph))
    write_gexf(graph, tmp_path / "g.gexf")
    assert (tmp_path / "g.gexf").read_bytes() == networkx_gexf(flatten(graph)).encode("utf-8")


def test_flatten_rules():
    graph = nx.MultiDiGraph()
    graph.add_node("a", label="A", evidence=[{"article": "x"}] * 3, alt=["b", 2, 1.5, True], size=1, flag=None,
                   money={"amount": 5, "currency": "UAH"}, rows=[{"k": "ü"}])
    graph.add_node("b", label="B", size="big", alt=("c",), flag=False)
    graph.add_edge("a", "b", key="r", relation="r", weight=2, extra=[1, {"x": 1}])
    graph.add_edge("b", "a", key=0, relation="s", weight=1.5)
    flat = flatten(graph)
    assert list(flat.nodes(data=True)) == [
        ("a", {"mentions": 3, "label": "A", "alt": "b; 2; 1.5; True", "size": "1", "flag": "",
               "money_amount": 5, "money_currency": "UAH", "rows": '[{"k": "ü"}]'}),
        ("b", {"mentions": 0, "label": "B", "size": "big", "alt": "c", "flag": "False"})]
    assert list(flat.edges(keys=True, data=True)) == [  # a label for Gephi; ints among doubles become doubles
        ("a", "b", "r", {"label": "r", "relation": "r", "weight": 2.0, "extra": '[1, {"x": 1}]'}),
        ("b", "a", 0, {"label": "s", "relation": "s", "weight": 1.5})]
    assert list(flatten(graph, drop=()).nodes["b"]) == ["label", "size", "alt", "flag"]
