"""A Doc's text, built once: spaCy joins every token's text each time `doc.text` is read (about
0.2 ms for a news article), and kg's extractors read it many times per article."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

_last: list[object] = [None, ""]  # [weak reference to the last Doc asked about, its text]


def doc_text(doc: "Doc") -> str:
    """`doc.text`, kept for the last Doc asked about (a Doc's text never changes: retokenizing
    merges or splits tokens, not characters)."""
    ref, text = _last
    if isinstance(ref, weakref.ref) and ref() is doc and isinstance(text, str):
        return text
    text = doc.text
    _last[:] = [weakref.ref(doc), text]
    return text
