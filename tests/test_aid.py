"""Aid packages on short made-up texts: amounts as news writes them, a package told over several
sentences (before and after its amount), its parties, sequence, cumulative total and contents."""

from __future__ import annotations

import pytest

from kg.nlp.money import find_amounts
from tests.test_facts import facts_of


@pytest.mark.parametrize("text, expected", [
    ("a new US$325 million package", [(325_000_000, "USD", False)]),
    ("worth up to 700 mln euros", [(700_000_000, "EUR", False)]),
    ("€2.9bn of help", [(2_900_000_000, "EUR", False)]),
    ("EUR 40 million", [(40_000_000, "EUR", False)]),
    ("half a billion dollars (€465 million)", [(500_000_000, "USD", False), (465_000_000, "EUR", True)]),
    ("2 billion Canadian dollars", [(2_000_000_000, "CAD", False)]),
    ("£2,5 billion and $1,500,000", [(2_500_000_000, "GBP", False), (1_500_000, "USD", False)]),
    ("$500m in loans", [(500_000_000, "USD", False)]),
    ("$5 m of road", [(5, "USD", False)]),  # a spaced one-letter scale could be metres
    ("22 million rounds of ammunition", []),
])
def test_amounts_of_money_as_news_writes_them(text, expected):
    assert [(a.value, a.currency, a.converted) for a in find_amounts(text)] == expected


def test_a_package_told_before_and_after_its_amount(nlp):
    text = ("Norway has announced a package of military aid for Moldova that includes 12 armoured personnel carriers "
            "and two radars. The Norwegian Defence Ministry said Norway would also give Moldova 3,000 artillery "
            "shells. Officials put the value of the package at nearly 90 mln euros. It is the fifth package this year. "
            "Since 2022, the total volume of aid provided by Norway has reached 1.2 bln euros.")
    facts, names = facts_of(nlp, text)
    (grant,) = facts.grants
    assert (grant.amount, grant.currency, grant.sequence, grant.cumulative_amount) == (90_000_000, "EUR", 5, 1_200_000_000)
    assert names[grant.funder] == "Norway" and names[grant.recipient] == "Moldova"
    assert {"radars"} <= {t.split()[-1] for t in grant.content_texts}


def test_a_president_announcing_and_a_capital_receiving(nlp):
    text = ("Canadian Prime Minister Jean Dupuis visited Kyiv on Monday. Dupuis said Ottawa would provide Kyiv with "
            "a new military aid package worth $200 million, including drones. The country has sent Ukraine more "
            "than $8 billion since February 2022.")
    facts, names = facts_of(nlp, text)
    (grant,) = facts.grants
    assert grant.amount == 200_000_000 and grant.cumulative_amount == 8_000_000_000
    assert names[grant.funder] == "Ottawa" or names[grant.funder] == "Canada"
    assert names[grant.recipient] in ("Kyiv", "Ukraine")
    assert names[grant.announcer].endswith("Dupuis")


def test_weapons_asked_for_or_refused_are_not_contents(nlp):
    text = ("Sweden announced a $100 million aid package for Ukraine that includes artillery shells. Sweden made "
            "clear its reluctance to agree to Ukraine's request for fighter jets.")
    facts, _ = facts_of(nlp, text)
    (grant,) = facts.grants
    assert not any("jet" in t for t in grant.content_texts)


def test_a_conversion_in_brackets_is_not_a_second_package(nlp):
    text = "Biden announced an additional half billion dollars (€465 million) in military aid for Ukraine."
    facts, _ = facts_of(nlp, text)
    assert [(g.amount, g.currency) for g in facts.grants] == [(500_000_000, "USD")]


def test_a_sum_told_again_is_the_same_package_and_lists_go_to_the_package_before_them(nlp):
    """The second telling of "90 mln euros" restates the package (one grant, dated by whichever telling
    gives a day); a list between it and an earlier package of another sum belongs to the package
    announced before it, not to the one told after it."""
    text = ("Norway announced on Tuesday, June 6, a new military aid package for Moldova worth 90 mln euros. "
            "\"This is another large package of almost 90 mln euros,\" the minister said. "
            "The new assistance package includes armoured recovery vehicles. "
            "It also includes two radars. "
            "Norway announced its previous aid package in May, which amounted to 40 mln euros.")
    facts, _ = facts_of(nlp, text)
    by_amount = {g.amount: g for g in facts.grants}
    assert sorted(by_amount) == [40_000_000, 90_000_000]
    package = by_amount[90_000_000]
    assert {"vehicles", "radars"} <= {t.split()[-1] for t in package.content_texts}
    assert not by_amount[40_000_000].content_texts
