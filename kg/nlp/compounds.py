"""Names that run past the span the NER gave them: places with their place noun, weapons with
their model name.

- A place name right before a place noun is one place: "Tver region", "the Kakhovka dam",
  "Amstor shopping center" (kg/nlp/lexicon/en/place_head_nouns.json); a capitalised name the NER
  missed counts too before a lower-case place noun ("the Desnyanskyi district"). A name that already
  ends in such a noun is a place whatever the NER typed ("Northern Crimean Canal" tagged ORG).
- A model name right before a weapon class is a weapon (weapon_heads.json): a designation with a
  digit names the weapon by itself ("Kh-22 missiles" -> "Kh-22"), a word name together with its
  class ("Stryker armored personnel carriers", "Olkha MLRS"); a model coordinated before it is a
  weapon too ("Oniks and Kh-22 missiles"). Weapon classes named by a phrase ("air surveillance
  radars", weapon_classes.json) are entity-ruler patterns; catch-all words ("ammunition",
  weapon_catch_all.json) are no weapon unless made specific ("ammunition for HIMARS").
- A place, administrative words and an organisation head name one body ("Kherson regional
  administration"); the agency of a dateline in slashes ("/TASS/") is that organisation.
The new mentions replace the ones they overlap (extract.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.doc_text import doc_text
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, PLACE, WEAPON, Mention
from kg.nlp.phrases import match as _match
from kg.nlp.phrases import starting_words as _starting_words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MakeMention = Callable[..., Mention]  # (span, **fields) -> Mention
_PLACE_KINDS = ("city", "region", "landmark", "country")
_BODY_KINDS = ("government", "organization", "media")
_NOT_NAME_ENTS = ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY", "PERCENT")
_NOT_MODEL_ENTS = ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY", "PERCENT", "NORP", "GPE", "LOC")
_VARIANT = re.compile(r"-?\d+[A-Za-z]*(?:/\d+)?s?$")  # "Kinzhal-47s" -> "Kinzhal"
_CONFIDENCE = 0.75  # a type from the sentence's words (extract.CONFIDENCE["context"])


def weapon_class_patterns() -> list[dict]:
    """Entity-ruler patterns (any case) of the weapon classes of weapon_classes.json, singular and plural."""
    patterns = []
    for phrase in sorted(lexicon.words("weapon_classes")):
        plural = phrase if phrase.endswith(("s", "ammunition", "ordnance", "aircraft")) else phrase + "s"
        patterns += [{"label": "WEAPON", "pattern": p} for p in sorted({phrase, plural})]
    return patterns


def _span(doc: "Doc", m: Mention) -> "Span | None":
    return doc.char_span(m.start, m.end, alignment_mode="expand")


def _place_key(text: str, gazetteer: Gazetteer) -> str | None:
    entry = gazetteer.lookup(text)
    return entry.key if entry is not None and entry.kind in _PLACE_KINDS else None


def place_names(doc: "Doc", mentions: list[Mention], gazetteer: Gazetteer, make: MakeMention) -> list[Mention]:
    """Places named with their place noun, replacing the mentions they cover."""
    found = []
    covered: set[int] = set()
    for m in mentions:
        span = _span(doc, m)
        covered.update(range(span.start, span.end) if span is not None else ())
        if span is None or m.kind in (COUNTRY, WEAPON) or m.kind == PERSON and len(span) > 2:
            continue
        end = _match(doc, span.end, "place_head_nouns", plural=False)
        entry = gazetteer.get(m.gazetteer_key) if m.gazetteer_key else None
        if end is not None and (entry is None or entry.kind in ("city", "landmark")):  # not "Black Sea region"
            whole = doc[span.start : end]
            found.append(make(whole, kind=PLACE, ner_label=m.ner_label, gazetteer_key=_place_key(whole.text, gazetteer),
                              confidence=_CONFIDENCE))
        elif m.kind != PLACE and m.gazetteer_key is None and _ends_in_place_noun(span):
            found.append(make(span, kind=PLACE, ner_label=m.ner_label, gazetteer_key=_place_key(span.text, gazetteer),
                              confidence=_CONFIDENCE))
    found += _unlabelled_places(doc, covered, gazetteer, make)
    return found


def _ends_in_place_noun(span: "Span") -> bool:
    return any(_match(span.doc, i, "place_head_nouns", plural=False) == span.end for i in range(span.start + 1, span.end))


def _unlabelled_places(doc: "Doc", covered: set[int], gazetteer: Gazetteer, make: MakeMention) -> list[Mention]:
    """"the Desnyanskyi district": capitalised words no mention covers, before a lower-case place noun;
    "Goloseevsky and Svyatoshinsky districts": each name before a plural place noun, as written."""
    found = []
    starts = _starting_words("place_head_nouns")
    for token in doc:
        if token.lower_ not in starts or not token.is_lower or token.i == 0 or token.dep_ == "compound":
            continue
        end = _match(doc, token.i, "place_head_nouns", plural=False)
        if end is not None and token.i not in covered and token.i - 1 not in covered:  # else place_names decides
            start = _name_start(doc, token.i, gazetteer)
            if start < token.i:
                found.append(_place(doc[start:end], gazetteer, make))
        elif end is None and _match(doc, token.i, "place_head_nouns", plural=True) is not None:
            found += [_place(name, gazetteer, make) for name in _coordinated_names(doc, token.i, gazetteer)]
    return found


def _place(span: "Span", gazetteer: Gazetteer, make: MakeMention) -> Mention:
    return make(span, kind=PLACE, ner_label="", gazetteer_key=_place_key(span.text, gazetteer), confidence=_CONFIDENCE)


def _name_start(doc: "Doc", end: int, gazetteer: Gazetteer) -> int:
    start = end
    while start > 0 and end - start < 3 and _name_word(doc[start - 1]):
        start -= 1
        if start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ and _name_word(doc[start - 2]):
            start -= 2  # "Ivano-Frankivsk"
    return end if start < end and gazetteer.demonym(doc[start:end].text) else start  # "Ukrainian regions"


def _coordinated_names(doc: "Doc", end: int, gazetteer: Gazetteer) -> list["Span"]:
    """The names joined by "and", "or" and commas that end at token `end`."""
    names: list["Span"] = []
    while True:
        start = _name_start(doc, end, gazetteer)
        if start == end:
            return names
        names.append(doc[start:end])
        if start < 2 or doc[start - 1].lower_ not in ("and", "or", ","):
            return names
        end = start - 1
        if doc[end - 1].text == "," and doc[end].lower_ in ("and", "or"):
            end -= 1  # "Kyiv, Lviv, and Dnipro regions"


def _name_word(token: "Token") -> bool:
    return (token.is_title and token.pos_ in ("PROPN", "ADJ", "NOUN") and not token.is_sent_start
            and token.ent_type_ not in _NOT_NAME_ENTS)


def place_bodies(doc: "Doc", mentions: list[Mention], gazetteer: Gazetteer, make: MakeMention) -> list[Mention]:
    """"Kherson regional administration", "Kramatorsk city council": a place, administrative words
    (organisation_place_modifiers.json) and an organisation head make one organisation's name; so
    does a country's possessive before a lower-case description (`country_bodies`)."""
    modifiers, heads = lexicon.words("organisation_place_modifiers"), lexicon.words("organisation_description_heads")
    found = []
    for m in mentions:
        span = _span(doc, m)
        if span is None or not (m.kind == PLACE or m.sense is not None):
            continue
        end = span.end
        while end < len(doc) and end - span.end < 3 and doc[end].lower_ in modifiers:
            end += 1
        if end > span.end and end < len(doc) and doc[end].lower_ in heads:
            whole = doc[span.start : end + 1]
            entry = gazetteer.lookup(whole.text)
            found.append(make(whole, kind=ORGANIZATION, ner_label=m.ner_label, confidence=_CONFIDENCE,
                              gazetteer_key=entry.key if entry is not None and entry.kind in _BODY_KINDS else None))
    return found + country_bodies(doc, mentions, make)


