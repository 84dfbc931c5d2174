"""Statement scores, direct quotes and reported speech apart.

A gold statement is found by a predicted statement of its article whose words contain the gold
key (a few words, compared case- and space-insensitively); it is found with the right speaker
when one of those predicted statements has a speaker whose name matches the gold speaker.
Precision of a kind is the share of predicted statements of that kind (kgo:directQuote) that
contain a gold key of their article. A speaker "left unnamed" is a found statement whose gold
speaker is named, with no right speaker and an unnamed source (a bare description such as "the
spokesman") among the predicted speakers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from kg.eval.entities import Score
from kg.eval.matching import compact, rows, same_name

_STATEMENTS = """SELECT ?key ?s ?text ?direct ?speaker ?unnamed WHERE { GRAPH ?g {
  ?a kgo:articleKey ?key . ?s a schema:Quotation ; schema:text ?text ; kgo:directQuote ?direct ; schema:creator ?c .
  { ?c rdfs:label ?speaker } UNION { ?c skos:altLabel ?speaker }
  BIND(EXISTS { ?c a kgo:UnnamedSource } AS ?unnamed) } }"""
KINDS = {"direct quotes": True, "reported speech": False}


@dataclass(frozen=True)
class PredictedStatement:
    text: str
    direct: bool
    speakers: frozenset[str]
    unnamed: bool = False  # the speaker is an unnamed source (a description, not a name)


Predicted = dict[str, dict[str, PredictedStatement]]  # article key -> statement IRI -> statement


def predicted_statements(store: ox.Store) -> Predicted:
    found: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in rows(store, _STATEMENTS):
        item = found[row["key"].value].setdefault(row["s"].value, {
            "text": row["text"].value, "direct": row["direct"].value == "true", "speakers": set(), "unnamed": False})
        item["speakers"].add(row["speaker"].value)
        item["unnamed"] |= row["unnamed"].value == "true"
    return {key: {iri: PredictedStatement(v["text"], v["direct"], frozenset(v["speakers"]), v["unnamed"])
                  for iri, v in items.items()} for key, items in found.items()}


def score_statements(store: ox.Store, gold: dict[str, dict]) -> dict:
    return score_predicted_statements(predicted_statements(store), gold)


def score_predicted_statements(predicted: Predicted, gold: dict[str, dict]) -> dict:
    """Scores per kind and overall: found, found with the right speaker, speaker accuracy, left unnamed."""
    tally: dict[str, list[int]] = {k: [0] * 6 for k in (*KINDS, "statements")}  # tp, pred, gold, found, right, unnamed
    for article, facts in gold.items():
        statements = predicted.get(article, {})
        keys = [compact(g["key"]) for g in facts.get("statements", [])]
        for p in statements.values():
            hit = any(key in compact(p.text) for key in keys)
            for bucket in (_kind(p.direct), "statements"):
                tally[bucket][0] += hit
                tally[bucket][1] += 1
        for g in facts.get("statements", []):
            hits = [p for p in statements.values() if compact(g["key"]) in compact(p.text)]
            right = any(same_name(g["speaker"], p.speakers) for p in hits)
            unnamed = bool(hits) and not right and _named(g["speaker"]) and any(p.unnamed for p in hits)
            for bucket in (_kind(bool(g["direct"])), "statements"):
                counts = tally[bucket]
                counts[2] += 1
                counts[3] += bool(hits)
                counts[4] += right
                counts[5] += unnamed
    result: dict = {}
    for bucket, (tp, pred, total, found, with_speaker, left_unnamed) in tally.items():
        result[bucket] = Score(tp, pred, total, found)
        result[f"{bucket} with speaker"] = Score(tp, pred, total, with_speaker)
        result[f"{bucket} right speaker of found"] = with_speaker / found if found else 1.0
        result[f"{bucket} left unnamed"] = left_unnamed
    result["quote speaker accuracy"] = result["direct quotes with speaker"].recall
    return result


def _kind(direct: bool) -> str:
    return "direct quotes" if direct else "reported speech"


def _named(speaker: str | None) -> bool:
    return speaker is not None and bool(speaker) and not speaker.lower().startswith("unnamed")
