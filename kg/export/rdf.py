"""RDF dumps in a stable order: TriG, N-Quads, Turtle (all graphs merged) and JSON-LD.

rdflib's serialisers emit triples in an order that changes from run to run, so the quads are
sorted here and streamed through Oxigraph's serialisers, which keep the order they are given
(and are strict and fast).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.export.atomic import atomic_path, write_atomic
from kg.export.jsonld import run_chunks, write_jsonld
from kg.export.quadscan import RowSink
from kg.graph.namespaces import PREFIXES
from kg.graph.quads import GraphRun, QuadCollector, SortedQuads
from kg.graph.spool import BUILT, SpooledQuads
from kg.graph.terms import to_oxigraph

DUMPS = {
    "graph.trig": ox.RdfFormat.TRIG,
    "graph.nq": ox.RdfFormat.N_QUADS,
    "graph.ttl": ox.RdfFormat.TURTLE,
    "graph.jsonld": ox.RdfFormat.JSON_LD,
}


def sorted_dataset(dataset: Dataset) -> SortedQuads:
    """An rdflib Dataset as sorted quads (see kg.graph.quads for the order)."""
    cache: dict = {}

    def convert(term):
        found = cache.get(term)
        if found is None:
            found = cache[term] = to_oxigraph(term)
        return found

    collector = QuadCollector()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        default = g is None or g == DATASET_DEFAULT_GRAPH_ID
        collector.graph(None if default else convert(g)).add((convert(s), convert(p), convert(o)))
    return collector.finish()


def sorted_quads(dataset: Dataset) -> list[ox.Quad]:
    """Every quad of the dataset in a deterministic order: graph, then subject, rdf:type first
    (so that Turtle reads "<x> a schema:Person ; …"), predicate, object."""
    return sorted_dataset(dataset).quads


def collect(quads: Iterable[ox.Quad]) -> SortedQuads:
    """pyoxigraph quads as SortedQuads (sorted, duplicates removed)."""
    collector = QuadCollector()
    for q in quads:
        g = q.graph_name
        if isinstance(g, ox.BlankNode):  # a build names its graphs by IRI
            raise ValueError(f"the graph {g} is named by a blank node")
        collector.graph(None if isinstance(g, ox.DefaultGraph) else g).add((q.subject, q.predicate, q.object))
    return collector.finish()


def merged_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """All graphs merged into one (for Turtle-only tools), duplicates removed, sorted."""
    return list(collect(quads).iter_triples())


def write_nquads(quads: SortedQuads | SpooledQuads, path: Path) -> None:
    """N-Quads, one line per quad, in the order of `quads`: each term spelled once (terms are
    shared objects), with no `ox.Quad` made. The spelling is Oxigraph's (`str` of a term), so
    the file is the one `ox.serialize` writes, byte for byte (tested)."""
    if isinstance(quads, SpooledQuads):  # the spool holds the text already
        with open(path, "wb") as raw:
            raw.writelines(quads.nquads_chunks())
        return
    spelled: dict[int, str] = {}  # id(term) -> its N-Quads spelling; the terms stay alive in `quads`
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for graph, rows in quads.graphs:
            tail = " ." if isinstance(graph, ox.DefaultGraph) else f" {graph} ."
            lines = []
            for triple in rows:
                parts = []
                for term in triple:
                    text = spelled.get(id(term))
                    if text is None:
                        text = spelled[id(term)] = str(term)
                    parts.append(text)
                lines.append(" ".join(parts) + tail)
            if lines:
                out.write("\n".join(lines) + "\n")


def write_dump(quads: SortedQuads | SpooledQuads, path: Path, rdf_format: ox.RdfFormat, base_iri: str) -> None:
    """One dump, written atomically: TriG and N-Quads hold every graph; Turtle the merged triples."""
    if rdf_format == ox.RdfFormat.JSON_LD:
        write_atomic(path, lambda tmp: write_jsonld(quads, tmp, base_iri))
    elif rdf_format == ox.RdfFormat.N_QUADS:
        write_atomic(path, lambda tmp: write_nquads(quads, tmp))
    elif rdf_format == ox.RdfFormat.TURTLE:
        write_atomic(path, lambda tmp: ox.serialize(quads.iter_triples(), str(tmp), rdf_format, prefixes=PREFIXES))
    else:
        write_atomic(path, lambda tmp: ox.serialize(quads.iter_quads(), str(tmp), rdf_format, prefixes=PREFIXES))


def write_dumps(quads: SortedQuads | SpooledQuads | Iterable[ox.Quad], out_dir: Path,
                base_iri: str = "https://w3id.org/evkg/id/", collected: RowSink | None = None) -> dict[str, Path]:
    """Write the four dumps atomically; return their paths by file name. TriG and JSON-LD are
    written in one pass over the graphs (`collected`, if given, gathers the network projection's
    rows in the same pass): graphs on disk are read and parsed once for the three."""
    if not isinstance(quads, BUILT):
        quads = collect(quads)
    write_flat_dumps(quads, out_dir)
    write_graph_dumps(quads, out_dir, base_iri, collected)
    return {name: out_dir / name for name in DUMPS}


def write_flat_dumps(quads: SortedQuads | SpooledQuads, out_dir: Path) -> None:
    """N-Quads and Turtle (what the tables and the map are made from: kg.run.outputs starts them next)."""
    for name in ("graph.nq", "graph.ttl"):
        write_dump(quads, out_dir / name, DUMPS[name], "")


def write_graph_dumps(quads: SortedQuads | SpooledQuads, out_dir: Path, base_iri: str,
                      collected: RowSink | None = None, trig: bool = True, jsonld: bool = True) -> None:
    """TriG and JSON-LD (those asked for), in one pass over the graphs (see `write_dumps`); with
    neither, the pass still hands `collected` every graph's rows."""
    with ExitStack() as stack:
        jsonld_out = None
        if jsonld:
            jsonld_out = stack.enter_context(open(stack.enter_context(atomic_path(out_dir / "graph.jsonld")), "wb"))
        passed = _one_pass(quads, jsonld_out, base_iri, collected)
        if trig:
            ox.serialize(passed, str(stack.enter_context(atomic_path(out_dir / "graph.trig"))), ox.RdfFormat.TRIG,
                         prefixes=PREFIXES)
        else:
            deque(passed, maxlen=0)


def _one_pass(quads: SortedQuads | SpooledQuads, jsonld: BinaryIO | None, base_iri: str,
              collected: RowSink | None) -> Iterator[ox.Quad]:
    """Every quad, in order, for the TriG writer that pulls them; as each graph goes by, its JSON-LD
    is written (when `jsonld` is given) and its rows handed to `collected`. Each graph's quads are
    held until the JSON-LD writer has taken its rows (it yields once a graph is done; it skips an
    empty one)."""
    pending: deque[list[ox.Quad]] = deque()

    def runs() -> Iterator[GraphRun]:
        for graph, rows, graph_quads in quads.quad_runs():
            if collected is not None:
                collected.add(rows)
            pending.append(graph_quads)
            yield graph, rows

    if jsonld is None:
        for _ in runs():
            yield from pending.popleft()
        return
    for chunk in run_chunks(runs(), base_iri):
        jsonld.write(chunk.encode("utf-8"))
        while pending:
            yield from pending.popleft()
