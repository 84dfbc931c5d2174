"""GraphML and GEXF of a build written from its `NetworkSpill` (kg.export.netspill), node by node."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from kg.export.atomic import write_atomic
from kg.export.graphfiles import GexfStream, GraphmlStream, Unsupported
from kg.export.netspill import NetworkSpill, Projection
from kg.export.network import flatten, write_gexf, write_graphml


def write_network_files(spill: NetworkSpill, graphml: Path, gexf: Path, max_evidence: int | None,
                        view_limit: int | None = None) -> Projection:
    """GraphML and GEXF written atomically, node by node; returns the projection for the view (at
    most `max_evidence` sentences a node, at most `view_limit` nodes: see `NetworkSpill.project`). A
    graph the streams cannot write (see kg.export.graphfiles) is made whole and written by networkx."""
    with open(spill.folder / "graphml.body", "w+", encoding="utf-8", newline="") as graphml_body, \
            open(spill.folder / "gexf.body", "w+", encoding="utf-8", newline="") as gexf_body:
        streams = (GraphmlStream(graphml_body), GexfStream(gexf_body))
        try:
            projection = spill.project(max_evidence, streams, view_limit)
        except Unsupported:
            pass
        else:
            write_atomic(graphml, partial(_finish, streams[0]))
            write_atomic(gexf, partial(_finish, streams[1]))
            return projection
    whole = spill.project().graph
    flat = flatten(whole)
    write_graphml(whole, graphml, flat)
    write_gexf(whole, gexf, flat)
    del whole, flat
    return spill.project(max_evidence, view_limit=view_limit)


def _finish(stream: GraphmlStream | GexfStream, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        stream.finish(out)
