"""Entity precision and recall of a built dataset against a gold file (per article, per type).

An entity counts once per article. A predicted entity is right when the gold list of that
article has an entity of the same type one of whose names matches one of its names; a gold
entity is found when such a predicted entity exists. Names are compared case- and
transliteration-insensitively.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from kg.graph.namespaces import SPARQL_PROLOGUE, select
from kg.nlp.names import fold, name_key

TYPES = {
    "Person": "https://schema.org/Person",
    "Organization": "https://schema.org/Organization",
    "Country": "https://schema.org/Country",
    "Place": "https://schema.org/Place",
    "Weapon": "https://schema.org/Product",
}

_QUERY = SPARQL_PROLOGUE + """
SELECT ?key ?entity ?type ?name WHERE {
  GRAPH ?graph { ?article kgo:articleKey ?key . ?entity a kgo:Entity, ?type . { ?entity rdfs:label ?name } UNION { ?entity skos:altLabel ?name } }
}"""


@dataclass(frozen=True)
class Score:
    true_positives: int
    predicted: int
    gold: int
    found: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def names_of(values: list[str]) -> set[str]:
    """The comparable forms of names: transliteration key and folded text."""
    return _names(values)


def _names(values: list[str]) -> set[str]:
    return {name_key(v) for v in values if fold(v)} | {fold(v) for v in values if fold(v)}


def predicted_entities(store: ox.Store) -> dict[str, dict[tuple[str, str], set[str]]]:
    """article key -> (type, entity IRI) -> names, for the types scored."""
    by_type = {iri: name for name, iri in TYPES.items()}
    result: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in select(store, _QUERY):
        type_name = by_type.get(row["type"].value)
        if type_name:
            result[row["key"].value][(type_name, row["entity"].value)] |= _names([row["name"].value])
    return result


def score(store: ox.Store, gold: dict[str, list[dict]], types: tuple[str, ...] = tuple(TYPES)) -> dict[str, Score]:
    """Scores by type and overall ("all") over the gold articles."""
    return score_predicted(predicted_entities(store), gold, types)


def score_predicted(predicted: dict[str, dict[tuple[str, str], set[str]]], gold: dict[str, list[dict]],
                    types: tuple[str, ...] = tuple(TYPES)) -> dict[str, Score]:
    """Scores of predicted entities (article key -> (type, id) -> names) against the gold list."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for article_key, gold_entities in gold.items():
        entities = {k: v for k, v in predicted.get(article_key, {}).items() if k[0] in types}
        golds = [(g["type"], _names([g["label"], *g.get("aliases", [])])) for g in gold_entities if g["type"] in types]
        for (type_name, _), names in entities.items():
            hit = any(t == type_name and names & gnames for t, gnames in golds)
            for bucket in (type_name, "all"):
                counts[bucket][0] += hit
                counts[bucket][1] += 1
        for type_name, gnames in golds:
            found = any(t == type_name and names & gnames for (t, _), names in entities.items())
            for bucket in (type_name, "all"):
                counts[bucket][2] += 1
                counts[bucket][3] += found
    return {bucket: Score(*values) for bucket, values in sorted(counts.items())}