def country_bodies(doc: "Doc", mentions: list[Mention], make: MakeMention) -> list[Mention]:
    """"Russia's national investigation committee", "Ukraine's security service": a country's
    possessive, one to three lower-case words and an organisation head (organisation_description_heads)
    name one of that country's bodies, also where the NER saw no name. A head that goes on into a
    title ("Russia's defence ministry spokesman") is left to the roles, and one followed by the body's
    own name ("Russia's state news agency TASS") to that name."""
    heads = lexicon.words("organisation_description_heads")
    named = {x.start for x in mentions}  # "… energy company DTEK": a name the tagger took for a noun
    found = []
    for m in mentions:
        span = _span(doc, m)
        if m.kind != COUNTRY or span is None or span.end + 1 >= len(doc) or doc[span.end].lower_ not in ("'s", "’s"):
            continue
        start = end = span.end + 1
        while end < len(doc) and end - start < 3 and doc[end].is_lower and doc[end].is_alpha and doc[end].lower_ not in heads:
            end += 1
        if end == start or end >= len(doc) or doc[end].lower_ not in heads:
            continue
        after = doc[end + 1] if end + 1 < len(doc) else None
        if after is not None and ((after.is_lower and after.pos_ == "NOUN") or after.pos_ == "PROPN"
                                  or after.idx in named):
            continue  # a title goes on ("… ministry spokesman"), or the body's name follows ("… news agency TASS")
        found.append(make(doc[start : end + 1], kind=ORGANIZATION, ner_label="", confidence=_CONFIDENCE))
    return found


