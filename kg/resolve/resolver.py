"""Entity resolution within and across articles. Deterministic and independent of input order.

- Gazetteer-backed mentions resolve to the gazetteer key (Kiev and Kyiv -> place/kyiv;
  "the Kremlin said" -> organization/kremlin, the actor sense).
- Persons: within an article a surname or short form joins the full name it shortens (the
  nearest one before it); across articles full names join when their transliteration-insensitive
  keys agree (Zelensky / Zelenskyy), unless their stated countries differ — then they stay apart.
  A surname never given in full joins a full name from another article only if exactly one fits.
- Other organisations and places resolve by their folded name. The kind is part of every key,
  so a person and a place never merge for a shared name.

It streams: `resolve` reads the articles twice (first the persons' names and stated countries,
then every mention's entity) and keeps only what is known of entities, never the mentions. Each
article's mentions are then resolved one article at a time (`Resolution.article`), when the graph
stage writes it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kg.nlp.mention import ORGANIZATION, PERSON, ArticleMentions, Mention
from kg.nlp.names import fold, name_key, name_tokens, surname_key
from kg.resolve.model import Entity, ResolvedMention
from kg.util.nogc import collector_paused
from kg.util.slug import slugify
from kg.vocab import EntityKind

# The articles, in article-key order, each time it is called (resolution reads them twice).
ArticleSource = Callable[[], Iterable[ArticleMentions]]


@dataclass(frozen=True)
class PersonIndex:
    """What resolving one article's persons needs to know of all the others."""

    split: frozenset[str]  # full-name keys stated with two or more countries: kept apart by country
    by_surname: dict[str, tuple[str, ...]]  # surname -> the full-name keys ending in it, sorted


@dataclass(frozen=True)
class Resolution:
    """Every entity, sorted by key, and what resolves any article's mentions to them."""

    entities: tuple[Entity, ...]
    persons: PersonIndex

    def entity_map(self) -> dict[str, Entity]:
        return {entity.key: entity for entity in self.entities}

    def article(self, article: ArticleMentions) -> tuple[ResolvedMention, ...]:
        """The article's mentions, in text order, each with its entity (and its role's affiliation)."""
        keys = _mention_keys(article, self.persons)
        first_of: dict[str, str] = {}  # folded surface -> entity key of its first mention in the article
        for m, key in zip(article.mentions, keys):
            first_of.setdefault(fold(m.text), key)
        return tuple(ResolvedMention(article.article_key, m, key, _affiliation(m, first_of))
                     for m, key in zip(article.mentions, keys))


def _local_person_groups(article: ArticleMentions) -> dict[int, str]:
    """Within one article: mention index -> name key of the full name it refers to."""
    full = {i: name_key(m.text) for i, m in enumerate(article.mentions) if m.kind == PERSON and len(name_tokens(m.text)) > 1}
    result = dict(full)
    for i, m in enumerate(article.mentions):
        if m.kind != PERSON or i in full:
            continue
        surname = surname_key(m.text)
        candidates = [j for j, key in full.items() if key.split()[-1] == surname or key.split()[0] == surname]
        if candidates:
            before = [j for j in candidates if j < i]
            result[i] = full[max(before) if before else min(candidates)]
    return result


def _person_country(m: Mention) -> str | None:
    key = m.role.affiliation_key if m.role else None
    return key if key and key.startswith("country/") else None


@dataclass
class PersonSightings:
    """What the first pass finds in some of the articles; those of several parts add up (`add`)."""

    countries: dict[str, set[str]]  # full-name key -> the countries it is stated with
    by_surname: dict[str, set[str]]  # surname -> the full-name keys ending in it

    def add(self, other: "PersonSightings") -> None:
        for table, more in ((self.countries, other.countries), (self.by_surname, other.by_surname)):
            for key, found in more.items():
                table.setdefault(key, set()).update(found)

    def index(self) -> PersonIndex:
        return PersonIndex(frozenset(k for k, found in self.countries.items() if len(found) > 1),
                           {surname: tuple(sorted(keys)) for surname, keys in self.by_surname.items()})


def person_sightings(articles: Iterable[ArticleMentions]) -> PersonSightings:
    """First pass: every full name, and the countries each is stated with."""
    countries: dict[str, set[str]] = defaultdict(set)  # name key -> stated countries
    by_surname: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        for i, key in _local_person_groups(article).items():
            by_surname[key.split()[-1]].add(key)
            country = _person_country(article.mentions[i])
            if country:
                countries[key].add(country)
    return PersonSightings(dict(countries), dict(by_surname))


