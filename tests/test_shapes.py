"""SHACL shapes against data: a hand-built toy dataset conforms, each broken variant of it is
reported with the expected message, and every real build (samples, corpus) conforms."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kg.config import Settings
from kg.export.rdf import sorted_quads
from kg.graph.namespaces import GEO, KGO, OA, SCHEMA, SEM
from kg.run.build import build
from tests.conftest import ROOT
from tests.shacl_checks import XSD, build_problems

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
        g.add((ann, KGO.sentence, URIRef(f"{ARTICLE}/sentence/{index}")))
        g.add((URIRef(f"{ARTICLE}/sentence/{index}"), RDF.type, KGO.Sentence))
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
    point, geometry = _id("country/ukraine/geo"), _id("country/ukraine/geometry")
    g.add((_id("country/ukraine"), SCHEMA.geo, point))
    g.add((point, RDF.type, SCHEMA.GeoCoordinates))
    g.add((point, SCHEMA.latitude, Literal(Decimal("50.45466"))))
    g.add((point, SCHEMA.longitude, Literal(Decimal("30.5238"))))
    g.add((_id("country/ukraine"), GEO.hasGeometry, geometry))
    g.add((geometry, RDF.type, GEO.Geometry))
    g.add((geometry, GEO.asWKT, Literal("POINT(30.5238 50.45466)", datatype=GEO.wktLiteral)))
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
    # xsd:integer >= 0 is allowed (Oxigraph stores nonNegativeInteger so); a negative offset is not.
    "start-negative": (lambda ds, g: _set(g, URIRef(f"{_mention_of(g, 'Shahed-136')}/position"), OA.start,
                                          Literal(-5)), "oa:start, an xsd:nonNegativeInteger"),
    "start-as-string": (lambda ds, g: _set(g, URIRef(f"{_mention_of(g, 'Shahed-136')}/position"), OA.start,
                                           Literal(str(_span("Shahed-136")[0]))), "oa:start, an xsd:nonNegativeInteger"),
    "two-bodies": (lambda ds, g: g.add((_mention_of(g, "Ukraine"), OA.hasBody, _id("country/united-states"))),
                   "exactly one oa:hasBody"),
    "mention-without-sentence": (lambda ds, g: g.remove((_mention_of(g, "Ukraine"), KGO.sentence, None)),
                                 "exactly one kgo:sentence"),
    "articles-above-mentions": (lambda ds, g: [ds.add((_id("country/ukraine"), KGO.mentionCount,
                                                       Literal(2, datatype=XSD.nonNegativeInteger))),
                                               ds.add((_id("country/ukraine"), KGO.articleCount,
                                                       Literal(3, datatype=XSD.nonNegativeInteger)))],
                                "no larger than its kgo:mentionCount"),
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
                            "an xsd:date, an xsd:dateTime, or an xsd:gYearMonth or xsd:gYear"),
    "statement-without-speaker": (lambda ds, g: g.remove((_id("statement/toy-peskov"), SCHEMA.creator, None)),
                                  "has a schema:creator"),
    "stance-outside-scheme": (lambda ds, g: _set(g, _id("statement/toy-peskov"), KGO.stance, KGO.shouts), "kgo:stance is one of"),
    "latitude-out-of-range": (lambda ds, g: _set(g, _id("country/ukraine/geo"), SCHEMA.latitude, Literal(Decimal("95.1"))),
                              "schema:latitude, an xsd:decimal from -90 to 90"),
    "latitude-as-string": (lambda ds, g: _set(g, _id("country/ukraine/geo"), SCHEMA.latitude, Literal("50.4")),
                           "schema:latitude, an xsd:decimal from -90 to 90"),
    "wkt-not-a-point": (lambda ds, g: _set(g, _id("country/ukraine/geometry"), GEO.asWKT,
                                           Literal("POINT(30.5 50.4", datatype=GEO.wktLiteral)), "POINT(longitude latitude)"),
    "geo-not-coordinates": (lambda ds, g: g.remove((_id("country/ukraine/geo"), RDF.type, None)),
                            "a schema:GeoCoordinates IRI"),
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



@pytest.mark.slow
def test_dev_set_build_conforms(dev_out):
    """Real reports from 42 outlets conform, and every aid package in every article's graph either
    names its funder or says that its source names nobody giving it (kgo:funderUnstated)."""
    import pyoxigraph as ox

    _assert_build_conforms(dev_out)
    report = json.loads((dev_out / "report.json").read_text())
    assert report["dropped_facts"] == {}
    store = ox.Store()
    store.bulk_load(path=str(dev_out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    grants = list(store.query("""PREFIX schema: <https://schema.org/> PREFIX kgo: <https://w3id.org/evkg/ontology#>
        SELECT ?g ?grant (BOUND(?f) AS ?funded) (BOUND(?u) AS ?unstated) WHERE { GRAPH ?g { ?grant a schema:MonetaryGrant
        OPTIONAL { ?grant schema:funder ?f } OPTIONAL { ?grant kgo:funderUnstated ?u } } }"""))
    assert len(grants) >= 9
    assert all(row["funded"].value == "true" or row["unstated"].value == "true" for row in grants), grants


@pytest.mark.slow
def test_generated_corpus_build_conforms(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    corpus = generator.write_corpus(tmp_path / "generated.jsonl", 40, seed=3)
    build([corpus], tmp_path / "out", Settings())
    _assert_build_conforms(tmp_path / "out")
