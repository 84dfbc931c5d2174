"""Place or actor: which sense a place name takes in its sentence.

Some places also act: "drones over the Kremlin" is the fortress, "the Kremlin said" is the
presidential administration; "a city like Kyiv" is the city, "Kyiv denied" is Ukraine's government.
The parse decides: a name that is the subject of a verb, the agent of a passive ("by Moscow"),
the owner of a non-spatial noun ("the Kremlin's forces"), the modifier of a role or actor noun
("Kremlin spokesman"), or the source of speech ("denials from Kyiv") acts; anything else is a place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span

PLACE_SENSE = "place"
ACTOR_SENSE = "actor"

# Nouns whose owner is a location, not an actor: "on Kremlin's territory", "the Kremlin grounds".
_SPATIAL_NOUNS = frozenset(
    "territory grounds ground walls wall dome roof building buildings complex compound square "
    "gate gates tower towers palace senate heart centre center outskirts suburbs streets street "
    "skies sky airspace area region border borders river embankment residence".split()
)
# Nouns a place name modifies when it stands for who acts: "Kremlin spokesman", "Kyiv's military".
_ACTOR_NOUNS = frozenset(
    "spokesman spokeswoman spokesperson official officials forces force military army troops "
    "regime government leadership administration claim claims statement statements response "
    "reaction denial denials accusation accusations allegation allegations version narrative "
    "propaganda policy position decision demand demands threat threats warning warnings plan plans "
    "aide aides adviser advisers advisor envoy diplomats negotiators critics readout secretary press "
    "minister ministry chief head officer officers staff".split()
)
_SPEECH_NOUNS = frozenset(
    "denial denials statement statements claim claims response reaction word words comment "
    "comments accusation accusations demand demands warning warnings".split()
)
_SOURCE_VERBS = frozenset("coming comes come came emerging".split())
# Titles whose holder serves the place itself, not the government it stands for.
_LOCAL_TITLES = frozenset("mayor mayer governor".split())


def _line_start(span: "Span") -> int:
    text = span.doc.text
    return text.rfind("\n", 0, span.start_char) + 1


def _compound_heads(token) -> list:
    """The nouns a modifier chain leads to: "Pentagon press secretary Whitfield" -> press, secretary, Whitfield."""
    heads = []
    while token.dep_ in ("compound", "amod", "nmod") and token.head is not token and len(heads) < 4:
        token = token.head
        heads.append(token)
    return heads


def place_sense(span: "Span") -> str:
    """"actor" or "place" for a mention of a place that can also act."""
    if span.text.isupper() and span.start_char == _line_start(span):
        return PLACE_SENSE  # a dateline: "MOSCOW — …"
    root = span.root
    dep, head = root.dep_, root.head
    if dep in ("nsubj", "csubj"):
        return ACTOR_SENSE
    if dep == "pobj" and head.dep_ == "agent":
        return ACTOR_SENSE
    if dep == "pobj" and head.lower_ == "by" and head.head.pos_ in ("NOUN", "VERB"):
        return ACTOR_SENSE
    if dep == "pobj" and head.lower_ == "from" and (
        head.head.lower_ in _SPEECH_NOUNS or any(c.dep_ == "dobj" and c.lower_ in _SPEECH_NOUNS for c in head.head.children)
    ):
        return ACTOR_SENSE  # "denials from Kyiv", "drew denials from Kyiv"
    if dep == "pobj" and head.lower_ == "to" and head.head.lower_ == "according":
        return ACTOR_SENSE  # "according to the Pentagon"
    if dep == "pobj" and head.lower_ == "of" and head.head.lower_ == "out" and head.head.head.lower_ in _SOURCE_VERBS:
        return ACTOR_SENSE  # "anything coming out of the Kremlin"
    if dep == "poss":
        return PLACE_SENSE if head.lower_ in _SPATIAL_NOUNS else ACTOR_SENSE
    if dep in ("compound", "amod", "nmod"):
        heads = _compound_heads(root)
        if any(h.lower_ in _LOCAL_TITLES for h in heads):
            return PLACE_SENSE
        if any(h.lower_ in _ACTOR_NOUNS for h in heads):
            return ACTOR_SENSE
    if dep == "conj" and head.dep_ in ("nsubj", "csubj"):
        return ACTOR_SENSE
    return PLACE_SENSE
