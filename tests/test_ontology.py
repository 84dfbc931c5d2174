"""The ontology and the SHACL shapes: they parse, they declare every term the code writes, the
shapes are valid SHACL that can fail, and real builds conform to them.

How a build is checked (`build_problems`): SHACL runs on the merge of all graphs of graph.nq,
without inference (cross-graph links such as kgo:seat and the default-graph kgo:ExtractionGraph
triples are only checkable on the merge; pyshacl would validate each named graph of a Dataset on
its own), and a few SPARQL queries check what depends on which named graph a triple is in.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from pyshacl.entrypoints import meta_validate
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS

from kg.export.rdf import sorted_quads
from kg.graph.namespaces import KGO, OA, PREFIXES, SCHEMA, SEM

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain Namespace: rdflib's XSD warns when pytest probes it

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/evkg/ontology")
# Where the code names kgo: terms: KGO.term in Python, kgo:term in strings and SPARQL files.
_TERM_USES = (re.compile(r"\bKGO\.([A-Za-z_][A-Za-z0-9_]*)"), re.compile(r"\bkgo:([A-Za-z_][A-Za-z0-9_]*)"))
_DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
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


def declared_terms(ontology: Graph) -> set[URIRef]:
    return {s for t in _DECLARATION_TYPES for s in ontology.subjects(RDF.type, t)
            if isinstance(s, URIRef) and str(s).startswith(str(KGO))}


def code_terms() -> dict[str, set[str]]:
    """kgo: local names used in kg/**/*.py and queries/**/*.rq -> the files that use them."""
    uses: dict[str, set[str]] = {}
    for path in sorted([*(ROOT / "kg").rglob("*.py"), *(ROOT / "queries").rglob("*.rq")]):
        text = path.read_text(encoding="utf-8")
        for pattern in _TERM_USES:
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

BASE = "https://w3id.org/evkg/id/"
BODY = ("Ukraine denied the claims. Two Shahed-136 drones flew over the Kremlin, Kremlin spokesman "
        "Dmitry Peskov said on Wednesday. The United States announced $300 million in aid for Ukraine.")
KEY = "toy"
ARTICLE, GRAPH = URIRef(f"{BASE}article/{KEY}"), URIRef(f"{BASE}graph/{KEY}")


def _id(path: str) -> URIRef:
    return URIRef(BASE + path)


def _span(text: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = BODY.index(text, start + 1)
    return start, start + len(text)


def _sentence(start: int) -> tuple[int, int, int]:
    bounds = [0] + [m.end() for m in re.finditer(r"\. ", BODY)]
    index = max(i for i, b in enumerate(bounds) if b <= start)
    end = bounds[index + 1] - 1 if index + 1 < len(bounds) else len(BODY)
    return index, bounds[index], end


def _annotate(g: Graph, body: URIRef, text: str, occurrence: int = 0, mention: dict | None = None) -> URIRef:
    """An annotation as build.add_mention writes it (a kgo:Mention when `mention` is given)."""
    start, end = _span(text, occurrence)
    ann = _id(f"annotation/{KEY}/{start}-{end}")
    target, position, quote = URIRef(f"{ann}/target"), URIRef(f"{ann}/position"), URIRef(f"{ann}/quote")
    g.add((ann, RDF.type, OA.Annotation))
    g.add((ann, OA.hasBody, body))
    g.add((ann, OA.hasTarget, target))
    g.add((ann, KGO.confidence, Literal(Decimal(mention["confidence"] if mention else "0.7"))))
    g.add((ann, KGO.extractor, Literal("spacy:core_web_sm@3.8.0")))
    if mention is not None:
        index, s0, s1 = _sentence(start)
        g.add((ann, RDF.type, KGO.Mention))
        g.add((ann, OA.motivatedBy, OA.identifying))
        g.add((ann, KGO.nerLabel, Literal(mention["ner"])))
        g.add((ann, KGO.sentenceIndex, Literal(index, datatype=XSD.nonNegativeInteger)))
        g.add((ann, KGO.sentenceStart, Literal(s0, datatype=XSD.nonNegativeInteger)))
        g.add((ann, KGO.sentenceEnd, Literal(s1, datatype=XSD.nonNegativeInteger)))
        if "sense" in mention:
            g.add((ann, KGO.sense, Literal(mention["sense"])))
    g.add((target, RDF.type, OA.SpecificResource))
    g.add((target, OA.hasSource, ARTICLE))
    g.add((target, OA.hasSelector, position))
    g.add((target, OA.hasSelector, quote))
    g.add((position, RDF.type, OA.TextPositionSelector))
    g.add((position, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    g.add((position, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(BODY[start:end])))
    if BODY[max(0, start - 32):start]:
        g.add((quote, OA.prefix, Literal(BODY[max(0, start - 32):start])))
    if BODY[end:end + 32]:
        g.add((quote, OA.suffix, Literal(BODY[end:end + 32])))
    return ann


ENTITIES = {
    # key: (types, label, [(surface, occurrence, ner label, sense)])
    "country/ukraine": ((SCHEMA.Country,), "Ukraine", [("Ukraine", 0, "GPE", None), ("Ukraine", 1, "GPE", None)]),
    "country/united-states": ((SCHEMA.Country,), "United States", [("United States", 0, "GPE", None)]),
    "weapon/shahed-136": ((SCHEMA.Product, KGO.WeaponType), "Shahed-136", [("Shahed-136", 0, "WEAPON", None)]),
    "place/kremlin": ((SCHEMA.Place, SCHEMA.LandmarksOrHistoricalBuildings, KGO.Landmark), "Kremlin",
                      [("Kremlin", 0, "FAC", "place")]),
    "organization/kremlin": ((SCHEMA.Organization, SCHEMA.GovernmentOrganization, KGO.Government), "Kremlin",
                             [("Kremlin", 1, "ORG", "actor")]),
    "person/dmitry-peskov": ((SCHEMA.Person,), "Dmitry Peskov", [("Dmitry Peskov", 0, "PERSON", None)]),
}


def toy_dataset() -> Dataset:
    """One article's graph as build.py writes it, plus an event, a statement and an aid package
    written to the data model's contract (what the next stages will add)."""
    ds = Dataset()
    g = ds.graph(GRAPH)
    ds.add((GRAPH, RDF.type, KGO.ExtractionGraph))
    ds.add((GRAPH, PROV.wasDerivedFrom, ARTICLE))
    publisher = _id("publisher/toy-wire")
    g.add((ARTICLE, RDF.type, SCHEMA.NewsArticle))
    g.add((ARTICLE, KGO.articleKey, Literal(KEY)))
    g.add((ARTICLE, SCHEMA.articleBody, Literal(BODY)))
    g.add((ARTICLE, SCHEMA.headline, Literal("Drones over the Kremlin")))
    g.add((ARTICLE, SCHEMA.datePublished, Literal("2023-05-03", datatype=XSD.date)))
    g.add((ARTICLE, SCHEMA.url, URIRef("https://example.org/toy")))
    g.add((ARTICLE, SCHEMA.publisher, publisher))
    g.add((publisher, RDF.type, SCHEMA.NewsMediaOrganization))
    g.add((publisher, RDFS.label, Literal("Toy Wire")))
    for key, (types, label, mentions) in ENTITIES.items():
        node = _id(key)
        for rdf_type in (*types, KGO.Entity):
            g.add((node, RDF.type, rdf_type))
        g.add((node, RDFS.label, Literal(label)))
        for surface, occurrence, ner, sense in mentions:
            fields = {"confidence": "0.95", "ner": ner, **({"sense": sense} if sense else {})}
            _annotate(g, node, surface, occurrence, fields)
    g.add((_id("country/ukraine"), KGO.countryCode, Literal("UA")))
    g.add((_id("country/ukraine"), KGO.geonamesId, Literal(690791)))
    g.add((_id("organization/kremlin"), KGO.seat, _id("place/kremlin")))
    g.add((_id("person/dmitry-peskov"), SCHEMA.jobTitle, Literal("spokesman")))
    g.add((_id("person/dmitry-peskov"), SCHEMA.affiliation, _id("organization/kremlin")))
    g.add((_id("country/united-states"), SKOS.altLabel, Literal("US")))
    # An event, a statement and an aid package.
    attack, statement, grant = _id("event/toy-attack"), _id("statement/toy-peskov"), _id("grant/toy-aid")
    announcement, amount = _id("event/toy-aid"), _id("amount/usd-300000000")
    for s, p, o in [
        (attack, RDF.type, SEM.Event), (attack, RDF.type, KGO.Attack),
        (attack, RDFS.label, Literal("drone attack on the Kremlin")),
        (attack, SEM.hasPlace, _id("place/kremlin")),
        (attack, SEM.hasTimeStamp, Literal("2023-05-03", datatype=XSD.date)),
        (attack, KGO.instrument, _id("weapon/shahed-136")),
        (attack, KGO.instrumentCount, Literal(2, datatype=XSD.nonNegativeInteger)),
        (attack, KGO.cameoCode, Literal("195")),
        (statement, RDF.type, SCHEMA.Quotation), (statement, RDF.type, KGO.Statement),
        (statement, SCHEMA.text, Literal("Two Shahed-136 drones flew over the Kremlin")),
        (statement, SCHEMA.creator, _id("person/dmitry-peskov")),
        (statement, SCHEMA.about, attack),
        (statement, KGO.stance, KGO.asserts), (statement, KGO.cueVerb, Literal("say")),
        (announcement, RDF.type, SEM.Event), (announcement, RDF.type, KGO.AidAnnouncement),
        (announcement, RDFS.label, Literal("US aid for Ukraine")),
        (announcement, SEM.hasActor, _id("country/united-states")), (announcement, KGO.agent, _id("country/united-states")),
        (announcement, SEM.hasActor, _id("country/ukraine")),
        (announcement, KGO.originalTimeExpression, Literal("on Wednesday")),
        (announcement, KGO.aidPackage, grant),
        (grant, RDF.type, SCHEMA.MonetaryGrant), (grant, SCHEMA.funder, _id("country/united-states")),
        (grant, KGO.recipient, _id("country/ukraine")), (grant, SCHEMA.amount, amount),
        (amount, RDF.type, SCHEMA.MonetaryAmount), (amount, SCHEMA.value, Literal(300000000)),
        (amount, SCHEMA.currency, Literal("USD")),
    ]:
        g.add((s, p, o))
    _annotate(g, attack, "drones flew over the Kremlin")
    _annotate(g, statement, "Two Shahed-136 drones flew over the Kremlin, Kremlin spokesman Dmitry Peskov said")
    _annotate(g, announcement, "announced $300 million in aid for Ukraine")
    _annotate(g, grant, "$300 million in aid")
    return ds


