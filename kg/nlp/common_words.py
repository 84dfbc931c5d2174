"""Person mentions that are common words the NER took for names.

English news writes names with capitals. The small model still tags some common words as people:
lower-case ones ("Wagner fighters", a typo such as "vegicle"), and capitalised ones at the start of
a sentence ("Debris from the downed drones …") that the tagger reads as a common noun or a verb,
or that the same article writes in lower case elsewhere, unless it names someone in full too
("Theresa May" … "May said", where "may" is also a word).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.nlp.doc_text import doc_text
from kg.nlp.mention import PERSON, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

_COMMON_TAGS = ("NN", "NNS", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ")  # Penn tags of common nouns and verbs


def without_common_words(doc: "Doc", mentions: list[Mention]) -> list[Mention]:
    """The mentions less the people that are common words (see the module)."""
    text = doc_text(doc)
    lower: set[str] | None = None
    surnames = {m.text.split()[-1] for m in mentions if m.kind == PERSON and " " in m.text}  # "Theresa May"
    kept = []
    for m in mentions:
        if m.kind == PERSON and not any(ch.isupper() for ch in m.text):
            continue  # "fighters", "push": no name is written so in English news
        if m.kind == PERSON and " " not in m.text and m.text not in surnames and m.start == _sentence_start(text, m):
            lower = lower if lower is not None else set(re.findall(r"\b[a-z][a-z'-]+\b", text))
            span = doc.char_span(m.start, m.end)
            if m.text.lower() in lower or (span is not None and span[0].tag_ in _COMMON_TAGS):
                continue  # "Debris from …": a word, not a name
        kept.append(m)
    return kept


def _sentence_start(text: str, m: Mention) -> int:
    """Where the mention's sentence starts, past spaces and opening punctuation."""
    start = m.sentence_start
    while start < m.start and not text[start].isalnum():
        start += 1
    return start
