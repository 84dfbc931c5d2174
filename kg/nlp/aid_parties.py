"""Who gives an aid package, who announces it and who receives it, from the parse of the
package's sentences.

- The subject of an announcing or giving verb ("announced", "will provide") is the funder when it is
  a country or a capital standing for its government ("Washington would provide …"), the
  announcer when it is a person or an organisation; the funder is then the country that person or
  organisation speaks for (the role "US President Joe Biden", the demonym in "German Defence
  Ministry", or an office that announces for a country: the Pentagon).
- The object of a giving verb, its "to"/"for" phrase, the "for" phrase of the package noun
  ("a package for Ukraine") and the subject of a receiving verb ("Ukraine will receive") are the
  recipient; a capital there stands for its country ("provide Kyiv with …").
The funder, announcer and recipient are always mentions of the article (the evidence of the fact).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, NamedTuple

from kg.nlp import lexicon
from kg.nlp.doc_text import doc_text
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.mention import COUNTRY, PERSON, PLACE, Mention

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


class Parties(NamedTuple):
    funder: Mention | None
    announcer: Mention | None
    recipient: Mention | None


def find_parties(sentences: list["Span"], mentions: list[Mention], gazetteer: Gazetteer) -> Parties:
    """The package's parties from its sentences, the amount's own sentence first."""
    funder = announcer = recipient = None
    for sentence in sentences:
        for token in sentence:
            if token.pos_ not in ("VERB", "AUX"):
                continue
            gives = token.lemma_ in lexicon.words("aid_announce_verbs") or token.lemma_ in lexicon.words("aid_content_verbs")
            receives = token.lemma_ in lexicon.words("aid_receive_verbs")
            if not (gives or receives):
                continue
            for subject in (c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")):
                found = _covering(mentions, subject)
                if found is None:
                    continue
                if receives and _country(found, mentions, gazetteer) is not None:
                    recipient = recipient or _country(found, mentions, gazetteer)
                elif gives and _country(found, mentions, gazetteer) is not None:
                    funder = funder or _country(found, mentions, gazetteer)
                    if found.kind != COUNTRY:  # a government (or its capital) giving also announces
                        announcer = announcer or found
                elif gives and found.kind != PLACE:
                    announcer = announcer or found
            if gives:
                recipient = recipient or _receiver(token, mentions, gazetteer)
                announcer = announcer or _reporting_speaker(token, mentions)
        for noun in sentence:
            if noun.lemma_ in lexicon.words("aid_package_nouns") or noun.lemma_ in ("aid", "assistance"):
                recipient = recipient or _receiver(noun, mentions, gazetteer)
    recipient = recipient or _sent_to(sentences, mentions)
    if funder is None and announcer is not None:
        funder = _speaks_for(announcer, mentions, gazetteer)
    return Parties(funder, announcer, recipient)


def _reporting_speaker(verb: "Token", mentions: list[Mention]) -> Mention | None:
    """"Biden added that his administration will send …": who said that the package is given."""
    head = verb.head
    if verb.dep_ not in ("ccomp", "xcomp") or lexicon.mapping("speech_cues").get(head.lemma_) != "reports":
        return None
    for subject in (c for c in head.children if c.dep_ == "nsubj"):
        found = _covering(mentions, subject)
        if found is not None and found.kind != PLACE:
            return found
    return None


def _receiver(head: "Token", mentions: list[Mention], gazetteer: Gazetteer) -> Mention | None:
    """The country a giving verb or a package noun is for: its object, or its to/for phrase."""
    for child in head.children:
        if child.dep_ in ("dative", "dobj", "iobj") and head.pos_ in ("VERB", "AUX"):
            targets = [child]
        elif child.dep_ == "prep" and child.lower_ in ("to", "for"):
            targets = [c for c in child.children if c.dep_ == "pobj"]
        else:
            continue
        for target in targets:
            found = _covering(mentions, target)
            country = _country(found, mentions, gazetteer) if found is not None else None
            if country is not None:
                return country
    return None


def _sent_to(sentences: list["Span"], mentions: list[Mention]) -> Mention | None:
    """"… sent to Ukraine …": a country right after "to" in the package's sentences, when no verb said it."""
    for sentence in sentences:
        for m in mentions:
            if (m.kind == COUNTRY and sentence.start_char <= m.start < sentence.end_char
                    and doc_text(sentence.doc)[max(0, m.start - 3):m.start] == "to "):
                return m
    return None


def _covering(mentions: list[Mention], token: "Token") -> Mention | None:
    return next((m for m in mentions if m.start <= token.idx < m.end), None)


def _country(mention: Mention, mentions: list[Mention], gazetteer: Gazetteer) -> Mention | None:
    """The mention itself for a country; for a capital (as a place, or acting as its government),
    the article's mention of that country, else the capital's own mention; None for anything else."""
    if mention.kind == COUNTRY:
        return mention
    entry = gazetteer.get(mention.gazetteer_key) if mention.gazetteer_key else None
    if entry is None:
        return None
    if entry.capital_of is not None:  # "Kyiv" as a place
        code = entry.capital_of
    elif entry.key.startswith("government/") and entry.country:  # "Ottawa would provide": the capital acting
        code = entry.country
    else:
        return None
    country = _countries(gazetteer).get(code)
    return (_mention_of(country, mentions) if country else None) or mention


def _speaks_for(announcer: Mention, mentions: list[Mention], gazetteer: Gazetteer) -> Mention | None:
    """The country an announcer speaks for, when the article mentions that country."""
    keys: list[str] = []
    if announcer.kind == PERSON:  # the role given where the article introduces them ("US President Joe Biden")
        surname = announcer.text.split()[-1]
        keys += [m.role.affiliation_key for m in mentions if m.kind == PERSON and m.role is not None
                 and m.role.affiliation_key and m.text.split()[-1] == surname]
    if announcer.gazetteer_key:
        keys.append(lexicon.mapping("aid_announcers_for_country").get(announcer.gazetteer_key, ""))
    if announcer.kind != PERSON:  # "German Defence Ministry", "U.S. State Department"
        for word in announcer.text.split()[:2]:
            entry = gazetteer.demonym(word) or gazetteer.lookup(word)
            if entry is not None and entry.kind == COUNTRY:
                keys.append(entry.key)
    for key in keys:
        found = _mention_of(key, mentions) if key else None
        if found is not None:
            return found
    return None


_COUNTRIES: "weakref.WeakKeyDictionary[Gazetteer, dict[str, str]]" = weakref.WeakKeyDictionary()


def _countries(gazetteer: Gazetteer) -> dict[str, str]:
    """ISO code -> the country's gazetteer key (a capital's `capital_of` is the code)."""
    if gazetteer not in _COUNTRIES:
        _COUNTRIES[gazetteer] = {e.country: e.key for e in sorted(gazetteer.entries(), key=lambda e: e.key)
                                 if e.kind == COUNTRY and e.country}
    return _COUNTRIES[gazetteer]


def _mention_of(key: str, mentions: list[Mention]) -> Mention | None:
    return next((m for m in mentions if m.gazetteer_key == key), None)
