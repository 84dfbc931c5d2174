"""Memory of the network projection alone: a build's graphs handed over one at a time (as
kg.export.rdf.write_dumps hands them on), then GraphML, GEXF and the view (issue #16).

    .venv/bin/python benchmarks/projection_memory.py spill OUT/graph.nq WORK      # the build's way
    .venv/bin/python benchmarks/projection_memory.py whole OUT/graph.nq WORK      # network_of, all in memory

Reads the N-Quads dump of a build (its graphs are contiguous, the default graph first, each sorted),
no spaCy, and prints the process's RSS and peak RSS (VmHWM) at the start of each step. `spill` is
what a build does (kg.export.netspill, kg.export.netfiles: per-node aggregates, evidence in
SQLite, GraphML and GEXF streamed, the view of at most MAX_NODES nodes); `whole` gathers every row
(`Collected`), builds the whole networkx graph with every sentence (`network_of`) and draws all of
it, as builds did before. The files land in WORK, to compare with cmp.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

START = time.monotonic()


def mark(step: str) -> None:
    status = Path("/proc/self/status").read_text()

    def megabytes(key: str) -> float:
        return int(status.split(key + ":")[1].split()[0]) / 1024

    print(f"[{time.monotonic() - START:7.1f}s] rss {megabytes('VmRSS'):7.0f} MB "
          f"peak {megabytes('VmHWM'):7.0f} MB  -> {step}", flush=True)


def graphs(path: Path) -> Iterator[list[tuple]]:
    """Each graph's (subject, predicate, object) rows, in the file's order."""
    name: object = None
    rows: list[tuple] = []
    for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        if q.graph_name != name:
            if rows:
                yield rows
            name, rows = q.graph_name, []
        rows.append((q.subject, q.predicate, q.object))
    if rows:
        yield rows


def whole(source: Path, out: Path) -> None:
    from kg.export.network import flatten, write_gexf, write_graphml
    from kg.export.projection import network_of
    from kg.export.quadscan import Collected
    from kg.export.view import write_view

    found = Collected()
    for rows in graphs(source):
        found.add(rows)
    mark("writing GraphML, GEXF")
    network = network_of(found)
    del found
    flat = flatten(network)
    write_graphml(network, out / "graph.graphml", flat)
    write_gexf(network, out / "graph.gexf", flat)
    mark("writing the view")
    write_view(network, out / "graph.html")


def spill(source: Path, out: Path) -> None:
    from kg.export.netfiles import write_network_files
    from kg.export.netspill import NetworkSpill
    from kg.export.view import MAX_EVIDENCE, MAX_NODES, write_view
    from kg.run.outputs import view_title

    with tempfile.TemporaryDirectory(prefix="kg-network-") as folder:
        found = NetworkSpill(Path(folder))
        for rows in graphs(source):
            found.add(rows)
        mark("writing GraphML, GEXF")
        view = write_network_files(found, out / "graph.graphml", out / "graph.gexf", MAX_EVIDENCE, MAX_NODES)
        found.close()
    del found
    mark("writing the view")
    write_view(view.graph, out / "graph.html", view_title(view), evidence_counts=view.counts)


def main(argv: list[str]) -> None:
    if len(argv) != 3 or argv[0] not in ("spill", "whole"):
        sys.exit(__doc__)
    source, out = Path(argv[1]), Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    mark("reading the graphs")
    (spill if argv[0] == "spill" else whole)(source, out)
    mark("end")


if __name__ == "__main__":
    main(sys.argv[1:])
