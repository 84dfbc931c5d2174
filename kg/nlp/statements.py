"""Statements: direct quotes and reported speech, with speaker, cue verb, medium and stance.

A pure function of the parsed Doc and the article's entity mentions. A quote's speaker is the
subject of the nearest verb of saying outside the quote in its sentence ("…,” Peskov said),
resolved through the mentions, through pronouns to the last person or organisation named, or
kept as an unnamed source described in words ("a senior Ukrainian official") — never guessed.
A quote with no verb of saying continues the previous speaker's quote in the paragraph before.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from kg.nlp import lexicon
from kg.nlp.according import according_to
from kg.nlp.discourse import Discourse, person_heads
from kg.nlp.facts import Ref, Speaker, Statement
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, Mention
from kg.nlp.names import surname_key
from kg.nlp.quotes import inside, quote_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token



@dataclass(frozen=True)
class _Words:
    """The word lists of attribution (kg/nlp/lexicon/en), loaded on first use."""

    cues: frozenset[str]
    reporting: frozenset[str]  # cues that may introduce reported speech (a clause of their own)
    stance_by_cue: dict[str, str]
    speculative: tuple[str, ...]
    denials: tuple[str, ...]
    venues: frozenset[str]
    describable: frozenset[str]  # head nouns of an unnamed source


@lru_cache(maxsize=1)
def _words() -> _Words:
    kinds = lexicon.mapping("speech_cues")
    return _Words(frozenset(kinds), frozenset(c for c, k in kinds.items() if k == "reports"),
                  lexicon.mapping("stance_by_cue"), lexicon.ordered("stance_speculative"),
                  lexicon.ordered("stance_denials"), lexicon.words("venue_nouns"),
                  lexicon.words("unnamed_source_heads"))


_PRONOUNS_PERSON = frozenset("he she i we".split())
_PRONOUNS_OTHER = frozenset("it they".split())


class _Context:
    def __init__(self, doc: "Doc", mentions: tuple[Mention, ...]):
        self.doc = doc
        self.text = doc.text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.quotes = quote_spans(doc.text)
        self.sentences = list(doc.sents)
        self.sentence_starts = [s.start_char for s in self.sentences]
        self.discourse = Discourse(doc, self.mentions, self.quotes)
        self.waiting: set[tuple[int, int]] = set()  # descriptions that the next speaker may name

    def sentence_index(self, char: int) -> int:
        return max(0, bisect_right(self.sentence_starts, char) - 1)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]


def _ref(m: Mention | None) -> Ref | None:
    return (m.start, m.end) if m is not None else None


def _subject(ctx: _Context, cue: "Token") -> "Token | None":
    """The subject of the verb of saying, or of the verb a participle or conjunct hangs from
    ("Putin said …, accusing …"), skipping subjects inside quotes and inside reported clauses."""
    token = cue
    for step in range(4):
        if step == 0 or token.dep_ != "ccomp":
            for child in token.children:
                if child.dep_ in ("nsubj", "nsubjpass") and not inside(ctx.quotes, child.idx, child.idx + 1):
                    return child
        if token.dep_ not in ("conj", "xcomp", "advcl", "ccomp") or token.head is token:
            return None
        token = token.head
    return None


def _speaker(ctx: _Context, cue: "Token", before: int, earlier: list[Statement]) -> Speaker | None:
    subject = _subject(ctx, cue)
    cited = _cited(ctx, cue)
    if cited is not None:  # "RIA reported, citing Peskov": the cited source spoke
        return Speaker(ref=_ref(cited))
    if subject is None:  # a broken parse: the person named before the verb in its sentence
        sentence = cue.sent
        people = [m for m in ctx.mentions_in(sentence.start_char, cue.idx)
                  if m.kind == PERSON and ctx.discourse.usable(m)]
        return Speaker(ref=_ref(people[0])) if people else None
    core = [subject, *(t for c in subject.children if c.dep_ in ("appos", "compound", "flat") for t in c.subtree)]
    named = [m for t in core for m in ctx.mentions if m.start <= t.idx < m.end and m.kind in (PERSON, ORGANIZATION, COUNTRY)]
    named = [m for m in named if ctx.discourse.usable(m)]
    people = [m for m in named if m.kind == PERSON]
    role = subject.lemma_.lower() in person_heads() and not any(subject.idx >= m.start and subject.idx < m.end for m in named)
    if role and not people:  # "Minister of Agrarian Policy Mykola Solskyi", "an adviser in Ukraine, Name,"
        lo, hi = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)
        people = [m for m in ctx.mentions_in(lo, hi) if m.kind == PERSON and ctx.discourse.usable(m)]
    if people:
        return Speaker(ref=_ref(people[0]))
    if named and not role and subject.lemma_ not in _words().describable:
        return Speaker(ref=_ref(named[0]))
    word = subject.lower_
    if word in _PRONOUNS_PERSON or word in _PRONOUNS_OTHER:
        return ctx.discourse.pronoun(word, before, earlier)
    if subject.lemma_ == "statement" and not named and earlier:
        return max(earlier, key=lambda s: s.start).speaker  # "the statement said": whoever issued the one before
    if subject.text[:1].isupper():
        known = _person_by_surname(ctx, subject.text, before)
        if known is not None:
            return Speaker(ref=_ref(known))
    if subject.lemma_ == "statement" and named:
        return Speaker(ref=_ref(named[0]))  # "a Kremlin statement said": the Kremlin, not its country
    introduced = ctx.discourse.described(subject, before, earlier)
    if introduced is not None:
        return introduced
    if subject.lemma_ in _words().describable or subject.pos_ == "NOUN" or role:
        words = ctx.doc[subject.left_edge.i : subject.right_edge.i + 1]
        if len(words) > 12:
            words = ctx.doc[subject.left_edge.i : subject.i + 1]
        if ctx.discourse.awaits_name(subject):
            ctx.waiting.add((words.start_char, words.end_char))
        return Speaker(description=words.text, start=words.start_char, end=words.end_char)
    return None


def _cited(ctx: _Context, cue: "Token") -> Mention | None:
    """The source an outlet's report cites ("…, RBC reported, citing Peskov"): the outlet only passed it on."""
    for child in cue.children:
        if child.lemma_ == "cite" and child.dep_ in ("advcl", "xcomp", "conj"):
            for obj in (c for c in child.children if c.dep_ == "dobj"):
                lo, hi = obj.left_edge.idx, obj.right_edge.idx + len(obj.right_edge)
                found = [m for m in ctx.mentions_in(lo, hi) if m.kind in (PERSON, ORGANIZATION, COUNTRY)]
                if found:
                    return found[0]
    return None


