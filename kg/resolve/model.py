"""What resolution hands to the graph stage: entities and the mentions that denote them."""

from __future__ import annotations

from dataclasses import dataclass

from kg.nlp.mention import Mention


@dataclass(frozen=True)
class Entity:
    """One real-world thing, merged across mentions and articles.

    `key` is "<kind>/<slug>" (e.g. "person/vladimir-putin"); the graph stage turns it into an IRI.
    """

    key: str
    kind: str
    label: str
    alt_labels: tuple[str, ...]
    gazetteer_key: str | None = None


@dataclass(frozen=True)
class ResolvedMention:
    """A mention, the article it is in and the entity it denotes."""

    article_key: str
    mention: Mention
    entity_key: str
    affiliation_key: str | None = None  # entity key of the role's affiliation, when resolved


@dataclass(frozen=True)
class Resolution:
    """Every entity (sorted by key) and every resolved mention (sorted by article, offset)."""

    entities: tuple[Entity, ...]
    mentions: tuple[ResolvedMention, ...]

    def entity_map(self) -> dict[str, Entity]:
        return {entity.key: entity for entity in self.entities}
