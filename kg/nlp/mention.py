"""What the nlp stage hands on: mentions of entities, with where they stand in the text."""

from __future__ import annotations

from dataclasses import dataclass

from kg.util.pickling import quick_unpickling
from kg.vocab import EntityKind, Sense

# Entity kinds the rest of the pipeline knows (kg/vocab.py). A kind decides the IRI path and the RDF types.
PERSON, ORGANIZATION, COUNTRY, PLACE, WEAPON = EntityKind
KINDS = tuple(EntityKind)


@quick_unpickling
@dataclass(frozen=True, slots=True)
class Role:
    """A title or role the text gives a person ("spokesman"), and whom it is held for."""

    title: str
    affiliation: str | None = None  # surface text of the organisation or country, if stated
    affiliation_key: str | None = None  # gazetteer key when the affiliation is a known entity
    # Character span of an affiliation the NER missed ("Russian defence ministry"): it becomes
    # a mention of its own so the affiliation has evidence.
    affiliation_start: int | None = None
    affiliation_end: int | None = None


@quick_unpickling
@dataclass(frozen=True, slots=True)
class Mention:
    """One span of an article that names an entity.

    `start`/`end` are code-point offsets into the article body and `text == body[start:end]`;
    titles, a leading "the" and possessive endings are outside the span.
    """

    start: int
    end: int
    text: str
    kind: EntityKind
    ner_label: str
    sentence: int
    sentence_start: int
    sentence_end: int
    gazetteer_key: str | None = None
    sense: Sense | None = None  # for places that also act (the Kremlin, Kyiv): the place, or who acts for it
    role: Role | None = None
    extractor: str = "ner"
    confidence: float = 0.8


@quick_unpickling
@dataclass(frozen=True, slots=True)
class ArticleMentions:
    """All mentions found in one article, in text order."""

    article_key: str
    mentions: tuple[Mention, ...]
    sentence_count: int
    word_count: int