@dataclass
class EntitySightings:
    """What the second pass finds in some articles, in article-key order; a later part adds up
    after an earlier one (`add`: the first kind and gazetteer key seen of an entity stay)."""

    surfaces: dict[str, Counter[str]]
    kinds: dict[str, EntityKind]
    gazetteer_keys: dict[str, str | None]

    def add(self, later: "EntitySightings") -> None:
        for key, counts in later.surfaces.items():
            self.surfaces.setdefault(key, Counter()).update(counts)
            self.kinds.setdefault(key, later.kinds[key])
            self.gazetteer_keys.setdefault(key, later.gazetteer_keys[key])

    def entities(self, gazetteer_labels: dict[str, str]) -> tuple[Entity, ...]:
        entities = []
        for key in sorted(self.surfaces):
            gkey = self.gazetteer_keys[key]
            label = gazetteer_labels.get(gkey) if gkey else None
            label = label or _pick_label(self.surfaces[key], self.kinds[key])
            alts = tuple(sorted(s for s in self.surfaces[key] if s != label))
            entities.append(Entity(key=key, kind=self.kinds[key], label=label, alt_labels=alts, gazetteer_key=gkey))
        return tuple(entities)


def entity_sightings(articles: Iterable[ArticleMentions], persons: PersonIndex) -> EntitySightings:
    """Second pass: each entity's surface forms with their counts, its kind and gazetteer key."""
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, EntityKind] = {}
    gazetteer_keys: dict[str, str | None] = {}
    for article in articles:
        for m, key in zip(article.mentions, _mention_keys(article, persons)):
            surfaces[key][m.text] += 1
            kinds.setdefault(key, PERSON if key.startswith("person/") else m.kind)
            gazetteer_keys.setdefault(key, m.gazetteer_key)
    return EntitySightings(dict(surfaces), kinds, gazetteer_keys)


def _mention_keys(article: ArticleMentions, persons: PersonIndex) -> list[str]:
    """The entity key of each of the article's mentions."""
    local = _local_person_groups(article)
    group_country: dict[str, str | None] = {}  # a split name's country in this article (the last stated)
    for i, key in local.items():
        group_country.setdefault(key, None)
        country = _person_country(article.mentions[i])
        if country and key in persons.split:
            group_country[key] = country
    keys = []
    for i, m in enumerate(article.mentions):
        if m.kind != PERSON:
            keys.append(_retyped_person(m, persons) or _other_key(m))
        elif i in local:
            key = local[i]
            country = group_country[key]
            suffix = f"-{country.split('/')[-1]}" if country else ""
            keys.append(f"person/{slugify(key)}{suffix}")
        else:
            surname = surname_key(m.text)
            matches = persons.by_surname.get(surname, ())
            keys.append(f"person/{slugify(matches[0] if len(matches) == 1 else surname)}")
    return keys


def _retyped_person(m: Mention, persons: PersonIndex) -> str | None:
    """A one-word name the NER typed as an organisation, with no gazetteer entry, that is the
    surname of exactly one person named in full elsewhere ("Prigozhin" tagged ORG): that person."""
    if m.gazetteer_key or m.kind != ORGANIZATION or len(m.text.split()) != 1 or not m.text[:1].isupper():
        return None
    matches = persons.by_surname.get(surname_key(m.text), ())
    return f"person/{slugify(matches[0])}" if len(matches) == 1 else None


def _other_key(m: Mention) -> str:
    if m.gazetteer_key:
        return m.gazetteer_key
    return f"{m.kind}/{slugify(fold(m.text))}"


def _pick_label(surfaces: Counter[str], kind: str) -> str:
    """The most used form; for persons only full names qualify. Ties: longest, then alphabetical."""
    pool = Counter({s: n for s, n in surfaces.items() if kind != PERSON or len(s.split()) > 1}) or surfaces
    return min(pool, key=lambda s: (-pool[s], -len(s), s))


def _in_key_order(articles: Iterable[ArticleMentions]) -> Iterable[ArticleMentions]:
    previous = None
    for article in articles:
        if previous is not None and article.article_key <= previous:
            raise ValueError(f"articles must come in article-key order: {article.article_key!r} after {previous!r}")
        previous = article.article_key
        yield article


@collector_paused
def resolve(articles: ArticleSource, gazetteer_labels: dict[str, str]) -> Resolution:
    """Merge mentions into entities. `articles()` gives the articles in article-key order (it is
    called twice); `gazetteer_labels` maps gazetteer keys to canonical labels."""
    persons = person_sightings(_in_key_order(articles())).index()
    return Resolution(entity_sightings(_in_key_order(articles()), persons).entities(gazetteer_labels), persons)


def _affiliation(m: Mention, first_of: dict[str, str]) -> str | None:
    """The entity a person's role is held for: a gazetteer entity, or one named in the article."""
    if m.role is None or not m.role.affiliation:
        return None
    if m.role.affiliation_key:
        return m.role.affiliation_key
    return first_of.get(fold(m.role.affiliation))
