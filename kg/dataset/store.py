"""A persistent store that builds add to: `kg build … --store DIR`.

DIR holds an Oxigraph database (DIR/oxigraph) and a cache of per-article extractions
(DIR/extractions). Every build reads the articles already stored, lets the inputs add to or
replace them by key, and resolves all of them together. So adding articles one at a time gives
the same dataset as building them all at once, cross-article merges included. Only the named
graphs whose content changed are rewritten, each in one transaction, so re-ingesting an
unchanged article changes nothing; the whole change is one transaction (kg.dataset.store.sync). The default graph holds the extraction-graph triples plus the
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

from kg.errors import InputError
from kg.graph.namespaces import SPARQL_PROLOGUE, select
from kg.ingest import Article

DATABASE = "oxigraph"
CACHE = "extractions"
_ARTICLES = SPARQL_PROLOGUE + """
SELECT ?key ?body ?title ?published ?url ?publisher WHERE { GRAPH ?g {
  ?a a schema:NewsArticle ; kgo:articleKey ?key ; schema:articleBody ?body .
  OPTIONAL { ?a schema:headline ?title } OPTIONAL { ?a schema:datePublished ?published }
  OPTIONAL { ?a schema:url ?url } OPTIONAL { ?a schema:publisher/rdfs:label ?publisher } } }
ORDER BY ?key"""


class StoreError(InputError):
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
    for row in select(store, _ARTICLES):
        value = {name: None if row[name] is None else row[name].value
                 for name in ("key", "body", "title", "url", "published", "publisher")}
        key, body = value["key"], value["body"]
        if key is None or body is None:  # both are required by the query: a bound row has them
            raise InputError("store: an article row without its key or body")
        articles.append(Article(key=key, text=body, source=f"store:{key}",
                                title=value["title"], url=value["url"], published=value["published"],
                                publisher=value["publisher"]))
    return articles


@dataclass(frozen=True)
class SyncReport:
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    unchanged: int

    def as_dict(self) -> dict[str, object]:
        return {"graphs_added": list(self.added), "graphs_replaced": list(self.replaced),
                "graphs_unchanged": self.unchanged}


_STAGING = "urn:kg:staging:"  # graphs that stores written by earlier versions of kg may hold
ONE_TRANSACTION_BYTES = 256 * 2**20  # the whole change in one update when its text is no larger


def _normalised(quads) -> set[ox.Quad]:
    """Quads as the store holds them (Oxigraph stores derived integer types as xsd:integer)."""
    scratch = ox.Store()
    scratch.extend(quads)
    return set(scratch)


def _data(graph: ox.NamedNode | None, quads: Iterable[ox.Quad]) -> str:
    """Quads as the body of INSERT DATA / DELETE DATA (N-Triples terms are SPARQL terms)."""
    written = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads],
                           format=ox.RdfFormat.N_TRIPLES)
    triples = (written or b"").decode("utf-8")  # bytes: no output was given to write to
    return f"{{ GRAPH {graph} {{ {triples} }} }}" if graph is not None else f"{{ {triples} }}"


def _changes(store: ox.Store, by_graph: dict[ox.NamedNode, list[ox.Quad]], default: list[ox.Quad]):
    """The SPARQL update operations that turn the store into the build, one group per graph, and
    what they add and replace. Unchanged graphs are left alone."""
    groups: list[list[str]] = []
    added: list[str] = []
    replaced: list[str] = []
    unchanged = 0
    stale = [g for g in store.named_graphs() if g.value.startswith(_STAGING)]
    if stale:
        groups.append([f"DROP SILENT GRAPH {g}" for g in sorted(stale, key=str)])
    for graph in sorted(by_graph, key=str):
        new = _normalised(ox.Quad(q.subject, q.predicate, q.object, graph) for q in by_graph[graph])
        old = set(store.quads_for_pattern(None, None, None, graph))
        if old == new:
            unchanged += 1
            continue
        (replaced if old else added).append(graph.value)
        groups.append(([f"DROP SILENT GRAPH {graph}"] if old else []) + [f"INSERT DATA {_data(graph, sorted(new, key=str))}"])
    new_default = _normalised(default)
    old_default = set(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    removed, more = sorted(old_default - new_default, key=str), sorted(new_default - old_default, key=str)
    if removed or more:
        groups.append(([f"DELETE DATA {_data(None, removed)}"] if removed else [])
                      + ([f"INSERT DATA {_data(None, more)}"] if more else []))
    return groups, SyncReport(tuple(added), tuple(replaced), unchanged)


def sync(store: ox.Store, quads: Iterable[ox.Quad]) -> SyncReport:
    """Make the store hold `quads` (a full build), rewriting only the graphs that differ.

    The whole change is one SPARQL update, so one transaction: a reader, or a build killed at any
    moment, sees the store as it was or as it is after, never between, and never a staging graph.
    A change whose text is over ONE_TRANSACTION_BYTES is applied graph by graph instead (each
    graph still in one transaction: every graph old or new, the merged default graph last).
    """
    by_graph: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
    default: list[ox.Quad] = []
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            default.append(q)
        elif isinstance(q.graph_name, ox.NamedNode):
            by_graph[q.graph_name].append(q)
            default.append(ox.Quad(q.subject, q.predicate, q.object))
        else:  # a build names its graphs by IRI; SPARQL cannot DROP a blank-node graph
            raise InputError(f"store: the graph {q.graph_name} is named by a blank node")
    groups, report = _changes(store, by_graph, default)
    if sum(len(op) for group in groups for op in group) <= ONE_TRANSACTION_BYTES:
        groups = [[op for group in groups for op in group]]
    for group in groups:
        if group:
            store.update(" ;\n".join(group))
    store.flush()
    return report


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
