"""SPARQL over a built output folder, answered by Oxigraph (rdflib's engine is far too slow).

The N-Quads dump is loaded into an in-memory store. Its default graph is the RDF merge of all
article graphs (each triple once, however many articles assert it), so counts need no DISTINCT
and queries need no GRAPH clause unless they ask which article said what.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from kg.dataset.sparql_guard import QueryRefused, SafeQuery, check_query
from kg.errors import InputError, Refused
from kg.graph.namespaces import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")


class QueryError(Refused):
    """The query is refused or invalid, or the output folder has no dataset."""


class QueryNotAllowed(QueryError):
    """The query would change the data or reach beyond this dataset (SERVICE, LOAD, FROM, updates)."""


def sparql_prologue() -> str:
    """PREFIX declarations for the vocabularies the graph uses, all on one line: prepended to a
    query's first line, they leave the user's line numbers as they were (error positions)."""
    return " ".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + " "


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


CELL_WIDTH = 80  # the widest table cell by default (kg query --max-width)


def format_results(results: object, fmt: str = "table", max_width: int | None = CELL_WIDTH) -> str:
    """Render solutions as a table, CSV, TSV or SPARQL JSON; ASK as true/false; graphs as N-Triples.
    Every rendering ends with a newline; table cells are cut at `max_width` characters (None: never)."""
    if isinstance(results, ox.QueryBoolean):
        return (json.dumps({"head": {}, "boolean": bool(results)}) if fmt == "json" else str(bool(results)).lower()) + "\n"
    if isinstance(results, ox.QueryTriples):
        if fmt != "table":  # a graph has no result table: say so rather than print N-Triples under another name
            raise InputError(f"--format {fmt} is for SELECT and ASK; CONSTRUCT and DESCRIBE print N-Triples "
                             "(leave --format out)")
        return ox.serialize(results, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")  # type: ignore[union-attr]
    assert isinstance(results, ox.QuerySolutions)
    variables = [v.value for v in results.variables]
    if fmt in ("csv", "tsv", "json"):
        rdf_format = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}[fmt]
        text = results.serialize(format=rdf_format).decode("utf-8")  # type: ignore[union-attr]  # no file: bytes
        return text if text.endswith("\n") else text + "\n"
    rows = [[compact(solution[v]) for v in variables] for solution in results]
    return render_table(variables, rows, max_width)


def render_table(header: list[str], rows: list[list[str]], max_width: int | None = CELL_WIDTH) -> str:
    """A plain-text table; cells longer than `max_width` are cut to keep it readable (None: never)."""
    cells = [[c.replace("\n", " ") for c in row] for row in rows]
    if max_width is not None:
        cells = [[c if len(c) <= max_width else c[:max_width - 1] + "…" for c in row] for row in cells]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    line = lambda values: " | ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    out = [line(header), "-+-".join("-" * w for w in widths)] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
