"""The build's network projection in bounded memory (kg.export.netspill): the same GraphML, GEXF and
view as the whole projection, with the evidence on disk rather than in memory."""

from __future__ import annotations

import gc
import tracemalloc
from collections import defaultdict

import pyoxigraph as ox
import pytest

from kg.export.netfiles import write_network_files
from kg.export.netspill import NetworkSpill
from kg.export.network import flatten, simple_graph, write_gexf, write_graphml
from kg.export.projection import network_of, to_networkx
from kg.export.quadscan import Collected
from kg.export.view import MAX_EVIDENCE, MAX_NODES, render_view, view_data
from kg.graph.namespaces import KGO, OA, SCHEMA

EX = "https://example.org/"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _n(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _number(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))


def graphs_of(path) -> dict:
    """A dump's rows graph by graph, in the file's (sorted) order: what write_dumps hands on."""
    graphs: dict = defaultdict(list)
    for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        graphs[q.graph_name].append((q.subject, q.predicate, q.object))
    return graphs


def spill_of(rows_by_graph, folder) -> NetworkSpill:
    spill = NetworkSpill(folder)
    for rows in rows_by_graph:
        spill.add(rows)
    return spill


def article_rows(number: int, mentions: int, extra: tuple = ()) -> list[tuple]:
    """One article's graph naming a place in each of `mentions` sentences, annotations and all."""
    article, place = _n(f"{EX}article/{number}"), _n(f"{EX}place/odesa")
    sentences, offsets = [], []
    at = 0
    for i in range(mentions):
        sentence = f"Report {i} says Odesa was hit."
        offsets.append((at, at + len(sentence), at + sentence.index("Odesa")))
        sentences.append(sentence)
        at += len(sentence) + 1
    rows = [(article, TYPE, _n(SCHEMA.NewsArticle)), (article, _n(SCHEMA.articleBody), ox.Literal(" ".join(sentences))),
            (article, _n(SCHEMA.headline), ox.Literal(f"Strikes, part {number}")),
            (place, TYPE, _n(SCHEMA.Place)), (place, LABEL, ox.Literal("Odesa")), *extra]
    for i, (s_start, s_end, start) in enumerate(offsets):
        ann = _n(f"{EX}annotation/{number}/{i}")
        target, selector = _n(f"{ann.value}/target"), _n(f"{ann.value}/position")
        rows += [(ann, TYPE, _n(OA.Annotation)), (ann, _n(OA.hasBody), place), (ann, _n(OA.hasTarget), target),
                 (ann, _n(KGO.sentenceStart), _number(s_start)), (ann, _n(KGO.sentenceEnd), _number(s_end)),
                 (target, TYPE, _n(OA.SpecificResource)), (target, _n(OA.hasSource), article),
                 (target, _n(OA.hasSelector), selector), (selector, TYPE, _n(OA.TextPositionSelector)),
                 (selector, _n(OA.start), _number(start)), (selector, _n(OA.end), _number(start + 5))]
    return rows


def test_the_samples_graph_files_and_view_are_the_builds(sample_out, tmp_path):
    """Fed graph by graph, the spill writes the sample build's GraphML and GEXF byte for byte, and its
    capped graph draws the same page; uncapped, it is the whole projection."""
    graphs = graphs_of(sample_out / "graph.nq")
    spill = spill_of(graphs.values(), tmp_path)
    projection = write_network_files(spill, tmp_path / "g.graphml", tmp_path / "g.gexf", MAX_EVIDENCE, MAX_NODES)
    view, counts = projection.graph, projection.counts
    assert not projection.capped
    assert (tmp_path / "g.graphml").read_bytes() == (sample_out / "graph.graphml").read_bytes()
    assert (tmp_path / "g.gexf").read_bytes() == (sample_out / "graph.gexf").read_bytes()
    assert render_view(view, evidence_counts=counts).encode("utf-8") == (sample_out / "graph.html").read_bytes()
    whole = network_of(Collected(row for rows in graphs.values() for row in rows))
    full = spill.project().graph
    assert list(full.nodes(data=True)) == list(whole.nodes(data=True))
    assert list(full.edges(keys=True, data=True)) == list(whole.edges(keys=True, data=True))
    assert max(counts.values()) > 3
    few, few_counts = spill.project(max_evidence=3).graph, spill.project(max_evidence=3).counts
    assert all(len(d["evidence"]) <= 3 for _, d in few.nodes(data=True))
    assert view_data(few, max_evidence=3, evidence_counts=few_counts) == view_data(whole, max_evidence=3)
    spill.close()


def test_evidence_is_on_disk_not_in_memory(tmp_path):
    """What the spill holds in memory does not grow with the mentions (the projection's pass over
    the quads held every annotation, target and offset, and the network every sentence)."""
    small, large = article_rows(1, 10), article_rows(1, 1500)

    def held(make, rows) -> int:
        tracemalloc.start()
        try:
            sink = make()
            before = tracemalloc.get_traced_memory()[0]
            sink.add(rows)
            gc.collect()  # (which also empties the free lists of tuples and floats: they are not held)
            grown = tracemalloc.get_traced_memory()[0] - before
            if isinstance(sink, NetworkSpill):
                sink.close()
            return grown
        finally:
            tracemalloc.stop()

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    grown = held(lambda: NetworkSpill(tmp_path / "b"), large) - held(lambda: NetworkSpill(tmp_path / "a"), small)
    assert grown < 64_000, grown
    assert held(Collected, large) - held(Collected, small) > 20 * 64_000  # the whole pass does hold them
    (tmp_path / "c").mkdir()
    spill = spill_of([large], tmp_path / "c")  # and all of it comes back from the file
    projection = spill.project(max_evidence=4)
    graph, counts = projection.graph, projection.counts
    node = f"{EX}place/odesa"
    assert counts[node] == 1500 and len(graph.nodes[node]["evidence"]) == 4
    assert graph.nodes[node]["evidence"][0] == {"article": f"{EX}article/1", "sentence": "Report 0 says Odesa was hit.",
                                                "spans": [[14, 19]]}
    assert graph.edges[node, f"{EX}article/1", "mentioned_in"]["weight"] == 1500
    spill.close()


