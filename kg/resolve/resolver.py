"""Entity resolution within and across articles. Deterministic and independent of input order.

- Gazetteer-backed mentions resolve to the gazetteer key (Kiev and Kyiv -> place/kyiv;
  "the Kremlin said" -> organization/kremlin, the actor sense).
- Persons: within an article a surname or short form joins the full name it shortens (the
  nearest one before it); across articles full names join when their transliteration-insensitive
  keys agree (Zelensky / Zelenskyy), unless their stated countries differ — then they stay apart.
  A surname never given in full joins a full name from another article only if exactly one fits.
- Other organisations and places resolve by their folded name. The kind is part of every key,
  so a person and a place never merge for a shared name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from kg.nlp.mention import PERSON, ArticleMentions, Mention
from kg.nlp.names import fold, name_key, name_tokens, surname_key
from kg.resolve.model import Entity, Resolution, ResolvedMention
from kg.slug import slugify

Ref = tuple[str, int]  # (article key, index of the mention in that article)


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


def _resolve_persons(articles: list[ArticleMentions]) -> dict[Ref, str]:
    """(article, mention index) -> entity key for every person mention."""
    local: dict[Ref, str] = {}
    by_key = {a.article_key: a for a in articles}
    countries: dict[str, set[str]] = defaultdict(set)  # name key -> stated countries
    for article in articles:
        for i, key in _local_person_groups(article).items():
            local[(article.article_key, i)] = key
    for (article_key, i), key in local.items():
        country = _person_country(by_key[article_key].mentions[i])
        if country:
            countries[key].add(country)
    group_country: dict[tuple[str, str], str | None] = {}
    for (article_key, i), key in local.items():
        group_country.setdefault((article_key, key), None)
        country = _person_country(by_key[article_key].mentions[i])
        if country and len(countries[key]) > 1:
            group_country[(article_key, key)] = country
    by_surname: dict[str, set[str]] = defaultdict(set)
    for key in set(local.values()):
        by_surname[key.split()[-1]].add(key)
    result: dict[Ref, str] = {}
    for article in articles:
        for i, m in enumerate(article.mentions):
            if m.kind != PERSON:
                continue
            ref = (article.article_key, i)
            if ref in local:
                key = local[ref]
                country = group_country[(article.article_key, key)]
                suffix = f"-{country.split('/')[-1]}" if country else ""
                result[ref] = f"person/{slugify(key)}{suffix}"
            else:
                surname = surname_key(m.text)
                matches = sorted(by_surname.get(surname, ()))
                result[ref] = f"person/{slugify(matches[0] if len(matches) == 1 else surname)}"
    return result




def _other_key(m: Mention) -> str:
    if m.gazetteer_key:
        return m.gazetteer_key
    return f"{m.kind}/{slugify(fold(m.text))}"


def _pick_label(surfaces: Counter[str], kind: str) -> str:
    """The most used form; for persons only full names qualify. Ties: longest, then alphabetical."""
    pool = Counter({s: n for s, n in surfaces.items() if kind != PERSON or len(s.split()) > 1}) or surfaces
    return min(pool, key=lambda s: (-pool[s], -len(s), s))


def resolve(article_mentions: Iterable[ArticleMentions], gazetteer_labels: dict[str, str]) -> Resolution:
    """Merge mentions into entities. `gazetteer_labels` maps gazetteer keys to canonical labels."""
    articles = sorted(article_mentions, key=lambda a: a.article_key)
    persons = _resolve_persons(articles)
    keyed: list[tuple[str, Mention, str]] = []
    for article in articles:
        for i, m in enumerate(article.mentions):
            key = persons.get((article.article_key, i)) or _other_key(m)
            keyed.append((article.article_key, m, key))
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    gazetteer_keys: dict[str, str | None] = {}
    for _, m, key in keyed:
        surfaces[key][m.text] += 1
        kinds.setdefault(key, m.kind)
        gazetteer_keys.setdefault(key, m.gazetteer_key)
    entities = []
    for key in sorted(surfaces):
        gkey = gazetteer_keys[key]
        label = gazetteer_labels.get(gkey) if gkey else None
        label = label or _pick_label(surfaces[key], kinds[key])
        alts = tuple(sorted(s for s in surfaces[key] if s != label))
        entities.append(Entity(key=key, kind=kinds[key], label=label, alt_labels=alts, gazetteer_key=gkey))
    texts_by_article: dict[tuple[str, str], str] = {}
    for article_key, m, key in keyed:
        texts_by_article.setdefault((article_key, fold(m.text)), key)
    resolved = []
    for article_key, m, key in keyed:
        resolved.append(ResolvedMention(article_key, m, key, _affiliation(article_key, m, texts_by_article)))
    return Resolution(entities=tuple(entities), mentions=tuple(resolved))


def _affiliation(article_key: str, m: Mention, texts: dict[tuple[str, str], str]) -> str | None:
    """The entity a person's role is held for: a gazetteer entity, or one named in the article."""
    if m.role is None or not m.role.affiliation:
        return None
    if m.role.affiliation_key:
        return m.role.affiliation_key
    return texts.get((article_key, fold(m.role.affiliation)))
