"""The build's articles between extraction and the graph stage (kg.run.held_articles): on disk for a
big build, read back whole and in order on every pass."""

from __future__ import annotations

import pytest

from kg.ingest import Article
from kg.run.held_articles import SpilledArticles, extracted_only, held_articles


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


@pytest.mark.parametrize("on_disk", [False, True])
def test_held_articles_let_the_input_list_go_and_keep_the_extracted_ones(on_disk):
    articles = _articles(10)
    expected = [a for a in articles if a.key != "a004"]
    given = list(articles)
    with held_articles(given, on_disk) as held:
        assert given == []  # not held twice
        assert isinstance(held, SpilledArticles) == on_disk
        assert list(held) == articles
        assert extracted_only(held, {a.key for a in articles}) is held  # all extracted: nothing written again
        kept = extracted_only(held, {a.key for a in expected})
        assert list(kept) == expected and len(kept) == 9
        assert len(held) == (0 if on_disk else 9)  # the spill of all ten is gone; a list is filtered in place
        folder = kept._path.parent if on_disk else None
    assert folder is None or not folder.exists()  # the spill removed with its folder
