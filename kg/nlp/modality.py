"""Whether an event is reported as real: the modality of an event trigger (kgo:modality).

"Could be used as a pretext for an attack" (hypothetical), "Russia will strike" (future), "called
for strikes on …" (called for), "if the drones came from Ukraine" (conditional): the cues are read
on the trigger and on the words that govern it within its clause (`event_modality_cues` lexicon).
The walk up the parse stops at the verb of a reported clause and never goes from a subject to its
verb: in "the attack could have been staged" the modal is about the staging, not the attack.
Events with a modality are kept (a researcher may want them) and never merged with real ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.syntax import with_to
from kg.vocab import EventType, Modality

if TYPE_CHECKING:
    from spacy.tokens import Token

_ORDER = (Modality.CONDITIONAL, Modality.CALLED_FOR, Modality.HYPOTHETICAL, Modality.FUTURE)
_STEPS = 4
_CLAUSE_ENDS = ("nsubj", "nsubjpass", "ROOT", "ccomp", "relcl", "acl", "advcl", "parataxis")


def _chain(trigger: "Token") -> list["Token"]:
    """The trigger and the words governing it within its clause, and the noun a "to"-infinitive
    trigger completes ("plans to attack")."""
    chain, node = [trigger], trigger
    for _ in range(_STEPS):
        if node.dep_ == "acl" and with_to(node):
            chain.append(node.head)  # "has plans to attack", "a call to strike": the noun it completes
            break
        if node.dep_ in _CLAUSE_ENDS or node.head.i == node.i:
            break
        node = node.head
        chain.append(node)
    return chain


def _own(chain: list["Token"]) -> list["Token"]:
    """The part of the chain whose auxiliaries are about the event: up to a verb that the trigger is
    only a circumstance of ("Prigozhin will move to Belarus under a deal", "Moscow would respond to
    the attack": the deal and the attack are not future or hypothetical)."""
    for i, node in enumerate(chain[:-2]):
        if node.dep_ == "pobj" and chain[i + 1].dep_ == "prep" and chain[i + 2].pos_ in ("VERB", "AUX"):
            return chain[: i + 2]
    return chain


def modality(trigger: "Token", event_type: EventType) -> Modality | None:
    """The modality of the event `trigger` opens, None when it is reported as real."""
    cues = lexicon.mapping("event_modality_cues")
    if event_type in cues.get("exempt_types", ()):
        return None
    chain = _chain(trigger)
    aux = {c.lower_ for t in _own(chain) for c in t.children if c.dep_ in ("aux", "auxpass")}
    # "if" of the trigger's own clause, or of a condition clause attached to it ("if …, Russia will strike")
    clauses = [*chain, *(c for c in trigger.children if c.dep_ == "advcl" and trigger.pos_ == "VERB")]
    marks = {c.lower_ for t in clauses for c in t.children if c.dep_ == "mark"}
    governors = {t.lemma_.lower() for t in chain[1:]}
    modifiers = {c.lower_ for c in trigger.children if c.dep_ in ("amod", "compound")}
    for kind in _ORDER:
        found = cues[kind]
        if (aux & set(found.get("aux", ())) or marks & set(found.get("marks", ()))
                or governors & set(found.get("governors", ())) or modifiers & set(found.get("modifiers", ()))):
            return kind
    return None
