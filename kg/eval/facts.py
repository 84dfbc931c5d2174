"""Scores of statements, events and aid packages against a gold file of facts (per article).

- Statements: a gold statement is found by a predicted one whose words contain its key (a few
  words of the quote, compared case- and space-insensitively). Speaker accuracy on quotes is the
  share of gold direct quotes found with the right speaker (a quote not found counts as wrong).
- Events: a predicted event matches a gold event of the same type whose target or agent names
  the same entity (any event of the type, when the gold event names neither); one-to-one, per
  article.
- Aid packages: each field of each gold package against the predicted package of the same
  amount in the same article; contents item by item (every word of a gold item named by one of
  the predicted contents).
"""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox

from kg.eval.entities import Score
from kg.nlp.names import fold, name_key

_PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX kgo: <https://w3id.org/evkg/ontology#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
"""
_STATEMENTS = _PREFIXES + """SELECT ?key ?s ?text ?direct ?speaker WHERE { GRAPH ?g {
  ?a kgo:articleKey ?key . ?s a schema:Quotation ; schema:text ?text ; kgo:directQuote ?direct ; schema:creator ?c .
  { ?c rdfs:label ?speaker } UNION { ?c skos:altLabel ?speaker } } }"""
_EVENTS = _PREFIXES + """SELECT ?key ?e ?type ?role ?name WHERE { GRAPH ?g {
  ?a kgo:articleKey ?key . ?e a sem:Event, ?type . FILTER(STRSTARTS(STR(?type), STR(kgo:)))
  OPTIONAL { VALUES ?role { kgo:agent kgo:target } ?e ?role ?x . { ?x rdfs:label ?name } UNION { ?x skos:altLabel ?name } }
} }"""
_GRANTS = _PREFIXES + """SELECT ?key ?grant ?field ?value WHERE { GRAPH ?g {
  ?a kgo:articleKey ?key . ?grant a schema:MonetaryGrant .
  { ?grant schema:amount/schema:value ?value BIND("amount" AS ?field) }
  UNION { ?grant schema:amount/schema:currency ?value BIND("currency" AS ?field) }
  UNION { ?grant kgo:cumulativeAmount/schema:value ?value BIND("cumulative_amount" AS ?field) }
  UNION { ?grant kgo:packageSequence ?value BIND("sequence" AS ?field) }
  UNION { ?grant schema:funder ?x . { ?x rdfs:label ?value } UNION { ?x skos:altLabel ?value } BIND("funder" AS ?field) }
  UNION { ?grant kgo:announcer ?x . { ?x rdfs:label ?value } UNION { ?x skos:altLabel ?value } BIND("announcer" AS ?field) }
  UNION { ?grant kgo:recipient ?x . { ?x rdfs:label ?value } UNION { ?x skos:altLabel ?value } BIND("recipient" AS ?field) }
  UNION { ?grant kgo:includes ?x . { ?x rdfs:label ?value } UNION { ?x skos:altLabel ?value } BIND("contents" AS ?field) }
} }"""
AID_FIELDS = ("amount", "currency", "funder", "announcer", "recipient", "sequence", "cumulative_amount", "contents")


def _compact(text: str) -> str:
    return " ".join(fold(text).split())


def same_name(gold: str | None, names: set[str]) -> bool:
    if not gold:
        return False
    gold = re.sub(r"^unnamed:\s*", "", gold)
    g = _compact(gold)
    for name in names:
        n = _compact(re.sub(r"^(the|a|an) ", "", name, flags=re.IGNORECASE))
        if n and (name_key(name) == name_key(gold) or n == g or (len(n) > 3 and (n in g or g in n))):
            return True
    return False


def _rows(store: ox.Store, query: str):
    return store.query(query)


def score_statements(store: ox.Store, gold: dict[str, dict]) -> dict[str, Score | float]:
    predicted: dict[str, dict[str, tuple[str, set[str]]]] = defaultdict(dict)
    for row in _rows(store, _STATEMENTS):
        text, speakers = predicted[row["key"].value].get(row["s"].value, (row["text"].value, set()))
        speakers.add(row["speaker"].value)
        predicted[row["key"].value][row["s"].value] = (text, speakers)
    found = found_with_speaker = gold_total = right_quotes = quotes = 0
    matched_predicted = 0
    n_predicted = sum(len(v) for k, v in predicted.items() if k in gold)
    for article, facts in gold.items():
        statements = predicted.get(article, {})
        used = set()
        for g in facts.get("statements", []):
            gold_total += 1
            quotes += bool(g["direct"])
            key = _compact(g["key"])
            hits = [(iri, names) for iri, (text, names) in statements.items() if key in _compact(text)]
            if not hits:
                continue
            found += 1
            used.update(iri for iri, _ in hits)
            right = any(same_name(g["speaker"], names) for _, names in hits)
            found_with_speaker += right
            right_quotes += right and bool(g["direct"])
        matched_predicted += len(used)
    return {
        "statements": Score(matched_predicted, n_predicted, gold_total, found),
        "statements with speaker": Score(matched_predicted, n_predicted, gold_total, found_with_speaker),
        "quote speaker accuracy": right_quotes / quotes if quotes else 1.0,
    }


def score_events(store: ox.Store, gold: dict[str, dict]) -> dict[str, Score]:
    events: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in _rows(store, _EVENTS):
        event = events[row["key"].value].setdefault(row["e"].value, {"type": row["type"].value.rsplit("#", 1)[-1],
                                                                      "agent": set(), "target": set()})
        if row["role"] is not None:
            event[row["role"].value.rsplit("#", 1)[-1]].add(row["name"].value)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for article, facts in gold.items():
        predicted = list(events.get(article, {}).values())
        taken: set[int] = set()
        for g in facts.get("events", []):
            counts[g["type"]][2] += 1
            for i, p in enumerate(predicted):
                if i in taken or p["type"] != g["type"]:
                    continue
                anchor_ok = (same_name(g.get("target"), p["target"]) or same_name(g.get("agent"), p["agent"])
                             or not (g.get("target") or g.get("agent")))
                if anchor_ok:
                    taken.add(i)
                    counts[g["type"]][3] += 1
                    counts[g["type"]][0] += 1
                    break
        for p in predicted:
            counts[p["type"]][1] += 1
    total = [sum(c[i] for c in counts.values()) for i in range(4)]
    result = {f"event {t}": Score(*c) for t, c in sorted(counts.items())}
    result["events"] = Score(*total)
    return result


def score_aid(store: ox.Store, gold: dict[str, dict]) -> dict[str, tuple[int, int]]:
    """field -> (right, gold packages with that field stated)."""
    grants: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    for row in _rows(store, _GRANTS):
        grants[row["key"].value][row["grant"].value][row["field"].value].add(row["value"].value)
    result = {f: [0, 0] for f in AID_FIELDS}
    for article, facts in gold.items():
        for g in facts.get("aid", []):
            best = next((p for p in grants.get(article, {}).values() if str(g["amount"]) in p["amount"]), None)
            for field in AID_FIELDS:
                expected = g.get(field)
                if expected in (None, [], ""):
                    continue
                if field == "contents":
                    for item in expected:
                        result[field][1] += 1
                        words = set(fold(item).split()) - {"for", "and", "of", "the"}
                        named = {w for v in (best or {}).get("contents", set()) for w in fold(v).split()}
                        result[field][0] += bool(best) and words <= named | {_singular(w) for w in named}
                    continue
                result[field][1] += 1
                values = (best or {}).get(field, set())
                right = str(expected) in values if isinstance(expected, int) else same_name(str(expected), values)
                result[field][0] += bool(right)
    return {f: (r, n) for f, (r, n) in result.items()}


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") else word + "s"
