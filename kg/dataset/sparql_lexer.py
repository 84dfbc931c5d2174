"""SPARQL 1.1 tokens, read as the grammar defines them (section 19 of the recommendation).

Used to decide what a query may do (kg.dataset.sparql_guard): a keyword filter over raw text can be
fooled by any place where it reads the text differently from the engine (a comment ended by a
carriage return, an escaped quote inside a prefixed name, a keyword spelled with `\\u` escapes).
Here the query is read once, by the grammar's own rules, and the engine is sent the text written
back from these tokens, so it sees exactly what was checked.

- `\\uXXXX` and `\\UXXXXXXXX` escapes are decoded first, anywhere in the query (section 19.2).
  Oxigraph itself decodes them only inside strings and IRIs; it is sent the decoded text, so the
  two cannot disagree.
- Comments run from `#` outside IRIs and strings to the end of the line (a line feed or a
  carriage return) and are dropped; white space is the grammar's four characters only.
- Anything the grammar has no token for is an error: the query is refused, never guessed at.
- Where Oxigraph 0.5 reads otherwise, its reading is taken when it could hide a keyword: a local
  name ends after one run of dots, and IRIs are written back so that their `<` cannot be read as
  less-than (`write_back`); keywords glued to names are refused by kg.dataset.sparql_guard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters allowed in prefixed names (PN_CHARS_BASE and friends, section 19.8).
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F"
         "\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
# As Oxigraph 0.5 reads it: one run of dots at most inside the local part (`ex:a.b.c` is `ex:a.b`,
# `.`, `c` there), so a keyword after a second dot is a keyword here too.
_PN_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*(?:\.+(?:[{_CHARS}:]|{_PLX})+)?"
_ECHAR = r"\\[tbnrf\\\"']"
_EXPONENT = r"[eE][+-]?[0-9]+"

# Order matters only where one token is a prefix of another: longest forms first.
_TOKENS = (
    ("ws", r"[ \t\r\n]+"),
    ("comment", r"#[^\r\n]*"),
    ("iri", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    ("string", rf"'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''"),
    ("string", rf'"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*"""'),
    ("string", rf"'(?:[^'\\\n\r]|{_ECHAR})*'"),
    ("string", rf'"(?:[^"\\\n\r]|{_ECHAR})*"'),
    ("var", rf"[?$][{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"),
    ("bnode", rf"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("pname", rf"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"),  # with SPARQL 1.2's direction
    ("number", rf"[+-]?(?:[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}|[0-9]*\.[0-9]+|[0-9]+)"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.=<>!+\-*/^|?~]"),
)
_LEXER = re.compile("|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(_TOKENS)))
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ECHAR_RE = re.compile(r"\\(.)", re.DOTALL)


class LexError(ValueError):
    """The text holds something that no SPARQL token can be."""


@dataclass(frozen=True)
class Token:
    kind: str  # ws-free: iri, string, var, bnode, pname, langtag, number, word, punct
    text: str  # as written (a string: its value, escapes decoded)
    gap: str  # what separated it from the token before: "", " ", or the line breaks there were


def decode_codepoints(query: str) -> str:
    """The query with `\\u` and `\\U` escapes replaced by their characters, as the grammar reads it."""
    def character(match: re.Match) -> str:
        value = int(match.group(1) or match.group(2), 16)
        if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
            raise LexError(f"invalid code point escape {match.group(0)}")
        return chr(value)

    return _CODEPOINT.sub(character, query)


def _string_value(text: str) -> str:
    quote = 3 if text[:3] in ("'''", '"""') else 1
    return _ECHAR_RE.sub(lambda m: _ESCAPES[m.group(1)], text[quote:-quote])


def tokenize(query: str) -> list[Token]:
    """The tokens of a query; LexError where the text is not a sequence of SPARQL tokens."""
    text = decode_codepoints(query)
    tokens: list[Token] = []
    position, breaks, spaced = 0, 0, False
    while position < len(text):
        match = _LEXER.match(text, position)
        if match is None:
            line = text.count("\n", 0, position) + 1
            raise LexError(f"line {line}: unexpected character {text[position]!r}")
        kind = (match.lastgroup or "").rstrip("0123456789")
        value = match.group()
        if kind in ("ws", "comment"):
            breaks += value.count("\n") if "\n" in value else value.count("\r")
            spaced = True
        else:
            gap = "\n" * breaks if breaks else " " if spaced else ""
            tokens.append(Token(kind, _string_value(value) if kind == "string" else value, gap))
            breaks, spaced = 0, False
        position = match.end()
    return tokens


def _quoted(value: str) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t").replace("\b", "\\b").replace("\f", "\\f"))
    return f'"{escaped}"'


def _iri(text: str) -> str:
    """An IRI whose first character is written as a `\\u` escape. Oxigraph reads `<` as less-than
    wherever an expression may go on (`FILTER(1<2)SERVICE:x#>` is a comparison, a SERVICE and a
    comment to it, one IRI to the grammar); an escape cannot follow less-than, so the engine either
    reads the IRI that was checked or fails."""
    if len(text) == 2:
        return text
    code = ord(text[1])
    escape = ("\\u%04X" if code <= 0xFFFF else "\\U%08X") % code
    return "<" + escape + text[2:]


def _written(token: Token) -> str:
    return _quoted(token.text) if token.kind == "string" else _iri(token.text) if token.kind == "iri" else token.text


def write_back(tokens: list[Token]) -> str:
    """The query written from its tokens, each gap as the user had it (nothing, one space, or the
    same line breaks, so that an engine's error position names the user's line), comments gone,
    strings quoted one way, IRIs that cannot be read as less-than: the engine reads the tokens that
    were checked, and nothing else."""
    return "".join(token.gap + _written(token) for token in tokens)
