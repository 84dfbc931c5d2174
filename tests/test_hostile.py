"""Hostile input: one real `kg build` over a folder of bad inputs beside two good articles, and the
ingest functions that defend against each kind of input."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.ingest import MAX_ARTICLE_CHARS, display_path, read_inputs
from kg.ingest.clean import MAX_MIXED_RUN, MAX_SAME_RUN, clean_article_text, collapse_runs, is_credit
from kg.ingest.decode import DecodeError, decode_bytes, normalize_text
from kg.ingest.metadata import clean_date, clean_url
from kg.ingest.readers import strip_internal_subsets
from kg.run.outputs import OUTPUT_FILES
from tests.conftest import ROOT, SAMPLES
from tests.hostile_inputs import PARAGRAPH, write_corpus
from tests.shacl_checks import build_problems

BUILD_SECONDS = 120  # the whole hostile build, on 2 cores
GOOD = ("odesa-wire.txt", "harbour-daily.html")


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "in put ü"  # the input path itself has a space
    expect = write_corpus(folder)
    for name in GOOD:
        shutil.copy(SAMPLES / name, folder / name)
    out = tmp_path_factory.mktemp("hostile-out")
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "kg", "build", str(folder), "-o", str(out), "--quiet"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=BUILD_SECONDS * 2)
    seconds = time.monotonic() - started
    return folder, expect, out, result, seconds


def _source(folder: Path, name: str) -> str:
    """How report.json and stderr name an input (a file, or "file:line" for a JSONL line)."""
    path, sep, line = name.rpartition(":") if name.rsplit(":", 1)[-1].isdigit() else (name, "", "")
    return display_path(folder / path) + sep + line


def _bodies(out: Path) -> dict[str, str]:
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    rows = store.query("""PREFIX schema: <https://schema.org/> PREFIX kgo: <https://w3id.org/evkg/ontology#>
        SELECT ?key ?body WHERE { GRAPH ?g { ?a kgo:articleKey ?key ; schema:articleBody ?body } }""")
    return {row["key"].value: row["body"].value for row in rows}


def test_the_build_finishes_in_time_and_exits_0(hostile_build):
    _, _, out, result, seconds = hostile_build
    assert result.returncode == 0, result.stderr[-3000:]
    assert seconds < BUILD_SECONDS, f"hostile build took {seconds:.0f} s"
    for name in OUTPUT_FILES:
        assert (out / name).is_file(), name
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "temporary files left in OUT"


def test_good_articles_are_built(hostile_build):
    folder, _, out, _, _ = hostile_build
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    sources = {a["source"] for a in report["articles"].values()}
    for name in GOOD:
        assert display_path(folder / name) in sources
    people = {row["name"].value for row in _store(out).query(
        'PREFIX schema: <https://schema.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
        'SELECT ?name WHERE { GRAPH ?g { ?p a schema:Person ; rdfs:label ?name } }')}
    assert {"Oksana Hrytsenko", "Irina Volkova"} <= people


def _store(out: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def test_every_input_is_built_or_skipped_with_its_reason(hostile_build):
    folder, expect, out, result, _ = hostile_build
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    built = {a["source"]: key for key, a in report["articles"].items()}
    skipped = {s["source"]: s["reason"] for s in report["skipped"]}
    bodies = _bodies(out)
    stderr_lines = result.stderr.splitlines()
    problems = []
    for name, outcome in sorted(expect.items()):
        source = _source(folder, name)
        if name.endswith(".jsonl") and outcome.outcome == "either":
            continue  # a whole JSONL file: its lines are the inputs
        if source in built:
            if outcome.outcome == "skipped":
                problems.append(f"{name!r}: built, expected skipped ({outcome.reason})")
                continue
            body = bodies[built[source]]
            problems += [f"{name!r}: text lacks {c!r}" for c in outcome.contains if c not in body]
            problems += [f"{name!r}: text contains {e!r}" for e in outcome.excludes if e in body]
            if outcome.max_chars is not None and len(body) > outcome.max_chars:
                problems.append(f"{name!r}: text has {len(body)} characters")
        elif source in skipped:
            if outcome.outcome == "built":
                problems.append(f"{name!r}: skipped ({skipped[source]}), expected built")
            elif outcome.reason.lower() not in skipped[source].lower():
                problems.append(f"{name!r}: reason {skipped[source]!r} lacks {outcome.reason!r}")
            if not any(line.startswith(f"skipped {source}: ") for line in stderr_lines):
                problems.append(f"{name!r}: not named on stderr as {source!r}")
        elif not (outcome.outcome == "either" and name.endswith(".jsonl")):
            problems.append(f"{name!r}: neither built nor skipped (source {source!r})")
    # Every JSONL line that is neither built nor skipped must be blank (those are ignored).
    for name in ("binary.jsonl", "malformed.jsonl"):
        lines = (folder / name).read_bytes().split(b"\n")
        for number, line in enumerate(lines, start=1):
            source = f"{display_path(folder / name)}:{number}"
            if line.strip() and source not in built and source not in skipped:
                problems.append(f"{source}: neither built nor skipped")
    assert not problems, "\n".join(problems)
    assert report["totals"]["skipped"] == len(report["skipped"])
    # One stderr line per skipped input: names with newlines or bidi controls are escaped.
    assert len([line for line in stderr_lines if line.startswith("skipped ")]) == len(report["skipped"])


def test_offsets_index_into_the_cleaned_text(hostile_build):
    """Every mention's offsets select its exact words from schema:articleBody (code points)."""
    _, _, out, _, _ = hostile_build
    bad = list(_store(out).query("""
        PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX schema: <https://schema.org/>
        SELECT ?a ?b ?e ?exact WHERE { GRAPH ?g {
          ?a oa:hasTarget ?t . ?t oa:hasSource ?article ;
             oa:hasSelector [ a oa:TextPositionSelector ; oa:start ?b ; oa:end ?e ],
                            [ a oa:TextQuoteSelector ; oa:exact ?exact ] .
          ?article schema:articleBody ?body .
          FILTER (SUBSTR(?body, ?b + 1, ?e - ?b) != ?exact) } }"""))
    assert not bad, bad[:5]


