"""The build's articles from their reading to the graph stage (kg.ingest.spill):
on disk, read back whole and in order on every pass."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kg.ingest import Article
from kg.ingest.spill import SpilledArticles, in_key_order, merged_by_key


def _articles(n):
    return [Article(key=f"a{i:03d}", text=f"Body {i} \u2014 caf\u00e9 " * (i + 1), source=f"f.jsonl:{i}",
                    title=f"T{i}" if i % 2 else None, published="2024-02-0" + str(1 + i % 9)) for i in range(n)]


def test_spilled_articles_read_back_whole_and_in_order_on_every_pass(tmp_path):
    articles = _articles(40)
    spilled = SpilledArticles(iter(articles), tmp_path / "articles.pickle")
    assert len(spilled) == 40
    assert list(spilled) == articles and list(spilled) == articles  # two passes
    assert spilled[0] == articles[0] and spilled[-1] == articles[-1] and spilled[7] == articles[7]
    assert spilled[3:9:2] == articles[3:9:2]
    with pytest.raises(IndexError):
        spilled[40]
    spilled.clear()
    assert len(spilled) == 0 and list(spilled) == [] and not (tmp_path / "articles.pickle").exists()
    with pytest.raises(IndexError):
        spilled[0]


def test_the_articles_not_extracted_are_let_go_and_the_others_kept_in_order(tmp_path):
    articles = _articles(10)
    expected = [a for a in articles if a.key != "a004"]
    held = SpilledArticles(iter(articles), tmp_path / "articles.pickle")
    assert held.keeping({a.key for a in articles}) is held  # all extracted: nothing written again
    kept = held.keeping({a.key for a in expected})
    assert list(kept) == expected and len(kept) == 9
    assert len(held) == 0 and not (tmp_path / "articles.pickle").exists()  # the spill of all ten is gone


def test_articles_in_any_order_are_put_in_key_order_on_disk(tmp_path):
    """A store gives its articles in its own order (kg.dataset.store `stored_articles`): they are
    sorted on disk by key, in Python's order of the strings (non-ASCII keys included); of two with
    one key, the later is kept; only the sorted file is left."""
    articles = _articles(30) + [replace(_articles(1)[0], key="\u00e9t\u00e9"), replace(_articles(1)[0], key="zz")]
    shuffled = articles[::-1][::2] + articles[::-1][1::2]
    newer = replace(articles[5], text="A newer text.")
    ordered = in_key_order(iter([*shuffled, newer]), tmp_path)
    expected = sorted([*articles[:5], newer, *articles[6:]], key=lambda a: a.key)
    assert list(ordered) == expected and [a.key for a in ordered][-2:] == ["zz", "\u00e9t\u00e9"]
    assert [p.name for p in tmp_path.iterdir()] == ["in-key-order.pickle"]


def test_stored_and_read_articles_merge_by_key_the_read_replacing_the_stored():
    stored = _articles(10)[::2]  # a000 a002 ... a008
    read = [replace(a, text="new") for a in _articles(10)[4:7]]  # a004 a005 a006, new texts
    merged = list(merged_by_key(iter(stored), iter(read)))
    assert [a.key for a in merged] == ["a000", "a002", "a004", "a005", "a006", "a008"]
    assert [a.text for a in merged if a.key in {"a004", "a005", "a006"}] == ["new"] * 3
    assert list(merged_by_key(iter(stored), iter([]))) == stored
    assert list(merged_by_key(iter([]), iter(read))) == read

