"""The RDF dataset: one named graph per article, holding what was extracted from it.

Every entity carries its standard types, rdfs:label and the skos:altLabel forms seen in that
article; every mention is a W3C Web Annotation whose selectors point into schema:articleBody.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from kg.graph.evidence import Evidence, add_evidence
from kg.graph.facts import FactWriter
from kg.graph.iris import IriMinter
from kg.graph.quads import GraphWriter, QuadCollector, SortedQuads
from kg.graph.totals import count_annotations
from kg.graph.terms import O_KGO as KGO
from kg.graph.terms import O_PROV as PROV
from kg.graph.terms import O_RDF as RDF
from kg.graph.terms import O_RDFS as RDFS
from kg.graph.terms import O_SCHEMA as SCHEMA
from kg.graph.terms import O_SKOS as SKOS
from kg.graph.terms import O_XSD as XSD
from kg.graph.terms import Terms, literal, named, text
from kg.graph.types import entity_types
from kg.ingest import Article
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.mention import PERSON
from kg.resolve.facts import EventReport, FactResolution, GrantReport, StatementReport
from kg.resolve.model import Entity, Resolution, ResolvedMention


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
        graph.add((node, RDF.type, named(rdf_type)))
    graph.add((node, RDFS.label, literal(entity.label)))
    for surface in sorted(set(surfaces) - {entity.label}):
        graph.add((node, SKOS.altLabel, literal(surface)))
    if entry is None:
        return
    if entry.country and entity.kind != "country":
        country = context.country_key(entry.country)
        if country in context.entities:
            graph.add((node, SCHEMA.containedInPlace, context.iris.entity(country)))
    if entry.country and entity.kind == "country":
        graph.add((node, KGO.countryCode, literal(entry.country)))
    if entry.geonames_id:
        graph.add((node, KGO.geonamesId, literal(entry.geonames_id)))
    for seat in context.seats.get(entity.key, ()):
        if seat in context.entities:
            graph.add((node, KGO.seat, context.iris.entity(seat)))


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

    def __init__(self, resolution: Resolution, gazetteer: Gazetteer, iris: Terms):
        self.iris, self.gazetteer = iris, gazetteer
        self.entities = resolution.entity_map()
        self.seats: dict[str, list[str]] = defaultdict(list)
        for entity in resolution.entities:
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


def build_quads(articles: Iterable[Article], resolution: Resolution, gazetteer: Gazetteer, iris: IriMinter,
                facts: FactResolution | None = None, sentences: dict[str, tuple[tuple[int, int], ...]] | None = None,
                extractor: str = "kg") -> SortedQuads:
    """One named graph per article, linked to the article by prov:wasDerivedFrom; sorted quads."""
    collector = QuadCollector()
    default = collector.graph()
    terms = Terms(iris)
    context = _Context(resolution, gazetteer, terms)
    by_article: dict[str, list[ResolvedMention]] = defaultdict(list)
    for rm in resolution.mentions:
        by_article[rm.article_key].append(rm)
    labels = {k: e.label for k, e in context.entities.items()}
    reports = _facts_by_article(facts) if facts is not None else {}
    for article in articles:
        graph_iri = terms.graph(article.key)
        graph = collector.graph(graph_iri)
        article_node = add_article(graph, article, terms)
        default.add((graph_iri, RDF.type, KGO.ExtractionGraph))
        default.add((graph_iri, PROV.wasDerivedFrom, article_node))
        surfaces: dict[str, set[str]] = defaultdict(set)
        for rm in by_article.get(article.key, ()):
            add_mention(graph, rm, article, terms)
            add_role(graph, rm, context)
            surfaces[rm.entity_key].add(rm.mention.text)
        for key in sorted(surfaces):
            add_entity(graph, context.entities[key], surfaces[key], context)
        if facts is not None:
            writer = FactWriter(graph, article, terms, labels, (sentences or {}).get(article.key, ()), extractor)
            write_facts(writer, *reports.get(article.key, ((), (), ())))
    for triple in count_annotations(collector.named_graphs()):  # dataset totals, in the default graph
        default.add(triple)
    return collector.finish()


def build_dataset(*args, **kwargs):
    """`build_quads` as an rdflib Dataset (for code written against rdflib; slow on big builds)."""
    return build_quads(*args, **kwargs).to_rdflib()


def _facts_by_article(facts: FactResolution) -> dict[str, tuple[list, list, list]]:
    """Each article's event, grant and statement reports, in their order in `facts`."""
    found: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    for index, reports in enumerate((facts.events, facts.grants, facts.statements)):
        for report in reports:
            found[report.article_key][index].append(report)
    return found


def write_facts(writer: FactWriter, events: Iterable[EventReport], grants: Iterable[GrantReport],
                statements: Iterable[StatementReport]) -> None:
    """An article's events, then its aid packages, then its statements."""
    by_sentence = {r.grant.sentence: r.key for r in grants}
    written = set()
    for report in events:
        writer.event(report, by_sentence)
        written.add(report.key)
    for report in grants:
        writer.grant(report)
    for report in statements:
        writer.statement(report, written)