def _person_by_surname(ctx: _Context, word: str, before: int) -> Mention | None:
    """"Zelenskyy said", where the NER missed the name: the person of that surname named before."""
    key = surname_key(word)
    for m in reversed(ctx.mentions[: bisect_right(ctx.starts, before)]):
        if m.kind == PERSON and surname_key(m.text) == key:
            return m
    return None


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
                    if pobj.lemma_ in _words().venues:
                        words = [t for t in pobj.subtree if t.dep_ in ("compound", "amod") or t == pobj]
                        return None, " ".join(t.lower_ for t in words)
    return None, None


def _entity_in(ctx: _Context, token: "Token", kinds: tuple[str, ...]) -> Ref | None:
    lo, hi = token.left_edge.idx, token.right_edge.idx + len(token.right_edge)
    found = [m for m in ctx.mentions_in(lo, hi) if m.kind in kinds]
    return _ref(found[0]) if found else None


def stance_of(cue: str | None, words: str) -> str:
    if cue in _words().stance_by_cue:
        return _words().stance_by_cue[cue]
    lowered = f" {words.lower()} "
    if any(d in lowered for d in _words().denials):
        return "denies"
    if any(f" {s}" in lowered for s in _words().speculative):
        return "speculates"
    return "asserts"


def _is_cue(ctx: _Context, t: "Token") -> bool:
    return t.lemma_ in _words().cues and t.pos_ in ("VERB", "AUX") and not inside(ctx.quotes, t.idx, t.idx + 1)


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
                return _nearer_after(ctx, end, head)
            if head is head.head:
                break
            head = head.head
    last = ctx.sentences[ctx.sentence_index(end - 1)]
    first = ctx.sentences[ctx.sentence_index(start)]
    after = [t for t in last if t.idx >= end and _is_cue(ctx, t)]
    if not after and last.end < len(ctx.doc) and ctx.doc[last.end].idx - end < 4:
        following = ctx.sentences[ctx.sentence_index(ctx.doc[last.end].idx)]
        after = [t for t in following if _is_cue(ctx, t) and "\n" not in ctx.text[end : t.idx]
                 and not any(end <= s < t.idx for s, _ in ctx.quotes)
                 and not any(c.dep_ == "ccomp" for c in t.children)]  # "Officials said that …" reports its own
    if after:
        return after[0]
    before = [t for t in first if t.idx < start and _is_cue(ctx, t)]
    return before[-1] if before else _cue_before_colon(ctx, start)


