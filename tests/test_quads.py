"""The dataset as sorted quads (kg.graph.quads) and the writers that read them directly: the same
results as going through rdflib and Oxigraph's own JSON-LD."""

from __future__ import annotations

import json

import pyoxigraph as ox

from kg.export.jsonld import _compact, context, jsonld_document
from kg.export.network import load_dataset, to_networkx
from kg.export.rdf import collect, merged_triples, sorted_dataset, sorted_quads, write_nquads
from kg.graph.quads import QuadCollector, graph_runs

BASE = "https://w3id.org/evkg/id/"


def _nq(out_dir) -> list[ox.Quad]:
    return list(ox.parse(path=str(out_dir / "graph.nq"), format=ox.RdfFormat.N_QUADS))


def _reference_jsonld(quads: list[ox.Quad]) -> bytes:
    """Oxigraph's expanded JSON-LD, IRIs compacted, dumped by the standard library (the old way)."""
    ctx = context(BASE)
    namespaces = sorted(ctx.items(), key=lambda item: -len(item[1]))

    def walk(value):
        if isinstance(value, list):
            return [walk(v) for v in value]
        if not isinstance(value, dict):
            return value
        result = {}
        for key, item in value.items():
            if key in ("@id", "@type"):
                result[key] = [_compact(i, namespaces) for i in item] if isinstance(item, list) else _compact(item, namespaces)
            elif key.startswith("@"):
                result[key] = walk(item)
            else:
                result[_compact(key, namespaces)] = walk(item)
        return result

    document = {"@context": ctx, "@graph": walk(json.loads(ox.serialize(quads, format=ox.RdfFormat.JSON_LD)))}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def test_sorted_quads_round_trip_through_rdflib(sample_out):
    quads = _nq(sample_out)
    assert sorted_quads(load_dataset(sample_out)) == quads  # graph.nq is written sorted
    again = sorted_dataset(sorted_dataset(load_dataset(sample_out)).to_rdflib())
    assert again.quads == quads
    triples = list(again.iter_triples())
    assert triples == merged_triples(quads) and len(set(triples)) == len(triples)


def test_collector_removes_duplicates_and_puts_types_first():
    n = ox.NamedNode
    s, p, a = n("http://e.org/s"), n("http://e.org/a"), n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    collector = QuadCollector()
    graph = collector.graph(n("http://e.org/g"))
    for triple in ((s, p, ox.Literal("x")), (s, a, n("http://e.org/C")), (s, p, ox.Literal("x"))):
        graph.add(triple)
    collector.graph().add((s, p, ox.Literal("x")))
    result = collector.finish()
    assert [(q.predicate, q.graph_name) for q in result.quads] == [(p, ox.DefaultGraph()), (a, n("http://e.org/g")),
                                                                   (p, n("http://e.org/g"))]
    assert [t.predicate for t in result.iter_triples()] == [a, p]


def test_jsonld_written_directly_equals_oxigraph_compacted(sample_out, corpus_out):
    for out in (sample_out, corpus_out):
        quads = _nq(out)
        assert jsonld_document(quads, BASE) == _reference_jsonld(quads) == (out / "graph.jsonld").read_bytes()
    odd = [ox.Quad(ox.BlankNode("b1"), ox.NamedNode("http://e.org/p"), ox.Literal("x\u2028\"\\", language="en-GB")),
           ox.Quad(ox.NamedNode(BASE + "s"), ox.NamedNode("http://e.org/p"), ox.BlankNode("b2"), ox.BlankNode("g")),
           ox.Quad(ox.NamedNode(BASE + "s"), ox.NamedNode("http://e.org/p"),
                   ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")), ox.BlankNode("g"))]
    for quads in ([], odd, odd[:1], odd[1:]):
        assert jsonld_document(quads, BASE) == _reference_jsonld(quads)
    assert graph_runs(odd)[1][0] == ox.BlankNode("g") and len(graph_runs(odd)) == 2


def test_jsonld_cache_of_spellings_is_bounded_and_changes_nothing(sample_out, monkeypatch):
    from kg.export import jsonld

    quads = _nq(sample_out)
    whole = jsonld_document(quads, BASE)
    monkeypatch.setattr(jsonld, "SPELLED_IRIS", 3)  # started again every few IRIs: the same document
    assert jsonld_document(quads, BASE) == whole == (sample_out / "graph.jsonld").read_bytes()


def test_projection_is_the_same_from_quads_and_from_rdflib(sample_out):
    from_quads, from_rdflib = to_networkx(_nq(sample_out)), to_networkx(load_dataset(sample_out))
    assert list(from_quads.nodes(data=True)) == list(from_rdflib.nodes(data=True))
    assert list(from_quads.edges(keys=True, data=True)) == list(from_rdflib.edges(keys=True, data=True))


HOSTILE_TEXTS = ("plain", 'quote " and backslash \\ and \\"', "tab\tnew\nline\rreturn", "nul-free \x01\x08\x0b\x0c\x1f\x7f",
                 "ünïcødé ✓ 𝄞 \u2028\u2029", "<not an iri>", "", " ", "trailing \\")


def test_nquads_written_directly_equal_oxigraphs_on_hostile_terms(tmp_path):
    n = ox.NamedNode
    g, s = n("http://e.org/g/1"), n("http://e.org/s?q=1&x=%20#frag")
    quads = [ox.Quad(s, n("http://e.org/p"), ox.Literal(text), g) for text in HOSTILE_TEXTS]
    quads += [ox.Quad(s, n("http://e.org/lang"), ox.Literal(text, language="uk"), g) for text in HOSTILE_TEXTS[:3]]
    quads += [ox.Quad(s, n("http://e.org/num"), ox.Literal("007", datatype=n("http://www.w3.org/2001/XMLSchema#integer"))),
              ox.Quad(ox.BlankNode("b0"), n("http://e.org/p"), ox.BlankNode("b1"), g),
              ox.Quad(n("http://e.org/ü"), n("http://e.org/p"), n("http://e.org/s"))]
    dataset = collect(quads)
    write_nquads(dataset, tmp_path / "ours.nq")
    ox.serialize(dataset.iter_quads(), str(tmp_path / "oxigraph.nq"), ox.RdfFormat.N_QUADS)
    written = (tmp_path / "ours.nq").read_bytes()
    assert written == (tmp_path / "oxigraph.nq").read_bytes()
    assert set(ox.parse(written, format=ox.RdfFormat.N_QUADS)) == set(quads)
    assert len(dataset) == len(set(quads))
