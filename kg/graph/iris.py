"""Deterministic, readable IRIs derived from content keys, never from run order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from kg.errors import InputError
from kg.util.slug import slugify

_KEY = re.compile(r"[a-z]+/[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class IriMinter:
    """Mints every IRI of a build under one base ("https://w3id.org/evkg/id/")."""

    base: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+/", self.base):
            raise InputError(f"base IRI must be an http(s) IRI ending in '/': {self.base!r}")

    def entity(self, key: str) -> URIRef:
        """"person/vladimir-putin" -> <base/person/vladimir-putin>."""
        if not _KEY.fullmatch(key):  # fullmatch: "$" would let a trailing newline through
            kind, _, name = key.partition("/")
            key = f"{slugify(kind)}/{slugify(name)}"
        return URIRef(self.base + key)

    def article(self, article_key: str) -> URIRef:
        return URIRef(f"{self.base}article/{slugify(article_key)}")

    def graph(self, article_key: str) -> URIRef:
        return URIRef(f"{self.base}graph/{slugify(article_key)}")

    def annotation(self, article_key: str, start: int, end: int, body: str = "mention") -> URIRef:
        """Evidence for one span. Entity mentions: <base/annotation/ARTICLE/START-END>; evidence of
        other bodies on the same span (an event, a statement, a grant) names its kind, so that
        two bodies never share an annotation: <base/annotation/ARTICLE/event/START-END>."""
        kind = "" if body == "mention" else f"{slugify(body)}/"
        return URIRef(f"{self.base}annotation/{slugify(article_key)}/{kind}{start}-{end}")

    def node(self, kind: str, key: str) -> URIRef:
        """Nodes that are not entities (events, statements, grants): <base/KIND/KEY>."""
        return URIRef(f"{self.base}{slugify(kind)}/{slugify(key)}")

    def publisher(self, name: str) -> URIRef:
        return URIRef(f"{self.base}publisher/{slugify(name)}")
