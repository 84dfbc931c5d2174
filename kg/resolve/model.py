"""What resolution hands to the graph stage: entities, and each article with its resolved mentions
and facts. Entities are known for the whole build at once; articles come one at a time."""

from __future__ import annotations

from dataclasses import dataclass

from kg.ingest import Article
from kg.nlp.mention import Mention
from kg.resolve.facts import ArticleReports
from kg.vocab import EntityKind


@dataclass(frozen=True)
class Entity:
    """One real-world thing, merged across mentions and articles.

    `key` is "<kind>/<slug>" (e.g. "person/vladimir-putin"); the graph stage turns it into an IRI.
    """

    key: str
    kind: EntityKind
    label: str
    alt_labels: tuple[str, ...]
    gazetteer_key: str | None = None


@dataclass(frozen=True, slots=True)
class ResolvedMention:
    """A mention, the article it is in and the entity it denotes."""

    article_key: str
    mention: Mention
    entity_key: str
    affiliation_key: str | None = None  # entity key of the role's affiliation, when resolved


@dataclass(frozen=True)
class ResolvedArticle:
    """One article as the graph stage writes it: its mentions (in text order) with their entities,
    its events, aid packages and statements with theirs, and its sentence spans (for evidence)."""

    article: Article
    mentions: tuple[ResolvedMention, ...]
    reports: ArticleReports
    sentences: tuple[tuple[int, int], ...] = ()