def test_the_hostile_build_conforms_to_the_shapes(hostile_build):
    _, _, out, _, _ = hostile_build
    problems = build_problems(out / "graph.nq")
    assert not problems, "\n".join(problems)


# --- the defences, one by one -------------------------------------------------------------------

def test_punctuation_runs_are_collapsed():
    assert collapse_runs("Wow" + "!" * 100_000 + " ok") == "Wow!!! ok"
    assert collapse_runs("a" + "!" * MAX_SAME_RUN + "b") == "a" + "!" * MAX_SAME_RUN + "b"  # 20 stay
    assert collapse_runs("a" + "!" * (MAX_SAME_RUN + 1) + "b") == "a!!!b"
    assert collapse_runs("?!" * 50_000) == ("?!" * 50_000)[:MAX_MIXED_RUN]
    assert collapse_runs("_" * 40 + " " + "😀" * 25) == "___ 😀😀😀"
    for keep in ("Wait... what?!", "a -- b", "(see: [1])", "£2,000", "20 000", "word " * 50):
        assert collapse_runs(keep) == keep


def test_cleaning_is_fast_on_pathological_lines():
    """Lines that made the credit pattern (and spaCy's tokenizer) quadratic."""
    for text in ("x " + "A." * 500_000, "Head\n\n" + "!" * 1_000_000, "(" * 200_000 + "Odesa", "a\n" * 500_000):
        started = time.monotonic()
        clean_article_text(normalize_text(text))
        assert time.monotonic() - started < 5, text[:20]


def test_spacy_tokenizes_the_cleaned_runs_quickly():
    import spacy

    nlp = spacy.blank("en")
    text = clean_article_text("Odesa" + "!" * 100_000 + " then " + "?!" * 50_000 + " " + "$" * 30_000 + "(" * 9_000).text
    started = time.monotonic()
    nlp.tokenizer(text)
    assert time.monotonic() - started < 1


def test_long_lines_are_still_cleaned():
    assert is_credit("A port crane at dusk.Olena Petrenko / AP")
    assert is_credit("x" * 1_000 + ". Olena Petrenko / AP")  # a glued credit at the end of a long caption
    assert not is_credit("Photo: " + "A" * 400 + " / AP")  # a "credit line" of 400 characters is text


def test_decoding():
    article = "Café owner says the port of Odesa will reopen on Friday."
    assert decode_bytes(article.encode("latin-1")) == article
    assert decode_bytes(article.encode("utf-16")) == article
    assert decode_bytes(article.encode("utf-16-le")) == article  # no BOM: told by its NUL bytes
    assert decode_bytes(article.encode("utf-16-be")) == article
    assert decode_bytes(article.encode("utf-32")) == article
    assert decode_bytes("\ufeff".encode() + article.encode()) == article
    # A few corrupt bytes in UTF-8 text do not turn the whole text into cp1252 mojibake.
    assert decode_bytes(article.encode().replace(b"port", b"p\xffort")) == article.replace("port", "p\ufffdort")
    # A stray NUL is text with a NUL (removed by normalize_text), not binary data.
    assert normalize_text(decode_bytes(article.encode().replace(b"port", b"po\x00rt"))) == article
    for junk in (b"\x00\x01\x02binary", bytes(range(256)) * 8, b"\x00" * 1000, bytes(range(1, 32)) * 100,
                 b"\xff\xfe" + random.Random(1).randbytes(20_000)):
        with pytest.raises(DecodeError, match="binary"):
            decode_bytes(junk)
    assert decode_bytes(b"") == ""


