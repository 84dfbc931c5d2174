"""Two questions about the parse that several extractors ask."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token


def with_to(verb: "Token") -> bool:
    """A "to"-infinitive: the verb has its own "to" ("plans [to attack]", "vowed [to punish]")."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def denied(noun: "Token") -> bool:
    """A noun "no" determines ("no threat", "no plans to attack", "no way of shooting them down")."""
    return any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children)
