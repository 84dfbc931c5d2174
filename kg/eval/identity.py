"""Event identity: are two event mentions the same real event?

Over every pair of gold event mentions that a predicted event matches (across and within
articles), the pair is the same event in the gold when the two `event_id`s are equal, and in the
prediction when the two matched predicted events are the same node of the merged graph. Pairwise
precision = right same-event pairs / predicted same-event pairs; recall = right same-event pairs /
gold same-event pairs. Apart: pairs of different events of the same type and place on different
dates (attacks on one city on different days), which must stay apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from kg.eval.entities import Score
from kg.eval.events import EventMatch, bare_type
from kg.eval.matching import compact


@dataclass(frozen=True)
class Identity:
    pairs: Score  # true positives, predicted same pairs, gold same pairs, true positives
    matched: int  # gold mentions matched (the pairs are over these)
    mentions: int  # gold mentions
    gold_same_all: int  # gold same-event pairs over all mentions, matched or not
    apart_merged: int  # different events, same type and place, different dates, on one node
    apart_pairs: int  # such pairs among the matched mentions


def _same_pairs(ids: list[str]) -> int:
    return sum(a == b for a, b in combinations(ids, 2))


def _apart(a: dict, b: dict) -> bool:
    """Different events of the same type and place on different (stated) dates."""
    return (a["event_id"] != b["event_id"] and bare_type(a["type"]) == bare_type(b["type"])
            and bool(a.get("place")) and compact(a["place"]) == compact(b.get("place") or "")
            and bool(a.get("date")) and bool(b.get("date")) and a["date"] != b["date"])


def score_identity(matches: list[EventMatch]) -> Identity:
    """Pairwise identity over the matched gold mentions that carry an `event_id`."""
    matches = [m for m in matches if m.gold.get("event_id")]
    matched = [m for m in matches if m.iri is not None]
    tp = predicted_same = gold_same = apart_merged = apart_pairs = 0
    for a, b in combinations(matched, 2):
        gold = a.gold["event_id"] == b.gold["event_id"]
        ours = a.iri == b.iri
        tp += gold and ours
        predicted_same += ours
        gold_same += gold
        if _apart(a.gold, b.gold):
            apart_pairs += 1
            apart_merged += ours
    return Identity(Score(tp, predicted_same, gold_same, tp), len(matched), len(matches),
                    _same_pairs([m.gold["event_id"] for m in matches]), apart_merged, apart_pairs)
