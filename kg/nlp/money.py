"""Amounts of money as news writes them, with their currency as an ISO 4217 code.

    "$300 million", "US$325 million", "€2.9bn", "EUR 700 million"    currency before the number
    "700 mln euros", "half a billion dollars", "2 billion US dollars"  currency word after the scale

An amount in brackets right after another one ("half a billion dollars (€465 million)") is the
same sum in another currency: it is marked `converted`, so it never opens a package of its own.
The symbols, codes, currency words and scale words are lexicons (currencies, money_scales).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.nlp import lexicon

_NUMBER = r"\d+(?:[.,]\d+)*"
_CONVERSION_GAP = re.compile(r"\s*[(\[]\s*(?:about|around|roughly|some|approximately|approx\.|or|~)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    start: int  # offsets into the text searched
    end: int
    text: str
    value: int
    currency: str
    converted: bool = False  # the same sum as the amount before it, in brackets


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=None)
def _patterns() -> tuple[re.Pattern, re.Pattern, dict[str, str], dict[str, int]]:
    currencies = lexicon.mapping("currencies")
    before = {**currencies["symbols"], **currencies["codes"]}
    scales = {k.lower(): int(v) for k, v in lexicon.mapping("money_scales").items()}
    # A one-letter scale only glued to the number ("$500m"; "$5 m" could be metres).
    long, short = [w for w in scales if len(w) > 1], [w for w in scales if len(w) == 1]
    scale = rf"(?:\s?(?P<scale>{_alternation(long)})|(?P<short>{_alternation(short)}))"
    # Before the number: "$300 million", "US$ 325m", "EUR 700 million", "$1,500,000".
    prefixed = re.compile(rf"(?<![\w$€£¥])(?P<cur>{_alternation(before)})\s?(?P<num>{_NUMBER})"
                          rf"(?:{scale}\b)?(?![\w])", re.IGNORECASE)
    # After the scale: "700 mln euros", "half a billion dollars", "2 billion U.S. dollars".
    suffixed = re.compile(rf"(?<![\w.,])(?P<num>{_NUMBER}|half(?:\s+a)?|a){scale}\s+"
                          rf"(?P<word>{_alternation(currencies['words'])})\b", re.IGNORECASE)
    names = {k.lower(): v for k, v in {**before, **currencies["words"]}.items()}
    return prefixed, suffixed, names, scales


def _number(text: str) -> float:
    """"1,500" is fifteen hundred; "2,5" (a decimal comma) two and a half; "half (a)" 0.5; "a" 1."""
    lowered = text.lower()
    if lowered.startswith("half"):
        return 0.5
    if lowered == "a":
        return 1.0
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    return float(text.replace(",", "."))


def find_amounts(text: str) -> list[Amount]:
    """Every amount of money in `text`, in text order (an overlap keeps the first, longer one)."""
    prefixed, suffixed, names, scales = _patterns()
    found: list[Amount] = []
    for pattern in (prefixed, suffixed):
        for match in pattern.finditer(text):
            groups = match.groupdict()
            scale = scales.get((groups.get("scale") or groups.get("short") or "").lower(), 1)
            currency = names[(groups.get("cur") or groups.get("word") or "").lower()]
            value = round(_number(groups["num"]) * scale)
            if value > 0:
                found.append(Amount(match.start(), match.end(), match.group(0), value, currency))
    found.sort(key=lambda a: (a.start, -a.end))
    kept: list[Amount] = []
    for amount in found:
        if kept and amount.start < kept[-1].end:
            continue
        if kept and _CONVERSION_GAP.fullmatch(text[kept[-1].end:amount.start]):
            amount = Amount(amount.start, amount.end, amount.text, amount.value, amount.currency, converted=True)
        kept.append(amount)
    return kept
