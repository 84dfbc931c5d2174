"""`kg build --store`: incremental, idempotent, order-independent; read by every command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from kg.cli import cli
from kg.config import Settings
from kg.dataset.store import DATABASE, open_store
from kg.run.build import build
from tests.conftest import SAMPLES

FILES = ("odesa-wire.txt", "harbour-daily.html", "briefings.jsonl")


def quads(store_dir: Path) -> set[ox.Quad]:
    store = ox.Store.read_only(str(store_dir / DATABASE))
    return set(store)


def test_one_at_a_time_equals_all_at_once_and_reingesting_changes_nothing(tmp_path):
    one, all_ = tmp_path / "one", tmp_path / "all"
    for name in FILES:
        build([SAMPLES / name], None, Settings(), store_dir=one)
    report = build([SAMPLES], tmp_path / "out", Settings(), store_dir=all_).report
    assert report["store"]["graphs_added"] and not report["store"]["graphs_replaced"]
    assert quads(one) == quads(all_)
    again = build([SAMPLES / "briefings.jsonl"], None, Settings(), store_dir=one).report["store"]
    assert again == {"graphs_added": [], "graphs_replaced": [], "graphs_unchanged": 4, "graphs_built": 0}
    # the store's default graph is the merge of all graphs, as `kg query OUT` sees it
    out_rows = CliRunner().invoke(cli, ["query", str(tmp_path / "out"), "-f", "queries/people-and-roles.rq"]).output
    store_rows = CliRunner().invoke(cli, ["query", str(one), "-f", "queries/people-and-roles.rq"]).output
    assert out_rows == store_rows and "Oksana Hrytsenko" in store_rows


def test_an_edited_article_replaces_its_own_graph(tmp_path):
    store_dir, inputs = tmp_path / "store", tmp_path / "in"
    inputs.mkdir()
    for name in FILES:
        shutil.copy(SAMPLES / name, inputs / name)
    build([inputs], None, Settings(), store_dir=store_dir)
    wire = inputs / "odesa-wire.txt"
    wire.write_text(wire.read_text(encoding="utf-8") + "\nLate on Wednesday the port reopened fully.\n", encoding="utf-8")
    report = build([wire], None, Settings(), store_dir=store_dir).report["store"]
    assert report["graphs_replaced"] == ["https://w3id.org/evkg/id/graph/odesa-wire"]
    store = open_store(store_dir, read_only=True)
    bodies = list(store.query('PREFIX schema: <https://schema.org/> SELECT ?b WHERE { GRAPH ?g { '
                              '?a schema:articleBody ?b FILTER(CONTAINS(?b, "reopened fully")) } }'))
    assert len(bodies) == 1


def test_a_folder_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(SAMPLES / "odesa-wire.txt"), "--store", str(tmp_path)])
    assert result.exit_code == 2 and "not a kg store" in result.output


def test_validate_reads_a_store_and_an_output_folder(tmp_path, sample_out):
    store_dir = tmp_path / "store"
    build([SAMPLES], None, Settings(), store_dir=store_dir)
    for source in (store_dir, sample_out):
        result = CliRunner().invoke(cli, ["validate", str(source)])
        assert result.exit_code == 0 and "SHACL: conforms" in result.output, result.output
    broken = tmp_path / "broken"
    shutil.copytree(sample_out, broken)
    with open(broken / "graph.nq", "a", encoding="utf-8") as dump:
        ann = "<https://w3id.org/evkg/id/annotation/odesa-wire/22-27>"
        dump.write(f'{ann} <https://w3id.org/evkg/ontology#confidence> "1.5"^^<http://www.w3.org/2001/XMLSchema#decimal> '
                   "<https://w3id.org/evkg/id/graph/odesa-wire> .\n")
    result = CliRunner().invoke(cli, ["validate", str(broken)])
    assert result.exit_code == 1 and "confidence" in result.output


def _graphs(store_dir: Path) -> dict[str, frozenset]:
    store = open_store(store_dir)  # read-write: it must reopen after a kill
    result: dict[str, set] = {}
    for q in store:  # the default graph (the merge) too: it must change with the article graphs
        name = "(default)" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        result.setdefault(name, set()).add(q)
    del store
    return {g: frozenset(qs) for g, qs in result.items()}


def test_a_store_survives_kill_9_at_any_moment(tmp_path):
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    base, expected = tmp_path / "base", tmp_path / "expected"
    build([SAMPLES / "odesa-wire.txt"], None, Settings(), store_dir=base)
    shutil.copytree(base, expected)
    rest = [str(SAMPLES / "harbour-daily.html"), str(SAMPLES / "briefings.jsonl")]
    build([Path(p) for p in rest], None, Settings(), store_dir=expected)
    old, new = _graphs(base), _graphs(expected)
    command = [sys.executable, "-m", "kg", "build", *rest, "--quiet", "--store"]
    started = time.monotonic()
    subprocess.run([*command, str(tmp_path / "timing")], check=True, capture_output=True, timeout=300)
    duration = time.monotonic() - started
    rng = random.Random(7)
    for trial in range(6):
        store_dir = tmp_path / f"trial-{trial}"
        shutil.copytree(base, store_dir)
        process = subprocess.Popen([*command, str(store_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3 * duration, duration))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        seen = _graphs(store_dir)
        assert not [g for g in seen if g.startswith("urn:kg:staging:")], (trial, "a staging graph is visible")
        assert seen in (old, new), (trial, "the store is between its old and its new state")
        checked = subprocess.run([sys.executable, "-m", "kg", "validate", str(store_dir)], capture_output=True,
                                 text=True, timeout=300)
        assert checked.returncode == 0, (trial, checked.stdout[-2000:])  # valid after the kill, without a rebuild
        build([Path(p) for p in rest], None, Settings(), store_dir=store_dir)
        assert _graphs(store_dir) == new


def test_a_large_change_applied_graph_by_graph_gives_the_same_store(tmp_path, monkeypatch):
    """Over ONE_TRANSACTION_BYTES the change is applied one graph at a time (the default graph in
    batches): the same end state, and a staging graph an older kg left behind is dropped either way."""
    from kg.dataset import sync as store_module

    edited = tmp_path / "in"
    edited.mkdir()
    for name in FILES:
        shutil.copy(SAMPLES / name, edited / name)
    wire = edited / "odesa-wire.txt"
    wire.write_text(wire.read_text(encoding="utf-8") + "\nLate on Wednesday the port reopened fully.\n", encoding="utf-8")
    stores = {}
    for name, limit in (("whole", store_module.ONE_TRANSACTION_BYTES), ("by-graph", 0)):
        store_dir = tmp_path / name
        build([SAMPLES], None, Settings(), store_dir=store_dir)
        leftover = open_store(store_dir)
        staging = ox.NamedNode("urn:kg:staging:default")
        leftover.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("left over"), staging))
        leftover.flush()
        del leftover
        monkeypatch.setattr(store_module, "ONE_TRANSACTION_BYTES", limit)
        monkeypatch.setattr(store_module, "DEFAULT_BATCH", 7 if limit == 0 else store_module.DEFAULT_BATCH)
        report = build([wire], None, Settings(), store_dir=store_dir).report["store"]
        assert report["graphs_replaced"] == ["https://w3id.org/evkg/id/graph/odesa-wire"], name
        stores[name] = quads(store_dir)
    assert stores["whole"] == stores["by-graph"]
    assert not any(q.graph_name == ox.NamedNode("urn:kg:staging:default") for q in stores["whole"])


def test_a_big_first_sync_reads_the_merged_triples_as_it_adds_them(tmp_path, monkeypatch):
    """A first sync of a build on disk: into an empty store through Oxigraph's bulk loader, into a
    store holding only what an older kg left (a staging graph) graph by graph over
    ONE_TRANSACTION_BYTES; either way the default graph's triples are read from the build as they
    are added (not a list of them all), and the store is the one a single transaction makes, and
    again when the record of the last sync is gone."""
    from kg.dataset import sync as store_module
    from kg.dataset.store import DIGESTS
    from kg.run import build as build_module

    monkeypatch.setattr(build_module, "SPOOL_ABOVE_ARTICLES", 1)  # the graphs on disk, as in a big build
    applied: dict[str, list] = {"by-graph": [], "bulk": []}
    by_graph, bulk = store_module._apply_graph_by_graph, store_module._bulk_load
    monkeypatch.setattr(store_module, "_apply_graph_by_graph",
                        lambda store, writes, default: applied["by-graph"].append(type(default[1]))
                        or by_graph(store, writes, default))
    monkeypatch.setattr(store_module, "_bulk_load",
                        lambda store, writes, merged: applied["bulk"].append(type(merged)) or bulk(store, writes, merged))
    stores = {}
    for name, limit in (("whole", store_module.ONE_TRANSACTION_BYTES), ("by-graph", 0), ("bulk", 0)):
        monkeypatch.setattr(store_module, "ONE_TRANSACTION_BYTES", limit)
        monkeypatch.setattr(store_module, "DEFAULT_BATCH", 7 if limit == 0 else store_module.DEFAULT_BATCH)
        store_dir = tmp_path / name
        if name != "bulk":  # not empty: what an older kg left, dropped by the sync
            leftover = open_store(store_dir)
            leftover.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("left over"),
                                 ox.NamedNode("urn:kg:staging:default")))
            leftover.flush()
            del leftover
        build([SAMPLES], None, Settings(), store_dir=store_dir)
        stores[name] = quads(store_dir)
        (store_dir / DIGESTS).unlink()  # no record: everything compared again, nothing to change
        report = build([SAMPLES], None, Settings(), store_dir=store_dir).report["store"]
        assert not report["graphs_added"] and not report["graphs_replaced"], name
        assert quads(store_dir) == stores[name], name
    assert stores["whole"] == stores["by-graph"] == stores["bulk"] and len(stores["whole"]) > 1000
    assert len(applied["bulk"]) == 1 and applied["by-graph"]  # the empty store's first build only
    assert all(kind is not list for kind in applied["bulk"] + applied["by-graph"]), applied  # read as added
    assert any(isinstance(q.graph_name, ox.DefaultGraph) for q in stores["bulk"])
    assert not any(q.graph_name == ox.NamedNode("urn:kg:staging:default") for q in stores["by-graph"])


def test_terms_are_compared_as_oxigraph_stores_them():
    """A graph is unchanged only when it reads back the same: kg's terms normalised as Oxigraph
    normalises them (a latitude of "18.0" is stored as "18"; a count as xsd:integer)."""
    from kg.dataset.default_graph import stored_term as _stored

    xsd = "http://www.w3.org/2001/XMLSchema#"
    values = [("18.0", "decimal"), ("0.850", "decimal"), ("-0.0", "decimal"), ("30.523333", "decimal"), ("100", "decimal"),
              ("7", "nonNegativeInteger"), ("3", "positiveInteger"), ("2023-05-03", "date"), ("2014", "gYear"),
              ("true", "boolean"), ("text", "string")]
    scratch = ox.Store()
    for value, datatype in values:
        literal = ox.Literal(value, datatype=ox.NamedNode(xsd + datatype))
        scratch.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode(f"urn:p:{value}:{datatype}"), literal))
        stored = next(iter(scratch.quads_for_pattern(None, ox.NamedNode(f"urn:p:{value}:{datatype}"), None)))
        assert _stored(literal) == stored.object, (value, datatype)


def test_an_edit_worked_out_from_the_changed_graphs_gives_the_store_a_fresh_build_gives(tmp_path):
    """With the digests of the last sync, only changed graphs are read and the default graph's change
    comes from them: after an edit that drops words (and mentions) the store equals a fresh build."""
    from kg.dataset.store import DIGESTS

    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in FILES:
        shutil.copy(SAMPLES / name, inputs / name)
    store_dir = tmp_path / "store"
    build([inputs], None, Settings(), store_dir=store_dir)
    assert (store_dir / DIGESTS).is_file()
    wire = inputs / "odesa-wire.txt"
    text = wire.read_text(encoding="utf-8")
    wire.write_text(text[: len(text) // 2] + "\nLate on Wednesday the port reopened fully.\n", encoding="utf-8")
    report = build([wire], None, Settings(), store_dir=store_dir).report["store"]
    assert report["graphs_replaced"] and report["graphs_unchanged"] >= 3
    fresh = tmp_path / "fresh"
    build([inputs], None, Settings(), store_dir=fresh)
    assert quads(store_dir) == quads(fresh)


def test_adding_to_a_store_writes_the_dumps_a_full_build_of_every_article_writes(tmp_path):
    """A then B added to a store (B's build writing the dumps of everything stored) gives the same
    bytes as one build of A and B without a store."""
    store_dir = tmp_path / "store"
    build([SAMPLES / "odesa-wire.txt", SAMPLES / "harbour-daily.html"], None, Settings(), store_dir=store_dir)
    added = build([SAMPLES / "briefings.jsonl"], tmp_path / "added", Settings(), store_dir=store_dir)
    assert added.report["store"]["graphs_added"]
    build([SAMPLES / name for name in FILES], tmp_path / "whole", Settings())
    for name in ("graph.nq", "graph.trig", "graph.ttl", "graph.jsonld"):
        assert (tmp_path / "added" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


# Short articles of our own: a label that a later article changes, a surname that a later article
# names in full, and an article that nothing later touches.
COUNCIL = ("Council vote in Lviv\n\nThe city council of Lviv met on Monday to vote on the budget. Anna Kowalczyk, "
           "a spokeswoman for the council, said the budget had been approved by a large majority. Kowalczyk said "
           "repairs to the old tram depot would begin in the spring.\n")
HARBOUR = ("New cranes for Gdansk harbour\n\nTwo new cranes arrived at the port of Gdansk on Tuesday. Tomasz "
           "Zielinski, the harbour master, said they would double the number of containers handled each day.\n")
DEPOT = ("Tram depot repairs begin\n\nWork on the old tram depot in Lviv began on Thursday. Anna Maria Kowalczyk, "
         "who speaks for the city council, said the work would take two years. Anna Maria Kowalczyk said the trams "
         "would run again by then.\n")
SURNAME = ("Budget questions in Lviv\n\nOpposition members in Lviv questioned the new budget on Friday. Mr Nowicki "
           "said the council had spent too much on the depot.\n")
FULL_NAME = ("Opposition leader speaks in Lviv\n\nOn Saturday the opposition leader, Piotr Nowicki, told reporters "
             "that the budget would be challenged in court.\n")


def _articles(folder: Path, **texts: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in texts.items():
        path = folder / f"{name.replace('_', '-')}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _graph(store_dir: Path, key: str) -> frozenset:
    return _graphs(store_dir)[f"https://w3id.org/evkg/id/graph/{key}"]


def test_adding_builds_only_the_graphs_whose_inputs_changed_and_gives_the_store_a_full_build_gives(tmp_path):
    """An added article that changes nothing of the stored ones: only its graph is built, every other
    one is kept as stored; the store (totals and default graph included) is that of one build of all."""
    old = _articles(tmp_path / "old", a_council=COUNCIL, b_harbour=HARBOUR)
    new = _articles(tmp_path / "new", e_fullname=FULL_NAME)
    store_dir = tmp_path / "store"
    build(old, None, Settings(), store_dir=store_dir)
    result = build(new, None, Settings(), store_dir=store_dir)
    changes = result.report["store"]
    assert changes == {"graphs_added": ["https://w3id.org/evkg/id/graph/e-fullname"], "graphs_replaced": [],
                       "graphs_unchanged": 2, "graphs_built": 1}
    fresh = build([*old, *new], None, Settings(), store_dir=tmp_path / "fresh")
    assert quads(store_dir) == quads(tmp_path / "fresh")
    assert result.report["totals"] == fresh.report["totals"]  # the kept graphs' quads counted
    again = build(new, None, Settings(), store_dir=store_dir).report["store"]
    assert again == {"graphs_added": [], "graphs_replaced": [], "graphs_unchanged": 3, "graphs_built": 0}


def test_an_added_article_that_changes_a_stored_label_or_person_rebuilds_those_graphs(tmp_path):
    """A later article's longer form of a name becomes the person's label, and a later article names
    in full a person an old one gave by surname only: the old graphs MUST be rewritten (the label; the
    person's key, and so that of its statement), and the others kept. The store equals one build of all."""
    old = _articles(tmp_path / "old", a_council=COUNCIL, b_harbour=HARBOUR, d_surname=SURNAME)
    new = _articles(tmp_path / "new", c_later=DEPOT, e_fullname=FULL_NAME)
    store_dir = tmp_path / "store"
    build(old, None, Settings(), store_dir=store_dir)
    harbour, council = _graph(store_dir, "b-harbour"), _graph(store_dir, "a-council")
    changes = build(new, None, Settings(), store_dir=store_dir).report["store"]
    graph = "https://w3id.org/evkg/id/graph/"
    assert changes == {"graphs_added": [graph + "c-later", graph + "e-fullname"],
                       "graphs_replaced": [graph + "a-council", graph + "d-surname"],
                       "graphs_unchanged": 1, "graphs_built": 4}
    assert _graph(store_dir, "b-harbour") == harbour and _graph(store_dir, "a-council") != council
    build([*old, *new], None, Settings(), store_dir=tmp_path / "fresh")
    assert quads(store_dir) == quads(tmp_path / "fresh")
    labels = {q.object.value for q in quads(store_dir) if q.predicate.value.endswith("#label")
              and q.subject.value.endswith("/person/ana-kowalczik")}
    assert labels == {"Anna Maria Kowalczyk"}


def test_without_a_record_of_the_last_sync_every_graph_is_built(tmp_path):
    """The record (graphs.digests.json) is what allows keeping graphs: a store without it (a build
    killed during its sync, or written by an older kg) has every graph built and compared."""
    from kg.dataset.store import DIGESTS

    old = _articles(tmp_path / "old", a_council=COUNCIL, b_harbour=HARBOUR)
    store_dir = tmp_path / "store"
    build(old, None, Settings(), store_dir=store_dir)
    (store_dir / DIGESTS).unlink()
    new = _articles(tmp_path / "new", c_later=DEPOT)
    changes = build(new, None, Settings(), store_dir=store_dir).report["store"]
    assert changes["graphs_built"] == 3 and changes["graphs_unchanged"] == 1
    build([*old, *new], None, Settings(), store_dir=tmp_path / "fresh")
    assert quads(store_dir) == quads(tmp_path / "fresh")


def test_after_a_change_to_the_code_that_builds_graphs_every_graph_is_built_again(tmp_path, monkeypatch):
    """kg's version stays 0.1.0 across a git pull: a stored graph made by other graph-building code is
    not kept as it is (the fingerprints hold that code's digest), while the extractions, made by the
    same extraction code, still come from the cache."""
    import kg.run.signature as signature

    old = _articles(tmp_path / "old", a_council=COUNCIL, b_harbour=HARBOUR)
    store_dir = tmp_path / "store"
    build(old, None, Settings(), store_dir=store_dir)
    digest = signature.kg_source_digest
    monkeypatch.setattr(signature, "kg_source_digest",
                        lambda parts: "0" * 16 if parts == signature.GRAPH_SOURCE else digest(parts))
    import kg.run.incremental

    monkeypatch.setattr(kg.run.incremental, "kg_source_digest", signature.kg_source_digest)
    result = build(_articles(tmp_path / "new", c_later=DEPOT), None, Settings(), store_dir=store_dir)
    assert result.report["store"]["graphs_built"] == 3 and result.reused == 2


def test_the_cache_keeps_extractions_packed_and_prunes_what_an_older_kg_wrote(tmp_path):
    """An extraction comes back from the cache as the build keeps it (packed, not unpickled); a
    damaged one is extracted again; entries of the layout before the folders per signature are
    never read, and `prune()` removes them with the folders of other signatures."""
    import pickle

    from kg.dataset.cache import ExtractionCache
    from kg.ingest import Article
    from kg.nlp.gazetteer import Gazetteer
    from kg.run.extraction import extract
    from kg.run.signature import extraction_signature

    article = Article(key="a-council", text=COUNCIL, source="test")
    settings = Settings(n_process=1)
    cache = ExtractionCache(tmp_path / "cache", extraction_signature(settings))
    (fresh,) = extract([article], settings, Gazetteer.load(), cache=cache)
    (packed,) = extract([article], settings, Gazetteer.load(), cache=cache)
    written = fresh.unpack()
    assert packed.article_key == fresh.article_key == "a-council" and packed.unpack() == written
    (entry,) = cache.entries.glob("*.packed")  # in the folder of its signature
    kept = entry.read_bytes()
    old = tmp_path / "cache" / entry.with_suffix(".pickle").name  # as kg wrote it before: in the folder itself
    old.write_bytes(pickle.dumps(written, protocol=4))
    entry.write_bytes(b"damaged")
    assert cache.get_packed(article) is None and cache.get(article) is None
    entry.write_bytes(kept)
    other = ExtractionCache(tmp_path / "cache", "another kg")  # another kg's folder, with no entry yet
    assert [p.name for p in cache.others()] == sorted([old.name, other.entries.name])
    size = old.stat().st_size
    assert cache.prune() == (1, size)  # the old entry; the other folder held none
    assert not old.exists() and not other.entries.exists() and cache.others() == [] and cache.get(article) == written


def test_dumps_written_after_additions_that_kept_graphs_are_those_of_one_build(tmp_path):
    """A store grown by additions that kept most graphs (no -o), then an addition that writes the
    dumps: every graph is built for them, and they are the bytes of one build of all the articles."""
    first = _articles(tmp_path / "a", a_council=COUNCIL, b_harbour=HARBOUR)
    second = _articles(tmp_path / "b", d_surname=SURNAME)
    third = _articles(tmp_path / "c", e_fullname=FULL_NAME, c_later=DEPOT)
    store_dir = tmp_path / "store"
    build(first, None, Settings(), store_dir=store_dir)
    kept = build(second, None, Settings(), store_dir=store_dir).report["store"]
    assert kept["graphs_built"] == 1 and kept["graphs_unchanged"] == 2
    added = build(third, tmp_path / "added", Settings(), store_dir=store_dir).report
    assert added["store"]["graphs_built"] == 5
    whole = build([*first, *second, *third], tmp_path / "whole", Settings()).report
    assert added["totals"] == whole["totals"]
    for name in ("graph.nq", "graph.trig", "graph.ttl", "graph.jsonld"):
        assert (tmp_path / "added" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    build([*first, *second, *third], None, Settings(), store_dir=tmp_path / "fresh")
    assert quads(store_dir) == quads(tmp_path / "fresh")


def test_the_articles_a_store_gives_back_are_those_read(sample_store):
    """What a build adds to reads the stored articles from the store's indexes one at a time
    (kg.dataset.store `stored_articles`): every field as read, metadata included."""
    from dataclasses import replace

    from kg.dataset.store import stored_articles
    from kg.ingest import read_inputs

    read = read_inputs([SAMPLES]).articles
    stored = sorted(stored_articles(sample_store), key=lambda a: a.key)
    assert stored == [replace(a, source=f"store:{a.key}") for a in read]
    assert any(a.publisher for a in stored) and any(a.url for a in stored) and any(a.published for a in stored)
