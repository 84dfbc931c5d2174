"""Events, statements and aid packages in an article's named graph, with their evidence.

Each article's graph states the roles, date, words and amounts as that article gives them, so the
merged default graph shows where sources disagree (two dates for one event).
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.graph.evidence import Evidence, add_evidence
from kg.graph.quads import GraphWriter
from kg.graph.terms import O_KGO as KGO
from kg.graph.terms import O_PROV as PROV
from kg.graph.terms import O_RDF as RDF
from kg.graph.terms import O_RDFS as RDFS
from kg.graph.terms import O_SCHEMA as SCHEMA
from kg.graph.terms import O_SEM as SEM
from kg.graph.terms import O_XSD as XSD
from kg.graph.terms import Terms, literal
from kg.ingest import Article
from kg.resolve.facts import EventReport, GrantReport, StatementReport
from kg.vocab import EntityKind, EventType

# CAMEO codes (Schrodt 2012) of the event types that have one.
CAMEO = {EventType.ATTACK: "190", EventType.ACCUSATION: "112", EventType.DENIAL: "016", EventType.THREAT: "138",
         EventType.ARREST: "173", EventType.AID_ANNOUNCEMENT: "072", EventType.COMMEMORATION: "017",
         EventType.INVASION: "190", EventType.VISIT: "042", EventType.WARRANT: "173", EventType.ANNEXATION: "192",
         EventType.DEPORTATION: "174", EventType.AGREEMENT: "057", EventType.WITHDRAWAL: "16"}
_AERIAL = ("weapon/drone", "weapon/missile", "weapon/cruise-missile", "weapon/ballistic-missile", "weapon/shahed-136",
           "weapon/rocket", "weapon/kalibr", "weapon/iskander", "weapon/kinzhal")
# Keys of entities that act (sem:hasActor): kinds, and the gazetteer's governments ("government/albania")
_ACTOR_KEYS = (EntityKind.PERSON, EntityKind.ORGANIZATION, EntityKind.COUNTRY, "government")
# An event's time at the precision its words give: "2014" (year), "2022-12" (month), "2023-06-06" (day).
_DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}
_CONFIDENCE = {"event": 0.7, "statement_named": 0.85, "statement_unnamed": 0.75, "statement_direct": 0.9,
               "grant": 0.85}


class FactWriter:
    """Writes one article's facts; `labels` maps entity keys to canonical labels."""

    def __init__(self, graph: GraphWriter, article: Article, iris: Terms, labels: dict[str, str],
                 sentences: tuple[tuple[int, int], ...], extractor: str):
        self.graph, self.article, self.iris, self.labels = graph, article, iris, labels
        self.sentences, self.extractor = sentences, extractor

    def node(self, key: str | None) -> ox.NamedNode | None:
        return self.iris.entity(key) if key else None

    def evidence(self, body: ox.NamedNode, start: int, end: int, sentence: int, confidence: float, kind: str) -> None:
        s_start, s_end = self.sentences[sentence] if sentence < len(self.sentences) else (start, end)
        s_start, s_end = min(s_start, start), max(s_end, end)
        add_evidence(self.graph, body, self.article, self.iris,
                     Evidence(start, end, sentence, s_start, s_end, confidence, self.extractor), kind)

    def event(self, report: EventReport, grants: dict[int, str]) -> ox.NamedNode:
        e, add = report.event, self.graph.add
        node = self.iris.entity(report.key)
        add((node, RDF.type, SEM.Event))
        add((node, RDF.type, KGO[e.type]))
        anchor = report.target or report.place or report.agent or report.instrument  # as its key (kg.resolve)
        named = f": {self.labels.get(anchor, anchor)}" if anchor else ""
        add((node, RDFS.label, literal(f"{e.type.label}{named}")))
        for prop, key in ((KGO.agent, report.agent), (KGO.target, report.target),
                          (KGO.instrument, report.instrument), (SEM.hasPlace, report.place)):
            if key:
                add((node, prop, self.iris.entity(key)))
        for key in (report.agent, report.target):
            if key and key.split("/")[0] in _ACTOR_KEYS:
                add((node, SEM.hasActor, self.iris.entity(key)))
        if e.alleged:
            add((node, KGO.alleged, literal(True)))
        if e.modality:
            add((node, KGO.modality, KGO[e.modality]))
        if e.count is not None:
            add((node, KGO.instrumentCount, literal(e.count, XSD.nonNegativeInteger)))
        if e.date:
            add((node, SEM.hasTimeStamp, literal(e.date, _DATE_TYPES[len(e.date)])))
        if e.time_words:
            add((node, KGO.originalTimeExpression, literal(e.time_words)))
        if e.outcome:
            add((node, KGO.outcome, literal(e.outcome)))
        code = "195" if e.type == EventType.ATTACK and report.instrument in _AERIAL else CAMEO.get(e.type)
        if code:
            add((node, KGO.cameoCode, literal(code)))
        if e.type == EventType.AID_ANNOUNCEMENT and e.sentence in grants:
            add((node, KGO.aidPackage, self.iris.entity(grants[e.sentence])))
        self.evidence(node, e.start, e.end, e.sentence, _CONFIDENCE["event"], "event")
        return node

    def statement(self, report: StatementReport, events: set[str]) -> None:
        s, add = report.statement, self.graph.add
        node = self.iris.entity(report.key)
        add((node, RDF.type, SCHEMA.Quotation))
        add((node, RDF.type, KGO.Statement))
        add((node, SCHEMA.text, literal(s.text)))
        speaker = self.iris.entity(report.speaker)
        add((node, SCHEMA.creator, speaker))
        said_by = s.speaker
        if report.speaker.startswith("unnamed/") and said_by is not None:  # an unnamed source is described
            add((speaker, RDF.type, KGO.UnnamedSource))
            add((speaker, RDF.type, PROV.Agent))
            add((speaker, RDFS.label, literal(said_by.description)))
            if said_by.start is not None and said_by.end is not None:
                self.evidence(speaker, said_by.start, said_by.end, s.sentence, _CONFIDENCE["statement_unnamed"],
                              "source")
        add((node, KGO.stance, KGO[s.stance]))
        add((node, KGO.directQuote, literal(s.direct)))
        if s.cue:
            add((node, KGO.cueVerb, literal(s.cue)))
        if report.medium:
            add((node, KGO.medium, self.iris.entity(report.medium)))
        if s.venue:
            add((node, KGO.venue, literal(s.venue)))
        if report.about and report.about in events:
            add((node, SCHEMA.about, self.iris.entity(report.about)))
        if report.similarity < 1.0:
            add((node, KGO.renderingSimilarity, literal(report.similarity, XSD.decimal)))
        confidence = _CONFIDENCE["statement_direct" if s.direct else "statement_named"]
        if report.speaker.startswith("unnamed/"):
            confidence = _CONFIDENCE["statement_unnamed"]
        self.evidence(node, s.start, s.end, s.sentence, confidence, "statement")

    def grant(self, report: GrantReport) -> None:
        g, add = report.grant, self.graph.add
        node = self.iris.entity(report.key)
        add((node, RDF.type, SCHEMA.MonetaryGrant))
        funder = self.labels.get(report.funder or "", "unknown funder")
        recipient = self.labels.get(report.recipient or "", "")
        add((node, RDFS.label, literal(f"{g.text} aid from {funder}" + (f" to {recipient}" if recipient else ""))))
        self._amount(node, SCHEMA.amount, "amount", g.amount, g.currency)
        if g.cumulative_amount is not None:
            self._amount(node, KGO.cumulativeAmount, "cumulative", g.cumulative_amount, g.currency)
        for prop, key in ((SCHEMA.funder, report.funder), (KGO.announcer, report.announcer),
                          (KGO.recipient, report.recipient)):
            if key:
                add((node, prop, self.iris.entity(key)))
        for key in report.contents:
            add((node, KGO.includes, self.iris.entity(key)))
        if report.funder is None:  # said explicitly, so that the package conforms and queries can tell
            add((node, KGO.funderUnstated, literal(True)))
        if g.sequence:
            add((node, KGO.packageSequence, literal(g.sequence, XSD.positiveInteger)))
        if g.date:
            add((node, SCHEMA.startDate, literal(g.date, XSD.date)))
        self.evidence(node, g.start, g.end, g.sentence, _CONFIDENCE["grant"], "grant")

    def _amount(self, node: ox.NamedNode, prop: ox.NamedNode, name: str, value: int, currency: str) -> None:
        amount = ox.NamedNode(f"{node.value}/{name}/{self.article.key}")
        self.graph.add((node, prop, amount))
        self.graph.add((amount, RDF.type, SCHEMA.MonetaryAmount))
        self.graph.add((amount, SCHEMA.value, literal(value, XSD.integer)))
        self.graph.add((amount, SCHEMA.currency, literal(currency)))