def _write(ds: Dataset, tmp_path: Path) -> Path:
    """graph.nq as the builder writes it (through kg.export.rdf)."""
    path = tmp_path / "graph.nq"
    ox.serialize(sorted_quads(ds), str(path), ox.RdfFormat.N_QUADS)
    return path


def _one(g: Graph, subject: URIRef | None, predicate: URIRef) -> tuple:
    return next(iter(g.triples((subject, predicate, None))))


def _mention_of(g: Graph, text: str, occurrence: int = 0) -> URIRef:
    start, end = _span(text, occurrence)
    return _id(f"annotation/{KEY}/{start}-{end}")


def _set(g: Graph, s, p, o) -> None:
    g.remove((s, p, None))
    g.add((s, p, o))


def _other_graph(ds: Dataset, annotate: bool) -> None:
    """A second, well-formed article graph that also types Ukraine: with an annotation of it
    that points into the first article (annotate=True), or with none (annotate=False)."""
    other_graph, other_article = _id("graph/other"), _id("article/other")
    ds.add((other_graph, RDF.type, KGO.ExtractionGraph))
    ds.add((other_graph, PROV.wasDerivedFrom, other_article))
    g = ds.graph(other_graph)
    g.add((other_article, RDF.type, SCHEMA.NewsArticle))
    g.add((other_article, KGO.articleKey, Literal("other")))
    g.add((other_article, SCHEMA.articleBody, Literal("Other text.")))
    for p, o in [(RDF.type, SCHEMA.Country), (RDF.type, KGO.Entity), (RDFS.label, Literal("Ukraine"))]:
        g.add((_id("country/ukraine"), p, o))
    if annotate:
        _annotate(g, _id("country/ukraine"), "Ukraine", 0, {"confidence": "0.95", "ner": "GPE"})


