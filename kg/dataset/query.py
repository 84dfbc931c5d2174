"""SPARQL over a built output folder, answered by Oxigraph (rdflib's engine is far too slow).

The N-Quads dump is loaded into an in-memory store. Its default graph is the RDF merge of all
article graphs (each triple once, however many articles assert it), so counts need no DISTINCT
and queries need no GRAPH clause unless they ask which article said what.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from kg.dataset.sparql_guard import QueryRefused, SafeQuery, check_query
from kg.graph.namespaces import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")


class QueryError(Exception):
    """The query is refused or invalid, or the output folder has no dataset."""


class QueryNotAllowed(QueryError):
    """The query would change the data or reach beyond this dataset (SERVICE, LOAD, FROM, updates)."""


def sparql_prologue() -> str:
    """PREFIX declarations for the vocabularies the graph uses, all on one line: prepended to a
    query's first line, they leave the user's line numbers as they were (error positions)."""
    return " ".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + " "


def open_store(out_dir: Path) -> ox.Store:
    """The dataset of an output folder (loaded from OUT/graph.nq into memory) or of a persistent
    store made by `kg build --store` (opened read-only)."""
    from kg.dataset.store import StoreError, is_store, open_store as open_persistent

    if is_store(out_dir):
        try:
            return open_persistent(out_dir, read_only=True)
        except StoreError as err:
            raise QueryError(str(err)) from None
    path = out_dir / "graph.nq"
    if not path.is_file():
        raise QueryError(f"{out_dir}: no graph.nq here and not a store; run `kg build … -o {out_dir}` first")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except (SyntaxError, OSError) as err:
        raise QueryError(f"{path}: not a readable N-Quads dump: {err}") from None
    merge_into_default_graph(store)
    return store


def merge_into_default_graph(store: ox.Store) -> None:
    """Copy every named graph's triples into the default graph (a set: duplicates collapse).

    Oxigraph's "default graph as union" keeps duplicates (a label asserted by four articles
    matches four times), which silently inflates COUNTs; a merged default graph does not.
    """
    merged = {ox.Quad(q.subject, q.predicate, q.object) for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    store.extend(merged)


def checked(query: str) -> SafeQuery:
    """The query's form and the text an engine may run (kg.dataset.sparql_guard); QueryError if refused."""
    try:
        return check_query(query)
    except QueryRefused as err:
        raise (QueryNotAllowed if err.refused else QueryError)(str(err)) from None


def run_query(store: ox.Store, query: str):
    """Solutions, a boolean or triples, as pyoxigraph returns them. The store is sent the query as
    written back from its checked tokens, with the vocabularies' prefixes predeclared."""
    safe = checked(query)
    try:
        return store.query(safe.text, prefixes=PREFIXES)
    except SyntaxError as err:
        raise QueryError(f"invalid SPARQL: {err}") from None
    except OSError as err:
        raise QueryError(f"query failed: {err}") from None


def compact(term: object) -> str:
    """A term as a person reads it: CURIEs for known namespaces, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri):]}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def format_results(results: object, fmt: str = "table") -> str:
    """Render solutions as a table, CSV, TSV or SPARQL JSON; ASK as true/false; graphs as N-Triples."""
    if isinstance(results, ox.QueryBoolean):
        return json.dumps({"head": {}, "boolean": bool(results)}) if fmt == "json" else str(bool(results)).lower()
    if isinstance(results, ox.QueryTriples):
        return ox.serialize(results, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    assert isinstance(results, ox.QuerySolutions)
    variables = [v.value for v in results.variables]
    if fmt in ("csv", "tsv", "json"):
        rdf_format = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}[fmt]
        return results.serialize(format=rdf_format).decode("utf-8")
    rows = [[compact(solution[v]) for v in variables] for solution in results]
    return render_table(variables, rows)


def render_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table; long cells are cut to keep it readable."""
    cells = [[c.replace("\n", " ") for c in row] for row in rows]
    cells = [[c if len(c) <= 80 else c[:79] + "…" for c in row] for row in cells]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    line = lambda values: " | ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    out = [line(header), "-+-".join("-" * w for w in widths)] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
