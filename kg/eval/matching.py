"""How the scorers compare a gold item with predicted ones: names, words and dates.

Names are compared case-, space- and transliteration-insensitively; a gold speaker written
"unnamed: <description>" matches an unnamed source with that description.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.graph.namespaces import SPARQL_PROLOGUE
from kg.nlp.names import fold, name_key

PREFIXES = SPARQL_PROLOGUE


def compact(text: str) -> str:
    return " ".join(fold(text).split())


def same_name(gold: str | None, names: set[str] | frozenset[str]) -> bool:
    """Whether a gold name (or "unnamed: description") is one of the predicted names."""
    if not gold:
        return False
    gold = re.sub(r"^unnamed:\s*", "", gold)
    g = compact(gold)
    for name in names:
        n = compact(re.sub(r"^(the|a|an) ", "", name, flags=re.IGNORECASE))
        if n and (name_key(name) == name_key(gold) or n == g or (len(n) > 3 and (n in g or g in n))):
            return True
    return False


def day(value: str) -> str:
    """The date part of an xsd:date, xsd:dateTime, xsd:gYearMonth or xsd:gYear lexical form."""
    value = value.split("T", 1)[0]
    return re.sub(r"(Z|[+-]\d\d:\d\d)$", "", value)


def singular_or_plural(word: str) -> str:
    return word[:-1] if word.endswith("s") else word + "s"


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def rows(store: ox.Store, query: str):
    return store.query(PREFIXES + query)
