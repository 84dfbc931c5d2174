"""Aid-package identity across articles: one funder's package told with other amounts or currencies
the same day is one node; packages of one amount months apart are two; order changes nothing."""

from __future__ import annotations

import datetime as dt
import random

from kg.resolve.grant_identity import GrantSighting, grant_identities


def _g(article, amount, currency, day, funder="country/x", index=0):
    return GrantSighting(article, index, funder, amount, currency, dt.date.fromisoformat(day) if day else None)


def test_one_package_in_several_tellings_and_two_packages_of_one_amount():
    sightings = [
        _g("a", 500_000_000, "USD", "2024-02-20"),  # the president's figure
        _g("b", 460_000_000, "USD", "2024-02-21"),  # the ministry's, published the next day
        _g("c", 500_000_000, "USD", "2024-06-27"),  # months later: another package
        _g("d", 700_000_000, "EUR", "2024-07-11", "country/y"),  # one package in two currencies
        _g("e", 768_000_000, "USD", "2024-07-11", "country/y"),
        _g("f", 200_000_000, "USD", "2024-02-20", index=1),  # same day, far from the other amount: another
        _g("g", 300_000_000, "USD", "2024-02-20", None), _g("h", 300_000_000, "USD", "2024-02-20", None),
    ]
    keys = grant_identities(sightings)
    for seed in range(5):
        shuffled = sightings[:]
        random.Random(seed).shuffle(shuffled)
        assert grant_identities(shuffled) == keys
    assert keys[("a", 0)] == keys[("b", 0)] == "grant/2024-02-20-country-x-500000000-usd"
    assert keys[("c", 0)] == "grant/2024-06-27-country-x-500000000-usd"
    assert keys[("d", 0)] == keys[("e", 0)]
    assert keys[("f", 1)] not in (keys[("a", 0)], keys[("c", 0)])
    assert keys[("g", 0)] != keys[("h", 0)], "packages with no funder are never merged across articles"