def test_toy_dataset_conforms(tmp_path):
    problems = build_problems(_write(toy_dataset(), tmp_path))
    assert not problems, "\n".join(problems)


Mutation = Callable[[Dataset, Graph], None]
BROKEN: dict[str, tuple[Mutation, str]] = {
    "confidence-above-1": (lambda ds, g: _set(g, _mention_of(g, "Ukraine"), KGO.confidence, Literal(Decimal("1.5"))),
                           "kgo:confidence, an xsd:decimal from 0 to 1"),
    "confidence-as-float": (lambda ds, g: _set(g, _mention_of(g, "Ukraine"), KGO.confidence, Literal(0.5)),
                            "kgo:confidence, an xsd:decimal from 0 to 1"),
    "missing-exact": (lambda ds, g: g.remove((None, OA.exact, Literal("Shahed-136"))), "exactly one oa:exact"),
    "exact-off-by-one": (lambda ds, g: _set(g, URIRef(f"{_mention_of(g, 'Shahed-136')}/quote"), OA.exact, Literal("hahed-136")),
                         "oa:exact must equal the code points"),
    "span-starts-with-newline": (lambda ds, g: _set(g, URIRef(f"{_mention_of(g, 'Shahed-136')}/quote"), OA.exact,
                                                    Literal("\nShahed-136")), "neither starts nor ends with white space"),
    "wrong-prefix": (lambda ds, g: _set(g, URIRef(f"{_mention_of(g, 'Shahed-136')}/quote"), OA.prefix, Literal("Three ")),
                     "oa:prefix must be the text"),
    "start-after-end": (lambda ds, g: _set(g, URIRef(f"{_mention_of(g, 'Shahed-136')}/position"), OA.start,
                                           Literal(500, datatype=XSD.nonNegativeInteger)), "less than its oa:end"),
    "start-as-int": (lambda ds, g: _set(g, URIRef(f"{_mention_of(g, 'Shahed-136')}/position"), OA.start,
                                        Literal(_span("Shahed-136")[0])), "oa:start, an xsd:nonNegativeInteger"),
    "two-bodies": (lambda ds, g: g.add((_mention_of(g, "Ukraine"), OA.hasBody, _id("country/united-states"))),
                   "exactly one oa:hasBody"),
    "mention-past-sentence-end": (lambda ds, g: _set(g, _mention_of(g, "Ukraine"), KGO.sentenceEnd,
                                                     Literal(5, datatype=XSD.nonNegativeInteger)), "lies outside its sentence"),
    "mention-outside-sentence": (lambda ds, g: _set(g, _mention_of(g, "Ukraine"), KGO.sentenceStart,
                                                    Literal(5, datatype=XSD.nonNegativeInteger)), "lies outside its sentence"),
    "source-not-an-article": (lambda ds, g: _set(g, URIRef(f"{_mention_of(g, 'Ukraine')}/target"), OA.hasSource,
                                                 _id("country/ukraine")), "oa:hasSource, a schema:NewsArticle"),
    "no-position-selector": (lambda ds, g: g.remove((URIRef(f"{_mention_of(g, 'Ukraine')}/target"), OA.hasSelector,
                                                     URIRef(f"{_mention_of(g, 'Ukraine')}/position"))),
                             "exactly one oa:TextPositionSelector"),
    "bad-sense": (lambda ds, g: _set(g, _mention_of(g, "Kremlin"), KGO.sense, Literal("building")), "\"place\" or \"actor\""),
    "entity-without-evidence": (lambda ds, g: [g.add((_id("person/nobody"), p, o)) for p, o in
                                               [(RDF.type, SCHEMA.Person), (RDF.type, KGO.Entity), (RDFS.label, Literal("Nobody"))]],
                                "oa:hasBody of at least one oa:Annotation"),
    "entity-without-schema-type": (lambda ds, g: g.remove((_id("person/dmitry-peskov"), RDF.type, SCHEMA.Person)),
                                   "one of the standard types"),
    "entity-without-label": (lambda ds, g: g.remove((_id("person/dmitry-peskov"), RDFS.label, None)), "has an rdfs:label"),
    "project-class-without-standard-class": (lambda ds, g: g.remove((_id("place/kremlin"), RDF.type,
                                                                     SCHEMA.LandmarksOrHistoricalBuildings)),
                                             "also typed schema:LandmarksOrHistoricalBuildings"),
    "seat-reversed": (lambda ds, g: (g.remove((_id("organization/kremlin"), KGO.seat, None)),
                                     g.add((_id("place/kremlin"), KGO.seat, _id("organization/kremlin")))),
                      "subject of kgo:seat is the actor"),
    "country-code-lowercase": (lambda ds, g: _set(g, _id("country/ukraine"), KGO.countryCode, Literal("ua")), "alpha-2"),
    "article-without-key": (lambda ds, g: g.remove((ARTICLE, KGO.articleKey, None)), "exactly one kgo:articleKey"),
    "article-with-two-bodies": (lambda ds, g: g.add((ARTICLE, SCHEMA.articleBody, Literal("Other text."))),
                                "exactly one schema:articleBody"),
    "graph-without-derivation": (lambda ds, g: ds.remove((GRAPH, PROV.wasDerivedFrom, None)),
                                 "prov:wasDerivedFrom exactly one"),
    "annotation-on-another-article": (lambda ds, g: _other_graph(ds, annotate=True),
                                      "targets another article than the one its graph is derived from"),
    "entity-typed-in-graph-without-its-mention": (lambda ds, g: _other_graph(ds, annotate=False),
                                                  "holds no annotation of it"),
    "undeclared-named-graph": (lambda ds, g: ds.graph(_id("graph/stray")).add((ARTICLE, RDFS.comment, Literal("x"))),
                               "not a kgo:ExtractionGraph"),
    "default-graph-entity-triple": (lambda ds, g: ds.add((_id("country/ukraine"), RDFS.label, Literal("Ukraine"))),
                                    "default graph holds a triple"),
    "event-without-own-type": (lambda ds, g: g.remove((_id("event/toy-attack"), RDF.type, KGO.Attack)),
                               "plus one of the kgo: event types"),
    "event-type-without-sem-event": (lambda ds, g: g.remove((_id("event/toy-attack"), RDF.type, SEM.Event)),
                                     "also typed sem:Event"),
    "timestamp-as-string": (lambda ds, g: _set(g, _id("event/toy-attack"), SEM.hasTimeStamp, Literal("Wednesday")),
                            "xsd:date or an xsd:dateTime"),
    "statement-without-speaker": (lambda ds, g: g.remove((_id("statement/toy-peskov"), SCHEMA.creator, None)),
                                  "has a schema:creator"),
    "stance-outside-scheme": (lambda ds, g: _set(g, _id("statement/toy-peskov"), KGO.stance, KGO.shouts), "kgo:stance is one of"),
    "currency-in-words": (lambda ds, g: _set(g, _id("amount/usd-300000000"), SCHEMA.currency, Literal("dollars")),
                          "ISO 4217"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_dataset_is_reported(name, tmp_path):
    mutate, expected = BROKEN[name]
    ds = toy_dataset()
    mutate(ds, ds.graph(GRAPH))
    problems = "\n".join(build_problems(_write(ds, tmp_path)))
    assert expected in problems, problems or "no problem reported"


# ---------------------------------------------------------------------------------------------
# (f) Real builds conform
# ---------------------------------------------------------------------------------------------

def _assert_build_conforms(out: Path) -> None:
    problems = build_problems(out / "graph.nq")
    assert not problems, "\n".join(problems)


def test_sample_build_conforms(sample_out):
    _assert_build_conforms(sample_out)


def test_corpus_build_conforms(corpus_out):
    _assert_build_conforms(corpus_out)
