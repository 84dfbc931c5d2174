"""Flat tables of a build (`OUT/tables/`), for pandas, R and spreadsheet users (GDELT-style).

One CSV file per kind of row, UTF-8, RFC 4180 (CRLF line ends, quotes doubled), rows sorted, so
that building twice gives the same bytes; Parquet files beside them when `pyarrow` is installed
(`pip install 'kg-events[tables]'`). Each table is a SPARQL query over the written dumps: the entities'
over their merge, the others over each article's own graph and the labels of what it links to
(kg.export.table_stores); an article's key is joined inside its graph (joined outside, Oxigraph's
plan was 50 times slower):

- `entities.csv`: one row per entity: IRI, kind, label, other labels, article and mention counts,
  GeoNames id, latitude and longitude (WGS 84; places and countries from the gazetteer);
- `mentions.csv`: one row per mention: entity, article, code-point offsets into the article body;
- `events.csv`: one row per event mention: event IRI, type, label, date, place, agent, target,
  article, offsets (what that article says of the event: its own named graph);
- `statements.csv`: one row per statement mention: speaker, words, stance, medium, about, article;
- `grants.csv`: one row per aid-package mention: funder, amount, currency, recipient, announcer.

Cells holding several values (two places, several labels) join them, sorted, with " | "; a cell
that holds one value takes the least when there are several (MIN, never SAMPLE: the same bytes on
every run). An event's or package's label is the one its mention's own article graph gives.
"""

from __future__ import annotations

import csv
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pyoxigraph as ox

from kg.export.atomic import atomic_path
from kg.export.geojson import KEYS_QUERY as MAP_KEYS_QUERY
from kg.export.geojson import QUERY as MAP_QUERY
from kg.export.geojson import write_geojson
from kg.export.parquet import ParquetRows
from kg.export.table_stores import entity_store, graph_batches
from kg.graph.namespaces import PREFIXES, named_in, select
from kg.util.extsort import external_sorted, pickled_batches

TABLES = "tables"  # the folder in OUT
SEPARATOR = " | "
_KIND_OF_CLASS = (  # first match wins: a country is also a place, a weapon type also a product
    ("https://schema.org/Person", "Person"), ("https://schema.org/Country", "Country"),
    ("https://schema.org/Organization", "Organization"), (PREFIXES["kgo"] + "WeaponType", "Weapon"),
    (PREFIXES["kgo"] + "Equipment", "Weapon"), ("https://schema.org/Product", "Weapon"),
    ("https://schema.org/Place", "Place"))
_GENERIC_EVENT_CLASSES = frozenset({"http://semanticweb.cs.vu.nl/2009/11/sem/Event"})

# What locates a mention: its annotation's target, source article and two selectors.
_EVIDENCE = """?a oa:hasBody ?node ; oa:hasTarget ?t . ?t oa:hasSource ?article ; oa:hasSelector ?ps, ?qs .
    ?ps a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end . ?qs a oa:TextQuoteSelector ; oa:exact ?exact ."""
_CONCAT = 'GROUP_CONCAT(DISTINCT STR(?{0}); separator="\\u001f") AS ?{0}s'


def _labelled(predicate: str, variable: str) -> str:
    """The labels of what the node's own article graph links it to with `predicate` (or none)."""
    return f"OPTIONAL {{ GRAPH ?g {{ ?node {predicate} ?{variable}_node }} ?{variable}_node rdfs:label ?{variable} }}"