def _nearer_after(ctx: _Context, end: int, cue: "Token") -> "Token":
    """"“…,” Peskov told reporters, AFP reported": the nearer verb after the quote is its
    attribution; the farther one only relays it."""
    if cue.idx < end:
        return cue
    between = [t for t in ctx.doc[cue.sent.start : cue.i] if t.idx >= end and _is_cue(ctx, t)]
    return between[0] if between else cue


def _cue_before_colon(ctx: _Context, start: int) -> "Token | None":
    """"Peskov said:" at the end of the paragraph before the quote."""
    colon = len(ctx.text[: start - 1].rstrip()) - 1
    if colon < 0 or ctx.text[colon] != ":":
        return None
    sentence = ctx.sentences[ctx.sentence_index(colon)]
    cues = [t for t in sentence if t.idx < colon and _is_cue(ctx, t)]
    return cues[-1] if cues else None


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
    framed = [(s.start, s.end) for s in reported if s.direct]
    for start, end in ctx.quotes:
        start, end = _strip_punct(ctx.text, start, end)
        if any(lo <= start and end <= hi + 1 for lo, hi in framed):
            continue  # a partial quote inside the words framed around it
        earlier = [s for s in result + reported if s.start < start]
        previous = max(earlier, key=lambda s: s.start) if earlier else None
        cue = _cue_for_quote(ctx, start, end)
        speaker, medium, venue, lemma = None, None, None, None
        if cue is not None:
            lemma = cue.lemma_
            speaker = _speaker(ctx, cue, start, earlier)
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


def _reported(ctx: _Context, known: list[Statement]) -> list[Statement]:
    """Reported speech ("said Kyiv was behind it"), and words framed around a partial quote
    ("said the president was “deeply mistaken”", "accused him of “treason”"): direct, since they
    quote."""
    result = []
    for token in ctx.doc:
        if token.lemma_ not in _words().cues or token.pos_ not in ("VERB", "AUX"):
            continue
        if inside(ctx.quotes, token.idx, token.idx + 1) or any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children):
            continue  # quoted, or agentless ("it was reported that …")
        span = _clause_of(ctx, token)
        if span is None:
            continue
        lo, hi = span
        quoted = [(s, e) for s, e in ctx.quotes if s < hi and lo < e]
        if quoted and (not _partial(ctx, lo, hi, quoted) or _relays(ctx, token, lo, hi)):
            continue  # the clause is a quote, or quotes someone it attributes itself
        start, end = _strip_punct(ctx.text, ctx.discourse.after_furniture(lo), hi)
        speaker = _speaker(ctx, token, token.idx, result + known)
        if speaker is None or end - start < 8:
            continue
        medium, venue = _medium(ctx, token)
        words = ctx.text[start:end]
        result.append(Statement(start=start, end=end, text=words, direct=bool(quoted),
                                sentence=ctx.sentence_index(start), speaker=speaker, cue=token.lemma_, medium=medium,
                                venue=venue, stance=stance_of(token.lemma_, words)))
    return result


