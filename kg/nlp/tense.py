"""The tense a sentence reads in up to a point, from cue words (kg.nlp.dates): "talks will resume
on Thursday" reads as future, "the bridge was attacked in October" as past."""

from __future__ import annotations

import re

from kg.nlp import lexicon

_TOKEN = re.compile(r"[\w']+")
_SENTENCE_END = re.compile(r"[.!?]\s|\n")


def tense_before(text: str, start: int) -> str | None:
    """"future" or "past" as the sentence before ``start`` reads (the nearest cue word decides), else None."""
    window = text[max(0, start - 200):start]
    cut = max((s.end() for s in _SENTENCE_END.finditer(window)), default=0)
    for token in reversed(_TOKEN.findall(window[cut:].replace("\u2019", "'").casefold())):
        if token in lexicon.words("time_future_cues") or token.endswith("'ll"):
            return "future"
        if token in lexicon.words("time_past_cues") or token.endswith("ed"):
            return "past"
    return None
