"""Events, statements and aid packages merged within and across articles.

- An event's key is its type plus the entity it is about (its target, else its place, else its
  agent) and its first day ("event/2023-05-03-attack-place-kremlin"; kg.resolve.event_identity
  splits reports of one type and anchor in time). Every report of the same key, in any article, is one node
  with evidence from each; each article keeps its own roles, date and count in its own graph, so
  a date or count the sources give differently shows up as two values (README: disagreements).
- A statement's key is its speaker plus a slug of its first words. Two statements of one speaker
  whose content words overlap enough (Jaccard >= 0.5: the same remark, translated differently by
  two outlets) are one node; the similarity is kept.
- An aid package's key is its funder, amount and currency.
"""

from __future__ import annotations

import collections
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from kg.nlp import lexicon
from kg.nlp.facts import ArticleFacts, EventMention, GrantMention, Ref, Statement
from kg.nlp.names import fold
from kg.resolve.event_identity import Sighting, sighting
from kg.resolve.grant_identity import GrantSighting, grant_sighting
from kg.util.slug import slugify

SAME_REMARK = 0.5
_STOP = frozenset("the a an and or of to in on at for is are was were be it that this we our us i you he she "
                  "they them his her its by with as from not".split())


@dataclass(frozen=True)
class EventReport:
    article_key: str
    key: str  # "event/attack-place-kremlin"
    event: EventMention
    agent: str | None = None  # entity keys
    target: str | None = None
    instrument: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class StatementReport:
    article_key: str
    key: str
    statement: Statement
    speaker: str  # entity key, or "unnamed/<article>-<slug>" for an unnamed source
    medium: str | None
    about: str | None  # event key
    similarity: float = 1.0  # to the first rendering of the remark this report was merged with


@dataclass(frozen=True)
class GrantReport:
    article_key: str
    key: str
    grant: GrantMention
    funder: str | None
    announcer: str | None
    recipient: str | None
    contents: tuple[str, ...]


@dataclass(frozen=True)
class ArticleReports:
    """One article's events, aid packages and statements, each with its key and entities."""

    events: tuple[EventReport, ...] = ()
    grants: tuple[GrantReport, ...] = ()
    statements: tuple[StatementReport, ...] = ()


def _words(text: str) -> set[str]:
    return {w for w in fold(text).split() if w not in _STOP and len(w) > 2}


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of content words."""
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def unnamed_key(article_key: str, description: str) -> str:
    return f"unnamed/{slugify(article_key)}-{slugify(description)}"


def _event_key(event: EventMention, lookup) -> str | None:
    """The event's type and anchor: "event/attack-place-kremlin" (its target, else its place),
    "event/invasion-by-country-russia" (its agent); None without one (kg.resolve.event_identity)."""
    target, place, agent = lookup(event.target), lookup(event.place), lookup(event.agent)
    if event.type in lexicon.words("event_place_first_types"):  # where air defences shot down what
        target, place = place or target, None
    anchor = target or place or (f"by-{agent}" if agent else None)
    kind = slugify(event.type) + (f"-{slugify(event.modality)}" if event.modality else "")  # never one with a real event
    return f"event/{kind}-{anchor.replace('/', '-')}" if anchor else None


def _local_key(event: EventMention, lookup) -> str:
    """An event with no anchor, named by its type and instrument: never merged across articles."""
    instrument = lookup(event.instrument)
    kind = slugify(event.type) + (f"-{slugify(event.modality)}" if event.modality else "")
    return f"event/{kind}" + (f"-with-{instrument.replace('/', '-')}" if instrument else "")


def affiliations(pairs: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """Whom each person acts for (kg.resolve.event_identity.event_identities), from the (entity key,
    role affiliation key) of every mention of the build ("Russian President Vladimir Putin":
    country/russia; "Wagner chief X": the group): the affiliation its mentions give most often, the
    first by key on a tie, so the same whatever the order; a place is not one."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for entity, affiliation in pairs:
        if entity.startswith("person/") and affiliation and not affiliation.startswith("place/"):
            counts[entity][affiliation] += 1
    return {entity: min(c, key=lambda a: (-c[a], a)) for entity, c in counts.items()}


