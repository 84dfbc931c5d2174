"""Quotation marks in news text: where each quoted passage starts and ends.

News mixes “curly” and "straight" marks, sometimes in one quote ("… fit.”), nests ‘single’
quotes inside double ones, and continues a quote into the next paragraph by opening it again
without closing the previous one. Single quotes are never treated as quotes of their own: they
double as apostrophes.
"""

from __future__ import annotations

import re

_OPEN = "“„«"
_CLOSE = "”»"
_STRAIGHT = '"'
_PARAGRAPH = re.compile(r"\n\s*\n")


def _opens(text: str, i: int) -> bool:
    ch = text[i]
    if ch in _OPEN:
        return True
    if ch != _STRAIGHT:
        return False
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:") and not after.isspace()


def _closes(text: str, i: int) -> bool:
    ch = text[i]
    if ch in _CLOSE:
        return True
    return ch == _STRAIGHT and i > 0 and not text[i - 1].isspace()


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the words inside each outermost quotation, in text order.

    An opened quote that reaches the end of its paragraph unclosed ends there (the next
    paragraph re-opens it, as newspapers do for a quote over several paragraphs).
    """
    spans: list[tuple[int, int]] = []
    paragraph_ends = [m.start() for m in _PARAGRAPH.finditer(text)] + [len(text)]
    opened: int | None = None
    for i, ch in enumerate(text):
        if ch not in _OPEN + _CLOSE + _STRAIGHT:
            if opened is not None and ch == "\n" and any(i == end for end in paragraph_ends):
                spans.append((opened + 1, i))
                opened = None
            continue
        if opened is None:
            if _opens(text, i):
                opened = i
        elif _closes(text, i) and not (ch in _OPEN):
            spans.append((opened + 1, i))
            opened = None
    if opened is not None:
        spans.append((opened + 1, len(text)))
    return [(_strip(text, s, e)) for s, e in spans if text[s:e].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies within one of the quote spans (quote marks included)."""
    return any(s - 1 <= start and end <= e + 1 for s, e in spans)
