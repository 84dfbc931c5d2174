"""The networkx projection, analysis helpers, and the GraphML/GEXF exports."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

import networkx as nx
import pytest
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.export.network import (
    annotate,
    centrality,
    communities,
    flatten,
    load_dataset,
    node_scores,
    relation_name,
    simple_graph,
    to_networkx,
    write_gexf,
    write_graphml,
)
from kg.export.view import layout
from kg.graph.namespaces import OA, SCHEMA, SEM

EX = "https://example.org/"


def events_dataset() -> Dataset:
    """An event, a statement and a grant as the data model describes them, by hand."""
    ds = Dataset()
    g = ds.graph(URIRef(EX + "graph/a"))
    art, event, quote, grant = (URIRef(EX + p) for p in ("article/a", "event/strike", "statement/s1", "grant/g1"))
    russia, odesa, drone, kyiv = (URIRef(EX + p) for p in ("country/russia", "place/odesa", "weapon/drone", "org/kyiv"))
    g.add((art, RDF.type, SCHEMA.NewsArticle))
    g.add((art, SCHEMA.headline, Literal("Strike on Odesa")))
    g.add((art, SCHEMA.datePublished, Literal("2026-03-11", datatype=XSD.date)))
    for node, cls, label in ((russia, SCHEMA.Country, "Russia"), (odesa, SCHEMA.Place, "Odesa"),
                             (drone, URIRef("https://w3id.org/evkg/ontology#WeaponType"), "drone"),
                             (kyiv, SCHEMA.Organization, "Kyiv city council")):
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(label)))
    g.add((event, RDF.type, SEM.Event))
    g.add((event, RDFS.label, Literal("drone strike on Odesa")))
    g.add((event, SEM.hasActor, russia))
    g.add((event, SEM.hasPlace, odesa))
    g.add((event, SCHEMA.instrument, drone))
    g.add((event, SEM.hasTimeStamp, Literal("2026-03-10", datatype=XSD.date)))
    g.add((quote, RDF.type, SCHEMA.Quotation))
    g.add((quote, SCHEMA.text, Literal("We will rebuild.")))
    g.add((quote, SCHEMA.creator, kyiv))
    g.add((quote, SCHEMA.about, event))
    amount = BNode("amount1")
    g.add((grant, RDF.type, SCHEMA.MonetaryGrant))
    g.add((grant, SCHEMA.funder, kyiv))
    g.add((grant, SCHEMA.amount, amount))
    g.add((amount, RDF.type, SCHEMA.MonetaryAmount))
    g.add((amount, SCHEMA.value, Literal(Decimal("300000000"))))
    g.add((amount, SCHEMA.currency, Literal("USD")))
    body = "Russian drones hit Odesa overnight."
    g.add((art, SCHEMA.articleBody, Literal(body)))
    ann, target, sel = URIRef(EX + "ann/1"), URIRef(EX + "ann/1/t"), URIRef(EX + "ann/1/p")
    g.add((ann, RDF.type, OA.Annotation))
    g.add((ann, OA.hasBody, event))
    g.add((ann, OA.hasTarget, target))
    g.add((target, OA.hasSource, art))
    g.add((target, OA.hasSelector, sel))
    g.add((sel, OA.start, Literal(8)))
    g.add((sel, OA.end, Literal(24)))
    return ds


def test_relation_names():
    assert relation_name(str(SCHEMA.containedInPlace)) == "contained_in_place"
    assert relation_name(str(SEM.hasActor)) == "has_actor"
    assert relation_name("https://w3id.org/evkg/ontology#seat") == "seat"


def test_events_statements_grants_are_typed_nodes_with_named_roles():
    graph = to_networkx(events_dataset())
    kinds = {n: d["kind"] for n, d in graph.nodes(data=True)}
    assert kinds[EX + "event/strike"] == "event" and kinds[EX + "statement/s1"] == "statement"
    assert kinds[EX + "grant/g1"] == "grant" and kinds[EX + "weapon/drone"] == "weapon"
    roles = {(s.rsplit("/", 1)[-1], d["relation"], o.rsplit("/", 1)[-1]) for s, o, d in graph.edges(data=True)}
    assert {("strike", "has_actor", "russia"), ("strike", "has_place", "odesa"), ("strike", "instrument", "drone"),
            ("s1", "creator", "kyiv"), ("s1", "about", "strike"), ("g1", "funder", "kyiv"), ("strike", "mentioned_in", "a")} <= roles
    event = graph.nodes[EX + "event/strike"]
    assert event["has_time_stamp"] == "2026-03-10"
    assert event["evidence"] == [{"article": EX + "article/a", "sentence": "Russian drones hit Odesa overnight.", "spans": [[8, 24]]}]
    assert graph.nodes[EX + "grant/g1"]["amount"] == {"currency": "USD", "type": "schema:MonetaryAmount", "value": 300000000}
    assert graph.nodes[EX + "statement/s1"]["text"] == "We will rebuild."
    assert graph.nodes[EX + "article/a"]["label"] == "Strike on Odesa"


def test_sample_projection(sample_out):
    graph = to_networkx(load_dataset(sample_out))
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert {"person", "organization", "country", "place", "weapon", "article"} <= kinds
    assert "other" not in kinds  # sentence nodes and the dataset totals are evidence machinery, not the network
    assert not any("mention_count" in d for _, d in graph.nodes(data=True))
    assert {d["relation"] for _, _, d in graph.edges(data=True)} >= {"mentioned_in", "affiliation", "contained_in_place"}
    zelensky = graph.nodes["https://w3id.org/evkg/id/person/volodimir-zelenski"]
    assert zelensky["label"] == "Volodymyr Zelensky" and zelensky["types"] == ["schema:Person"]
    for _, data in graph.nodes(data=True):
        for item in data["evidence"]:
            for b, e in item["spans"]:
                assert 0 <= b < e <= len(item["sentence"])
    assert list(graph.nodes) == sorted(graph.nodes)


def test_simple_graph_sums_both_directions_in_first_met_order():
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(["c", "a", "b", "d"])
    graph.add_edge("b", "a", weight=2)
    graph.add_edge("c", "b")
    graph.add_edge("a", "b", weight=0.5)
    graph.add_edge("a", "a", weight=9)  # a loop: left out
    graph.add_edge("b", "a", key="other", weight=3)
    simple = simple_graph(graph)
    assert list(simple.nodes) == ["c", "a", "b", "d"]
    assert list(simple.edges(data="weight")) == [("c", "b", 1), ("a", "b", 5.5)]
    assert {n: list(simple.adj[n]) for n in simple} == {"c": ["b"], "a": ["b"], "b": ["c", "a"], "d": []}
    importance, community = node_scores(graph)
    before = list(graph.nodes(data=True))
    annotate(graph)
    assert [(n, {k: d[k] for k in ("importance", "community")}) for n, d in graph.nodes(data=True)] == [
        (n, {"importance": importance[n], "community": community[n]}) for n, _ in before]


def test_analysis_is_deterministic(sample_out):
    graph = to_networkx(load_dataset(sample_out))
    assert communities(graph) == communities(graph)
    assert sorted(n for c in communities(graph) for n in c) == sorted(graph.nodes)
    for measure in ("degree", "pagerank", "betweenness"):
        scores = centrality(graph, measure)
        assert set(scores) == set(graph.nodes) and scores == centrality(graph, measure)
    with pytest.raises(ValueError):
        centrality(graph, "nope")
    annotate(graph)
    assert all("importance" in d and "community" in d for _, d in graph.nodes(data=True))
    positions = layout(graph, communities(graph))
    assert set(positions) == set(graph.nodes) and positions == layout(graph, communities(graph))


@pytest.mark.parametrize("dataset", ["sample", "events"])
def test_graphml_and_gexf_round_trip(sample_out, tmp_path, dataset):
    graph = to_networkx(load_dataset(sample_out) if dataset == "sample" else events_dataset())
    annotate(graph)
    flat = flatten(graph)
    for _, data in flat.nodes(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in data.values()), data
    for writer, reader, name in ((write_graphml, nx.read_graphml, "g.graphml"), (write_gexf, nx.read_gexf, "g.gexf")):
        path = tmp_path / name
        writer(graph, path)
        first = path.read_bytes()
        writer(graph, path)
        assert path.read_bytes() == first, f"{name} is not deterministic"
        ElementTree.parse(path)
        back = reader(str(path))
        assert back.number_of_nodes() == graph.number_of_nodes()
        assert back.number_of_edges() == graph.number_of_edges()
    assert "lastmodifieddate" not in (tmp_path / "g.gexf").read_text(encoding="utf-8")
    back = nx.read_graphml(str(tmp_path / "g.graphml"))
    node = next(iter(graph.nodes))
    assert back.nodes[node]["kind"] == graph.nodes[node]["kind"]


def test_build_writes_graphml(sample_out):
    back = nx.read_graphml(str(sample_out / "graph.graphml"))
    assert back.number_of_nodes() > 20
    assert {d.get("relation") for _, _, d in back.edges(data=True)} >= {"mentioned_in", "affiliation"}


def test_pyvis_network_is_typed_directed_and_escaped():
    from kg.export.pyvis_net import to_pyvis

    graph = nx.MultiDiGraph()
    graph.add_node("a", kind="person", label="<img src=x onerror=alert(1)>")
    graph.add_node("b", kind="place", label="Odesa")
    graph.add_edge("a", "b", relation="mentioned_in")
    graph.add_edge("a", "b", relation="affiliation")
    net = to_pyvis(graph)
    assert net.directed and len(net.nodes) == 2 and len(net.edges) == 2
    person = next(n for n in net.nodes if n["iri"] == "a")
    assert person["shape"] == "dot" and person["color"]["background"] == "#4e79a7"
    assert {e["label"] for e in net.edges} == {"mentioned_in", "affiliation"}
    page = net.generate_html()
    assert "Odesa" in page and "<img" not in page and "\\u003cimg src=x" in page


def test_collector_is_paused_only_while_a_step_runs():
    import gc

    from kg.util.nogc import collector_paused

    seen = []
    step = collector_paused(lambda: seen.append(gc.isenabled()))
    assert gc.isenabled()
    step()
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        step()
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError):
        collector_paused(lambda: 1 / 0)()
    assert gc.isenabled()


@pytest.mark.parametrize("name,reader", [("graph.graphml", nx.read_graphml), ("graph.gexf", nx.read_gexf)])
def test_graph_files_keep_the_types_gephi_and_cytoscape_need(sample_out, name, reader):
    back = reader(str(sample_out / name))
    nodes = dict(back.nodes(data=True))
    grant = next(d for d in nodes.values() if d["kind"] == "grant")
    assert type(grant["amount_value"]) is int and grant["amount_value"] > 1_000_000  # a number, not JSON text
    assert grant["amount_currency"] == "USD" and "amount" not in grant
    quoted = [d["direct_quote"] for d in nodes.values() if "direct_quote" in d]
    assert quoted and all(type(v) is bool for v in quoted) and {True, False} <= set(quoted)
    located = [d for d in nodes.values() if "geo_latitude" in d]
    assert located and all(type(d["geo_latitude"]) is float and type(d["geo_longitude"]) is float for d in located)
    assert all(type(d["mentions"]) is int for d in nodes.values())
    events = [d for d in nodes.values() if d["kind"] == "event"]
    assert events and all(d["alt_labels"] for d in events), "an event's alt_labels hold the words it is reported by"
    edges = list(back.edges(data=True))
    assert edges and all(d.get("label") == d["relation"] for _, _, d in edges), "Gephi shows edge labels"


def test_a_key_keeps_its_type_when_sources_disagree_on_one_node():
    graph = nx.MultiDiGraph()
    graph.add_node("a", label="a", flag=True, score=1, words=["x", "y"])
    graph.add_node("b", label="b", flag=[False, True], score=0.5, words="z")
    flat = flatten(graph)
    assert flat.nodes["a"]["flag"] is True and "flag" not in flat.nodes["b"]
    assert flat.nodes["b"]["flag_values"] == "False; True"
    assert flat.nodes["a"]["score"] == 1.0 and type(flat.nodes["a"]["score"]) is float  # ints among doubles
    assert flat.nodes["a"]["words"] == "x; y" and flat.nodes["b"]["words"] == "z"


def test_a_value_node_told_in_many_graphs_is_folded_once(monkeypatch):
    """A place's coordinates are repeated in every article graph that mentions the place: folded into
    the place's attributes once (folding it at every mention made the projection quadratic)."""
    import pyoxigraph as ox

    from kg.export import projection
    from kg.export.quadscan import Collected

    place, geo = ox.NamedNode("https://example.org/place/lviv"), ox.NamedNode("https://example.org/place/lviv#geo")
    rows = []
    for _ in range(5):  # five graphs telling the same place and its coordinates
        rows += [(place, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SCHEMA.Place))),
                 (place, ox.NamedNode(str(SCHEMA.geo)), geo),
                 (geo, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SCHEMA.GeoCoordinates))),
                 (geo, ox.NamedNode(str(SCHEMA.latitude)), ox.Literal("49.84", datatype=ox.NamedNode(str(XSD.decimal))))]
    calls = []
    real = projection._blank
    monkeypatch.setattr(projection, "_blank", lambda *args: calls.append(args) or real(*args))
    network = projection.network_of(Collected(rows))
    assert len(calls) == 1
    assert network.nodes[place.value]["geo"] == {"latitude": 49.84, "type": "schema:GeoCoordinates"}