def event_sightings(article: ArticleFacts, entity_of: dict[Ref, str], published: str | None) -> list[Sighting]:
    """What decides the identity of each of the article's events (kg.resolve.event_identity)."""
    def lookup(ref: Ref | None) -> str | None:
        return entity_of.get(ref) if ref else None

    keys = _sentence_keys(article, lookup)
    dates_news = any(len(e.date or "") == 10 for e in article.events)  # else undated is no sign of the past
    return [sighting(article.article_key, i, key, None if key else _local_key(e, lookup),
                     f"{e.type}:{e.modality}" if e.modality else e.type, e.date, published,
                     lookup(e.agent), (lookup(e.target), lookup(e.place)), bool(e.time_words), dates_news)
            for i, (e, key) in enumerate(zip(article.events, keys))]


def grant_sightings(article: ArticleFacts, entity_of: dict[Ref, str], published: str | None) -> list[GrantSighting]:
    """What decides the identity of each of the article's aid packages (kg.resolve.grant_identity)."""
    def lookup(ref: Ref | None) -> str | None:
        return entity_of.get(ref) if ref else None

    return [grant_sighting(article.article_key, i, lookup(g.funder) or lookup(g.announcer), g.amount, g.currency,
                           g.date, published) for i, g in enumerate(article.grants)]


class FactResolver:
    """Resolves the facts of one article at a time, in article-key order. A statement is merged
    with an earlier rendering of the same remark, so what is kept across articles is each
    speaker's remarks (their keys and first words), not the articles."""

    def __init__(self, identities: dict[tuple[str, int], str] | None = None,
                 grant_identities: dict[tuple[str, int], str] | None = None,
                 remark_keys: dict[tuple[str, int], tuple[str, float]] | None = None) -> None:
        # event keys in time (kg.resolve.event_identity); without them, type and anchor only
        self._identities = identities
        # aid-package keys in time (kg.resolve.grant_identity); without them, funder, amount and currency
        self._grant_identities = grant_identities
        # speaker -> [(statement key, the content words of its first text)]
        self._remarks: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        # statement keys and scores decided beforehand (`remarks`: a build in parts, kg.run.sharded)
        self._remark_keys = remark_keys
        self._previous: str | None = None
        # facts not emitted because they could not satisfy the shapes, by reason (report.json)
        self.dropped: collections.Counter[str] = collections.Counter()

    def remarks(self, article: ArticleFacts, entity_of: dict[Ref, str]) -> dict[tuple[str, int], tuple[str, float]]:
        """The key and score of each of the article's statements that has a speaker, by (article key,
        statement index): a remark said again by its speaker takes the key of its first rendering."""
        return remark_keys(statement_sightings(article, entity_of), self._remarks)

    def article(self, article: ArticleFacts, entity_of: dict[Ref, str]) -> ArticleReports:
        """`entity_of` maps the (start, end) of each of the article's mentions to its entity key."""
        if self._previous is not None and article.article_key <= self._previous:
            raise ValueError(f"facts must come in article-key order: {article.article_key!r} after {self._previous!r}")
        self._previous = article.article_key

        def lookup(ref: Ref | None) -> str | None:
            return entity_of.get(ref) if ref else None

        events, statements, grants = [], [], []
        event_keys = _sentence_keys(article, lookup)
        if self._identities is not None:
            event_keys = [self._identities.get((article.article_key, i)) for i in range(len(article.events))]
        for event, key in zip(article.events, event_keys):
            if key is not None:
                events.append(EventReport(article.article_key, key, event, lookup(event.agent), lookup(event.target),
                                          lookup(event.instrument), lookup(event.place)))
        remarks = self.remarks(article, entity_of) if self._remark_keys is None else self._remark_keys
        for index, statement in enumerate(article.statements):
            speaker = _speaker_key(article.article_key, statement, lookup)
            if speaker is None:
                continue
            key, score = remarks[(article.article_key, index)]
            about = event_keys[statement.about] if statement.about is not None else None
            statements.append(StatementReport(article.article_key, key, statement, speaker, lookup(statement.medium),
                                              about, score))
        for index, grant in enumerate(article.grants):
            funder = lookup(grant.funder) or lookup(grant.announcer)
            key = f"grant/{(funder or 'unknown').replace('/', '-')}-{grant.amount}-{grant.currency.lower()}"
            if self._grant_identities is not None:
                key = self._grant_identities.get((article.article_key, index), key)
            contents = tuple(k for k in (lookup(r) for r in grant.contents) if k)
            grants.append(GrantReport(article.article_key, key, grant, funder, lookup(grant.announcer),
                                      lookup(grant.recipient), contents))
        return ArticleReports(tuple(events), tuple(grants), tuple(statements))


StatementSighting = tuple[str, int, str, str]  # article key, statement index, speaker key, the words


