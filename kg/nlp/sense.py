"""Place or actor: which sense a place name takes in its sentence.

Some places also act: "drones over the Kremlin" is the fortress, "the Kremlin said" is the
presidential administration; "a city like Kyiv" is the city, "Kyiv denied" is Ukraine's government.
The parse decides: a name that is the subject of a verb (not "Kyiv was the target of attacks"), the object of a verb of giving, asking or
blaming ("provide Kyiv with"), joined by a hyphen to a participle ("Moscow-backed"), the agent of a passive ("by Moscow"),
the owner of a non-spatial noun ("the Kremlin's forces"), the modifier of a role or actor noun
("Kremlin spokesman"), or the source of speech ("denials from Kyiv") acts; anything else is a place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.doc_text import doc_text
from kg.vocab import Sense

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

PLACE_SENSE = Sense.PLACE
ACTOR_SENSE = Sense.ACTOR


@dataclass(frozen=True)
class _Words:
    """The word lists of place senses (kg/nlp/lexicon/en), loaded on first use."""

    spatial: frozenset[str]  # nouns whose owner is a location: "on the Kremlin's territory"
    actor: frozenset[str]  # nouns a place name modifies when it stands for who acts: "Kremlin spokesman"
    speech: frozenset[str]  # "denials from Kyiv": the place is the source of the speech
    local_titles: frozenset[str]  # titles whose holder serves the place itself, not its government
    object_verbs: frozenset[str]  # verbs whose object receives or is asked: "provide Kyiv with"
    participles: frozenset[str]  # "Moscow-backed": the place did it


@lexicon.cached
def _words() -> _Words:
    return _Words(lexicon.words("sense_spatial_nouns"), lexicon.words("sense_actor_nouns"),
                  lexicon.words("sense_speech_nouns"), lexicon.words("sense_local_titles"),
                  lexicon.words("sense_actor_object_verbs"), lexicon.words("sense_actor_participles"))


def _line_start(span: "Span") -> int:
    text = doc_text(span.doc)
    return text.rfind("\n", 0, span.start_char) + 1


def _compound_heads(token) -> list:
    """The nouns a modifier chain leads to: "Pentagon press secretary Whitfield" -> press, secretary, Whitfield."""
    heads: list["Token"] = []
    while token.dep_ in ("compound", "amod", "nmod") and token.head.i != token.i and len(heads) < 4:
        token = token.head
        heads.append(token)
    return heads


def _hyphen_participle(span: "Span") -> bool:
    """"Moscow-backed", "Moscow-annexed": a place joined by a hyphen to what it did."""
    doc, end = span.doc, span.end
    return (end + 1 < len(doc) and doc[end].text == "-" and not span[-1].whitespace_ and not doc[end].whitespace_
            and doc[end + 1].lower_ in _words().participles)


def place_sense(span: "Span") -> Sense:
    """Which sense (Sense.ACTOR or Sense.PLACE) a mention of a place that can also act has here."""
    if span.text.isupper() and span.start_char == _line_start(span):
        return PLACE_SENSE  # a dateline: "MOSCOW — …"
    root = span.root
    dep, head = root.dep_, root.head
    if dep == "nsubj" and any(c.dep_ == "attr" and c.lemma_.lower() in lexicon.words("event_target_nouns")
                              for c in head.children):
        return PLACE_SENSE  # "Kyiv was the target of attacks": what was hit, not who acts
    if dep in ("nsubj", "csubj") or _hyphen_participle(span):
        return ACTOR_SENSE
    if dep == "dobj" and head.lemma_.lower() in _words().object_verbs:
        return ACTOR_SENSE  # "provide Kyiv with …", "urged Moscow to …"
    if dep == "pobj" and head.dep_ == "agent":
        return ACTOR_SENSE
    if dep == "pobj" and head.lower_ == "by" and head.head.pos_ in ("NOUN", "VERB"):
        return ACTOR_SENSE
    if dep == "pobj" and head.lower_ == "from" and (
        head.head.lower_ in _words().speech or any(c.dep_ == "dobj" and c.lower_ in _words().speech for c in head.head.children)
    ):
        return ACTOR_SENSE  # speech from a place: "denials from X", "(received) warnings from X"
    if dep == "pobj" and head.lower_ == "to" and head.head.lower_ == "according":
        return ACTOR_SENSE  # "according to the Pentagon"
    if dep == "poss":
        return PLACE_SENSE if head.lower_ in _words().spatial else ACTOR_SENSE
    if dep in ("compound", "amod", "nmod"):
        heads = _compound_heads(root)
        if any(h.lower_ in _words().local_titles for h in heads):
            return PLACE_SENSE
        if any(h.lower_ in _words().actor for h in heads):
            return ACTOR_SENSE
    if dep == "conj" and head.dep_ in ("nsubj", "csubj"):
        return ACTOR_SENSE
    return PLACE_SENSE
