"""Shared checks of the ontology, the shapes and built datasets (used by test_ontology / test_shapes).

How a build is checked (`build_problems`): SHACL runs on the merge of all graphs of graph.nq,
without inference (cross-graph links such as kgo:seat and the default-graph kgo:ExtractionGraph
triples are only checkable on the merge; pyshacl would validate each named graph of a Dataset on
its own), and a few SPARQL queries check what depends on which named graph a triple is in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import OWL, SKOS

from kg.graph.namespaces import PREFIXES

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain Namespace: rdflib's XSD warns when pytest probes it

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/evkg/ontology")
# Where the code names kgo: terms: KGO.term in Python, kgo:term in strings and SPARQL files.
TERM_USES = (re.compile(r"\bKGO\.([A-Za-z_][A-Za-z0-9_]*)"), re.compile(r"\bkgo:([A-Za-z_][A-Za-z0-9_]*)"))
DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                      SKOS.Concept, SKOS.ConceptScheme)


# ---------------------------------------------------------------------------------------------
# The shared checks
# ---------------------------------------------------------------------------------------------

def load_ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


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
    conforms, _, text = pyshacl.validate(data, shacl_graph=load_shapes(), inference="none",
                                         abort_on_first=False, allow_warnings=False)
    return conforms, text


_SPARQL_PREFIXES = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())

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
    "the default graph holds a triple that is not about an extraction graph":
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o . FILTER NOT EXISTS { ?s a kgo:ExtractionGraph } }",
}


def graph_layout_problems(nq_path: Path) -> list[str]:
    store = ox.Store()
    store.bulk_load(path=str(nq_path), format=ox.RdfFormat.N_QUADS)
    problems = []
    for message, query in GRAPH_CHECKS.items():
        for row in list(store.query(_SPARQL_PREFIXES + query))[:10]:
            problems.append(f"{message}: {' '.join(str(term) for term in row)}")
    return problems


def build_problems(nq_path: Path) -> list[str]:
    """Everything wrong with a dump: the SHACL report (if it does not conform) and layout problems."""
    conforms, text = shacl_report(merged_graph(nq_path))
    return ([] if conforms else [text]) + graph_layout_problems(nq_path)

