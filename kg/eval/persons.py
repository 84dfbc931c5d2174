"""Person clusters over the whole dataset against the gold's `same_person` groups.

Every predicted person node (schema:Person in the merged graph) is mapped to the groups one of
its names falls in (names compared as in the entity scores). A group whose spellings end on two
or more nodes is split; a node whose names fall in two groups, or hold both names of a
`distinct_persons` pair, is a merge across groups. The goal is one node per group and no merges.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.eval.entities import names_of
from kg.eval.matching import rows

_PERSONS = """SELECT ?e ?name WHERE { ?e a schema:Person . { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } }"""


@dataclass(frozen=True)
class Clusters:
    groups: dict[str, tuple[str, ...]]  # group (its first spelling) -> the person nodes it ended on
    merged: tuple[str, ...]  # nodes whose names span two groups or a distinct pair

    @property
    def split(self) -> int:
        return sum(len(nodes) > 1 for nodes in self.groups.values())

    @property
    def whole(self) -> int:
        return sum(len(nodes) == 1 for nodes in self.groups.values())


def person_nodes(store: ox.Store) -> dict[str, set[str]]:
    """person node IRI -> its names."""
    nodes: dict[str, set[str]] = {}
    for row in rows(store, _PERSONS):
        nodes.setdefault(row["e"].value, set()).add(row["name"].value)
    return nodes


def score_clusters(nodes: dict[str, set[str]], same_person: list[list[str]],
                   distinct_persons: list[list[str]]) -> Clusters:
    forms = {iri: names_of(sorted(names)) for iri, names in nodes.items()}
    group_forms = [(group[0], names_of(group)) for group in same_person]
    groups = {label: tuple(sorted(iri for iri, f in forms.items() if f & g)) for label, g in group_forms}
    merged = set()
    for iri, f in forms.items():
        if sum(bool(f & g) for _, g in group_forms) > 1:
            merged.add(iri)
        if any(f & names_of([a]) and f & names_of([b]) for a, b in distinct_persons):
            merged.add(iri)
    return Clusters(groups, tuple(sorted(merged)))
