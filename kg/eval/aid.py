"""Aid packages: every field of every gold package, and whether one package is one grant node.

Each gold package (a description in one article) is compared with the first predicted grant of
the same amount in that article, field by field; contents item by item (every word of a gold item
named by one of the predicted contents). Descriptions sharing a `package_id` (one package told
with different amounts or currencies by different outlets) should end on one grant node, and
descriptions of different packages never on the same node.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import pyoxigraph as ox

from kg.eval.matching import rows, same_name, singular_or_plural
from kg.nlp.names import fold

AID_FIELDS = ("amount", "currency", "funder", "announcer", "recipient", "sequence", "cumulative_amount", "contents")
_LABEL = "?x . { ?x rdfs:label ?value } UNION { ?x skos:altLabel ?value }"
_GRANTS = f"""SELECT ?key ?grant ?field ?value WHERE {{ GRAPH ?g {{
  ?a kgo:articleKey ?key . ?grant a schema:MonetaryGrant .
  {{ ?grant schema:amount/schema:value ?value BIND("amount" AS ?field) }}
  UNION {{ ?grant schema:amount/schema:currency ?value BIND("currency" AS ?field) }}
  UNION {{ ?grant kgo:cumulativeAmount/schema:value ?value BIND("cumulative_amount" AS ?field) }}
  UNION {{ ?grant kgo:packageSequence ?value BIND("sequence" AS ?field) }}
  UNION {{ ?grant schema:funder {_LABEL} BIND("funder" AS ?field) }}
  UNION {{ ?grant kgo:announcer {_LABEL} BIND("announcer" AS ?field) }}
  UNION {{ ?grant kgo:recipient {_LABEL} BIND("recipient" AS ?field) }}
  UNION {{ ?grant kgo:includes {_LABEL} BIND("contents" AS ?field) }}
}} }}"""
_STOP = {"for", "and", "of", "the"}

Predicted = dict[str, dict[str, dict[str, set[str]]]]  # article key -> grant IRI -> field -> values


@dataclass(frozen=True)
class Packages:
    fields: dict[str, tuple[int, int]]  # field -> (right, stated in gold)
    grouped: tuple[int, int]  # (packages told in 2+ descriptions that are one node, such packages)
    merged: int  # pairs of different packages on one grant node
    identified: int  # gold descriptions with a package_id (grouping is scored over these)

    @property
    def right(self) -> float:
        total = sum(n for _, n in self.fields.values())
        return sum(r for r, _ in self.fields.values()) / total if total else 1.0


def predicted_grants(store: ox.Store) -> Predicted:
    grants: Predicted = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    for row in rows(store, _GRANTS):
        grants[row["key"].value][row["grant"].value][row["field"].value].add(row["value"].value)
    return grants


def _grant(predicted: Predicted, article: str, g: dict) -> str | None:
    return next((iri for iri, p in sorted(predicted.get(article, {}).items())
                 if str(g["amount"]) in p.get("amount", set())), None)


def _field(field: str, expected, values: set[str]) -> tuple[int, int]:
    """(right, stated) for one field of one gold package."""
    if field != "contents":
        right = str(expected) in values if isinstance(expected, int) else same_name(str(expected), values)
        return int(right), 1
    named = {w for v in values for w in fold(v).split()}
    named |= {singular_or_plural(w) for w in named}
    return sum((set(fold(item).split()) - _STOP) <= named for item in expected), len(expected)


def score_aid(store: ox.Store, gold: dict[str, dict]) -> Packages:
    return score_predicted_aid(predicted_grants(store), gold)


def score_predicted_aid(predicted: Predicted, gold: dict[str, dict]) -> Packages:
    fields = {f: [0, 0] for f in AID_FIELDS}
    nodes: dict[str, list[str | None]] = defaultdict(list)  # package id -> matched grant per description
    for article, facts in gold.items():
        for g in facts.get("aid", []):
            iri = _grant(predicted, article, g)
            if g.get("package_id"):
                nodes[g["package_id"]].append(iri)
            values = predicted.get(article, {}).get(iri, {}) if iri else {}
            for field in AID_FIELDS:
                if g.get(field) not in (None, [], ""):
                    right, stated = _field(field, g[field], set(values.get(field, set())))
                    fields[field][0] += right
                    fields[field][1] += stated
    told_twice = [iris for iris in nodes.values() if len(iris) > 1]
    whole = sum(None not in iris and len(set(iris)) == 1 for iris in told_twice)
    merged = sum(bool((set(a) & set(b)) - {None}) for a, b in combinations(nodes.values(), 2))
    return Packages({f: (r, n) for f, (r, n) in fields.items()}, (whole, len(told_twice)), merged,
                    sum(len(iris) for iris in nodes.values()))
