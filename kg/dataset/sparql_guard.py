"""What a query may do: read this dataset, and nothing else (no update, no SERVICE, no FROM).

The decision is made on the query's tokens (kg.dataset.sparql_lexer), and the engine is sent the
query written back from those same tokens (`SafeQuery.text`), never the text the user sent: a
keyword the engine would read is a keyword here, whatever comments, escapes or quoting surround it.
`kg serve` runs its engines without a network besides (kg.util.sandbox), and `kg query` drops its
network before it evaluates, so a gap here still could not reach another host.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.dataset.sparql_lexer import LexError, Token, tokenize, write_back

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# Words that reach beyond this dataset or change it. FROM and FROM NAMED could read files or URLs;
# WITH and USING only occur in updates.
REFUSED = {
    "SERVICE": "SERVICE is not allowed: queries are read-only and local",
    "LOAD": "LOAD is not allowed: queries are read-only and local",
    "FROM": "FROM and FROM NAMED are not allowed: queries read this dataset only",
    **{word: f"{word} is not allowed: queries are read-only and local"
       for word in ("INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD", "WITH", "USING")},
}


class QueryRefused(ValueError):
    """The query is not allowed here, or is not a SPARQL query at all. `refused` tells which."""

    def __init__(self, message: str, refused: bool):
        super().__init__(message)
        self.refused = refused


@dataclass(frozen=True)
class SafeQuery:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    text: str  # what the engine is sent: the query written back from its checked tokens


def _form(tokens: list[Token]) -> str:
    words = (t.text.upper() for t in tokens if t.kind == "word")
    for word in words:
        if word in FORMS:
            return word
        if word not in ("PREFIX", "BASE"):
            break
    raise QueryRefused("not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)", refused=False)


def _hidden_keyword(token: Token) -> str | None:
    """A refused keyword that Oxigraph could read inside this word or prefixed name. Its keywords
    need no boundary (`SERVICESILENT<…>`, `SERVICE:x{…}` and `SERVICEx:y{…}` are all SERVICE), and
    it backtracks into a name that does not parse, so any refused word inside a word counts, and
    SERVICE or FROM (the two that act in a query) inside a prefix name."""
    if token.kind == "word":
        text, words = token.text.upper(), tuple(REFUSED)
    elif token.kind == "pname":
        text, words = token.text.split(":", 1)[0].upper(), ("SERVICE", "FROM")
    else:
        return None
    return next((word for word in words if word in text), None)


def check_query(query: str) -> SafeQuery:
    """The query's form and the text to send to the engine; QueryRefused if it may not run."""
    try:
        tokens = tokenize(query)
    except LexError as err:
        raise QueryRefused(f"invalid SPARQL: {err}", refused=False) from None
    for token in tokens:
        word = _hidden_keyword(token)
        if word is None:
            continue
        if token.text.upper() != word:
            raise QueryRefused(f"{REFUSED[word]} ({token.text!r} reads as {word} followed by more: "
                               f"keep keywords apart and name prefixes without it)", refused=True)
        raise QueryRefused(REFUSED[word], refused=True)
    return SafeQuery(_form(tokens), write_back(tokens))