def _clause_of(ctx: _Context, cue: "Token") -> tuple[int, int] | None:
    """The words a verb of saying reports: its clause ("said [Kyiv was behind it]"), or for a verb
    that frames a partial quote, the verb and its object ("[accused him of “treason”]")."""
    clause = next((c for c in cue.children if c.dep_ == "ccomp" and any(
        g.dep_ in ("nsubj", "nsubjpass", "expl") for g in c.children)), None)
    if clause is not None and cue.lemma_ in _words().reporting:
        return clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge)
    if cue.lemma_ == "deny" and any(c.dep_ == "dobj" for c in cue.children):
        return cue.idx + len(cue) + 1, cue.sent.end_char  # "denied his country was behind …"
    objects = [c for c in cue.children if c.dep_ in ("dobj", "oprd", "xcomp", "prep", "attr")]
    if not objects:
        return None
    last = max((c.right_edge for c in objects), key=lambda t: t.i)
    lo, hi = cue.idx, last.idx + len(last)
    framed = any(lo < s and e <= hi + 1 for s, e in ctx.quotes)
    return (lo, hi) if framed else None


def _relays(ctx: _Context, cue: "Token", lo: int, hi: int) -> bool:
    """"“…,” Peskov told reporters, AFP reported": a verb of saying inside the words attributes them."""
    quote_ends = [e for s, e in ctx.quotes if lo <= s and e <= hi]
    return any(lo <= t.idx < hi and t.i != cue.i and _is_cue(ctx, t) and any(e < t.idx for e in quote_ends)
               and any(c.dep_ == "nsubj" for c in t.children) for t in cue.subtree)


def _partial(ctx: _Context, lo: int, hi: int, quoted: list[tuple[int, int]]) -> bool:
    """Whether the quotes are only part of the words: three or more words stand outside them."""
    outside = ctx.text[lo:hi]
    for s, e in sorted(quoted, reverse=True):
        outside = outside[: max(0, s - 1 - lo)] + " " + outside[max(0, e + 1 - lo):]
    return len(outside.split()) >= 3 and all(lo <= s - 1 and e <= hi + 1 for s, e in quoted)


def _credited(ctx: _Context, known: list[Statement]) -> list[Statement]:
    """Sentences credited with "according to" that no verb of saying already reports."""
    result = []
    for start, end, speaker, relayed in according_to(ctx.doc, ctx.mentions, ctx.discourse, _words().cues):
        if any(s.start < end and start < s.end for s in known):
            continue
        if relayed is not None:
            speaker = _speaker(ctx, relayed, relayed.idx, known + result) or speaker
        words = ctx.text[start:end]
        result.append(Statement(start=start, end=end, text=words, direct=False, sentence=ctx.sentence_index(start),
                                speaker=speaker, cue="according to", medium=None, venue=None,
                                stance=stance_of(None, words)))
    return result


def extract_statements(doc: "Doc", mentions: tuple[Mention, ...]) -> tuple[Statement, ...]:
    """Every direct and reported statement of a parsed article, in text order."""
    ctx = _Context(doc, mentions)
    credited = _credited(ctx, [])  # first: a later "he said" may refer to their speakers
    reported = _reported(ctx, credited)
    reported += [c for c in credited if not any(s.start < c.end and c.start < s.end for s in reported)]
    found = ctx.discourse.named_later(_direct(ctx, reported) + reported, ctx.waiting)
    return tuple(sorted(found, key=lambda s: (s.start, s.end)))
