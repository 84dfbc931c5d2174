"""Statements: direct quotes and reported speech, with speaker, cue verb, medium and stance.

A pure function of the parsed Doc and the article's entity mentions. A quote's speaker is the
subject of the nearest verb of saying outside the quote in its sentence ("…,” Peskov said),
resolved through the mentions, through pronouns to the last person or organisation named, or
kept as an unnamed source described in words ("a senior Ukrainian official") — never guessed.
A quote with no verb of saying continues the previous speaker's quote in the paragraph before.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from kg.nlp.facts import Ref, Speaker, Statement
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, Mention
from kg.nlp.names import surname_key
from kg.nlp.quotes import inside, quote_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

CUES = frozenset(
    "say tell add claim deny accuse blame write post tweet state announce insist warn suggest demand "
    "speculate confirm note argue declare stress explain vow threaten reply respond allege report "
    "question believe think".split()
)
# Cues that may introduce reported speech (a clause of their own), not only attribute a quote.
_REPORTING = CUES - {"think", "believe", "question", "report"}
_STANCE_BY_CUE = {
    "deny": "denies", "reject": "denies", "dismiss": "denies",
    "accuse": "accuses", "blame": "accuses", "allege": "accuses",
    "demand": "demands", "urge": "demands", "call": "demands",
    "speculate": "speculates", "suggest": "speculates", "question": "speculates",
}
_SPECULATIVE = ("maybe", "may ", "might", "could", "possibly", "perhaps", "likely", "i think", "would be")
_DENIALS = ("not attacking", "nothing to do", "did not attack", "didn’t attack", "didn't attack", "does not attack",
            "not an assassination", "deny", "denied", "not behind", "not involved")
_VENUE_NOUNS = frozenset("statement post video interview comment conference briefing event address message "
                         "website broadcast show column letter".split())
_RECENT = 300  # characters: a pronoun right after a quote refers to its speaker
_PRONOUNS_PERSON = frozenset("he she i we".split())
_PRONOUNS_OTHER = frozenset("it they".split())
_DESCRIBABLE = frozenset("official officials embassy spokesman spokeswoman spokesperson analyst analysts source "
                         "sources ministry authorities expert experts diplomat diplomats adviser advisers "
                         "aide aides officer officers lawmaker lawmakers statement agency".split())


class _Context:
    def __init__(self, doc: "Doc", mentions: tuple[Mention, ...]):
        self.doc = doc
        self.text = doc.text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.quotes = quote_spans(doc.text)
        self.sentences = list(doc.sents)
        self.sentence_starts = [s.start_char for s in self.sentences]
        self.position: dict[int, int] = {}  # id(Speaker) -> where its statement starts

    def sentence_index(self, char: int) -> int:
        return max(0, bisect_right(self.sentence_starts, char) - 1)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]

    def last_before(self, char: int, kinds: tuple[str, ...]) -> Mention | None:
        for m in reversed(self.mentions[: bisect_right(self.starts, char)]):
            if m.kind in kinds and m.end <= char and not inside(self.quotes, m.start, m.end):
                return m
        return None


def _ref(m: Mention | None) -> Ref | None:
    return (m.start, m.end) if m is not None else None


def _subject(cue: "Token") -> "Token | None":
    for token in (cue, cue.head if cue.dep_ in ("conj", "xcomp", "advcl") else None):
        if token is None:
            continue
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
    return None


def _speaker(ctx: _Context, cue: "Token", before: int, previous: Speaker | None) -> Speaker | None:
    subject = _subject(cue)
    if subject is None:  # a broken parse: the person named before the verb in its sentence
        sentence = cue.sent
        people = [m for m in ctx.mentions_in(sentence.start_char, cue.idx)
                  if m.kind == PERSON and not inside(ctx.quotes, m.start, m.end)]
        return Speaker(ref=_ref(people[0])) if people else None
    core = [subject, *(t for c in subject.children if c.dep_ in ("appos", "compound", "flat") for t in c.subtree)]
    named = [m for t in core for m in ctx.mentions if m.start <= t.idx < m.end and m.kind in (PERSON, ORGANIZATION, COUNTRY)]
    named = [m for m in named if not inside(ctx.quotes, m.start, m.end)]
    people = [m for m in named if m.kind == PERSON]
    if people or (named and subject.lemma_ not in _DESCRIBABLE):
        return Speaker(ref=_ref((people or named)[0]))
    word = subject.lower_
    if word in _PRONOUNS_PERSON:
        return _nearest(ctx, previous, ctx.last_before(before, (PERSON,)), (PERSON,))
    if subject.lemma_ == "statement" and previous is not None:
        return previous  # "the statement said": whoever issued the statement quoted before
    if word in _PRONOUNS_OTHER or subject.lemma_ == "statement":
        return _nearest(ctx, previous, ctx.last_before(before, (ORGANIZATION, COUNTRY)), (ORGANIZATION, COUNTRY))
    if subject.text[:1].isupper():
        known = _person_by_surname(ctx, subject.text, before)
        if known is not None:
            return Speaker(ref=_ref(known))
    if subject.lemma_ in _DESCRIBABLE or subject.pos_ == "NOUN":
        words = ctx.doc[subject.left_edge.i : subject.right_edge.i + 1]
        if len(words) > 12:
            words = ctx.doc[subject.left_edge.i : subject.i + 1]
        return Speaker(description=words.text, start=words.start_char, end=words.end_char)
    return None


def _nearest(ctx: _Context, previous: Speaker | None, mention: Mention | None, kinds: tuple[str, ...]) -> Speaker | None:
    """A pronoun's speaker: the previous statement's, unless a fitting name came after it."""
    fits = previous is not None and (previous.ref is None or _kind_at(ctx, previous.ref) in kinds)
    recent = fits and ctx.position.get(id(previous), -10**9) + _RECENT > (mention.start if mention else 0)
    if fits and (mention is None or recent or ctx.position.get(id(previous), 0) >= mention.start):
        return previous
    return Speaker(ref=_ref(mention)) if mention is not None else (previous if fits else None)


def _person_by_surname(ctx: _Context, word: str, before: int) -> Mention | None:
    """"Zelenskyy said", where the NER missed the name: the person of that surname named before."""
    key = surname_key(word)
    for m in reversed(ctx.mentions[: bisect_right(ctx.starts, before)]):
        if m.kind == PERSON and surname_key(m.text) == key:
            return m
    return None


def _kind_at(ctx: _Context, ref: Ref) -> str | None:
    return next((m.kind for m in ctx.mentions if (m.start, m.end) == ref), None)


def _medium(ctx: _Context, cue: "Token") -> tuple[Ref | None, str | None]:
    """Telegram, RIA Novosti (entities) or "statement", "news conference" (words)."""
    head = cue.head if cue.dep_ in ("conj",) else cue
    for token in (cue, head):
        for child in token.children:
            if child.dep_ == "dobj" and cue.lemma_ == "tell" or child.dep_ == "dative":
                found = _entity_in(ctx, child, (ORGANIZATION,))
                if found:
                    return found, None
            if child.dep_ == "prep" and child.lower_ in ("on", "in", "at", "during", "to"):
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    found = _entity_in(ctx, pobj, (ORGANIZATION,))
                    if found:
                        return found, None
                    if pobj.lemma_ in _VENUE_NOUNS:
                        words = [t for t in pobj.subtree if t.dep_ in ("compound", "amod") or t == pobj]
                        return None, " ".join(t.lower_ for t in words)
    return None, None


def _entity_in(ctx: _Context, token: "Token", kinds: tuple[str, ...]) -> Ref | None:
    lo, hi = token.left_edge.idx, token.right_edge.idx + len(token.right_edge)
    found = [m for m in ctx.mentions_in(lo, hi) if m.kind in kinds]
    return _ref(found[0]) if found else None


def stance_of(cue: str | None, words: str) -> str:
    if cue in _STANCE_BY_CUE:
        return _STANCE_BY_CUE[cue]
    lowered = f" {words.lower()} "
    if any(d in lowered for d in _DENIALS):
        return "denies"
    if any(f" {s}" in lowered for s in _SPECULATIVE):
        return "speculates"
    return "asserts"


def _is_cue(ctx: _Context, t: "Token") -> bool:
    return t.lemma_ in CUES and t.pos_ in ("VERB", "AUX") and not inside(ctx.quotes, t.idx, t.idx + 1)


def _cue_for_quote(ctx: _Context, start: int, end: int) -> "Token | None":
    """The verb of saying the quote hangs from in the parse ("suggested that “…” could"), else the
    nearest one after it in its sentence (or right after it), else the nearest before it."""
    words = [t for t in ctx.doc if start <= t.idx < end]
    for token in words:
        head, steps = token.head, 0
        while head is not head.head and start <= head.idx < end and steps < 8:
            head, steps = head.head, steps + 1
        for _ in range(3):
            if _is_cue(ctx, head) and not (start <= head.idx < end):
                return head
            if head is head.head:
                break
            head = head.head
    last = ctx.sentences[ctx.sentence_index(end - 1)]
    first = ctx.sentences[ctx.sentence_index(start)]
    after = [t for t in last if t.idx >= end and _is_cue(ctx, t)]
    if not after and last.end < len(ctx.doc) and ctx.doc[last.end].idx - end < 4:
        following = ctx.sentences[ctx.sentence_index(ctx.doc[last.end].idx)]
        after = [t for t in following if _is_cue(ctx, t) and "\n" not in ctx.text[end : t.idx]
                 and not any(end <= s < t.idx for s, _ in ctx.quotes)]
    if after:
        return after[0]
    before = [t for t in first if t.idx < start and _is_cue(ctx, t)]
    return before[-1] if before else None


def _according_to(ctx: _Context, sentence: "Span") -> Ref | None:
    for token in sentence:
        if token.lower_ == "according" and token.i + 1 < len(ctx.doc) and ctx.doc[token.i + 1].lower_ == "to":
            for child in ctx.doc[token.i + 1].children:
                if child.dep_ == "pobj":
                    return _entity_in(ctx, child, (ORGANIZATION, PERSON, COUNTRY))
    return None


def _strip_punct(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and (text[end - 1] in ",;:" or text[end - 1].isspace()):
        end -= 1
    return start, end


def _direct(ctx: _Context, reported: list[Statement]) -> list[Statement]:
    result: list[Statement] = []
    for start, end in ctx.quotes:
        start, end = _strip_punct(ctx.text, start, end)
        earlier = [s for s in result + reported if s.start < start]
        previous = max(earlier, key=lambda s: s.start) if earlier else None
        for statement in earlier:
            if statement.speaker is not None:
                ctx.position[id(statement.speaker)] = statement.end
        cue = _cue_for_quote(ctx, start, end)
        speaker, medium, venue, lemma = None, None, None, None
        if cue is not None:
            lemma = cue.lemma_
            speaker = _speaker(ctx, cue, start, previous.speaker if previous else None)
            medium, venue = _medium(ctx, cue)
        else:
            by = _according_to(ctx, ctx.sentences[ctx.sentence_index(start)])
            if by is not None:
                speaker, lemma = Speaker(ref=by), "according to"
            elif previous is not None and _continues(ctx, previous, start):
                speaker, medium, venue, lemma = previous.speaker, previous.medium, previous.venue, previous.cue
        if speaker is None:
            continue  # scare quotes and titles: quoted words nobody is said to have said
        words = ctx.text[start:end]
        statement = Statement(start=start, end=end, text=words, direct=True, sentence=ctx.sentence_index(start),
                              speaker=speaker, cue=lemma, medium=medium, venue=venue,
                              stance=stance_of(lemma, words))
        result.append(statement)
    return result


def _continues(ctx: _Context, previous: Statement, start: int) -> bool:
    """A quote right after the previous one, with nothing but its paragraph break between."""
    between = ctx.text[previous.end : start]
    return "\n\n" not in between.strip() or (len(between) < 40 and "\n" in between)


def _reported(ctx: _Context) -> list[Statement]:
    result = []
    for token in ctx.doc:
        if token.lemma_ not in _REPORTING or token.pos_ not in ("VERB", "AUX"):
            continue
        if inside(ctx.quotes, token.idx, token.idx + 1):
            continue
        clause = next((c for c in token.children if c.dep_ == "ccomp" and any(
            g.dep_ in ("nsubj", "nsubjpass", "expl") for g in c.children)), None)
        if clause is not None:
            lo, hi = clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge)
        elif token.lemma_ == "deny" and any(c.dep_ == "dobj" for c in token.children):
            lo, hi = token.idx + len(token) + 1, token.sent.end_char  # "denied his country was behind …"
        else:
            continue
        if any(s < hi and lo < e for s, e in ctx.quotes):
            continue  # the clause quotes: the direct statement already covers it
        start, end = _strip_punct(ctx.text, lo, hi)
        speaker = _speaker(ctx, token, token.idx, None)
        if speaker is None or end - start < 8:
            continue
        medium, venue = _medium(ctx, token)
        words = ctx.text[start:end]
        result.append(Statement(start=start, end=end, text=words, direct=False, sentence=ctx.sentence_index(start),
                                speaker=speaker, cue=token.lemma_, medium=medium, venue=venue,
                                stance=stance_of(token.lemma_, words)))
    return result


def extract_statements(doc: "Doc", mentions: tuple[Mention, ...]) -> tuple[Statement, ...]:
    """Every direct and reported statement of a parsed article, in text order."""
    ctx = _Context(doc, mentions)
    reported = _reported(ctx)
    found = _direct(ctx, reported) + reported
    return tuple(sorted(found, key=lambda s: (s.start, s.end)))
