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

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.graph.terms import O_KGO, O_RDF, O_RDFS, O_SCHEMA
from kg.ingest import Article

DATABASE = "oxigraph"
CACHE = "extractions"
DIGESTS = "graphs.digests.json"  # each graph's digest at the last complete sync (kg.dataset.sync)
_TYPE, _LABEL, _NEWS_ARTICLE, _KEY = O_RDF.type, O_RDFS.label, O_SCHEMA.NewsArticle, O_KGO.articleKey
_BODY, _HEADLINE, _PUBLISHED = O_SCHEMA.articleBody, O_SCHEMA.headline, O_SCHEMA.datePublished
_URL, _PUBLISHER = O_SCHEMA.url, O_SCHEMA.publisher


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


def stored_articles(store: ox.Store) -> Iterator[Article]:
    """The articles the store holds, as they were ingested (cleaned text and metadata), in the
    store's order (not sorted; kg.ingest.spill `in_key_order`). Read from the indexes one article at
    a time: a SPARQL query joining the texts to the articles held every text (its hash joins)."""
    for typed in store.quads_for_pattern(None, _TYPE, _NEWS_ARTICLE, None):
        article, graph = typed.subject, typed.graph_name
        if isinstance(graph, ox.DefaultGraph) or isinstance(article, ox.Triple):
            continue  # an article is described in its own graph (the default graph holds the merge)
        key, body = _first(store, article, _KEY, graph), _first(store, article, _BODY, graph)
        if not isinstance(key, ox.Literal) or not isinstance(body, ox.Literal):
            continue  # not an article kg wrote
        publisher = _first(store, article, _PUBLISHER, graph)
        yield Article(key=key.value, text=body.value, source=f"store:{key.value}",
                      title=_value(_first(store, article, _HEADLINE, graph)),
                      url=_value(_first(store, article, _URL, graph)),
                      published=_value(_first(store, article, _PUBLISHED, graph)),
                      publisher=_value(_first(store, publisher, _LABEL, graph))
                      if isinstance(publisher, (ox.NamedNode, ox.BlankNode)) else None)


def _first(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode,
           graph: ox.NamedNode | ox.BlankNode) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None:
    """The first object of (subject, predicate) in `graph`, or None."""
    return next((quad.object for quad in store.quads_for_pattern(subject, predicate, None, graph)), None)


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str | None:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else None
