"""Properties (hypothesis): IRIs minted from any name are valid and stable; every dump format
round-trips; building is commutative, associative and idempotent in its inputs.

Builds run in-process (kg.run.build.build) with one spaCy pipeline loaded for the whole module.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.config import Settings
from kg.export.rdf import DUMPS, merged_triples, sorted_quads, write_dumps
from kg.graph.iris import IriMinter
from kg.run.build import build
from kg.run.outputs import OUTPUT_FILES
from kg.util.slug import slugify

FAST = settings(max_examples=200, deadline=None, derandomize=True, database=None)
DUMP_EXAMPLES = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                         suppress_health_check=[HealthCheck.too_slow])
# No shrinking for builds: a shrink step is a build, and hypothesis would take minutes; the
# failing example is printed as generated.
BUILDS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

MINTER = IriMinter("https://w3id.org/evkg/id/")
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
SCHEMA_PERSON = URIRef("https://schema.org/Person")

# Any code point hypothesis draws (never a surrogate), and an alphabet of troublemakers that
# includes lone surrogates (they come from JSON escapes and from file names that are not UTF-8).
any_char = st.characters(codec=None, exclude_categories=())
names = st.one_of(
    st.text(any_char, max_size=40),
    st.text(st.sampled_from(" \t\n\"'<>{}|\\^`%#?/&=+.:;-_\u00a0\u200b\u202e\ufeff\x00\x7f\ud800\udcff\U0001f600e\u0301"),
            max_size=12),
    st.sampled_from(["", " ", "Zelenskyy", "Зеленський", "Володимир Зеленський", "東京", "Ørsted", "Café",
                     "Cafe\u0301", "ﬁnance", "Ǆ", "x" * 500, "a/b", "../../etc/passwd", "%41", "'; DROP--", "\ud800", "not-utf8-\udcff"]),
)


def _parses_strictly(iri: str) -> bool:
    """pyoxigraph (strict) reads `<iri> <p> "o" .` as N-Triples."""
    line = f'<{iri}> <http://example.org/p> "o" .\n'
    return len(list(ox.parse(input=line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))) == 1


# --- IRIs -------------------------------------------------------------------------------------

@FAST
@given(kind=st.sampled_from(["person", "place", "organization", "weapon"]) | names, name=names)
def test_minted_iris_are_valid_and_stable(kind, name):
    iris = [MINTER.entity(f"{kind}/{name}"), MINTER.article(name), MINTER.graph(name), MINTER.publisher(name),
            MINTER.node(kind, name), MINTER.annotation(name, 3, 7), MINTER.annotation(name, 3, 7, kind)]
    for iri in iris:
        assert str(iri).startswith(MINTER.base)
        assert str(iri).isascii() and _parses_strictly(str(iri)), iri
    again = [MINTER.entity(f"{kind}/{name}"), MINTER.article(name), MINTER.graph(name), MINTER.publisher(name),
             MINTER.node(kind, name), MINTER.annotation(name, 3, 7), MINTER.annotation(name, 3, 7, kind)]
    assert iris == again


@FAST
@given(name=names)
def test_slugs_are_readable_path_segments(name):
    slug = slugify(name)
    assert slug and slug == slugify(name)
    assert all(c in "abcdefghijklmnopqrstuvwxyz0123456789-" for c in slug), slug
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    assert len(slug) <= 80 + 11


@FAST
@given(name=names)
def test_canonically_equivalent_names_get_one_iri(name):
    """slugify normalises to NFC first, so NFC and NFD spellings of a name are one node."""
    try:
        nfc, nfd = unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)
    except UnicodeError:  # pragma: no cover - normalize accepts lone surrogates in CPython
        return
    assert slugify(nfc) == slugify(nfd) == slugify(name)
    assert MINTER.entity(f"person/{nfc}") == MINTER.entity(f"person/{nfd}")
    assert MINTER.article(nfc) == MINTER.article(nfd)


def test_examples_of_minted_iris():
    assert MINTER.entity("person/Zelenskyy") == URIRef("https://w3id.org/evkg/id/person/zelenskyy")
    assert MINTER.entity("person/Cafe\u0301") == MINTER.entity("person/Café")
    assert str(MINTER.entity("person/Зеленський")).startswith("https://w3id.org/evkg/id/person/x-")
    assert MINTER.entity("person/Зеленський") != MINTER.entity("person/Зеленськии")  # hashes differ
    assert MINTER.article("") == MINTER.article("   ")  # both "x-<hash of ''>"


# --- dumps ------------------------------------------------------------------------------------

labels = st.text(st.characters(codec="utf-8"), max_size=30)  # literals: any text (no lone surrogates)
languages = st.sampled_from([None, "en", "en-GB", "uk", "zh-Hant-TW", "de-CH-1996"])


@DUMP_EXAMPLES
@given(items=st.lists(st.tuples(names, labels, languages, st.integers()), min_size=1, max_size=6))
def test_every_dump_format_round_trips(items):
    dataset = Dataset()
    for i, (name, label, language, number) in enumerate(items):
        article = MINTER.article(f"{name}-{i}")
        graph_iri = MINTER.graph(f"{name}-{i}")
        graph = dataset.graph(graph_iri)
        node = MINTER.entity(f"person/{name}")
        graph.add((node, RDF.type, SCHEMA_PERSON))
        graph.add((node, RDFS.label, Literal(label, lang=language)))
        graph.add((node, URIRef("https://w3id.org/evkg/ontology#count"), Literal(number, datatype=XSD.integer)))
        dataset.add((graph_iri, PROV_DERIVED, article))  # the default graph
    quads = sorted_quads(dataset)
    with tempfile.TemporaryDirectory() as tmp:
        written = write_dumps(quads, Path(tmp))
        for name, path in written.items():
            fmt = DUMPS[name]
            parsed = list(ox.parse(path=str(path), format=fmt))
            if fmt == ox.RdfFormat.TURTLE:
                expected = set(merged_triples(quads))
                assert len(parsed) == len(expected) and {q.triple for q in parsed} == expected, name
            else:
                assert len(parsed) == len(quads) and set(parsed) == set(quads), name


# --- builds: merging the inputs of a build ------------------------------------------------------

PEOPLE = ["Oksana Hrytsenko", "Dmitry Peskov", "Volodymyr Zelensky", "Irina Volkova", "Taras Melnyk"]
PLACES = ["Odesa", "Kyiv", "Kharkiv", "the Kremlin", "Moscow", "Mykolaiv"]
COUNTRIES = ["Russia", "Ukraine", "the United States"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday"]
TEMPLATES = [
    "{person} said on {day} that {country} attacked {place} with drones.",
    "{person} denied that {country} had targeted civilian buildings in {place}.",
    "Officials in {place} said air defence shot down {count} drones overnight.",
    "{country} announced a ${count} million aid package, {person} said in {place}.",
    "\u201cWe will rebuild {place},\u201d {person} told reporters on {day}.",
]
sentences = st.builds(lambda t, person, place, country, day, count: t.format(
    person=person, place=place, country=country, day=day, count=count),
    st.sampled_from(TEMPLATES), st.sampled_from(PEOPLE), st.sampled_from(PLACES), st.sampled_from(COUNTRIES),
    st.sampled_from(DAYS), st.integers(2, 40))
articles = st.builds(lambda place, body: f"News from {place}\n\n" + " ".join(body),
                     st.sampled_from(PLACES), st.lists(sentences, min_size=1, max_size=3))


@contextmanager
def workspace():
    folder = Path(tempfile.mkdtemp(prefix="kg-props-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _jsonl(path: Path, records: list[tuple[str, str]]) -> Path:
    return _write(path, "".join(json.dumps({"id": key, "text": text}) + "\n" for key, text in records))


def _outputs(inputs: list[Path], out: Path) -> dict[str, bytes]:
    build(inputs, out, Settings())
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


def _without_sources(report: bytes) -> dict:
    """report.json without what names input files (the only thing that differs with the grouping)."""
    data = json.loads(report)
    for article in data["articles"].values():
        article.pop("source")
    data["skipped"] = [s for s in data["skipped"] if not s["reason"].startswith("duplicate of")]
    data["totals"]["skipped"] = len(data["skipped"])
    data["stats"]["skipped_inputs"] = len(data["skipped"])
    return data


def _same_build(left: dict[str, bytes], right: dict[str, bytes]) -> None:
    for name in OUTPUT_FILES:
        if name == "report.json":
            assert _without_sources(left[name]) == _without_sources(right[name])
        else:
            assert left[name] == right[name], name


@BUILDS
@given(a=articles, b=articles, same_name=st.booleans())
def test_building_is_commutative(a, b, same_name):
    """{A, B} and {B, A} give byte-identical outputs: as files given in either order (with the
    same file name in two folders, or two names), and as JSONL records in either order."""
    with workspace() as tmp:
        file_a = _write(tmp / "one" / "alpha.txt", a)
        file_b = _write(tmp / "two" / ("alpha.txt" if same_name else "beta.txt"), b)
        assert _outputs([file_a, file_b], tmp / "ab") == _outputs([file_b, file_a], tmp / "ba")
        ab = _outputs([_jsonl(tmp / "ab.jsonl", [("a", a), ("b", b)])], tmp / "jab")
        ba = _outputs([_jsonl(tmp / "ba.jsonl", [("b", b), ("a", a)])], tmp / "jba")
        _same_build(ab, ba)


@BUILDS
@given(a=articles, b=articles, c=articles)
def test_building_is_associative(a, b, c):
    """(A ∪ B) ∪ C = A ∪ (B ∪ C): records grouped into files either way give the same graph."""
    with workspace() as tmp:
        left = _outputs([_jsonl(tmp / "l" / "first.jsonl", [("a", a), ("b", b)]),
                         _jsonl(tmp / "l" / "second.jsonl", [("c", c)])], tmp / "left")
        right = _outputs([_jsonl(tmp / "r" / "first.jsonl", [("a", a)]),
                          _jsonl(tmp / "r" / "second.jsonl", [("b", b), ("c", c)])], tmp / "right")
        _same_build(left, right)


@BUILDS
@given(a=articles, b=articles)
def test_building_is_idempotent(a, b):
    """A ∪ A = A. The same file given twice is read once: outputs are byte-identical. A copy of a
    file under the same name elsewhere, or a JSONL record repeated, is the same article (same key,
    same text): it is skipped as a duplicate, and only report.json says so."""
    with workspace() as tmp:
        file_a = _write(tmp / "one" / "alpha.txt", a)
        file_b = _write(tmp / "one" / "beta.txt", b)
        once = _outputs([file_a, file_b], tmp / "once")
        assert _outputs([file_a, file_b, file_a, tmp / "one"], tmp / "twice") == once
        copy = _write(tmp / "copy" / "alpha.txt", a)
        with_copy = _outputs([file_a, file_b, copy], tmp / "copy-out")
        _same_build(with_copy, once)
        kept, dropped = sorted([str(file_a), str(copy)])
        assert json.loads(with_copy["report.json"])["skipped"] == [
            {"source": dropped, "reason": f"duplicate of {kept} (same id and text)"}]
        records = _outputs([_jsonl(tmp / "rec.jsonl", [("a", a), ("b", b), ("a", a)])], tmp / "rec")
        records_once = _outputs([_jsonl(tmp / "rec.jsonl", [("a", a), ("b", b)])], tmp / "rec-once")
        _same_build(records, records_once)
