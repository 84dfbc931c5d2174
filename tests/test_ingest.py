"""Ingest: cleaning, readers, skipped inputs with reasons."""

import hashlib
import json
import random
import tracemalloc

import pytest

from kg.ingest import read_inputs
from kg.ingest.clean import clean_article_text, is_credit
from kg.ingest.decode import DecodeError, decode_bytes, normalize_text


@pytest.mark.parametrize("line", ["via REUTERS", "AP", "REUTERS", "AFP via Getty Images", "Jane Roe / AP",
                                  "A port crane at dusk.Olena Petrenko / AP"])
def test_credit_lines_are_recognised(line):
    assert is_credit(line)


@pytest.mark.parametrize("line", ["The AP reported that the port was closed.", "Reuters said the talks failed."])
def test_sentences_naming_agencies_are_not_credits(line):
    assert not is_credit(line)


def test_chrome_and_caption_blocks_are_dropped():
    raw = (
        "IE 11 is not supported by this page. Please switch to a newer browser.\n\n"
        "Port hit by drones overnight\n\n"
        "Officials in Odesa said the fire was out by noon.\n\n\n"
        "Smoke over the harbour.\nSmoke over the harbour.\nvia REUTERS\n\n"
        "A second paragraph of news.\n\n"
        "Crane and ship.\nWorkers at the pier on Wednesday.Jane Roe / AP\n\n"
        "Advertisement\n\nThe governor promised repairs."
    )
    cleaned = clean_article_text(raw)
    assert cleaned.headline == "Port hit by drones overnight"
    assert cleaned.text == (
        "Port hit by drones overnight\n\nOfficials in Odesa said the fire was out by noon.\n\n"
        "A second paragraph of news.\n\nThe governor promised repairs."
    )
    assert cleaned.dropped_lines == 7


def test_decoding_handles_boms_legacy_text_and_binary():
    assert decode_bytes("Kyiv".encode("utf-16")) == "Kyiv"
    assert decode_bytes("\ufeffKyiv".encode("utf-8")) == "Kyiv"
    assert decode_bytes("Café".encode("latin-1")) == "Café"
    with pytest.raises(DecodeError):
        decode_bytes(b"\x00\x01\x02binary")


def test_normalize_removes_controls_and_lone_surrogates():
    assert normalize_text("a\x00b\r\nc\ud800d  ") == "ab\ncd"


