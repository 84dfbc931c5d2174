"""OUT/tables: flat CSV (and Parquet) files that agree with the RDF dataset, and `kg stats`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest

from kg.graph.namespaces import PREFIXES


def sparql(store, query):
    return store.query(query, prefixes=PREFIXES)

TABLES = ("entities", "mentions", "events", "statements", "grants")


def _read(out, name):
    with (out / "tables" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_table_is_rfc4180_utf8_with_crlf_line_ends(sample_out):
    for name in TABLES:
        raw = (sample_out / "tables" / f"{name}.csv").read_bytes()
        raw.decode("utf-8")
        lines = raw.split(b"\r\n")
        assert lines[-1] == b"", f"{name}: the last record must end with CRLF"
        header = next(csv.reader([lines[0].decode()]))
        assert header and len(set(header)) == len(header), name


def test_the_tables_count_what_the_dataset_holds(sample_out, sample_store):
    entities = _read(sample_out, "entities")
    (row,) = sparql(sample_store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a kgo:Entity }")
    assert len(entities) == int(row["n"].value) > 0
    assert {e["kind"] for e in entities} <= {"Person", "Organization", "Country", "Place", "Weapon"}
    assert all(e["kind"] for e in entities), "every entity has a kind"
    (row,) = sparql(sample_store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a a kgo:Mention } }")
    assert len(_read(sample_out, "mentions")) == int(row["n"].value)
    (row,) = sparql(sample_store, "SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a schema:Quotation }")
    assert len({s["statement"] for s in _read(sample_out, "statements")}) == int(row["n"].value)
    (row,) = sparql(sample_store, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?g a schema:MonetaryGrant }")
    assert len({g["grant"] for g in _read(sample_out, "grants")}) == int(row["n"].value) >= 1


def test_offsets_point_at_the_words_in_the_article_body(sample_out, sample_store):
    bodies = {r["key"].value: r["body"].value for r in sparql(
        sample_store, "SELECT ?key ?body WHERE { ?a kgo:articleKey ?key ; schema:articleBody ?body }")}
    for name, text_column in (("mentions", "text"), ("events", "text")):
        for row in _read(sample_out, name):
            body = bodies[row["article"]]
            assert body[int(row["start"]):int(row["end"])] == row[text_column], (name, row)
    for row in _read(sample_out, "statements"):
        assert row["speaker_label"] and row["text"]
        assert int(row["start"]) < int(row["end"]) <= len(bodies[row["article"]])


def test_events_rows_carry_their_type_and_only_their_own_places(sample_out, sample_store):
    rows = _read(sample_out, "events")
    assert rows and all(r["type"] and r["type"] != "Event" for r in rows)
    places = {r["label"].value for r in sparql(sample_store, "SELECT ?label WHERE { ?p a schema:Place ; rdfs:label ?label }")}
    for row in rows:
        for place in filter(None, row["place"].split(" | ")):
            assert place in places, row
        assert row["place"].count(" | ") < 3, "a row lists only the places its article links to the event"


def test_parquet_holds_the_same_rows_and_pandas_reads_both(sample_out):
    for name in TABLES:
        from_csv = pd.read_csv(sample_out / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)
        from_parquet = pq.read_table(sample_out / "tables" / f"{name}.parquet").to_pandas()
        assert from_csv.equals(from_parquet), name


def test_stats_from_the_command_line_and_in_the_report(sample_out):
    report = json.loads((sample_out / "report.json").read_text())
    stats = report["stats"]
    assert sum(stats["entities_by_kind"].values()) == report["totals"]["entities"]
    assert sum(stats["articles_by_outlet"].values()) == report["totals"]["articles"]
    assert stats["top_speakers"] and stats["events_by_type"]
    assert report["tables"]["entities"] == report["totals"]["entities"]
    text = subprocess.run([sys.executable, "-m", "kg", "stats", str(sample_out)], capture_output=True, text=True,
                          check=True).stdout
    assert "entities by kind:" in text and "top speakers:" in text
    as_json = subprocess.run([sys.executable, "-m", "kg", "stats", str(sample_out), "--json"], capture_output=True,
                             text=True, check=True).stdout
    assert json.loads(as_json) == stats


def test_stats_of_a_folder_without_a_build_is_a_clear_error(tmp_path):
    done = subprocess.run([sys.executable, "-m", "kg", "stats", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode != 0 and "no report.json" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("name", TABLES)
def test_tables_are_deterministic(sample_out, tmp_path, name):
    from kg.export.tables import write_tables

    write_tables(sample_out / "graph.nq", tmp_path)
    assert (tmp_path / f"{name}.csv").read_bytes() == (sample_out / "tables" / f"{name}.csv").read_bytes()


def test_a_package_told_twice_shows_each_mention_with_its_own_label_every_time(tmp_path):
    """One package node, two articles giving it different labels (two amounts of one package): each
    row carries its own article's label, and the bytes are the same on every run (no SAMPLE)."""
    from kg.export.tables import write_tables

    base, oa, kgo, schema = "https://example.org/", PREFIXES["oa"], PREFIXES["kgo"], PREFIXES["schema"]
    rdf_type, label = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<http://www.w3.org/2000/01/rdf-schema#label>"
    lines = []
    for key, words in (("a", "$500 million aid"), ("b", "$460 million aid")):
        g, art, ann = f"<{base}graph/{key}>", f"<{base}article/{key}>", f"<{base}ann/{key}>"
        t, ps, qs = f"<{base}ann/{key}/t>", f"<{base}ann/{key}/ps>", f"<{base}ann/{key}/qs>"
        lines += [f"<{base}grant/1> {rdf_type} <{schema}MonetaryGrant> {g} .",
                  f'<{base}grant/1> {label} "{words}" {g} .',
                  f'{art} <{kgo}articleKey> "{key}" {g} .',
                  f"{ann} <{oa}hasBody> <{base}grant/1> {g} .", f"{ann} <{oa}hasTarget> {t} {g} .",
                  f"{t} <{oa}hasSource> {art} {g} .", f"{t} <{oa}hasSelector> {ps} {g} .", f"{t} <{oa}hasSelector> {qs} {g} .",
                  f"{ps} {rdf_type} <{oa}TextPositionSelector> {g} .", f'{ps} <{oa}start> "0" {g} .', f'{ps} <{oa}end> "4" {g} .',
                  f"{qs} {rdf_type} <{oa}TextQuoteSelector> {g} .", f'{qs} <{oa}exact> "{words[:4]}" {g} .']
    dump = tmp_path / "graph.nq"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runs = []
    for i in range(3):
        write_tables(dump, tmp_path / str(i))
        runs.append((tmp_path / str(i) / "grants.csv").read_bytes())
    assert runs[0] == runs[1] == runs[2]
    rows = list(csv.DictReader(runs[0].decode("utf-8").splitlines()))
    assert sorted((r["article"], r["label"]) for r in rows) == [("a", "$500 million aid"), ("b", "$460 million aid")]


