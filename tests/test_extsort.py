"""The external sort gives exactly what `sorted` gives, ties in the same order, with bounded runs."""

import random

import pytest

from kg.util import extsort
from kg.util.extsort import external_sorted


@pytest.mark.parametrize("count", [0, 1, 9, 10, 11, 95, 1000])
def test_the_same_order_as_sorted_ties_included(tmp_path, count):
    rng = random.Random(count)
    items = [(rng.randrange(7), i) for i in range(count)]  # many equal keys: stability shows

    def key(item):
        return item[0]

    assert list(external_sorted(items, key, tmp_path, run_size=10)) == sorted(items, key=key)
    assert not list(tmp_path.iterdir())  # the runs on disk are gone once read


def test_runs_are_written_only_when_the_items_do_not_fit_in_one(tmp_path, monkeypatch):
    spilled = []
    real = extsort._spilled
    monkeypatch.setattr(extsort, "_spilled", lambda run, path: spilled.append(len(run)) or real(run, path))
    assert list(external_sorted(range(5, 0, -1), lambda x: x, tmp_path, run_size=10)) == [1, 2, 3, 4, 5]
    assert spilled == []
    assert list(external_sorted(range(25, 0, -1), lambda x: x, tmp_path, run_size=10)) == list(range(1, 26))
    assert spilled == [10, 10, 5]


def test_a_consumer_that_stops_early_leaves_no_run_behind(tmp_path):
    rows = external_sorted(range(100, 0, -1), lambda x: x, tmp_path, run_size=10)
    assert [next(rows) for _ in range(3)] == [1, 2, 3]
    rows.close()
    assert not list(tmp_path.iterdir())
