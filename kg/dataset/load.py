"""Open what `kg build` made, the one way every reader does: an output folder or a persistent store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.dataset.store import DATABASE, StoreError, is_store, open_store
from kg.errors import InputError


def open_dataset(source: Path) -> ox.Store:
    """The dataset of an output folder (OUT/graph.nq, loaded into memory, its named graphs merged into
    the default graph) or of a persistent store made by `kg build --store` (opened read-only)."""
    if is_store(source):
        return open_store(source, read_only=True)
    return load_build(source)


def database_of(source: Path, workdir: Path) -> Path:
    """An Oxigraph database on disk holding SOURCE: a store's own, or OUT/graph.nq loaded under WORKDIR."""
    if is_store(source):
        return source / DATABASE
    location = workdir / "db"
    store = load_build(source, location)
    store.flush()
    return location


def load_build(out_dir: Path, location: Path | None = None) -> ox.Store:
    """OUT/graph.nq in a new Oxigraph store (in memory, or a database at LOCATION), default graph merged."""
    path = out_dir / "graph.nq"
    if not path.is_file():
        raise InputError(f"{out_dir}: neither an output folder (no graph.nq here) nor a kg store; "
                         f"run `kg build … -o {out_dir}` first")
    store = ox.Store() if location is None else ox.Store(str(location))
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except (SyntaxError, OSError) as err:
        raise InputError(f"{path}: not a readable N-Quads dump: {err}") from None
    merge_into_default_graph(store)
    return store


def merge_into_default_graph(store: ox.Store) -> None:
    """Copy every named graph's triples into the default graph (a set: duplicates collapse).

    Oxigraph's "default graph as union" keeps duplicates (a label asserted by four articles
    matches four times), which silently inflates COUNTs; a merged default graph does not.
    """
    merged = {ox.Quad(q.subject, q.predicate, q.object) for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    store.extend(merged)


__all__ = ["StoreError", "database_of", "load_build", "merge_into_default_graph", "open_dataset"]