QUERIES: dict[str, tuple[tuple[str, ...], str]] = {
    "entities": (("iri", "kind", "label", "alt_labels", "articles", "mentions", "geonames_id", "latitude",
                  "longitude"), f"""
SELECT ?node ({_CONCAT.format('class')}) (MIN(?label) AS ?l) ({_CONCAT.format('alt')})
       (MIN(?articles) AS ?na) (MIN(?mentions) AS ?nm) (MIN(?geo) AS ?g) (MIN(?lat) AS ?la)
       (MIN(?lon) AS ?lo) WHERE {{
  ?node a kgo:Entity ; a ?class ; rdfs:label ?label .
  OPTIONAL {{ ?node skos:altLabel ?alt }} OPTIONAL {{ ?node kgo:articleCount ?articles }}
  OPTIONAL {{ ?node kgo:mentionCount ?mentions }} OPTIONAL {{ ?node kgo:geonamesId ?geo }}
  OPTIONAL {{ ?node schema:geo ?point . ?point schema:latitude ?lat ; schema:longitude ?lon }}
}} GROUP BY ?node"""),
    "mentions": (("entity", "article", "start", "end", "text", "confidence"), f"""
SELECT ?node ?key ?start ?end ?exact ?conf WHERE {{
  GRAPH ?g {{ ?a a kgo:Mention . {_EVIDENCE} OPTIONAL {{ ?a kgo:confidence ?conf }} ?article kgo:articleKey ?key }}
}}"""),
    "events": (("event", "type", "modality", "label", "date", "place", "agent", "target", "article", "start", "end",
                "text"), f"""
SELECT ?node ({_CONCAT.format('class')}) (MIN(?mod) AS ?m) (MIN(?label) AS ?l) ({_CONCAT.format('date')})
       ({_CONCAT.format('place')}) ({_CONCAT.format('agent')}) ({_CONCAT.format('target')}) ?key ?start ?end ?exact WHERE {{
  GRAPH ?g {{ ?node a sem:Event ; a ?class . {_EVIDENCE} OPTIONAL {{ ?node sem:hasTimeStamp ?date }}
    OPTIONAL {{ ?node kgo:modality ?mod }} OPTIONAL {{ ?node rdfs:label ?label }} ?article kgo:articleKey ?key }}
  {_labelled('sem:hasPlace', 'place')} {_labelled('kgo:agent', 'agent')} {_labelled('kgo:target', 'target')}
}} GROUP BY ?node ?key ?start ?end ?exact"""),
    "statements": (("statement", "speaker", "speaker_label", "text", "direct", "stance", "medium", "about", "article",
                    "start", "end"), f"""
SELECT ?node ?sp (MIN(?spl) AS ?speaker) (MIN(?words) AS ?w) (MIN(?direct) AS ?d) ({_CONCAT.format('stance')})
       ({_CONCAT.format('medium')}) ({_CONCAT.format('about')}) ?key ?start ?end WHERE {{
  GRAPH ?g {{ ?node a schema:Quotation ; schema:text ?words ; schema:creator ?sp . {_EVIDENCE}
    OPTIONAL {{ ?node kgo:directQuote ?direct }} OPTIONAL {{ ?node kgo:stance ?stance }}
    OPTIONAL {{ ?node kgo:medium ?medium }} ?article kgo:articleKey ?key }}
  OPTIONAL {{ ?sp rdfs:label ?spl }} {_labelled('schema:about', 'about')}
}} GROUP BY ?node ?sp ?key ?start ?end"""),
    "grants": (("grant", "label", "funder", "amount", "currency", "recipient", "announcer", "date", "sequence",
                "article", "start", "end"), f"""
SELECT ?node (MIN(?label) AS ?l) ({_CONCAT.format('funder')}) (MIN(?value) AS ?v) (MIN(?currency) AS ?c)
       ({_CONCAT.format('recipient')}) ({_CONCAT.format('announcer')}) (MIN(?date) AS ?d) (MIN(?seq) AS ?s)
       ?key ?start ?end WHERE {{
  GRAPH ?g {{ ?node a schema:MonetaryGrant . {_EVIDENCE}
    OPTIONAL {{ ?node schema:amount ?am . ?am schema:value ?value ; schema:currency ?currency }}
    OPTIONAL {{ ?node schema:startDate ?date }} OPTIONAL {{ ?node kgo:packageSequence ?seq }}
    OPTIONAL {{ ?node rdfs:label ?label }} ?article kgo:articleKey ?key }}
  {_labelled('schema:funder', 'funder')} {_labelled('kgo:recipient', 'recipient')} {_labelled('kgo:announcer', 'announcer')}
}} GROUP BY ?node ?key ?start ?end"""),
}


TABLE_NAMES = tuple(QUERIES)


def _cell(term: object) -> str:
    if term is None:
        return ""
    value = term.value if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(term)
    if "\x1f" in value:  # a GROUP_CONCAT: several values, sorted for determinism
        return SEPARATOR.join(sorted(set(value.split("\x1f"))))
    return value


def _kind(classes: str) -> str:
    present = set(classes.split(SEPARATOR))
    return next((kind for iri, kind in _KIND_OF_CLASS if iri in present), "")


def _event_type(classes: str) -> str:
    types = [c for c in classes.split(SEPARATOR) if c and c not in _GENERIC_EVENT_CLASSES]
    return SEPARATOR.join(sorted(c.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for c in types))


def _local_names(iris: str) -> str:
    """kgo:asserts rather than its whole IRI: the vocabulary's own words."""
    return SEPARATOR.join(i.rsplit("#", 1)[-1] for i in iris.split(SEPARATOR)) if iris else ""


ARTICLE_TABLES = TABLE_NAMES[1:]  # rows that each come from one article's graph
# What the article tables read outside an article's graph: the labels, in the merge, of what it links
# to with these (the speaker of a statement; `_labelled`'s predicates). tests/test_table_stores.py checks it.
LABEL_LINKS = frozenset(PREFIXES[prefix] + local for prefix, local in (
    ("schema", "creator"), ("sem", "hasPlace"), ("kgo", "agent"), ("kgo", "target"), ("schema", "about"),
    ("schema", "funder"), ("kgo", "recipient"), ("kgo", "announcer")))
