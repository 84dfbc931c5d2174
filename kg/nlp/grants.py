"""Aid packages: amount and currency, funder, announcer, recipient, contents, sequence, and
cumulative totals kept apart from the package's own amount.

A sentence naming an amount of money (kg.nlp.money) and aid ("$300 million in military aid", "the
package") opens a package. Its description often runs over several sentences, before the amount as
well as after it ("Germany announced a package that includes … It put the value at $768 million"),
so each package owns the sentences near it that talk of aid or list what is given (an aid word
within `_OWNED_AID` sentences, a giving verb within `_OWNED_VERB`). A sentence between two packages
goes to the one before it (a package's description follows its announcement; the next sum is often
an earlier package recalled), else to the next. The same sum told again in the article restates its
package rather than announcing another one. From those sentences come its parties (kg.nlp.aid_parties), its contents (the weapons and
equipment named there, except what is asked for or refused), its sequence ("the 40th package",
"the thirty-second drawdown") and the cumulative total ("for a total of $40 billion", "$50 billion
already provided"), which is never a package of its own. An amount in brackets after another one is
the same sum in another currency, not a second package.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.aid_parties import find_parties
from kg.nlp.dates import find_times
from kg.nlp.facts import GrantMention
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.mention import WEAPON, Mention
from kg.nlp.money import Amount, find_amounts

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_OWNED_AID = 8  # sentences from the package's amount: how far an aid word still speaks of it
_OWNED_VERB = 3  # and a giving verb without an aid word ("the US will also deliver …")
_PERFECT = re.compile(r"\b(?:has|have)\s+(?:\w+\s+)?\w+(?:ed|en|t)\b", re.IGNORECASE)


@lexicon.cached
def _any_of(name: str) -> re.Pattern:
    """A lexicon's phrases as one case-insensitive whole-word pattern."""
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in lexicon.ordered(name)) + r")\b", re.IGNORECASE)


def _is_cumulative(text: str, amount: Amount) -> bool:
    """A running total rather than a package: "for a total of $40 billion", "$50 billion already
    provided", "has provided $40 billion … since February 2022"."""
    before, after = text[max(0, amount.start - 40):amount.start], text[amount.end:amount.end + 50].split(".")[0]
    if _any_of("aid_cumulative_cues").search(before) or _any_of("aid_cumulative_cues_after").search(after):
        return True
    # A total reached over time: "has provided $40 billion … since 2022", "Since 2022, the total … has reached €17bn".
    earlier = text[:amount.start]
    if re.search(r"\btotal\b", earlier, re.IGNORECASE):  # "brings the total amount sent … to $36.4 billion"
        return True
    since = re.search(r"\bsince\b", after, re.IGNORECASE) or re.search(r"\bsince\b", earlier, re.IGNORECASE)
    return bool(since and _PERFECT.search(earlier))


def _owners(sentences: list["Span"], package_sentences: list[int], totals: set[int]) -> dict[int, int]:
    """Sentence index -> the package sentence that owns it (the nearest; the earlier one on a tie).
    A sentence with a cumulative total (`totals`) counts as one with an aid word."""
    owners: dict[int, int] = {}
    if not package_sentences:
        return owners
    for index, sentence in enumerate(sentences):
        nearest = min(package_sentences, key=lambda p: (p != index, p > index, abs(p - index)))
        distance = abs(nearest - index)
        has_aid_word = index in totals or bool(_any_of("aid_words").search(sentence.text))
        gives = any(t.lemma_ in lexicon.words("aid_content_verbs") and t.pos_ in ("VERB", "AUX") for t in sentence)
        if distance == 0 or (has_aid_word and distance <= _OWNED_AID) or (gives and distance <= _OWNED_VERB):
            owners[index] = nearest
    return owners


def _restated(found: list[tuple[int, Amount]]) -> list[list[tuple[int, Amount]]]:
    """Packages as the tellings of their amount (sentence index, amount), first first: an article
    that gives the same sum again ("… a package worth $500 million …" then "the $500 million package
    includes …") restates one package, it does not announce a second."""
    packages: list[list[tuple[int, Amount]]] = []
    for index, amount in found:
        same = next((told for told in packages
                     if (told[0][1].value, told[0][1].currency) == (amount.value, amount.currency)), None)
        if same is None:
            packages.append([(index, amount)])
        elif all(i != index for i, _ in same):
            same.append((index, amount))
    return packages


def _withheld(doc: "Doc", mention: Mention) -> bool:
    """A weapon asked for, refused or withheld ("reluctance to agree to the request for …")."""
    token = next((t for t in doc if t.idx >= mention.start), None)
    while token is not None and token.head.i != token.i:  # up to the root (its own head)
        token = token.head
        if token.lemma_.lower() in lexicon.words("aid_not_given") or any(c.dep_ == "neg" for c in token.children):
            return True
    return False