def test_mentions_across_graphs_add_up_as_in_the_whole_projection(tmp_path):
    graphs = [article_rows(n, n + 1) for n in range(1, 4)]
    spill = spill_of(graphs, tmp_path)
    write_network_files(spill, tmp_path / "g.graphml", tmp_path / "g.gexf", 2)
    whole = to_networkx(ox.Quad(s, p, o, _n(f"{EX}graph/{n}")) for n, rows in enumerate(graphs) for s, p, o in rows)
    flat = flatten(whole)
    write_graphml(whole, tmp_path / "w.graphml", flat)
    write_gexf(whole, tmp_path / "w.gexf", flat)
    for name in ("graphml", "gexf"):
        assert (tmp_path / f"g.{name}").read_bytes() == (tmp_path / f"w.{name}").read_bytes(), name
    spill.close()


@pytest.mark.parametrize("attribute", ["start", "end"])  # GEXF's own keys: the streams leave it to networkx
def test_a_graph_the_streams_cannot_write_is_written_whole(tmp_path, attribute):
    extra = ((_n(f"{EX}place/odesa"), _n(f"{EX}{attribute}"), ox.Literal("2026")),)
    rows = article_rows(1, 3, extra)
    spill = spill_of([rows], tmp_path)
    projection = write_network_files(spill, tmp_path / "g.graphml", tmp_path / "g.gexf", 2)
    view, counts = projection.graph, projection.counts
    whole = network_of(Collected(rows))
    flat = flatten(whole)
    write_graphml(whole, tmp_path / "w.graphml", flat)
    write_gexf(whole, tmp_path / "w.gexf", flat)
    for name in ("graphml", "gexf"):
        assert (tmp_path / f"g.{name}").read_bytes() == (tmp_path / f"w.{name}").read_bytes(), name
    assert counts[f"{EX}place/odesa"] == 3 and len(view.nodes[f"{EX}place/odesa"]["evidence"]) == 2
    spill.close()


def test_a_big_network_gives_the_view_its_most_connected_nodes(sample_out, tmp_path):
    """Above the view's node limit the page holds the most connected nodes (distinct neighbours in
    the whole network, ties in IRI order) and the edges between them; its heading says so. GraphML
    and GEXF still hold everything."""
    from kg.run.outputs import view_title

    spill = spill_of(graphs_of(sample_out / "graph.nq").values(), tmp_path)
    whole = spill.project().graph
    projection = write_network_files(spill, tmp_path / "g.graphml", tmp_path / "g.gexf", MAX_EVIDENCE, 12)
    assert (tmp_path / "g.graphml").read_bytes() == (sample_out / "graph.graphml").read_bytes()
    simple = simple_graph(whole)
    expected = sorted(whole.nodes, key=lambda n: (-simple.degree(n), n))[:12]
    view = projection.graph
    assert projection.capped and list(view.nodes) == sorted(expected)
    assert list(view.edges(keys=True, data=True)) == [
        e for e in whole.edges(keys=True, data=True) if e[0] in view and e[1] in view]
    assert (projection.nodes, projection.edges) == (whole.number_of_nodes(), whole.number_of_edges())
    assert view_title(projection) == (f"Event knowledge graph: the 12 most connected of {whole.number_of_nodes()} "
                                      f"nodes ({view.number_of_edges()} of {whole.number_of_edges():,} edges; "
                                      "all in graph.graphml)")
    assert "most connected" in render_view(view, view_title(projection), evidence_counts=projection.counts)
    spill.close()


def test_node_properties_are_on_disk_and_come_back_whole(tmp_path):
    """A node's (predicate, object) pairs go to the file as the graphs are read (they grew with the
    corpus in memory: articles, events and statements are nodes of their own); a structured value
    typed in a later graph than one of its properties still gets them all, as in the whole projection."""
    place, value = _n(f"{EX}place/odesa"), _n(f"{EX}place/odesa/geo")
    keywords = _n(SCHEMA.keywords)
    many = tuple((place, keywords, ox.Literal(f"keyword number {i}", language="en")) for i in range(3000))
    small, large = article_rows(1, 2, many[:10]), article_rows(1, 2, many)

    def held(rows, folder) -> int:
        folder.mkdir()
        spill = NetworkSpill(folder)
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            spill.add(rows)
            gc.collect()
            return tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
            spill.close()

    assert held(large, tmp_path / "b") - held(small, tmp_path / "a") < 64_000
    later = [(value, TYPE, _n(SCHEMA.GeoCoordinates)), (value, _n(SCHEMA.longitude), ox.Literal("30.7"))]
    graphs = [large + [(place, _n(SCHEMA.geo), value), (value, _n(SCHEMA.latitude), ox.Literal("46.5"))],
              article_rows(2, 1, tuple(later))]
    (tmp_path / "c").mkdir()
    spill = spill_of(graphs, tmp_path / "c")
    whole = network_of(Collected(row for rows in graphs for row in rows))
    full = spill.project().graph
    assert list(full.nodes(data=True)) == list(whole.nodes(data=True))
    assert list(full.edges(keys=True, data=True)) == list(whole.edges(keys=True, data=True))
    assert len(full.nodes[place.value]["keywords"]) == 3000
    assert full.nodes[place.value]["geo"] == {"latitude": "46.5", "longitude": "30.7", "type": "schema:GeoCoordinates"}
    spill.close()