def test_readers_and_skip_reasons(tmp_path):
    (tmp_path / "one.txt").write_text("Headline here\n\nThe mayor of Odesa spoke on Tuesday.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "notes.csv").write_text("a,b", encoding="utf-8")
    lines = [
        json.dumps({"id": "a/1", "text": "First text.", "title": "T", "published": "2026-03-11", "publisher": "P",
                    "url": "https://news.example/a"}),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps(["list"]),
        json.dumps({"id": "c", "text": "Third.", "published": "yesterday"}),
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_inputs([tmp_path, tmp_path / "notes.csv", tmp_path / "missing.txt"])
    keys = [a.key for a in result.articles]
    assert keys == ["a-1", "c", "one"]
    first = result.articles[0]
    assert (first.title, first.published, first.publisher, first.url) == ("T", "2026-03-11", "P", "https://news.example/a")
    assert result.articles[1].published is None  # not an ISO date: dropped, not guessed
    assert result.articles[2].title == "Headline here"
    reasons = {s.source.rsplit("/", 1)[-1]: s.reason for s in result.skipped}
    assert reasons["batch.jsonl:2"].startswith("invalid JSON")
    assert reasons["batch.jsonl:3"] == "missing or empty 'text' field"
    assert reasons["batch.jsonl:4"] == "a JSONL line must be a JSON object"
    assert "binary" in reasons["binary.txt"]
    assert "no article text" in reasons["empty.txt"]
    assert "unsupported file type" in reasons["notes.csv"]
    assert reasons["missing.txt"] == "no such file or folder"


def test_duplicate_ids_are_resolved_independently_of_order(tmp_path):
    a = json.dumps({"id": "x", "text": "Alpha text."})
    b = json.dumps({"id": "x", "text": "Beta text."})
    (tmp_path / "1.jsonl").write_text(f"{a}\n{b}\n{a}\n", encoding="utf-8")
    (tmp_path / "2.jsonl").write_text(f"{b}\n{a}\n", encoding="utf-8")
    first = read_inputs([tmp_path / "1.jsonl"])
    second = read_inputs([tmp_path / "2.jsonl"])
    assert [x.key for x in first.articles] == [x.key for x in second.articles]
    assert len(first.articles) == 2 and all(k.startswith("x-") for k in (x.key for x in first.articles))
    assert [s.reason.split(" (")[0][:12] for s in first.skipped] == ["duplicate of"]


def test_articles_read_into_a_spill_are_those_read_into_memory(tmp_path):
    """A build reads its inputs into a file as they come (kg.ingest.spill): the same articles, in
    the same key order, with the same keys made unique and the same duplicates skipped."""
    lines = [json.dumps({"id": key, "text": text, "title": f"On {text}"})
             for key, text in (("b", "Beta."), ("x", "Alpha."), ("x", "Other."), ("a", "Gamma."), ("b", "Beta."))]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("A plain text article.\n", encoding="utf-8")
    (tmp_path / "spill").mkdir()
    held = read_inputs([tmp_path / "in.jsonl", tmp_path / "c.txt"])
    spilled = read_inputs([tmp_path / "in.jsonl", tmp_path / "c.txt"], spill_to=tmp_path / "spill")
    assert isinstance(held.articles, tuple) and not isinstance(spilled.articles, tuple)
    assert list(spilled.articles) == list(held.articles) and spilled.skipped == held.skipped
    assert [a.key for a in held.articles][:2] == ["a", "b"] and len(held.skipped) == 1
    assert spilled.articles[1:3] == list(held.articles[1:3]) and spilled.articles[-1] == held.articles[-1]
    assert [p.name for p in (tmp_path / "spill").iterdir()] == ["articles.pickle"]  # the file as read is gone


def test_keys_are_made_unique_on_disk_from_the_set_of_articles(tmp_path):
    """What decides each article's key (kg.ingest.keys, a table on disk) gives what the rule says,
    whatever the order read: one article per key and text, a key shared by different texts
    suffixed with each text's digest, the rest skipped as duplicates; the table's file removed."""
    rng = random.Random(7)
    pairs = [(rng.choice("abcde") + rng.choice(["", "-x", "x"]), rng.choice(["One.", "Two.", "Three."]))
             for _ in range(300)]
    texts: dict[str, set[str]] = {}
    for key, text in pairs:
        texts.setdefault(key, set()).add(text)
    expected = sorted(key if len(group) == 1 else f"{key}-{hashlib.sha256(t.encode()).hexdigest()[:10]}"
                      for key, group in texts.items() for t in group)
    for order in range(2):
        rng.shuffle(pairs)
        (tmp_path / f"in{order}.jsonl").write_text("".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in pairs),
                                                  encoding="utf-8")
        (tmp_path / f"spill{order}").mkdir()
        read = read_inputs([tmp_path / f"in{order}.jsonl"], spill_to=tmp_path / f"spill{order}")
        assert [a.key for a in read.articles] == expected
        assert len(read.skipped) == len(pairs) - len(expected)
        assert all(s.reason.startswith("duplicate of") for s in read.skipped)
        assert [p.name for p in (tmp_path / f"spill{order}").iterdir()] == ["articles.pickle"]
        assert [a.key for a in read_inputs([tmp_path / f"in{order}.jsonl"]).articles] == expected


def test_reading_holds_no_memory_per_article(tmp_path, monkeypatch):
    """Read onto disk, twice the articles hold about the same Python memory: the key, source and
    digest of each wait in a table on disk (a few hundred bytes an article held, before). Keys are
    made here without the slugs' cache (bounded, kg.util.slug: it holds the last 16,384 made)."""
    from kg.ingest import readers
    from kg.util.slug import slugify

    monkeypatch.setattr(readers, "key_from_name", slugify.__wrapped__)
    peaks = []
    for count in (2_000, 10_000):
        path = tmp_path / f"c{count}.jsonl"
        path.write_text("".join(json.dumps({"id": f"article-{i:06d}", "text": f"Report number {i}."}) + "\n"
                                for i in range(count)), encoding="utf-8")
        (tmp_path / f"s{count}").mkdir()
        tracemalloc.start()
        read = read_inputs([path], spill_to=tmp_path / f"s{count}")
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert len(read.articles) == count
    assert peaks[1] < peaks[0] + 500_000, peaks  # 8,000 more articles: < 0.5 MB more (~4 MB before)


def test_html_article_is_extracted_with_metadata(tmp_path):
    page = """<!doctype html><html><head><title>Port fire | Harbour Daily</title>
    <meta property="og:title" content="Port fire after overnight drone attack">
    <meta property="og:site_name" content="Harbour Daily">
    <meta property="article:published_time" content="2026-03-11T09:30:00Z">
    <link rel="canonical" href="https://harbour.example/port-fire"></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <div class="cookie">We use cookies to improve your experience.</div>
    <article><h1>Port fire after overnight drone attack</h1>
    <p>Firefighters in Odesa worked through the night after drones struck a grain terminal, the regional governor said on Wednesday.</p>
    <figure><img src="x.jpg"><figcaption>Smoke over the port. Photo: Jane Roe</figcaption></figure>
    <p>The governor said three warehouses were damaged and that nobody was hurt in the attack on the port.</p>
    </article><footer>Copyright Harbour Daily. All rights reserved.</footer></body></html>"""
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    [article] = read_inputs([tmp_path]).articles
    assert article.title == "Port fire after overnight drone attack"
    assert article.publisher == "Harbour Daily"
    assert article.published == "2026-03-11"
    assert article.url == "https://harbour.example/port-fire"
    assert "grain terminal" in article.text and "three warehouses" in article.text
    for chrome in ("cookies", "Home", "Copyright", "Photo: Jane Roe"):
        assert chrome not in article.text


def test_a_jsonl_corpus_is_read_line_by_line_not_held_whole(tmp_path, monkeypatch):
    """A corpus in one JSONL file (often all of it) is read as its lines come: lines added after its
    first article was read are read too, and a file grown past the limit since it was opened ends
    with one clear skip after the articles before it."""
    from kg.ingest import readers

    monkeypatch.setattr(readers, "MAX_JSONL_BYTES", 200_000)
    path = tmp_path / "corpus.jsonl"
    line = json.dumps({"id": "a0", "text": "An article. " * 50}) + "\n"
    path.write_text(line, encoding="utf-8")
    read = readers.read_jsonl(path)
    assert next(read).key == "a0"
    with path.open("a", encoding="utf-8") as more:  # (a real file's lines are all there when it is opened)
        more.writelines(line.replace('"a0"', f'"a{i}"') for i in range(1, 400))  # ~250 KB in all
    rest = list(read)
    assert [a.key for a in rest[:3]] == ["a1", "a2", "a3"] and 250 < len(rest) < 400
    assert rest[-1].source.endswith("corpus.jsonl") and rest[-1].reason.startswith("file too large: more than 200,000 bytes")
