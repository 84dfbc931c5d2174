"""A persistent store that builds add to: `kg build … --store DIR`.

DIR holds an Oxigraph database (DIR/oxigraph) and a cache of per-article extractions
(DIR/extractions). Every build reads the articles already stored, lets the inputs add to or
replace them by key, and resolves all of them together. So adding articles one at a time gives
the same dataset as building them all at once, cross-article merges included. Only the named
graphs whose content changed are rewritten, each in one transaction, so re-ingesting an
unchanged article changes nothing. The default graph holds the extraction-graph triples plus the
merge of all article graphs (each triple once), as `kg query` sees an output folder.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.ingest import Article

DATABASE = "oxigraph"
CACHE = "extractions"
_ARTICLES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX kgo: <https://w3id.org/evkg/ontology#>
SELECT ?key ?body ?title ?published ?url ?publisher WHERE { GRAPH ?g {
  ?a a schema:NewsArticle ; kgo:articleKey ?key ; schema:articleBody ?body .
  OPTIONAL { ?a schema:headline ?title } OPTIONAL { ?a schema:datePublished ?published }
  OPTIONAL { ?a schema:url ?url } OPTIONAL { ?a schema:publisher/rdfs:label ?publisher } } }
ORDER BY ?key"""


class StoreError(Exception):
    """The store folder cannot be opened or is not a kg store."""


def is_store(path: Path) -> bool:
    return (path / DATABASE / "CURRENT").is_file()


def open_store(path: Path, read_only: bool = False) -> ox.Store:
    if path.exists() and any(path.iterdir()) and not is_store(path) and not read_only:
        raise StoreError(f"{path}: exists and is not a kg store (no {DATABASE}/ database in it)")
    try:
        if read_only:
            if not is_store(path):
                raise StoreError(f"{path}: not a kg store")
            return ox.Store.read_only(str(path / DATABASE))
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path / DATABASE))
    except OSError as err:
        raise StoreError(f"{path}: cannot open the store: {err}") from None


def stored_articles(store: ox.Store) -> list[Article]:
    """The articles the store holds, as they were ingested (cleaned text and metadata)."""
    articles = []
    for row in store.query(_ARTICLES):
        value = lambda name: row[name].value if row[name] is not None else None  # noqa: E731
        articles.append(Article(key=value("key"), text=value("body"), source=f"store:{value('key')}",
                                title=value("title"), url=value("url"), published=value("published"),
                                publisher=value("publisher")))
    return articles


@dataclass(frozen=True)
class SyncReport:
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    unchanged: int

    def as_dict(self) -> dict[str, object]:
        return {"graphs_added": list(self.added), "graphs_replaced": list(self.replaced),
                "graphs_unchanged": self.unchanged}


_STAGING = "urn:kg:staging:"


def _normalised(quads) -> set[ox.Quad]:
    """Quads as the store holds them (Oxigraph stores derived integer types as xsd:integer)."""
    scratch = ox.Store()
    scratch.extend(quads)
    return set(scratch)


def _replace(store: ox.Store, graph: ox.NamedNode | None, quads: list[ox.Quad]) -> None:
    """Replace one graph's content atomically: load into a staging graph, then one MOVE."""
    staging = ox.NamedNode(_STAGING + (graph.value if graph is not None else "default"))
    store.update(f"DROP SILENT GRAPH {staging}")
    store.load(ox.serialize([ox.Quad(q.subject, q.predicate, q.object, staging) for q in quads],
                            format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)  # one transaction
    store.update(f"MOVE SILENT GRAPH {staging} TO {'DEFAULT' if graph is None else f'GRAPH {graph}'}")


def sync(store: ox.Store, quads: Iterable[ox.Quad]) -> SyncReport:
    """Make the store hold `quads` (a full build), rewriting only the graphs that differ.

    Each graph is replaced in one transaction; a build killed half-way leaves every graph either
    old or new (and at most a staging graph, which the next build removes).
    """
    for graph in list(store.named_graphs()):
        if graph.value.startswith(_STAGING):
            store.remove_graph(graph)
    by_graph: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
    default: list[ox.Quad] = []
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            default.append(q)
        else:
            by_graph[q.graph_name].append(q)
            default.append(ox.Quad(q.subject, q.predicate, q.object))
    added, replaced, unchanged = [], [], 0
    for graph in sorted(by_graph, key=str):
        new = _normalised(ox.Quad(q.subject, q.predicate, q.object, graph) for q in by_graph[graph])
        old = set(store.quads_for_pattern(None, None, None, graph))
        if old == new:
            unchanged += 1
            continue
        (replaced if old else added).append(graph.value)
        _replace(store, graph, sorted(new, key=str))
    new_default = _normalised(default)
    if set(store.quads_for_pattern(None, None, None, ox.DefaultGraph())) != new_default:
        _replace(store, None, sorted(new_default, key=str))
    store.flush()
    return SyncReport(tuple(added), tuple(replaced), unchanged)


class ExtractionCache:
    """Per-article extraction results, keyed by everything they depend on."""

    def __init__(self, folder: Path, signature: str):
        self.folder, self.signature = folder, signature
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, article: Article) -> Path:
        fields = (self.signature, article.key, article.text, article.title, article.published, article.publisher,
                  article.url)
        digest = hashlib.sha256(repr(fields).encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / f"{digest}.pickle"

    def get(self, article: Article):
        path = self._path(article)
        if not path.is_file():
            return None
        try:
            return pickle.loads(path.read_bytes())
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None  # a stale or damaged entry: extract again

    def put(self, article: Article, value: object) -> None:
        from kg.export.atomic import write_atomic

        write_atomic(self._path(article), lambda tmp: tmp.write_bytes(pickle.dumps(value, protocol=4)))
