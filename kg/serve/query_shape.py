"""A SPARQL query's shape: its tokens with the constants blanked, so that queries that differ only in
a name, a date or a number share one (`kg serve` remembers the shapes that ran past their budget).

Read with the same tokenizer as the query check (kg.dataset.sparql_lexer), so that the shape of the
text sent to an engine (IRIs written with an escape, strings re-quoted) is the shape of what the
user wrote."""

from __future__ import annotations

from kg.dataset.sparql_lexer import LexError, tokenize

_CONSTANTS = ("string", "iri", "number")  # what varies between queries of one shape


def query_shape(query: str) -> str:
    """The query with its constants blanked and its spacing normalised: queries that differ only
    in a name, a date or a number are taken to cost alike (as pg_stat_statements does)."""
    try:
        tokens = tokenize(query)
    except LexError:  # not a query the check would pass: its spacing normalised is shape enough
        return " ".join(query.split())
    return "".join((" " if token.gap and i else "") + ("?" if token.kind in _CONSTANTS else token.text)
                   for i, token in enumerate(tokens))