def test_normalize_removes_invisible_and_bidi_characters():
    assert normalize_text("O\u200bde\u00adsa \u202eevil\u202c \u2066x\u2069 \u200fy\u200e \U000e0041z") == "Odesa evil x y z"
    assert normalize_text("a\u2028b\u2029c\x0cd\x85e\x0bf") == "a\nb\nc\nd\ne\nf"
    assert normalize_text("a\x80b\x9fc\ufffed\ufdd0e") == "abcde"
    assert normalize_text("e\u0301 \U0001F469\u200d\U0001F52C") == "é \U0001F469\u200d\U0001F52C"  # NFC; ZWJ stays
    assert normalize_text("a\ud83d\ude00b \udfffc") == "ab c"  # lone surrogates go (even two in a row)


def test_entity_declarations_are_removed_before_parsing():
    bomb = '<!DOCTYPE html [<!ENTITY a "x"><!ENTITY % p "y"><!ENTITY b "&a;&a;">]><p>1 &a; 2 &b; 3 &amp; &p;</p>'
    assert strip_internal_subsets(bomb) == "<p>1  2  3 &amp; &p;</p>"
    assert strip_internal_subsets("<!doctype html><p>x</p>") == "<!doctype html><p>x</p>"
    assert strip_internal_subsets('<!DOCTYPE x [<!ENTITY y "z">') == ""  # unterminated: nothing after it
    started = time.monotonic()
    strip_internal_subsets("<!DOCTYPE x [" * 100_000)
    assert time.monotonic() - started < 2


def test_metadata_is_checked():
    assert clean_date("2026-03-11") == "2026-03-11"
    assert clean_date("2026-03-11 09:30+0200") == "2026-03-11T09:30:00+02:00"
    assert clean_date("2026-03-11T09:30:00Z") == "2026-03-11T09:30:00Z"
    for bad in ("2026-13-45", "2026-02-30", "2026-03-11T25:00", "2026-03-11T09:30+25:00", "yesterday", 20260311, None):
        assert clean_date(bad) is None, bad
    assert clean_url("https://news.example/a?b=c") == "https://news.example/a?b=c"
    for bad in ("https://x/%zz", "https://x/a b", "javascript:alert(1)", "ftp://x/", "/relative", "https://x/\ue000"):
        assert clean_url(bad) is None, bad


def test_display_path_escapes_what_would_break_a_line():
    assert display_path("in put/ü.txt") == "in put/ü.txt"
    assert display_path("a\nb\u202ec.txt") == "a\\u000ab\\u202ec.txt"
    assert display_path(os.fsdecode(b"x\xff.txt")) == "x\\xff.txt"
    display_path(os.fsdecode(b"x\xff.txt")).encode("utf-8")  # printable and writable as UTF-8


def test_too_long_articles_are_skipped_not_truncated(tmp_path):
    (tmp_path / "long.txt").write_text("Headline here\n\n" + "Word " * (MAX_ARTICLE_CHARS // 5 + 10), encoding="utf-8")
    (tmp_path / "fits.txt").write_text("Headline here\n\n" + PARAGRAPH, encoding="utf-8")
    read = read_inputs([tmp_path])
    assert [a.key for a in read.articles] == ["fits"]
    [skipped] = read.skipped
    assert skipped.source.endswith("long.txt") and "too long" in skipped.reason


def test_a_reader_that_fails_skips_only_its_file(tmp_path, monkeypatch):
    import kg.ingest.readers as readers

    def explode(path, *listing):
        yield from ()
        raise RuntimeError("boom")

    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.txt").write_text(PARAGRAPH, encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": PARAGRAPH}) + "\n", encoding="utf-8")
    monkeypatch.setitem(readers.READERS, ".txt", lambda path, *listing: explode(path) if path.name == "b.txt"
                        else readers.read_txt(path, *listing))
    read = read_inputs([tmp_path])
    assert [a.key for a in read.articles] == ["a", "c-1"]
    assert [(Path(s.source).name, s.reason) for s in read.skipped] == [("b.txt", "cannot read: RuntimeError: boom")]
