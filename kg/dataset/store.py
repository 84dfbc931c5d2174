"""A persistent store that builds add to: `kg build … --store DIR`.

DIR holds an Oxigraph database (DIR/oxigraph) and a cache of per-article extractions
(DIR/extractions). Every build reads the articles already stored, lets the inputs add to or
replace them by key, and resolves all of them together. So adding articles one at a time gives
the same dataset as building them all at once, cross-article merges included. Only the named
graphs whose content changed are rewritten, each in one transaction, so re-ingesting an
unchanged article changes nothing; the whole change is one transaction (kg.dataset.sync). A build
that writes no dumps does not even build the graphs whose inputs did not change (kg.run.incremental). The default graph holds the extraction-graph triples plus the
merge of all article graphs (each triple once), as `kg query` sees an output folder.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.graph.namespaces import SPARQL_PROLOGUE, select
from kg.ingest import Article
from kg.nlp.facts import ArticleFacts
from kg.nlp.mention import ArticleMentions
from kg.nlp.packed import PackedExtraction

DATABASE = "oxigraph"
CACHE = "extractions"
DIGESTS = "graphs.digests.json"  # each graph's digest at the last complete sync (kg.dataset.sync)
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


class ExtractionCache:
    """Per-article extraction results, keyed by everything they depend on.

    Each is kept as `kg.nlp.packed.PackedExtraction` holds it (mentions and facts pickled and
    compressed apart), so that a build reads a stored article's extraction without unpickling and
    packing it again (`get_packed`); entries an older kg wrote (the pair pickled whole) are read too."""

    def __init__(self, folder: Path, signature: str):
        self.folder, self.signature = folder, signature
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, article: Article, suffix: str = ".packed") -> Path:
        fields = (self.signature, article.key, article.text, article.title, article.published, article.publisher,
                  article.url)
        digest = hashlib.sha256(repr(fields).encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / f"{digest}{suffix}"

    def get_packed(self, article: Article) -> PackedExtraction | None:
        """The article's extraction as the build keeps it, or None (not cached, stale or damaged)."""
        try:
            mentions, facts = pickle.loads(self._path(article).read_bytes())
            if isinstance(mentions, bytes) and isinstance(facts, bytes):
                zlib.decompress(mentions), zlib.decompress(facts)  # checked whole (not unpickled)
                return PackedExtraction(article.key, mentions, facts)
        except FileNotFoundError:
            pass
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError, zlib.error):
            return None  # a stale or damaged entry: extract again
        old = self._old(article)
        return PackedExtraction.pack(*old) if old is not None else None

    def get(self, article: Article) -> tuple[ArticleMentions, ArticleFacts] | None:
        packed = self.get_packed(article)
        if packed is None:
            return None
        try:
            return packed.unpack()
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError, zlib.error):
            return None

    def _old(self, article: Article):
        """An entry written by kg before the packed form (the pair pickled whole)."""
        path = self._path(article, ".pickle")
        if not path.is_file():
            return None
        try:
            value = pickle.loads(path.read_bytes())
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        ok = isinstance(value, tuple) and len(value) == 2
        return value if ok and isinstance(value[0], ArticleMentions) and isinstance(value[1], ArticleFacts) else None

    def put(self, article: Article, packed: PackedExtraction) -> None:
        from kg.export.atomic import write_atomic

        data = pickle.dumps((packed.mentions_data, packed.facts_data), protocol=5)
        write_atomic(self._path(article), lambda tmp: tmp.write_bytes(data))