ENTITY_PREDICATES = named_in(QUERIES["entities"][1], MAP_QUERY)
ARTICLE_PREDICATES = named_in(MAP_KEYS_QUERY, *(QUERIES[name][1] for name in ARTICLE_TABLES))
# Article graphs held in one in-memory store at a time (each query's GROUP BY holds all its
# solutions before grouping them): 2,000 generated articles, tables and map: 256 graphs 410 MB,
# 64 graphs 277 MB, 32 graphs 251 MB, of which ~90 MB pyarrow and ~60 MB a run of the sort.
GRAPHS_PER_QUERY = 32
# Above this size of N-Quads the entity store is on disk: in memory a store takes about 3.3 times
# the N-Quads' size of what it holds.
ON_DISK_BYTES = 128 * 1024 * 1024


def _solutions(store: ox.Store, name: str) -> Iterator[list[str]]:
    solutions = select(store, QUERIES[name][1], prefixes=PREFIXES)
    variables = solutions.variables
    return (_shaped(name, [_cell(solution[v]) for v in variables]) for solution in solutions)


def _shaped(name: str, row: list[str]) -> list[str]:
    if name == "entities":
        row[1] = _kind(row[1])
    elif name == "events":
        row[1], row[2] = _event_type(row[1]), _local_names(row[2])
    elif name == "statements":
        row[5], row[6] = _local_names(row[5]), _local_names(row[6])
    return row


def _sort_key(row: list[str]) -> tuple:
    return tuple((0, int(c), "") if c.isdigit() else (1, 0, c) for c in row)


def _spill_article_rows(nquads: Path, entities: ox.Store, scratch: Path) -> tuple[dict[str, Path], dict[str, set[str]]]:
    """One pass over the article graphs: each article table's rows, unsorted, pickled a batch at a
    time into `scratch`; and the keys of the articles that report each event (for the map)."""
    spilled = {name: scratch / f"{name}.rows" for name in ARTICLE_TABLES}
    keys: dict[str, set[str]] = {}
    with ExitStack() as files:
        handles = {name: files.enter_context(path.open("wb")) for name, path in spilled.items()}
        for store in graph_batches(nquads, ARTICLE_PREDICATES, LABEL_LINKS, entities, GRAPHS_PER_QUERY):
            for name, handle in handles.items():
                pickle.dump(list(_solutions(store, name)), handle, protocol=pickle.HIGHEST_PROTOCOL)
            for row in select(store, MAP_KEYS_QUERY, PREFIXES):
                keys.setdefault(row["event"].value, set()).add(row["key"].value)
    return spilled, keys


def _spilled_rows(path: Path) -> Iterator[list[str]]:
    with path.open("rb") as handle:
        yield from pickled_batches(handle)


def write_tables(nquads: Path, folder: Path) -> dict[str, int]:
    """Every table of the dataset in the N-Quads dump `nquads` into `folder` (CSV, and Parquet with
    pyarrow); returns the row count of each. Rows are streamed to the files."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".tables-", dir=folder) as scratch:
        return _write(nquads, nquads, folder, Path(scratch))["tables"]


def _write(nquads: Path, merged: Path, folder: Path, scratch: Path, geojson: Path | None = None) -> dict:
    """The tables into `folder` (and the map into `geojson`) from a dump and its merge (`merged`:
    its Turtle, or the dump itself); `scratch` holds the entity store and the spilled rows."""
    on_disk = nquads.stat().st_size > ON_DISK_BYTES
    entities = entity_store(merged, ENTITY_PREDICATES, scratch / "store" if on_disk else None)
    folder.mkdir(parents=True, exist_ok=True)
    spilled, keys = _spill_article_rows(nquads, entities, scratch)
    counts = {"entities": _write_table(_solutions(entities, "entities"), "entities", folder)}
    for name, path in spilled.items():
        counts[name] = _write_table(_spilled_rows(path), name, folder)
        path.unlink()
    written: dict[str, dict[str, int]] = {"tables": counts}
    if geojson is not None:
        written["map"] = {geojson.name: write_geojson(entities, geojson, keys)}
    return written


def _write_table(rows: Iterable[list[str]], name: str, folder: Path) -> int:
    header = QUERIES[name][0]
    count = 0
    with atomic_path(folder / f"{name}.csv") as csv_path, ParquetRows(folder / f"{name}.parquet", header) as parquet:
        with csv_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")  # RFC 4180
            writer.writerow(header)
            for row in external_sorted(rows, _sort_key, folder):
                writer.writerow(row)
                parquet.add(row)
                count += 1
    return count


def predicates_read() -> frozenset[str]:
    """What the tables' and the map's queries can match: the stores need hold nothing else."""
    return ENTITY_PREDICATES | ARTICLE_PREDICATES


def write_tables_and_map(out: Path) -> dict[str, dict[str, int]]:
    """tables/ and events.geojson in `out` from its graph.nq and graph.ttl; the entity store is on
    disk (in `out`, removed after) when the dataset is big."""
    with tempfile.TemporaryDirectory(prefix=".tables-store-", dir=out) as scratch:
        return _write(out / "graph.nq", out / "graph.ttl", out / TABLES, Path(scratch), out / "events.geojson")
