"""The closed vocabulary of kg: entity kinds, event types, stances and place senses, each spelled once.

Every stage imports these (this module imports nothing from kg, so ingest and nlp may use it).
The values are the strings the outputs and the ontology use: an entity kind is an IRI path segment
(`person/…`), an event type and a stance are `kgo:` terms declared in ontology/kg.ttl
(tests/test_vocabulary.py checks that every member, and every `kgo:` term the code names, is declared).
"""

from __future__ import annotations

import re
from enum import StrEnum


class EntityKind(StrEnum):
    """What an entity is; decides its IRI path and its RDF classes."""

    PERSON = "person"
    ORGANIZATION = "organization"
    COUNTRY = "country"
    PLACE = "place"
    WEAPON = "weapon"


class EventType(StrEnum):
    """The event classes (kgo:Attack, …) an event extractor may emit."""

    ATTACK = "Attack"
    INTERCEPTION = "Interception"
    ACCUSATION = "Accusation"
    DENIAL = "Denial"
    THREAT = "Threat"
    BAN = "Ban"
    ARREST = "Arrest"
    FIRE_OR_EXPLOSION = "FireOrExplosion"
    AID_ANNOUNCEMENT = "AidAnnouncement"
    COMMEMORATION = "Commemoration"
    INVASION = "Invasion"
    MUTINY = "Mutiny"
    DAM_BREACH = "DamBreach"
    PLANE_CRASH = "PlaneCrash"
    VISIT = "Visit"
    WARRANT = "Warrant"
    ANNEXATION = "Annexation"
    DEPORTATION = "Deportation"
    AGREEMENT = "Agreement"
    WITHDRAWAL = "Withdrawal"
    EXILE = "Exile"

    @property
    def label(self) -> str:
        """The English label of an event node: "Fire or explosion" for FireOrExplosion."""
        return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", self.value).capitalize()


class Modality(StrEnum):
    """How an event is reported when not as real (kgo:modality, a skos:Concept of kgo:ModalityScheme)."""

    HYPOTHETICAL = "hypothetical"
    FUTURE = "future"
    CALLED_FOR = "calledFor"
    CONDITIONAL = "conditional"


class Stance(StrEnum):
    """What a statement does with its content (kgo:asserts, …; a skos:Concept of kgo:StanceScheme)."""

    ASSERTS = "asserts"
    DENIES = "denies"
    ACCUSES = "accuses"
    DEMANDS = "demands"
    SPECULATES = "speculates"


class Sense(StrEnum):
    """What a place name stands for in one mention (kgo:sense): the place itself ("drones over Kyiv")
    or those who act for it ("Kyiv denied …")."""

    PLACE = "place"
    ACTOR = "actor"
