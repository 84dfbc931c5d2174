"""Resolution, streamed: entities from two passes over the articles, then one article at a time.

Made-up mentions (no model needed): the cross-article rules, the order they rely on, and the
packed form the build keeps between extraction and the graph.
"""

from __future__ import annotations

import pickle

import pytest

from kg.nlp.facts import ArticleFacts, Speaker, Statement
from kg.nlp.mention import PERSON, PLACE, ArticleMentions, Mention, Role
from kg.nlp.packed import PackedExtraction
from kg.resolve.facts import FactResolver
from kg.resolve.resolver import resolve


def mention(text: str, start: int = 0, kind: str = PERSON, country: str | None = None) -> Mention:
    role = Role("minister", country.split("/")[-1].title(), country) if country else None
    return Mention(start, start + len(text), text, kind, "PERSON" if kind == PERSON else "GPE", 0, 0, 200, role=role)


def article(key: str, *mentions: Mention) -> ArticleMentions:
    return ArticleMentions(key, tuple(mentions), 1, 40)


def keys_by_article(articles: list[ArticleMentions]) -> dict[str, list[str]]:
    resolution = resolve(lambda: iter(articles), {})
    return {a.article_key: [rm.entity_key for rm in resolution.article(a)] for a in articles}


def test_a_name_stated_with_two_countries_splits_and_an_unstated_one_stays_plain():
    found = keys_by_article([
        article("a", mention("Ivan Koval", country="country/ukraine")),
        article("b", mention("Ivan Koval", country="country/russia")),
        article("c", mention("Ivan Koval")),
    ])
    assert found == {"a": ["person/ivan-koval-ukraine"], "b": ["person/ivan-koval-russia"], "c": ["person/ivan-koval"]}


def test_a_bare_surname_joins_the_one_full_name_of_another_article_and_not_two():
    one = keys_by_article([article("a", mention("Ivan Koval")), article("b", mention("Koval", 5))])
    assert one["b"] == ["person/ivan-koval"]
    two = keys_by_article([article("a", mention("Ivan Koval")), article("b", mention("Koval", 5)),
                           article("c", mention("Marta Koval"))])
    assert two["b"] == ["person/koval"]


def test_within_an_article_a_surname_joins_the_full_name_before_it():
    found = keys_by_article([article("a", mention("Ivan Koval"), mention("Marta Koval", 20), mention("Koval", 40))])
    assert found["a"] == ["person/ivan-koval", "person/marta-koval", "person/marta-koval"]


def test_entities_aggregate_every_article_and_labels_use_the_most_used_full_form():
    articles = [article("a", mention("Zelenskyy Volodymyr"), mention("Kyiv", 30, PLACE)),
                article("b", mention("Zelensky Volodymyr"), mention("Kyiv", 30, PLACE)),
                article("c", mention("Zelenskyy Volodymyr"))]
    resolution = resolve(lambda: iter(articles), {})
    by_key = resolution.entity_map()
    person = by_key["person/zelenski-volodimir"]
    assert (person.label, person.alt_labels) == ("Zelenskyy Volodymyr", ("Zelensky Volodymyr",))
    assert sorted(by_key) == ["person/zelenski-volodimir", "place/kyiv"]


def test_resolution_reads_the_source_twice_and_refuses_articles_out_of_key_order():
    calls = []

    def source():
        calls.append(1)
        return iter([article("a", mention("Ivan Koval")), article("b", mention("Koval"))])

    resolve(source, {})
    assert len(calls) == 2
    with pytest.raises(ValueError, match="article-key order: 'a' after 'b'"):
        resolve(lambda: iter([article("b"), article("a")]), {})


def test_a_role_affiliation_resolves_to_the_entity_named_first_in_the_same_article():
    spokesman = Mention(0, 10, "Ivan Koval", PERSON, "PERSON", 0, 0, 80, role=Role("spokesman", "Naftogaz"))
    naftogaz = Mention(30, 38, "Naftogaz", "organization", "ORG", 0, 0, 80)
    a = article("a", spokesman, naftogaz)
    resolved = resolve(lambda: iter([a]), {}).article(a)
    assert resolved[0].affiliation_key == "organization/naftogaz"


def statement_facts(key: str, text: str) -> ArticleFacts:
    said = Statement(0, len(text), text, True, 0, Speaker(ref=(100, 110)), "say", None, None, "asserts")
    return ArticleFacts(key, statements=(said,))


def test_facts_merge_a_remark_across_articles_in_key_order_only():
    resolver = FactResolver()
    speaker = {(100, 110): "person/ivan-koval"}
    first = resolver.article(statement_facts("a", "The bridge over the river was hit by two drones"), speaker)
    second = resolver.article(statement_facts("b", "Two drones struck the bridge over the river"), speaker)
    third = resolver.article(statement_facts("c", "Talks resume next week in Geneva"), speaker)
    assert second.statements[0].key == first.statements[0].key
    assert 0.5 <= second.statements[0].similarity < 1.0
    assert third.statements[0].key != first.statements[0].key
    with pytest.raises(ValueError, match="article-key order"):
        resolver.article(statement_facts("b", "again"), speaker)


def test_packed_results_come_back_equal_and_smaller_than_pickled():
    mentions = article("a", *(mention(f"Ivan Koval{i}", 20 * i) for i in range(50)))
    facts = statement_facts("a", "The bridge over the river was hit by two drones")
    packed = PackedExtraction.pack(mentions, facts)
    assert packed.unpack() == (mentions, facts) and packed.mentions() == mentions
    assert packed.article_key == "a"
    assert packed.size < len(pickle.dumps((mentions, facts), protocol=5)) / 3


def test_a_surname_the_ner_typed_as_an_organisation_joins_the_one_person_of_that_name():
    from kg.nlp.mention import ORGANIZATION

    articles = [article("a", mention("Taras Hlyboky")), article("b", mention("Hlyboky", kind=ORGANIZATION)),
                article("c", mention("Hlyboky", kind=PLACE))]
    found = keys_by_article(articles)
    assert found["b"] == found["a"]
    assert found["c"] != found["a"]  # a place of that name stays a place
    entities = {e.key: e.kind for e in resolve(lambda: iter(articles), {}).entities}
    assert entities[found["a"][0]] == PERSON


def test_short_and_transliterated_given_names_join_across_articles():
    found = keys_by_article([article("a", mention("Joe Marlow")), article("b", mention("Joseph Marlow")),
                             article("c", mention("Maxim Sirko")), article("d", mention("Maksym Sirko"))])
    assert found["a"] == found["b"] and found["c"] == found["d"] and found["a"] != found["c"]


def test_names_in_other_scripts_are_entities_of_their_own():
    """A name with no Latin letter once folded to an empty key: every such organisation, and every
    such person, was one entity (organization/x-e3b0c44298, the hash of nothing)."""
    from kg.nlp.mention import ORGANIZATION

    found = keys_by_article([
        article("a", mention("Украина Сейчас", kind=ORGANIZATION), mention("Радио Свобода", 20, kind=ORGANIZATION),
                mention("Тарас Шевченко", 40), mention("Леся Українка", 60)),
        article("b", mention("УКРАИНА СЕЙЧАС", kind=ORGANIZATION)),
    ])
    organisations, people = found["a"][:2], found["a"][2:]
    assert len(set(organisations)) == 2 and len(set(people)) == 2
    assert found["b"] == [organisations[0]]  # case does not matter, as for Latin names