_AGENCY_TAG = re.compile(r"/([A-Z][A-Za-z]{1,20})/")


def agency_tags(doc: "Doc", gazetteer: Gazetteer, make: MakeMention) -> list[Mention]:
    """"MOSCOW, June 6. /TASS/.": the agency of a dateline in slashes, often one token with them."""
    found = []
    for match in _AGENCY_TAG.finditer(doc_text(doc)):
        entry = gazetteer.lookup(match.group(1))
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
        if entry is not None and entry.kind == "media" and span is not None:
            m = make(span, kind=ORGANIZATION, ner_label="", gazetteer_key=entry.key,
                               confidence=0.9)
            found.append(replace(m, start=match.start(1), end=match.end(1), text=match.group(1)))
    return found


def for_weapon(doc: "Doc", m: Mention, weapons: list[Mention]) -> bool:
    """"ammunition for HIMARS": a catch-all word made specific by the weapon it is for."""
    after = doc_text(doc)[m.end : m.end + 5]
    return after.startswith(" for ") and any(0 <= w.start - m.end <= 40 for w in weapons)


def weapon_models(doc: "Doc", gazetteer: Gazetteer, make: MakeMention) -> list[Mention]:
    """Weapons named by a model and a class, and models coordinated before them."""
    found = []
    starts = _starting_words("weapon_heads")
    for token in doc:
        end = _match(doc, token.i, "weapon_heads", plural=True) if token.lower_ in starts else None
        if end is None or doc[end - 1].dep_ == "compound" or token.i == 0:
            continue  # "drone attack": the class word modifies another noun
        model_end = token.i
        while model_end >= 3 and doc[model_end - 2].text == "-" and doc[model_end - 1].is_lower and doc[model_end - 3].is_lower:
            model_end -= 3  # "Taurus long-range cruise missiles"
        model = _model_before(doc, model_end, gazetteer)
        if model is None:
            continue
        coded = any(c.isdigit() for c in model.text)
        whole = model if coded else doc[model.start : end]
        found.append(make(whole, kind=WEAPON, ner_label="WEAPON", gazetteer_key=weapon_key(model.text, gazetteer),
                          confidence=_CONFIDENCE))
        if model.start >= 2 and doc[model.start - 1].lower_ in ("and", "or", ","):
            other = _model_before(doc, model.start - 1, gazetteer)
            if other is not None:
                found.append(make(other, kind=WEAPON, ner_label="WEAPON",
                                  gazetteer_key=weapon_key(other.text, gazetteer), confidence=_CONFIDENCE))
    return found


def _model_before(doc: "Doc", end: int, gazetteer: Gazetteer) -> "Span | None":
    """The model name that ends at token `end`: capitalised names and numbers ("Leopard 1", "Kh-22")."""
    start = end
    while start > 0 and end - start < 3 and _model_word(doc[start - 1]):
        start -= 1
    while start < end and not doc[start].text[:1].isupper():
        start += 1  # "25 Leopard 1": a count is not part of the name
    if start == end:
        return None
    model = doc[start:end]
    entry = gazetteer.lookup(model.text)
    if gazetteer.demonym(model.text) or entry is not None and entry.kind not in ("weapon", "equipment"):
        return None  # "Russian missiles", "NATO tanks"
    return model


def _model_word(token: "Token") -> bool:
    if token.like_num:
        return True
    if token.is_punct or token.ent_type_ in _NOT_MODEL_ENTS and not any(c.isdigit() for c in token.text[1:]):
        return False
    coded = token.text[:1].isupper() and any(c.isdigit() for c in token.text)
    if token.text in lexicon.words("not_entity_names"):
        return False  # "Western tanks"
    return coded or token.pos_ in ("PROPN", "ADJ") and (token.is_title or token.is_upper)  # "an Olkha MLRS"


def weapon_key(model: str, gazetteer: Gazetteer) -> str | None:
    """The gazetteer weapon a model name is, also as a numbered variant ("Kinzhal-47s" -> Kinzhal)."""
    for text in (model, _VARIANT.sub("", model)):
        entry = gazetteer.lookup(text) if text else None
        if entry is not None and entry.kind in ("weapon", "equipment"):
            return entry.key
    return None
