"""Shared checks of the ontology, the shapes and built datasets (used by test_ontology / test_shapes).

How a build is checked (`build_problems`): SHACL runs on the merge of all graphs of graph.nq,
without inference (cross-graph links such as kgo:seat and the default-graph kgo:ExtractionGraph
triples are only checkable on the merge; pyshacl would validate each named graph of a Dataset on
its own), and a few SPARQL queries check what depends on which named graph a triple is in.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, SKOS

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


# The checks of a build live in the package (`kg validate`); the tests use the same code.
from kg.dataset.validate import build_problems, merged_graph, shacl_report  # noqa: E402,F401



