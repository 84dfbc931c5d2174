"""What articles tell of the identities decided from every article: a person's roles, and the
sightings of events, aid packages and statements, gathered article by article.

The local build gathers them over all its articles before its graphs (kg.run.build); a sharded one
on each worker over its partition, for the client to merge (kg.run.shards). One way to read an
article for both, so the two engines decide the same identities.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.nlp.facts import ArticleFacts
from kg.nlp.mention import ArticleMentions
from kg.resolve.event_identity import Sighting, event_identities
from kg.resolve.facts import StatementSighting, affiliations, event_sightings, grant_sightings, statement_sightings
from kg.resolve.grant_identity import GrantSighting, grant_identities
from kg.resolve.resolver import Resolution


@dataclass
class Sightings:
    """Roles (person, whom the person acts for) and sightings, in the order the articles came;
    `statements` only when asked for (the local build decides statements' identities elsewhere)."""

    with_statements: bool = False
    articles: int = 0
    roles: list[tuple[str, str]] = field(default_factory=list)
    events: list[Sighting] = field(default_factory=list)
    grants: list[GrantSighting] = field(default_factory=list)
    statements: list[StatementSighting] = field(default_factory=list)

    def add(self, mentions: ArticleMentions, facts: ArticleFacts, published: str | None,
            resolution: Resolution) -> None:
        """One article's, its mentions resolved with `resolution`."""
        resolved = resolution.article(mentions)
        entity_of = {(rm.mention.start, rm.mention.end): rm.entity_key for rm in resolved}
        self.articles += 1
        self.roles += [(rm.entity_key, rm.affiliation_key) for rm in resolved if rm.affiliation_key]
        self.events += event_sightings(facts, entity_of, published)
        self.grants += grant_sightings(facts, entity_of, published)
        if self.with_statements:
            self.statements += statement_sightings(facts, entity_of)

    def identities(self) -> tuple[dict[tuple[str, int], str], dict[tuple[str, int], str]]:
        """The key of every event mention and of every aid-package mention, decided from all of them."""
        # a person's act is also that of whom the person acts for ("Putin's invasion" is Russia's)
        return event_identities(self.events, affiliations(self.roles)), grant_identities(self.grants)