def statement_sightings(article: ArticleFacts, entity_of: dict[Ref, str]) -> list[StatementSighting]:
    """The article's statements that have a speaker, in order: what decides their keys (`remark_keys`)."""
    def lookup(ref: Ref | None) -> str | None:
        return entity_of.get(ref) if ref else None

    found = []
    for index, statement in enumerate(article.statements):
        speaker = _speaker_key(article.article_key, statement, lookup)
        if speaker is not None:
            found.append((article.article_key, index, speaker, statement.text))
    return found


def remark_keys(sightings: Iterable[StatementSighting], known: dict[str, list] | None = None
                ) -> dict[tuple[str, int], tuple[str, float]]:
    """The key and score of each statement, in article-key order: a speaker's remark said again takes
    the key of its first rendering (`known`: each speaker's remarks so far, as `_remark_key` keeps
    them; updated)."""
    known = {} if known is None else known
    return {(article_key, index): _remark_key(known.setdefault(speaker, []), speaker, text)
            for article_key, index, speaker, text in sightings}


def _sentence_keys(article: ArticleFacts, lookup) -> list[str | None]:
    """Event keys, with reports of one type in one sentence made one event ("tried to assassinate
    Putin in a drone attack on the Kremlin"): the key of the one whose target is a place wins."""
    keys = [_event_key(e, lookup) for e in article.events]
    groups: dict[tuple[int, str, str], list[int]] = {}
    for i, e in enumerate(article.events):  # a modal report never shares a real one's key
        groups.setdefault((e.sentence, e.type, e.modality or ""), []).append(i)
    for members in groups.values():
        def rank(i: int) -> tuple[int, int]:
            target = lookup(article.events[i].target) or ""
            return (0 if target.startswith("place/") else 1 if target else 2 if keys[i] else 3, i)
        best = keys[min(members, key=rank)]
        for i in members:
            keys[i] = best
    return _agent_keys_told_again(article, keys, lookup)


def _agent_keys_told_again(article: ArticleFacts, keys: list[str | None], lookup) -> list[str | None]:
    """An event keyed only by its agent ("Biden's visit") in an article that tells one event of its
    type that day with a target or place ("the visit to Kyiv") is that event: one article, one day,
    one event of the type. With two or more such events, which one is meant stays open; and an event
    whose agents are others (Kyiv's denial, a day when Moscow's was told with a place) is not it."""
    anchored: dict[tuple[str, str | None], dict[str, set[str]]] = {}
    for e, key in zip(article.events, keys):
        if key and "-by-" not in key:
            agents = anchored.setdefault((f"{e.type}:{e.modality or ''}", e.date), {}).setdefault(key, set())
            agents |= {lookup(e.agent)} - {None}
    result = list(keys)
    for i, (e, key) in enumerate(zip(article.events, keys)):
        same = anchored.get((f"{e.type}:{e.modality or ''}", e.date), {})
        if key and "-by-" in key and len(same) == 1:
            told, agents = next(iter(same.items()))
            if not agents or lookup(e.agent) in agents:
                result[i] = told
    return result


def _speaker_key(article_key: str, statement: Statement, lookup) -> str | None:
    if statement.speaker is None:
        return None
    if statement.speaker.ref is not None:
        return lookup(statement.speaker.ref)
    if statement.speaker.description:
        return unnamed_key(article_key, statement.speaker.description)
    return None


def _remark_key(known: list[tuple[str, tuple[str, ...]]], speaker: str, text: str) -> tuple[str, float]:
    """The key of the remark `text` is a rendering of (the most similar earlier one of its speaker,
    at least SAME_REMARK: `similarity`), or a new key. The earlier remarks' words are kept, not made
    again at each comparison (a speaker's remarks are compared with every earlier one)."""
    words = _words(text)
    best_key, best = None, 0.0
    for key, first in known:
        shared = len(words.intersection(first))
        union = len(first) + len(words) - shared  # `first` holds each word once
        score = shared / union if union else 0.0
        if score > best:
            best_key, best = key, score
    if best_key is not None and best >= SAME_REMARK:
        return best_key, round(best, 3)
    tokens = [w for w in re.findall(r"[^\W_]+", fold(text))][:6]
    key = f"statement/{speaker.replace('/', '-')}-{slugify(' '.join(tokens)) or 'x'}"
    suffix, base = 2, key
    while any(k == key for k, _ in known):
        key, suffix = f"{base}-{suffix}", suffix + 1
    # kept for the whole build, one entry a remark: a tuple of shared strings is a seventh of a set of copies
    known.append((key, tuple(map(sys.intern, words))))
    return key, 1.0
