"""`kg validate OUT`: the SHACL shapes (ontology/shapes.ttl) and the named-graph layout checks.

SHACL runs on the merge of all graphs of graph.nq without inference: cross-graph links (kgo:seat,
schema:affiliation, the default-graph kgo:ExtractionGraph triples) are only checkable on the
merge, and pyshacl would validate each named graph of a Dataset on its own. What depends on which
named graph a triple is in is checked with SPARQL (GRAPH_CHECKS).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kg.graph.namespaces import PREFIXES, SPARQL_PROLOGUE, select

ONTOLOGY_DIR = Path(__file__).resolve().parents[1] / "ontology"  # package data: in the wheel too
SHAPES = ONTOLOGY_DIR / "shapes.ttl"

# Layout of the dataset that SHACL (one graph at a time) cannot see: message -> query whose rows
# are the offending nodes. The default graph is the real default graph here, not the union.
GRAPH_CHECKS = {
    "a named graph is not a kgo:ExtractionGraph derived from an article (in the default graph)":
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER NOT EXISTS { ?g a kgo:ExtractionGraph ; prov:wasDerivedFrom ?article } }",
    "an extraction graph does not hold the article it is derived from":
        "SELECT ?g ?article WHERE { ?g a kgo:ExtractionGraph ; prov:wasDerivedFrom ?article . "
        "FILTER NOT EXISTS { GRAPH ?g { ?article a schema:NewsArticle } } }",
    "an article is described in more than one named graph":
        "SELECT DISTINCT ?article WHERE { GRAPH ?g1 { ?article a schema:NewsArticle } "
        "GRAPH ?g2 { ?article a schema:NewsArticle } FILTER (?g1 != ?g2) }",
    "an annotation targets another article than the one its graph is derived from":
        "SELECT ?g ?annotation WHERE { ?g prov:wasDerivedFrom ?article . "
        "GRAPH ?g { ?annotation a oa:Annotation ; oa:hasTarget/oa:hasSource ?source } FILTER (?source != ?article) }",
    "an annotation's body is not described (typed) in the annotation's own graph":
        "SELECT ?g ?annotation ?body WHERE { GRAPH ?g { ?annotation a oa:Annotation ; oa:hasBody ?body . "
        "FILTER NOT EXISTS { ?body a ?type } } }",
    "an entity is described in a graph that holds no annotation of it":
        "SELECT ?g ?entity WHERE { GRAPH ?g { ?entity a kgo:Entity . "
        "FILTER NOT EXISTS { ?annotation oa:hasBody ?entity } } }",
    "the default graph holds a triple that is neither about an extraction graph nor a dataset total":
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o . FILTER NOT EXISTS { ?s a kgo:ExtractionGraph } "
        "FILTER (?p NOT IN (kgo:mentionCount, kgo:articleCount)) }",
}


@dataclass(frozen=True)
class Validation:
    conforms: bool
    shacl_report: str
    layout_problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.conforms and not self.layout_problems

    def text(self) -> str:
        lines = ["SHACL: conforms" if self.conforms else self.shacl_report.rstrip()]
        lines += [f"layout: {p}" for p in self.layout_problems] or ["layout: every named graph in order"]
        return "\n".join(lines) + "\n"


def load_shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def merged_graph(nq_path: Path) -> Graph:
    """All graphs of an N-Quads dump merged into one rdflib Graph."""
    dataset = Dataset()
    dataset.parse(nq_path, format="nquads")
    merged = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def shacl_report(data: Graph) -> tuple[bool, str]:
    """(conforms, report text) of one graph against shapes.ttl, without inference."""
    import pyshacl

    conforms, _, text = pyshacl.validate(data, shacl_graph=load_shapes(), inference="none",
                                         abort_on_first=False, allow_warnings=False)
    return conforms, text


def graph_layout_problems(nq_path: Path, limit: int = 10) -> list[str]:
    store = ox.Store()
    store.bulk_load(path=str(nq_path), format=ox.RdfFormat.N_QUADS)
    problems = []
    for message, query in GRAPH_CHECKS.items():
        for row in list(select(store, SPARQL_PROLOGUE + query))[:limit]:
            problems.append(f"{message}: {' '.join(str(term) for term in row)}")
    return problems


def validate(nq_path: Path) -> Validation:
    conforms, text = shacl_report(merged_graph(nq_path))
    return Validation(conforms, text, tuple(graph_layout_problems(nq_path)))


def store_as_nquads(store_dir: Path, target: Path) -> Path:
    """What a store holds, laid out as a build's graph.nq: the named graphs, and in the default
    graph only the extraction-graph triples (the store's default graph also holds their merge)."""
    import pyoxigraph as ox

    from kg.dataset.store import open_store

    store = open_store(store_dir, read_only=True)
    extraction = ox.NamedNode(PREFIXES["kgo"] + "ExtractionGraph")
    graphs = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(PREFIXES["rdf"] + "type"), extraction,
                                                          ox.DefaultGraph())}
    quads = [q for q in store if not isinstance(q.graph_name, ox.DefaultGraph) or q.subject in graphs]
    ox.serialize(quads, str(target), ox.RdfFormat.N_QUADS)
    return target


def build_problems(nq_path: Path) -> list[str]:
    """Everything wrong with a dump: the SHACL report (if it does not conform) and layout problems."""
    result = validate(nq_path)
    return ([] if result.conforms else [result.shacl_report]) + list(result.layout_problems)
