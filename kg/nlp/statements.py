"""Statements: direct quotes and reported speech, with speaker, cue verb, medium and stance.

A pure function of the parsed Doc and the article's entity mentions. A quote's speaker is the
subject of the verb of saying it hangs from in the parse, else the nearest one beside it
("…,” Peskov said), resolved in kg/nlp/attribution.py and kg/nlp/discourse.py — never guessed.
What each verb of saying reports is found in kg/nlp/reported.py. Words a verb frames around a
partial quote are one direct statement; "according to X" credits its sentence
(kg/nlp/according.py). A quote with no verb of saying continues the quote before it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.nlp.according import according_to
from kg.nlp.attribution import Context as _Context
from kg.nlp.attribution import ref as _ref
from kg.nlp.attribution import speaker as _speaker
from kg.nlp.attribution import words as _words
from kg.nlp.facts import Ref, Speaker, Statement
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, Mention
from kg.nlp.quotes import inside
from kg.nlp.reported import clause_of
from kg.vocab import Stance

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


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


def stance_of(cue: str | None, words: str) -> Stance:
    if cue in _words().stance_by_cue:
        return _words().stance_by_cue[cue]
    lowered = f" {words.lower()} "
    if any(d in lowered for d in _words().denials):
        return Stance.DENIES
    if any(f" {s}" in lowered for s in _words().speculative):
        return Stance.SPECULATES
    return Stance.ASSERTS


def _is_cue(ctx: _Context, t: "Token") -> bool:
    return t.lemma_ in _words().cues and t.pos_ in ("VERB", "AUX") and not inside(ctx.quotes, t.idx, t.idx + 1)


def _cue_for_quote(ctx: _Context, start: int, end: int) -> "Token | None":
    """The verb of saying the quote hangs from in the parse ("suggested that “…” could"), else the
    nearest one after it in its sentence (or right after it), else the nearest before it."""
    span = ctx.doc.char_span(start, end, alignment_mode="expand") if start < end else None
    words = [t for t in (span if span is not None else ctx.doc) if start <= t.idx < end]
    for token in words:
        head, steps = token.head, 0
        while head.i != head.head.i and start <= head.idx < end and steps < 8:
            head, steps = head.head, steps + 1
        for _ in range(3):
            if _is_cue(ctx, head) and not (start <= head.idx < end):
                return _nearer_after(ctx, end, head)
            if head.i == head.head.i:
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
    result: list[Statement] = []
    for token in ctx.doc:
        if token.lemma_ not in _words().cues or token.pos_ not in ("VERB", "AUX"):
            continue
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)
        if inside(ctx.quotes, token.idx, token.idx + 1) or passive:
            continue  # quoted, or agentless ("it was reported that …")
        span = clause_of(token, ctx.quotes)
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
    result: list[Statement] = []
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
