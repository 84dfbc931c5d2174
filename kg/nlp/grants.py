"""Aid packages: amount and currency, funder, announcer, recipient, contents, sequence, and
cumulative totals kept apart from the package's own amount.

A sentence naming an amount of money and aid ("$300 million in military aid", "the package")
opens a package; the funder is the country (or its government) sending it, the announcer the
organisation that "announced" it (White House, Pentagon), the recipient the country it is sent
to, the contents the weapons and equipment listed in the package's sentences ("will include …").
An amount in a "brings the total to …" clause is the cumulative total, not the package.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.dates import find_times
from kg.nlp.facts import GrantMention
from kg.nlp.mention import COUNTRY, WEAPON, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_MONEY = re.compile(r"(?P<cur>\$|US\$|USD\s?|€|£)\s?(?P<num>\d+(?:[.,]\d+)?)\s*(?P<scale>million|billion|bn|m)\b",
                    re.IGNORECASE)
_SCALE = {"million": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9}
_CURRENCY = {"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "£": "GBP"}
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")


@lexicon.cached
def _any_of(name: str) -> re.Pattern:
    """A lexicon's phrases as one case-insensitive whole-word pattern."""
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in lexicon.ordered(name)) + r")\b", re.IGNORECASE)


def _amount(match: re.Match) -> tuple[int, str]:
    number = float(match.group("num").replace(",", "."))
    return round(number * _SCALE[match.group("scale").lower()]), _CURRENCY[match.group("cur").strip().lower()]


def _in(sentence: "Span", mentions: list[Mention], kinds: tuple[str, ...]) -> list[Mention]:
    return [m for m in mentions if m.kind in kinds and sentence.start_char <= m.start < sentence.end_char]


def _funder_and_recipient(doc: "Doc", sentence: "Span", mentions: list[Mention]) -> tuple[Mention | None, Mention | None, Mention | None]:
    """(funder, announcer, recipient) from the sentence's parse and mentions."""
    funder = announcer = recipient = None
    for token in sentence:
        if token.lemma_ not in lexicon.words("aid_announce_verbs") or token.pos_ not in ("VERB", "AUX"):
            continue
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                found = _covering(mentions, child)
                if found is not None and found.kind == COUNTRY:
                    funder = funder or found
                elif found is not None:
                    announcer = announcer or found
            if child.dep_ in ("dative", "dobj", "iobj") or (child.dep_ == "prep" and child.lower_ in ("to", "for")):
                targets = [child] if child.dep_ != "prep" else [c for c in child.children if c.dep_ == "pobj"]
                for t in targets:
                    found = _covering(mentions, t)
                    if found is not None and found.kind == COUNTRY:
                        recipient = recipient or found
    return funder, announcer, recipient


def _covering(mentions: list[Mention], token) -> Mention | None:
    return next((m for m in mentions if m.start <= token.idx < m.end), None)


def _contents(sentences: list["Span"], mentions: list[Mention]) -> list[Mention]:
    items: list[Mention] = []
    for sentence in sentences:
        for m in _in(sentence, mentions, (WEAPON,)):
            if m.text.lower() not in lexicon.words("aid_generic_items") and m not in items:
                items.append(m)
    return items


def extract_grants(doc: "Doc", mentions: tuple[Mention, ...], published: date | None) -> tuple[GrantMention, ...]:
    """Every aid package an article describes, with its fields, in text order."""
    ordered = sorted(mentions, key=lambda m: m.start)
    sentences = list(doc.sents)
    grants: list[GrantMention] = []
    for index, sentence in enumerate(sentences):
        text = sentence.text
        for match in _MONEY.finditer(text):
            before = text[: match.start()]
            is_total = _any_of("aid_cumulative_cues").search(before[-40:]) or "total" in before.lower()
            if not _any_of("aid_words").search(text) or is_total:
                continue
            amount, currency = _amount(match)
            # The package's other sentences: up to two after it that talk of the package or list items.
            related = [sentence] + [s for s in sentences[index + 1 : index + 3]
                                    if re.search(r"\b(package|include|aid)\b", s.text, re.IGNORECASE)]
            funder, announcer, recipient = _funder_and_recipient(doc, sentence, ordered)
            if announcer is not None and funder is None and announcer.gazetteer_key:
                funder = _country_of(announcer, ordered)
            if recipient is None:
                recipient = _sent_to(sentences[index : index + 4], ordered)
            items = _contents(related, ordered)
            sequence = next((int(m.group(1)) for s in related for m in _ORDINAL.finditer(s.text)
                             if re.search(r"package|tranche", s.text, re.IGNORECASE)), None)
            cumulative = _cumulative(sentences[index : index + 4])
            day = None
            if published is not None:
                times = find_times(text, published)
                day = times[0][2].date.isoformat() if times else None
            start = sentence.start_char + match.start()
            grants.append(GrantMention(
                start=start, end=sentence.start_char + match.end(), text=match.group(0), sentence=index,
                amount=amount, currency=currency, funder=_r(funder), announcer=_r(announcer), recipient=_r(recipient),
                sequence=sequence, contents=tuple(_r(m) for m in items), content_texts=tuple(m.text for m in items),
                cumulative_amount=cumulative, date=day,
            ))
    return tuple(grants)


def _country_of(announcer: Mention, mentions: list[Mention]) -> Mention | None:
    """The White House announces for the United States: the country mention, when the article has one."""
    country = lexicon.mapping("aid_announcers_for_country").get(announcer.gazetteer_key or "")
    return next((m for m in mentions if m.gazetteer_key == country), None) if country else None


def _sent_to(sentences: list["Span"], mentions: list[Mention]) -> Mention | None:
    """"… sent to Ukraine …" near the amount: the recipient when the amount's own sentence has none."""
    for sentence in sentences:
        for m in _in(sentence, mentions, (COUNTRY,)):
            if sentence.doc.text[max(0, m.start - 3) : m.start] == "to ":
                return m
    return None


def _cumulative(sentences: list["Span"]) -> int | None:
    for sentence in sentences:
        if "total" not in sentence.text.lower():
            continue
        for match in _MONEY.finditer(sentence.text):
            if "total" in sentence.text[: match.start()].lower():
                return _amount(match)[0]
    return None


def _r(m: Mention | None):
    return (m.start, m.end) if m is not None else None