def _contents(doc: "Doc", sentences: list["Span"], mentions: list[Mention]) -> list[Mention]:
    items: list[Mention] = []
    for sentence in sentences:
        for m in mentions:
            if (m.kind == WEAPON and sentence.start_char <= m.start < sentence.end_char and m not in items
                    and m.text.lower() not in lexicon.words("aid_generic_items") and not _withheld(doc, m)):
                items.append(m)
    return sorted(items, key=lambda m: m.start)


def _ordinal(text: str) -> int | None:
    words = lexicon.mapping("ordinal_words")
    ordinals, tens = words["ordinals"], words["tens"]
    lowered = text.lower()
    if re.fullmatch(r"\d+(?:st|nd|rd|th)", lowered):
        return int(lowered[:-2])
    parts = re.split(r"[-\s]+", lowered)
    if len(parts) == 2 and parts[0] in tens and parts[1] in ordinals and ordinals[parts[1]] < 10:
        return int(tens[parts[0]]) + int(ordinals[parts[1]])
    return int(ordinals[lowered]) if lowered in ordinals else None


@lexicon.cached
def _ordinal_pattern() -> re.Pattern:
    words = lexicon.mapping("ordinal_words")
    tens, ordinals = "|".join(words["tens"]), "|".join(words["ordinals"])
    return re.compile(rf"\b(?:\d+(?:st|nd|rd|th)|(?:(?:{tens})[-\s])?(?:{ordinals}))\b", re.IGNORECASE)


def _sequence(doc: "Doc", sentences: list["Span"]) -> int | None:
    """The package's number in a series: an ordinal that modifies a package noun, or whose
    clause has one as its subject ("the package is the 41st approved")."""
    nouns = lexicon.words("aid_package_nouns")
    for sentence in sentences:
        for match in _ordinal_pattern().finditer(sentence.text):
            last = doc.char_span(sentence.start_char + match.start(), sentence.start_char + match.end(),
                                 alignment_mode="expand")
            if last is None:
                continue
            token = last[-1]
            near = [token.head, token.head.head, *(c for c in token.head.children if c.dep_ in ("nsubj", "nsubjpass"))]
            if any(t.lemma_.lower() in nouns for t in near) and _ordinal(match.group(0)) is not None:
                return _ordinal(match.group(0))
    return None


def _announced(text: str, amount: Amount, published: date | None) -> tuple[str | None, str]:
    """The day the amount's sentence gives, nearest the amount, and its precision; not the start of
    a period ("aid sent since August 2021"), which dates the series, not this package."""
    if published is None:
        return None, "day"
    times = [(start, resolved) for start, _, resolved in find_times(text, published)
             if not resolved.words.lower().startswith(("since", "from", "until", "between"))]
    if not times:
        return None, "day"
    nearest = min(times, key=lambda t: abs(t[0] - amount.start))[1]
    return nearest.date.isoformat(), nearest.precision


def extract_grants(doc: "Doc", mentions: tuple[Mention, ...], published: date | None,
                   gazetteer: Gazetteer | None = None) -> tuple[GrantMention, ...]:
    """Every aid package an article describes, with its fields, in text order."""
    gazetteer = gazetteer or Gazetteer.load()
    ordered = sorted(mentions, key=lambda m: m.start)
    sentences = list(doc.sents)
    amounts = [(index, amount, _is_cumulative(sentence.text, amount))
               for index, sentence in enumerate(sentences) for amount in find_amounts(sentence.text)
               if not amount.converted]
    packages = _restated([(index, amount) for index, amount, total in amounts
                          if not total and _any_of("aid_words").search(sentences[index].text)])
    owners = _owners(sentences, sorted({i for told in packages for i, _ in told}),
                     {index for index, _, total in amounts if total})
    grants: list[GrantMention] = []
    for told in packages:
        index, amount = told[0]
        own = sorted((s for s, owner in owners.items() if any(owner == i for i, _ in told)),
                     key=lambda s: (abs(s - index), s))
        span = [sentences[s] for s in own]
        parties = find_parties(span, ordered, gazetteer)
        items = _contents(doc, span, ordered)
        cumulative = next((a.value for s, a, total in amounts if total and s in own), None)
        dated = [t for i, a in told if (t := _announced(sentences[i].text, a, published))[0]]
        day, precision = dated[0] if dated else (None, "day")
        start = sentences[index].start_char + amount.start
        grants.append(GrantMention(
            start=start, end=start + len(amount.text), text=amount.text, sentence=index,
            amount=amount.value, currency=amount.currency, funder=_r(parties.funder), announcer=_r(parties.announcer),
            recipient=_r(parties.recipient), sequence=_sequence(doc, span), contents=tuple(_r(m) for m in items),
            content_texts=tuple(m.text for m in items), cumulative_amount=cumulative, date=day,
            date_precision=precision,
        ))
    return tuple(grants)


def _r(m: Mention | None):
    return (m.start, m.end) if m is not None else None
