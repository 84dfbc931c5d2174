"""The RDF dataset: one named graph per article, holding what was extracted from it.

Every entity carries its standard types, rdfs:label and the skos:altLabel forms seen in that
article; every mention is a W3C Web Annotation whose selectors point into schema:articleBody.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import pyoxigraph as ox

from kg.graph.evidence import Evidence, add_evidence
from kg.graph.facts import FactWriter
from kg.graph.iris import IriMinter
from kg.graph.quads import GraphWriter, QuadCollector, SortedQuads
from kg.graph.spool import QuadSpool, SpooledQuads
from kg.graph.terms import O_GEO as GEO
from kg.graph.terms import O_KGO as KGO
from kg.graph.terms import O_PROV as PROV
from kg.graph.terms import O_RDF as RDF
from kg.graph.terms import O_RDFS as RDFS
from kg.graph.terms import O_SCHEMA as SCHEMA
from kg.graph.terms import O_SKOS as SKOS
from kg.graph.terms import O_XSD as XSD
from kg.graph.terms import Terms, literal, text
from kg.graph.totals import AnnotationTotals
from kg.graph.types import entity_types
from kg.ingest import Article
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.mention import PERSON
from kg.resolve.facts import ArticleReports
from kg.resolve.model import Entity, ResolvedArticle, ResolvedMention
from kg.util.nogc import collector_paused
from kg.vocab import EntityKind


def _date_literal(value: str) -> ox.Literal:
    return literal(value, XSD.date if len(value) == 10 else XSD.dateTime)


def _valid_iri(value: str) -> bool:
    return value.startswith(("http://", "https://")) and not any(c in value for c in ' <>"{}|\\^`\n\t')


def add_article(graph: GraphWriter, article: Article, iris: Terms) -> ox.NamedNode:
    """The article node: schema:NewsArticle with its metadata and the cleaned body."""
    node = iris.article(article.key)
    graph.add((node, RDF.type, SCHEMA.NewsArticle))
    graph.add((node, KGO.articleKey, literal(article.key)))
    graph.add((node, SCHEMA.articleBody, text(article.text)))
    if article.title:
        graph.add((node, SCHEMA.headline, literal(article.title)))
    if article.published:
        graph.add((node, SCHEMA.datePublished, _date_literal(article.published)))
    if article.url and _valid_iri(article.url):
        graph.add((node, SCHEMA.url, ox.NamedNode(article.url)))
    if article.publisher:
        publisher = iris.publisher(article.publisher)
        graph.add((node, SCHEMA.publisher, publisher))
        graph.add((publisher, RDF.type, SCHEMA.NewsMediaOrganization))
        graph.add((publisher, RDFS.label, literal(article.publisher)))
    return node


def add_mention(graph: GraphWriter, rm: ResolvedMention, article: Article, iris: Terms) -> None:
    """A W3C Web Annotation: body = the entity, target = the span of the article body."""
    m = rm.mention
    evidence = Evidence(m.start, m.end, m.sentence, m.sentence_start, m.sentence_end, m.confidence, m.extractor)
    ann = add_evidence(graph, iris.entity(rm.entity_key), article, iris, evidence)
    graph.add((ann, RDF.type, KGO.Mention))
    if m.ner_label:
        graph.add((ann, KGO.nerLabel, literal(m.ner_label)))
    if m.sense:
        graph.add((ann, KGO.sense, literal(m.sense)))


def add_entity(graph: GraphWriter, entity: Entity, surfaces: Iterable[str], context: "_Context") -> None:
    """Types, canonical label, the other forms this article uses, and gazetteer facts."""
    node = context.iris.entity(entity.key)
    entry = context.gazetteer_entry(entity)
    for rdf_type in entity_types(entity.kind, entry.kind if entry else None):
        graph.add((node, RDF.type, rdf_type))
    graph.add((node, RDFS.label, literal(entity.label)))
    for surface in sorted(set(surfaces) - {entity.label}):
        graph.add((node, SKOS.altLabel, literal(surface)))
    if entry is None:
        return
    if entry.country and entity.kind != EntityKind.COUNTRY:
        country = context.country_key(entry.country)
        if country in context.entities:
            graph.add((node, SCHEMA.containedInPlace, context.iris.entity(country)))
    if entry.country and entity.kind == EntityKind.COUNTRY:
        graph.add((node, KGO.countryCode, literal(entry.country)))
    if entry.geonames_id:
        graph.add((node, KGO.geonamesId, literal(entry.geonames_id)))
    if entry.latitude is not None and entry.longitude is not None:
        add_coordinates(graph, node, entry.latitude, entry.longitude)
    for seat in context.seats.get(entity.key, ()):
        if seat in context.entities:
            graph.add((node, KGO.seat, context.iris.entity(seat)))


def add_coordinates(graph: GraphWriter, node: ox.NamedNode, latitude: float, longitude: float) -> None:
    """The point of a place (WGS 84), twice: `schema:geo <node/geo>` (a schema:GeoCoordinates with
    schema:latitude and schema:longitude, xsd:decimal) and GeoSPARQL's `geo:hasGeometry <node/geometry>`
    (a geo:Geometry whose geo:asWKT is "POINT(longitude latitude)", CRS84 axis order)."""
    lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
    coordinates = ox.NamedNode(node.value + "/geo")
    graph.add((node, SCHEMA.geo, coordinates))
    graph.add((coordinates, RDF.type, SCHEMA.GeoCoordinates))
    graph.add((coordinates, SCHEMA.latitude, literal(lat, XSD.decimal)))
    graph.add((coordinates, SCHEMA.longitude, literal(lon, XSD.decimal)))
    geometry = ox.NamedNode(node.value + "/geometry")
    graph.add((node, GEO.hasGeometry, geometry))
    graph.add((geometry, RDF.type, GEO.Geometry))
    graph.add((geometry, GEO.asWKT, literal(f"POINT({lon:f} {lat:f})", GEO.wktLiteral)))


def add_role(graph: GraphWriter, rm: ResolvedMention, context: "_Context") -> None:
    """schema:jobTitle and schema:affiliation of a person, as the article states them."""
    role = rm.mention.role
    if rm.mention.kind != PERSON or role is None:
        return
    node = context.iris.entity(rm.entity_key)
    graph.add((node, SCHEMA.jobTitle, literal(role.title)))
    if rm.affiliation_key and rm.affiliation_key in context.entities:
        graph.add((node, SCHEMA.affiliation, context.iris.entity(rm.affiliation_key)))


class _Context:
    """Lookups shared while writing the graphs of one build."""

    def __init__(self, entities: Iterable[Entity], gazetteer: Gazetteer, iris: Terms):
        self.iris, self.gazetteer = iris, gazetteer
        self.entities = {entity.key: entity for entity in entities}
        self.seats: dict[str, list[str]] = defaultdict(list)
        for entity in self.entities.values():
            entry = self.gazetteer_entry(entity)
            if entry and entry.actor:
                self.seats[entry.actor].append(entity.key)
        self._countries = {e.country: e.key for e in gazetteer.entries() if e.kind == "country" and e.country}

    def gazetteer_entry(self, entity: Entity):  # -> GazetteerEntry | None
        if not entity.gazetteer_key:
            return None
        try:
            return self.gazetteer.get(entity.gazetteer_key)
        except KeyError:
            return None

    def country_key(self, code: str) -> str | None:
        return self._countries.get(code)


@collector_paused
def build_quads(articles: Iterable[ResolvedArticle], entities: Iterable[Entity], gazetteer: Gazetteer,
                iris: IriMinter, extractor: str = "kg", spool: QuadSpool | None = None) -> SortedQuads | SpooledQuads:
    """One named graph per article, linked to the article by prov:wasDerivedFrom; sorted quads.

    `articles` is read once, one article at a time; `entities` are every entity of the build. With
    `spool`, each graph goes to disk once written (kg.graph.spool): memory does not grow with quads."""
    collector = spool if spool is not None else QuadCollector()
    totals = write_graphs(articles, entities, gazetteer, iris, extractor, collector)
    default = collector.graph()
    for triple in totals.triples():  # dataset totals, in the default graph
        default.add(triple)
    return collector.finish()


def write_graphs(articles: Iterable[ResolvedArticle], entities: Iterable[Entity], gazetteer: Gazetteer,
                 iris: IriMinter, extractor: str, collector: QuadCollector | QuadSpool) -> AnnotationTotals:
    """Each article's named graph into `collector`, with its two default-graph triples; the totals
    of their annotations are returned, not written (a shard of a build holds only some articles:
    kg.run.sharded adds the shards' totals up)."""
    default = collector.graph()
    totals = AnnotationTotals(collector.folder if isinstance(collector, QuadSpool) else None)
    terms = Terms(iris)
    context = _Context(entities, gazetteer, terms)
    labels = {k: e.label for k, e in context.entities.items()}
    for resolved in articles:
        article = resolved.article
        graph_iri = terms.graph(article.key)
        triples: list = []
        graph = GraphWriter(triples)
        article_node = add_article(graph, article, terms)
        default.add((graph_iri, RDF.type, KGO.ExtractionGraph))
        default.add((graph_iri, PROV.wasDerivedFrom, article_node))
        surfaces: dict[str, set[str]] = defaultdict(set)
        for rm in resolved.mentions:
            add_mention(graph, rm, article, terms)
            add_role(graph, rm, context)
            surfaces[rm.entity_key].add(rm.mention.text)
        for key in sorted(surfaces):
            add_entity(graph, context.entities[key], surfaces[key], context)
        write_facts(FactWriter(graph, article, terms, labels, resolved.sentences, extractor), resolved.reports)
        totals.add(triples)
        collector.add_graph(graph_iri, triples)
    return totals


def build_dataset(*args, **kwargs):
    """`build_quads` as an rdflib Dataset (for code written against rdflib; slow on big builds)."""
    return build_quads(*args, **kwargs).to_rdflib()


def write_facts(writer: FactWriter, reports: ArticleReports) -> None:
    """An article's events, then its aid packages, then its statements."""
    by_sentence = {r.grant.sentence: r.key for r in reports.grants}
    written = set()
    for event in reports.events:
        writer.event(event, by_sentence)
        written.add(event.key)
    for grant in reports.grants:
        writer.grant(grant)
    for statement in reports.statements:
        writer.statement(statement, written)
