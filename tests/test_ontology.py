"""The ontology and the SHACL shapes: they parse in strict parsers, declare and document every term
the code writes, align to standard vocabularies, and the shapes are valid SHACL that can fail."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from pyshacl.entrypoints import meta_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS

from kg.graph.namespaces import KGO, OA, SCHEMA, SEM
from tests.shacl_checks import (
    DECLARATION_TYPES,
    ONTOLOGY,
    ONTOLOGY_IRI,
    ROOT,
    SHAPES,
    TERM_USES,
    load_ontology,
    load_shapes,
)


def declared_terms(ontology: Graph) -> set[URIRef]:
    return {s for t in DECLARATION_TYPES for s in ontology.subjects(RDF.type, t)
            if isinstance(s, URIRef) and str(s).startswith(str(KGO))}


def code_terms() -> dict[str, set[str]]:
    """kgo: local names used in kg/**/*.py and queries/**/*.rq -> the files that use them."""
    uses: dict[str, set[str]] = {}
    for path in sorted([*(ROOT / "kg").rglob("*.py"), *(ROOT / "queries").rglob("*.rq")]):
        text = path.read_text(encoding="utf-8")
        for pattern in TERM_USES:
            for name in pattern.findall(text):
                uses.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return uses


# ---------------------------------------------------------------------------------------------
# (a) Both files parse, in rdflib and in strict independent parsers
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES], ids=lambda p: p.name)
def test_parses_in_rdflib(path):
    assert len(Graph().parse(path, format="turtle")) > 100


@pytest.mark.parametrize("tool,args", [("rapper", ["-q", "-i", "turtle", "-c"]), ("serdi", ["-i", "turtle", "-o", "ntriples"])])
@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES], ids=lambda p: p.name)
def test_parses_in_strict_parser(path, tool, args):
    exe = shutil.which(tool)
    if exe is None:
        message = f"{tool} is not installed: run scripts/install-system-deps.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run([exe, *args, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------------------------------------
# (b), (c) Every term the code uses is declared; every declared term is documented
# ---------------------------------------------------------------------------------------------

def test_ontology_header():
    ontology = load_ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    for prop in (RDFS.label, DCTERMS.description, DCTERMS.license):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, prop
    assert str(ontology.value(ONTOLOGY_IRI, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"))) == str(KGO)


def test_every_code_term_is_declared_and_documented():
    ontology = load_ontology()
    uses = code_terms()
    assert {"Entity", "Mention", "ExtractionGraph", "confidence", "seat"} <= set(uses)  # the scan works
    declared = declared_terms(ontology)
    missing = {name: sorted(files) for name, files in uses.items() if KGO[name] not in declared}
    assert not missing, f"kgo: terms used in the code but not declared in ontology/kg.ttl: {missing}"
    for name in uses:
        assert ontology.value(KGO[name], RDFS.label) is not None, f"kgo:{name} has no rdfs:label"
        assert ontology.value(KGO[name], RDFS.comment) is not None, f"kgo:{name} has no rdfs:comment"


def test_every_declared_term_is_documented():
    ontology = load_ontology()
    declared = declared_terms(ontology)
    assert len(declared) > 40
    for term in declared:
        labels = list(ontology.objects(term, RDFS.label))
        comments = list(ontology.objects(term, RDFS.comment))
        assert len(labels) == 1 and labels[0].language == "en", f"{term}: one English rdfs:label"
        assert len(comments) == 1 and len(str(comments[0])) > 20, f"{term}: one rdfs:comment that defines it"
    # Every kgo: IRI the ontology mentions anywhere is one it declares (no typos in axioms).
    mentioned = {t for triple in ontology for t in triple if isinstance(t, URIRef) and str(t).startswith(str(KGO))}
    assert mentioned <= declared, mentioned - declared


def test_alignment_to_standard_terms():
    ontology = load_ontology()
    expected = {
        KGO.Mention: (RDFS.subClassOf, OA.Annotation),
        KGO.ExtractionGraph: (RDFS.subClassOf, PROV.Entity),
        KGO.Government: (RDFS.subClassOf, SCHEMA.GovernmentOrganization),
        KGO.WeaponType: (RDFS.subClassOf, SCHEMA.Product),
        KGO.Equipment: (RDFS.subClassOf, SCHEMA.Product),
        KGO.Landmark: (RDFS.subClassOf, SCHEMA.LandmarksOrHistoricalBuildings),
        KGO.Region: (RDFS.subClassOf, SCHEMA.Place),
        KGO.Platform: (RDFS.subClassOf, SCHEMA.Organization),
        KGO.MediaOutlet: (RDFS.subClassOf, SCHEMA.NewsMediaOrganization),
        KGO.Statement: (RDFS.subClassOf, SCHEMA.Quotation),
        KGO.speaker: (RDFS.subPropertyOf, SCHEMA.creator),
        KGO.seat: (RDFS.range, SCHEMA.Place),
    }
    for term, (prop, value) in expected.items():
        assert (term, prop, value) in ontology, (term, prop, value)
    event_types = set(ontology.subjects(RDFS.subClassOf, SEM.Event))
    assert {KGO[n] for n in ("Attack", "Interception", "Accusation", "Denial", "Threat", "Ban", "Arrest",
                             "FireOrExplosion", "AidAnnouncement", "Commemoration", "Invasion")} <= event_types
    for event_type in event_types:
        for code in ontology.objects(event_type, KGO.cameoCode):
            assert re.fullmatch(r"[0-9]{2,4}", str(code)), (event_type, code)
    stances = set(ontology.subjects(SKOS.inScheme, KGO.StanceScheme))
    assert stances == {KGO.asserts, KGO.denies, KGO.accuses, KGO.demands, KGO.speculates}


# ---------------------------------------------------------------------------------------------
# (d) The shapes are valid SHACL
# ---------------------------------------------------------------------------------------------

def test_shapes_are_valid_shacl():
    conforms, _, text = meta_validate(load_shapes(), inference="none")
    assert conforms, text


def test_meta_validation_can_fail():
    broken = load_shapes()
    shape = next(broken.objects(URIRef("https://w3id.org/evkg/shapes#NewsArticleShape"), SH.property))
    broken.add((shape, SH.minCount, Literal("one")))
    conforms, _, _ = meta_validate(broken, inference="none")
    assert not conforms


def test_every_constraint_has_a_message():
    shapes = load_shapes()
    for prop_shape in shapes.subjects(SH.path, None):
        assert shapes.value(prop_shape, SH.message) is not None, f"property shape on {shapes.value(prop_shape, SH.path)}"
    for constraint in shapes.objects(None, SH.sparql):
        assert shapes.value(constraint, SH.message) is not None, constraint
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        if any(shapes.value(node_shape, p) is not None for p in (SH["class"], SH["or"], SH.nodeKind)):
            assert shapes.value(node_shape, SH.message) is not None, node_shape


# ---------------------------------------------------------------------------------------------
# (e) A hand-built dataset shaped like build.py's output conforms; broken ones do not
# ---------------------------------------------------------------------------------------------
