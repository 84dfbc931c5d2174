"""Events by type and their dates.

Events reported as not real (kgo:modality: hypothetical, future, called for, conditional) are
left out: the gold lists real events only. A predicted event matches a gold event of its article with the same type whose target or agent
names the same entity (any event of the type, when the gold event names neither); one-to-one, as
many as can be matched (a maximum matching), preferring candidates that carry the gold date.
A gold type "Other: Mutiny" (a type kg does not have yet) matches a predicted event of the type
Mutiny, and its row is shown apart. A matched gold event with a date has the right date when the dates the
article's graph gives the predicted event are exactly that date (same precision: a month stays a
month).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from kg.eval.entities import Score
from kg.eval.matching import day, local_name, rows, same_name

OTHER = "Other: "
_EVENTS = """SELECT ?key ?e ?type ?role ?name ?date WHERE { GRAPH ?g {
  ?a kgo:articleKey ?key . ?e a sem:Event, ?type . FILTER(STRSTARTS(STR(?type), STR(kgo:)))
  FILTER NOT EXISTS { ?e kgo:modality ?modality }
  OPTIONAL { VALUES ?role { kgo:agent kgo:target } ?e ?role ?x . { ?x rdfs:label ?name } UNION { ?x skos:altLabel ?name } }
  OPTIONAL { ?e sem:hasTimeStamp ?date }
} }"""


@dataclass(frozen=True)
class PredictedEvent:
    iri: str  # the node in the merged graph: its identity
    type: str  # local name of the kgo: class
    agent: frozenset[str] = frozenset()
    target: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()  # as this article states them


@dataclass(frozen=True)
class EventMatch:
    article: str
    gold: dict
    iri: str | None  # the matched predicted event, None when no predicted event matches


Predicted = dict[str, list[PredictedEvent]]  # article key -> events, sorted by IRI


def predicted_events(store: ox.Store) -> Predicted:
    found: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in rows(store, _EVENTS):
        item = found[row["key"].value].setdefault(row["e"].value, {
            "type": local_name(row["type"].value), "agent": set(), "target": set(), "dates": set()})
        if row["role"] is not None:
            item[local_name(row["role"].value)].add(row["name"].value)
        if row["date"] is not None:
            item["dates"].add(day(row["date"].value))
    return {key: [PredictedEvent(iri, v["type"], frozenset(v["agent"]), frozenset(v["target"]), frozenset(v["dates"]))
                  for iri, v in sorted(items.items())] for key, items in found.items()}


def bare_type(gold_type: str) -> str:
    return gold_type.removeprefix(OTHER)


def _anchored(g: dict, p: PredictedEvent) -> bool:
    if not (g.get("target") or g.get("agent")):
        return True
    return same_name(g.get("target"), p.target) or same_name(g.get("agent"), p.agent)


def _weight(g: dict, p: PredictedEvent) -> int:
    """How well a candidate fits: a match at all first, then a gold event's named roles (a gold event
    naming none fits any event of its type), then the gold date, then both roles named."""
    named = bool(g.get("target") or g.get("agent"))
    both = same_name(g.get("target"), p.target) and same_name(g.get("agent"), p.agent)
    return 1000 + 100 * named + 10 * bool(g.get("date") and p.dates == {g["date"]}) + both


def match_events(predicted: Predicted, gold: dict[str, dict]) -> list[EventMatch]:
    """One match per gold event mention, in the gold file's order: per article, the most gold events
    matched one-to-one (a maximum matching, so that a predicted event fitting two gold events goes to
    the one nothing else fits), then the most by the roles they name, with their date, with both."""
    import networkx as nx

    matches = []
    for article, facts in gold.items():
        events = predicted.get(article, [])
        golds = facts.get("events", [])
        fits = nx.Graph()
        for i, g in enumerate(golds):
            for j, p in enumerate(events):
                if p.type == bare_type(g["type"]) and _anchored(g, p):
                    fits.add_edge(("gold", i), ("predicted", j), weight=_weight(g, p))
        chosen: dict[int, int] = {}
        for a, b in nx.max_weight_matching(fits, maxcardinality=True):
            (_, i), (_, j) = sorted((a, b))  # ("gold", i) sorts before ("predicted", j)
            chosen[i] = j
        for i, g in enumerate(golds):
            matches.append(EventMatch(article, g, events[chosen[i]].iri if i in chosen else None))
    return matches


def score_event_types(predicted: Predicted, gold: dict[str, dict], matches: list[EventMatch]) -> dict[str, Score]:
    """Rows "event <type>" (gold's spelling, "Other: X" for types kg lacks) and "events" overall."""
    label = {bare_type(g["type"]): g["type"] for facts in gold.values() for g in facts.get("events", [])}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for m in matches:
        row = counts[m.gold["type"]]
        row[2] += 1
        row[3] += m.iri is not None
        row[0] += m.iri is not None
    for article in gold:
        for p in predicted.get(article, []):
            counts[label.get(p.type, p.type)][1] += 1
    total = [sum(c[i] for c in counts.values()) for i in range(4)]
    result = {f"event {t}": Score(*c) for t, c in sorted(counts.items(), key=lambda kv: (kv[0].startswith(OTHER), kv[0]))}
    result["events"] = Score(*total)
    return result


def score_dates(predicted: Predicted, matches: list[EventMatch]) -> tuple[int, int]:
    """(matched gold events with the right date, matched gold events with a date)."""
    dates = {(article, p.iri): p.dates for article, events in predicted.items() for p in events}
    dated = [(m.article, m.iri, m.gold["date"]) for m in matches if m.iri is not None and m.gold.get("date")]
    right = sum(dates[(article, iri)] == {day} for article, iri, day in dated)
    return right, len(dated)
