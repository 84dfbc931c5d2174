"""The tables and the map read small stores (kg.export.table_stores), never a whole dump: they must
give what their queries give when asked of one store holding the whole dataset and its merge."""

from __future__ import annotations

import csv
import json

import pyoxigraph as ox
import pytest

from kg.graph.namespaces import PREFIXES

_MERGED_KEYS_QUERY = """
SELECT DISTINCT ?event ?key WHERE {
  ?event a sem:Event . ?a oa:hasBody ?event ; oa:hasTarget ?t . ?t oa:hasSource ?article . ?article kgo:articleKey ?key
}"""


def _whole_store(out):
    """The whole N-Quads dump in one store, its default graph the merge of every graph."""
    store = ox.Store()
    store.load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


@pytest.mark.parametrize("built", ["sample_out", "dev_out"])
def test_the_tables_and_the_map_are_what_their_queries_give_over_the_whole_dataset(built, request):
    from kg.export import geojson, tables

    out = request.getfixturevalue(built)
    store = _whole_store(out)
    for name, (_, query) in tables.QUERIES.items():
        solutions = store.query(query, prefixes=PREFIXES)
        expected = sorted((tables._shaped(name, [tables._cell(s[v]) for v in solutions.variables]) for s in solutions),
                          key=tables._sort_key)
        with (out / "tables" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            written = list(csv.reader(handle))[1:]
        assert written == expected and expected, name
    keys: dict[str, set[str]] = {}
    for row in store.query(_MERGED_KEYS_QUERY, prefixes=PREFIXES):
        keys.setdefault(row["event"].value, set()).add(row["key"].value)
    features = json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"]
    assert features and features == geojson.event_features(store, keys)


def _labelled_outside_graphs(node, inside=False, found=None):
    """(patterns inside a GRAPH, patterns outside) of a query's rdflib algebra."""
    found = found if found is not None else ([], [])
    if isinstance(node, dict):
        if getattr(node, "name", "") == "Graph":
            inside = True
        if getattr(node, "name", "") == "BGP":
            found[inside].extend(node["triples"])
        for value in node.values():
            _labelled_outside_graphs(value, inside, found)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _labelled_outside_graphs(value, inside, found)
    return found


def test_what_the_article_tables_read_outside_an_article_graph_is_a_label_of_what_it_links_to():
    """An article table reads, outside the article's graph, only `?x rdfs:label ?y` with ?x what the
    graph links to with one of LABEL_LINKS: the labels each batch of graphs is given."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import URIRef

    from kg.export.geojson import KEYS_QUERY
    from kg.export.tables import ARTICLE_TABLES, LABEL_LINKS, QUERIES

    label = URIRef(PREFIXES["rdfs"] + "label")
    for query in (KEYS_QUERY, *(QUERIES[name][1] for name in ARTICLE_TABLES)):
        outside, inside = _labelled_outside_graphs(prepareQuery(query, initNs=PREFIXES).algebra)
        linked = {o for _, p, o in inside if str(p) in LABEL_LINKS}
        assert inside and all(p == label and s in linked for s, p, _ in outside), query


def test_the_entity_store_leaves_out_the_nodes_there_is_one_of_per_mention(sample_out):
    from kg.export.table_stores import PER_MENTION_CLASSES, entity_store
    from kg.export.tables import ENTITY_PREDICATES

    store = entity_store(sample_out / "graph.ttl", ENTITY_PREDICATES)
    classes = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(PREFIXES["rdf"] + "type"), None)}
    assert PREFIXES["kgo"] + "Entity" in classes and PREFIXES["sem"] + "Event" in classes
    assert not classes & PER_MENTION_CLASSES
    assert len(store) < len(list(ox.parse(path=str(sample_out / "graph.ttl"), format=ox.RdfFormat.TURTLE))) / 4


def test_a_dump_whose_graphs_are_not_together_is_a_clear_error(sample_out, tmp_path):
    from kg.export.tables import write_tables

    lines = (sample_out / "graph.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    dump = tmp_path / "graph.nq"  # its second half first: graphs out of order, one of them cut in two
    dump.write_text("".join(lines[len(lines) // 2:] + lines[:len(lines) // 2]), encoding="utf-8")
    with pytest.raises(ValueError, match="graph.nq: the quads of graph .* are not together"):
        write_tables(dump, tmp_path / "tables")
