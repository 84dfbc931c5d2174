"""What a verb of saying reports (kg/nlp/statements.py finds the verbs and their speakers): its
clause ("said [Kyiv was behind it]"), the words before it when it is set in them ("[drones were
shot down], officials said, …"), the object of a verb of reporting ("reported [explosions in two
districts]"), an accusation with its charge, a "to"-infinitive ("vowed [to punish …]"), or the
words a verb frames around a partial quote ("[accused him of “treason”]")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.attribution import credited_by
from kg.nlp.attribution import words as _words
from kg.nlp.syntax import with_to

if TYPE_CHECKING:
    from spacy.tokens import Token


def clause_of(cue: "Token", quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The words a verb of saying reports, as (start, end) characters, or None: its clauses (the
    whole sentence before it when it ends the sentence), the words it is set in, those an "as …
    by X" clause credits, the object of "deny" or of a verb of reporting, an accusation with its
    charge, a "to"-infinitive, or the verb and its object around a partial quote (see the module)."""
    clauses = [c for c in cue.children if c.dep_ == "ccomp" and not _semicolon_between(c, cue) and _has_subject(c)]
    if clauses and cue.lemma_ in _words().reporting:  # "the toll was at three, and it rose to 25, X reported"
        last = max((c.right_edge for c in clauses), key=lambda t: t.i)
        if _closes_sentence(cue, last):  # "A, and B, X reported.": the whole sentence before X
            return cue.sent.start_char, last.idx + len(last)
        return min(c.left_edge.idx for c in clauses), last.idx + len(last)
    if _parenthetical(cue):  # "drones were shot down, officials said, a day after …": what comes before
        return cue.head.left_edge.idx, cue.left_edge.idx
    if credited_by(cue) is not None:  # "…, as confirmed by the committee" / "As reported by TASS, …"
        if cue.i > cue.head.i:
            return cue.sent.start_char, cue.left_edge.idx
        words = [t for t in cue.doc[cue.right_edge.i + 1:cue.sent.end] if not t.is_punct]
        return (words[0].idx, words[-1].idx + len(words[-1])) if words else None
    if cue.lemma_ == "deny" and any(c.dep_ == "dobj" for c in cue.children):
        return cue.idx + len(cue) + 1, cue.sent.end_char  # "denied his country was behind …"
    told = _object_told(cue)
    if told is not None:  # "reported explosions in two districts"
        return told.left_edge.idx, told.right_edge.idx + len(told.right_edge)
    charge = _charge(cue)
    if charge is not None:  # "accused Russia of destroying the dam"
        return cue.idx, charge.right_edge.idx + len(charge.right_edge)
    action = _to_do(cue)
    if action is not None:  # "vowed to punish …", "told residents to evacuate"
        obj = next((c for c in cue.children if c.dep_ == "dobj" and c.i < action.i), None)
        first = obj.left_edge if obj is not None else cue
        return first.idx, action.right_edge.idx + len(action.right_edge)
    objects = [c for c in cue.children if c.dep_ in ("dobj", "oprd", "xcomp", "prep", "attr")]
    if not objects:
        return None
    last = max((c.right_edge for c in objects), key=lambda t: t.i)
    lo, hi = cue.idx, last.idx + len(last)
    framed = any(lo < s and e <= hi + 1 for s, e in quotes)
    return (lo, hi) if framed else None


def _has_subject(clause: "Token") -> bool:
    """A clause with a subject of its own; also when the parser hung it from the auxiliary ("said
    [the bridge was closed]": "bridge" under "was", "was" under "closed")."""
    heads = [clause, *(c for c in clause.children if c.dep_ in ("aux", "auxpass"))]
    return any(g.dep_ in ("nsubj", "nsubjpass", "expl") for h in heads for g in h.children)


def _closes_sentence(cue: "Token", last: "Token") -> bool:
    """"The toll was at three, and the injured rose to 25, the mayor reported.": an attribution that
    ends its sentence, after all the words it reports, credits the whole sentence before it, however
    the parser joined its clauses (it may hang only the last one from the verb)."""
    subject = next((c for c in cue.children if c.dep_ == "nsubj"), None)
    rest = cue.doc[cue.right_edge.i + 1:cue.sent.end]
    return (subject is not None and last.i < subject.left_edge.i < cue.i
            and all(t.is_punct or t.is_space for t in rest) and not any(t.text == ";" for t in cue.sent))


def _semicolon_between(clause: "Token", cue: "Token") -> bool:
    """"Rescue work goes on; the service says …": a clause the parser hangs from a verb of saying
    across a semicolon is another sentence in all but punctuation, not what was said."""
    lo, hi = (clause.right_edge.i + 1, cue.i) if clause.i < cue.i else (cue.i + 1, clause.left_edge.i)
    return any(t.text == ";" for t in cue.doc[lo:hi])


def _parenthetical(cue: "Token") -> bool:
    """"…, officials said, a day after …": a verb of saying with its subject set in the sentence it
    reports, after the words and with none of its own."""
    return (cue.dep_ == "parataxis" and cue.head.i < cue.i and cue.lemma_ in _words().reporting
            and any(c.dep_ == "nsubj" for c in cue.children)
            and not any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in cue.children))


def _object_told(cue: "Token") -> "Token | None":
    """The object a verb of saying reports without a clause ("the mayor reported explosions in two
    districts"): not when the verb is negated, nor a pronoun, a gerund, a bare noun ("reported the
    shelling"), or the speech itself ("reported the story")."""
    if (cue.lemma_ not in lexicon.words("speech_cues_with_object") or cue.tag_ == "VB"
            or any(c.dep_ == "neg" for c in cue.children)):
        return None  # not reported yet ("to report", "will report"), or not reported
    obj = next((c for c in cue.children if c.dep_ == "dobj"), None)
    if (obj is None or obj.pos_ not in ("NOUN", "PROPN", "NUM") or obj.tag_ == "VBG"
            or obj.right_edge.i - obj.left_edge.i < 2 or obj.lower_ in lexicon.words("speech_meta_objects")):
        return None
    return obj


def _charge(cue: "Token") -> "Token | None":
    """The charge a verb of accusing states ("accused Russia [of destroying the dam]"), if it has
    one; none for an accusation still to come ("trying to accuse him of corruption")."""
    preposition = lexicon.mapping("speech_cues_with_charge").get(cue.lemma_) if cue.tag_ != "VB" else None
    return next((c for c in cue.children if c.dep_ == "prep" and c.lower_ == preposition
                 and any(g.dep_ in ("pcomp", "pobj") for g in c.children)), None) if preposition else None


def _to_do(cue: "Token") -> "Token | None":
    """The "to"-infinitive a verb of saying reports ("vowed to punish", "urged residents to leave")."""
    if cue.lemma_ not in _words().commits:
        return None
    return next((c for c in cue.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB" and with_to(c)), None)
