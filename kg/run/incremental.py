"""Adding to a store without building every stored article's graph again (`kg build … --store`).

Each article's named graph is a function of the article (its text and metadata, hence its
extraction, given the extraction signature) and of what resolution decided for it: its mentions'
entities and affiliations, its events', aid packages' and statements' keys and entities, and, of
every entity it names, the label, kind and gazetteer entry, the country it lies in and the seats it
has, when those are in the dataset (kg.graph.build). `fingerprint` hashes exactly that; the store
records each graph's fingerprint beside its digest after a complete sync (kg.dataset.sync).

A build into a store that writes no dumps (no `-o`) then builds only the graphs whose fingerprint
changed (`GraphSelection`): a new or edited article, and an old one whose entities, event or
statement keys the new articles changed (a label that is now another form, a surname that now
names two persons…); every other graph is kept as the store holds it. The default graph's own
triples are made for the whole dataset: the extraction-graph triples of every article, and the
totals (kg.graph.totals) as the store holds them, less the rebuilt graphs' old annotations, plus
their new ones. With `-o` every graph is built (the dumps need them all), and the fingerprints are
recorded for the next build.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.dataset.sync import SyncReport, recorded_fingerprints, sync
from kg.graph.build import _Context
from kg.graph.iris import IriMinter
from kg.graph.quads import SortedQuads
from kg.graph.spool import SpooledQuads
from kg.graph.terms import O_KGO as KGO
from kg.graph.terms import O_OA as OA
from kg.graph.terms import O_PROV as PROV
from kg.graph.terms import O_RDF as RDF
from kg.graph.terms import Terms
from kg.graph.totals import ARTICLE_COUNT, MENTION_COUNT
from kg.nlp.gazetteer import Gazetteer
from kg.resolve.model import Entity, ResolvedArticle
from kg.run.signature import GRAPH_SOURCE, kg_source_digest

# raised when a graph comes to depend on something `fingerprint` does not cover
FINGERPRINT_LAYOUT = 1
_COUNT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")


def _entity(context: _Context, key: str | None) -> tuple | None:
    """What a graph shows of an entity it names: label, kind, and what the gazetteer adds."""
    entity = context.entities.get(key) if key else None
    if entity is None:
        return None
    entry = context.gazetteer_entry(entity)
    country = context.country_key(entry.country) if entry is not None and entry.country else None
    seats = tuple(s for s in context.seats.get(entity.key, ()) if s in context.entities)
    return (entity.key, entity.label, str(entity.kind), entity.gazetteer_key,
            country, country in context.entities if country else None, seats)


def fingerprint(resolved: ResolvedArticle, context: _Context, signature: str) -> str:
    """A digest of everything the article's graph is built from (see the module)."""
    a = resolved.article
    mentions = tuple((rm.entity_key, rm.affiliation_key) for rm in resolved.mentions)
    reports = resolved.reports
    events = tuple((r.key, r.agent, r.target, r.instrument, r.place) for r in reports.events)
    grants = tuple((r.key, r.funder, r.announcer, r.recipient, r.contents) for r in reports.grants)
    statements = tuple((r.key, r.speaker, r.medium, r.about, r.similarity) for r in reports.statements)
    keys = sorted({k for pair in mentions for k in pair if k}
                  | {k for row in (*events, *grants) for k in row[1:] if isinstance(k, str)}
                  | {k for r in reports.grants for k in r.contents}
                  | {k for _, speaker, medium, _, _ in statements for k in (speaker, medium) if k})
    entities = tuple(_entity(context, k) for k in keys)
    parts = (signature, a.key, a.text, a.title, a.published, a.url, a.publisher, mentions, events, grants,
             statements, entities)
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class GraphSelection:
    """Which articles' graphs a `--store` build makes: all of them (`partial` False, or no usable
    record of the last sync), else those whose fingerprint is not the one recorded."""

    def __init__(self, digests: Path, entities: Iterable[Entity], gazetteer: Gazetteer, iris: IriMinter,
                 signature: str, partial: bool):
        self.digests, self.terms = digests, Terms(iris)
        self.context = _Context(entities, gazetteer, self.terms)
        self.signature = (f"{signature}; base {iris.base}; kg {__version__}; "
                          f"graph code {kg_source_digest(GRAPH_SOURCE)}; fingerprint {FINGERPRINT_LAYOUT}")
        self.recorded = recorded_fingerprints(digests) if partial else None
        self.fingerprints: dict[str, str] = {}  # graph IRI -> fingerprint, of every article
        self.keys: list[str] = []  # every article's key
        self.rebuilt: list[str] = []  # the keys of the articles whose graph is built

    @property
    def partial(self) -> bool:
        return self.recorded is not None

    def select(self, resolved: Iterable[ResolvedArticle]) -> Iterator[ResolvedArticle]:
        """The articles whose graph must be built, of `resolved` (every article, in order)."""
        for article in resolved:
            key = article.article.key
            graph = self.terms.graph(key).value
            found = self.fingerprints[graph] = fingerprint(article, self.context, self.signature)
            self.keys.append(key)
            if self.recorded is None or self.recorded.get(graph) != found:
                self.rebuilt.append(key)
                yield article

    def sync(self, store: ox.Store, quads: SortedQuads | SpooledQuads) -> SyncReport:
        """`kg.dataset.sync.sync` of what was built (the whole dataset, or only the selected graphs)."""
        default = self.default(store, quads.default) if self.partial else None
        return replace(sync(store, quads, self.digests, self.fingerprints, default), built=len(self.rebuilt))

    def default(self, store: ox.Store, built: list[tuple]) -> list[tuple]:
        """The whole dataset's own default graph, from `built` (that of the rebuilt graphs) and the store."""
        triples: list[tuple] = []
        for key in self.keys:
            graph = self.terms.graph(key)
            triples += [(graph, RDF.type, KGO.ExtractionGraph), (graph, PROV.wasDerivedFrom, self.terms.article(key))]
        mentions, articles = _store_totals(store)
        for key in self.rebuilt:  # their old annotations, as the store holds them
            bodies: dict[object, set] = defaultdict(set)
            for q in store.quads_for_pattern(None, OA.hasBody, None, self.terms.graph(key)):
                bodies[q.object].add(q.subject)
            for body, found in bodies.items():
                mentions[body] -= len(found)
                articles[body] -= 1
        for s, p, o in built:  # their new annotations (the build's totals, of the rebuilt graphs)
            if p == MENTION_COUNT:
                mentions[s] += int(o.value)
            elif p == ARTICLE_COUNT:
                articles[s] += int(o.value)
        for body, count in mentions.items():
            if count:
                triples += [(body, MENTION_COUNT, ox.Literal(str(count), datatype=_COUNT)),
                            (body, ARTICLE_COUNT, ox.Literal(str(articles[body]), datatype=_COUNT))]
        return triples


def _store_totals(store: ox.Store) -> tuple[dict, dict]:
    """The totals the store's default graph holds: body -> annotations, body -> articles."""
    totals: tuple[dict, dict] = (defaultdict(int), defaultdict(int))
    for counts, predicate in zip(totals, (MENTION_COUNT, ARTICLE_COUNT)):
        for q in store.quads_for_pattern(None, predicate, None, ox.DefaultGraph()):
            counts[q.subject] = int(q.object.value)  # type: ignore[union-attr]  # a literal
    return totals
