"""Flat tables of a build (`OUT/tables/`), for pandas, R and spreadsheet users (GDELT-style).

One CSV file per kind of row, UTF-8, RFC 4180 (CRLF line ends, quotes doubled), rows sorted, so
that building twice gives the same bytes; Parquet files beside them when `pyarrow` is installed
(`pip install 'kg-events[tables]'`). Each table is a SPARQL query over the written N-Quads dump (an
article's key is joined inside its own graph: joined outside, Oxigraph's plan was 50 times slower):

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
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.export.atomic import atomic_path
from kg.export.geojson import KEYS_QUERY as MAP_KEYS_QUERY
from kg.export.geojson import QUERY as MAP_QUERY
from kg.export.geojson import write_geojson
from kg.export.parquet import ParquetRows
from kg.graph.namespaces import PREFIXES, named_in, select
from kg.util.extsort import external_sorted

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


def table_rows(store: ox.Store, name: str, folder: Path | None = None) -> Iterator[list[str]]:
    """The rows of one table, sorted; the store's default graph is the merge of its graphs. Sorted
    on disk (in `folder`, or the system's temporary folder) when there are many: a build's mentions
    grow with its corpus, and held in memory with their sort keys they took ~1.3 KB a row."""
    return external_sorted((_shaped(name, row) for row in _solutions(store, name)), _sort_key, folder)


# Tables whose rows each come from one article's graph are asked for GRAPHS_PER_QUERY graphs at a
# time: Oxigraph holds every solution of a GROUP BY before it groups them, and over a whole corpus
# that grew with it (6,000 generated articles: 164 MB for the events' 28,501 rows). The union of
# the slices' rows is the whole query's, since no group spans two graphs.
GRAPHS_PER_QUERY = 256


def _solutions(store: ox.Store, name: str) -> Iterator[list[str]]:
    _, query = QUERIES[name]
    if name == "entities":  # one row per entity, from the merged default graph: as many as entities
        slices: list[list[ox.NamedNode | ox.BlankNode] | None] = [None]
    else:
        graphs = list(store.named_graphs())
        slices = [graphs[i:i + GRAPHS_PER_QUERY] for i in range(0, len(graphs), GRAPHS_PER_QUERY)]
    for part in slices:
        solutions = select(store, query, prefixes=PREFIXES, named_graphs=part)
        variables = solutions.variables
        yield from ([_cell(solution[v]) for v in variables] for solution in solutions)


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


# Above this size of N-Quads the tables' store is on disk, loaded in batches of quads: at 2.9 million
# quads 0.42 GB and 46 s for the store and the tables, against 1.9 GB and 28 s in memory (and 1.8 GB
# on disk through Oxigraph's bulk loader, which holds that much whatever the size). In memory the
# store takes about 3.3 times the N-Quads' size (300 generated articles, 100 MB: 427 MB and 4 s, on
# disk 237 MB and 10 s), so at 128 MB the in-memory store stays under about 0.5 GB: at 512 MB it
# reached 1.4 GB at 1,000 articles, the peak of a whole build, which one of 2,000 did not have.
ON_DISK_BYTES = 128 * 1024 * 1024


def merged_store(nquads: Path, merged: Path | None = None, folder: Path | None = None,
                 predicates: frozenset[str] | None = None) -> ox.Store:
    """A store of the N-Quads dump whose default graph is the merge of all its graphs, each triple
    once (as `kg query` has it): a union would repeat an entity's label and classes once per article
    and multiply the joins. `merged`, the build's Turtle dump (those merged triples), is loaded into
    the default graph when given: 14 % less memory than inserting them by SPARQL. In memory, or in
    `folder` (an empty folder, removed by the caller) when given. With `predicates`, only the quads
    whose predicate is one of them (the tables and the map leave a third of a dump unread: sentence
    positions, extractor names, quote prefixes and suffixes)."""
    store = ox.Store() if folder is None else ox.Store(str(folder))
    wanted = None if predicates is None else {ox.NamedNode(p) for p in predicates}
    # Oxigraph's bulk loader holds ~1.8 GB on disk whatever the size: batches keep it near 0.2 GB
    for batch in _batches(_quads(nquads, wanted)):
        store.bulk_extend(batch)
    if merged is not None:
        for batch in _batches(_quads(merged, wanted, ox.RdfFormat.TURTLE)):
            store.bulk_extend(batch)
    else:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def _quads(path: Path, predicates: set[ox.NamedNode] | None,
           rdf_format: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> Iterator[ox.Quad]:
    """The quads of a dump (a Turtle file's triples are in the default graph), those with one of
    `predicates` when given."""
    quads = ox.parse(path=str(path), format=rdf_format)
    return iter(quads) if predicates is None else (quad for quad in quads if quad.predicate in predicates)


_BATCH_QUADS = 100_000


def _batches(quads: Iterable[ox.Quad]) -> Iterator[list[ox.Quad]]:
    it = iter(quads)
    while batch := list(itertools.islice(it, _BATCH_QUADS)):
        yield batch


def write_tables(nquads: Path | ox.Store, folder: Path) -> dict[str, int]:
    """Every table of the dataset in `nquads` (a dump, or a `merged_store`) into `folder` (CSV, and
    Parquet with pyarrow); returns the row count of each. Rows are streamed to the files."""
    store = merged_store(nquads) if isinstance(nquads, Path) else nquads
    folder.mkdir(parents=True, exist_ok=True)
    return {name: _write_table(store, name, folder) for name in QUERIES}


def _write_table(store: ox.Store, name: str, folder: Path) -> int:
    header = QUERIES[name][0]
    count = 0
    with atomic_path(folder / f"{name}.csv") as csv_path, ParquetRows(folder / f"{name}.parquet", header) as parquet:
        with csv_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")  # RFC 4180
            writer.writerow(header)
            for row in table_rows(store, name, folder):
                writer.writerow(row)
                parquet.add(row)
                count += 1
    return count


def predicates_read() -> frozenset[str]:
    """What the tables' and the map's queries can match: the store need hold nothing else."""
    return named_in(MAP_QUERY, MAP_KEYS_QUERY, *(query for _, query in QUERIES.values()))


def write_tables_and_map(out: Path) -> dict[str, dict[str, int]]:
    """tables/ and events.geojson in `out` from its graph.nq and graph.ttl, through a store that is
    on disk (in `out`, removed after) when the dataset is big: in memory it would grow with the corpus."""
    nquads = out / "graph.nq"
    with tempfile.TemporaryDirectory(prefix=".tables-store-", dir=out) as folder:
        on_disk = nquads.stat().st_size > ON_DISK_BYTES
        store = merged_store(nquads, out / "graph.ttl", Path(folder) if on_disk else None, predicates_read())
        written = {"tables": write_tables(store, out / TABLES),
                   "map": {"events.geojson": write_geojson(store, out / "events.geojson")}}
        del store  # closes an on-disk store before its folder goes
    return written