def test_a_big_dataset_gets_its_tables_from_a_store_on_disk_with_the_same_bytes(sample_out, tmp_path, monkeypatch):
    import shutil

    from kg.export import table_stores, tables

    for name in ("graph.nq", "graph.ttl"):
        shutil.copyfile(sample_out / name, tmp_path / name)
    made = []
    real_store = tables.ox.Store
    monkeypatch.setattr(tables, "ON_DISK_BYTES", 0)  # every dataset counts as big
    monkeypatch.setattr(table_stores, "BATCH_QUADS", 97)  # loaded in many batches of quads
    monkeypatch.setattr(tables.ox, "Store", lambda *args: made.append(args) or real_store(*args))
    written = tables.write_tables_and_map(tmp_path)
    assert made and made[0] and str(made[0][0]).startswith(str(tmp_path))  # a folder was given: on disk
    assert not list(tmp_path.glob(".tables-store-*"))  # and removed
    for name in TABLES:
        assert (tmp_path / "tables" / f"{name}.csv").read_bytes() == (sample_out / "tables" / f"{name}.csv").read_bytes()
    assert (tmp_path / "events.geojson").read_bytes() == (sample_out / "events.geojson").read_bytes()
    assert written["tables"]["entities"] > 10


def test_tables_sorted_on_disk_and_written_in_many_row_groups_have_the_same_rows(sample_out, tmp_path, monkeypatch):
    """A corpus whose rows do not fit in one run of the sort, queried one graph at a time: the runs
    are merged on disk, the CSV has the same bytes, and the Parquet (many row groups) the same rows."""
    from kg.export import tables
    from kg.util import extsort

    monkeypatch.setattr(extsort, "RUN_SIZE", 7)
    monkeypatch.setattr(tables.ParquetRows, "GROUP_ROWS", 5)
    monkeypatch.setattr(tables, "GRAPHS_PER_QUERY", 1)  # each article's graph asked for on its own
    counts = tables.write_tables(sample_out / "graph.nq", tmp_path)
    assert counts["mentions"] > 3 * 7
    for name in TABLES:
        assert (tmp_path / f"{name}.csv").read_bytes() == (sample_out / "tables" / f"{name}.csv").read_bytes()
        many, one = pq.ParquetFile(tmp_path / f"{name}.parquet"), pq.ParquetFile(sample_out / "tables" / f"{name}.parquet")
        assert many.metadata.num_row_groups == max(1, -(-counts[name] // 5))
        assert many.read().to_pylist() == one.read().to_pylist()
    assert not list(tmp_path.glob(".*"))  # no run of the sort and no temporary file left


def test_a_parquet_table_appears_whole_or_not_at_all(tmp_path):
    """A table that fails part way leaves neither a Parquet file nor its temporary file; one that
    succeeds is moved into place readable by all (kg.export.atomic), with every row."""
    from kg.export.parquet import ParquetRows

    failed = tmp_path / "failed.parquet"
    with pytest.raises(RuntimeError), ParquetRows(failed, ("a", "b")) as rows:
        rows.add(["1", "2"])
        raise RuntimeError("the query stopped")
    assert not failed.exists() and not list(tmp_path.iterdir())
    written = tmp_path / "written.parquet"
    with ParquetRows(written, ("a", "b")) as rows:
        rows.add(["1", "2"])
    assert pq.read_table(written).to_pylist() == [{"a": "1", "b": "2"}]
    assert written.stat().st_mode & 0o777 == 0o644 and [p.name for p in tmp_path.iterdir()] == ["written.parquet"]


def test_the_store_of_the_tables_holds_every_predicate_their_queries_match():
    """The tables' store is loaded with only the predicates `predicates_read` names: each query's
    patterns, parsed by rdflib, must match no other (and none with a variable or a path)."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import URIRef

    from kg.export.geojson import KEYS_QUERY
    from kg.export.geojson import QUERY as MAP_QUERY
    from kg.export.tables import QUERIES, predicates_read

    def matched(node, found):
        if isinstance(node, dict):
            if getattr(node, "name", "") == "BGP":
                found |= {p for _, p, _ in node["triples"]}
            for value in node.values():
                matched(value, found)
        elif isinstance(node, (list, tuple)):
            for value in node:
                matched(value, found)
        return found

    for query in (MAP_QUERY, KEYS_QUERY, *(q for _, q in QUERIES.values())):
        predicates = matched(prepareQuery(query, initNs=PREFIXES).algebra, set())
        assert predicates and all(isinstance(p, URIRef) for p in predicates)
        assert {str(p) for p in predicates} <= predicates_read()
    assert PREFIXES["kgo"] + "sentenceStart" not in predicates_read()  # what no table reads is left out
