"""Every output file of a build, from its quads, written into OUT together (kg.export.atomic):
the dumps, GraphML and GEXF, the view, the tables, the map and the report."""

from __future__ import annotations

from pathlib import Path

from kg.config import spare_core
from kg.export.atomic import remove_stale_temporaries, staged_outputs
from kg.export.netfiles import write_network_files
from kg.export.netspill import NetworkSpill, Projection
from kg.export.rdf import write_flat_dumps, write_graph_dumps
from kg.export.report import write_report
from kg.export.stats import compute_stats
from kg.export.tables import TABLE_NAMES, TABLES, write_tables_and_map
from kg.export.view import MAX_EVIDENCE, MAX_NODES, write_view
from kg.graph.quads import SortedQuads
from kg.graph.spool import SpooledQuads
from kg.run import progress as stages
from kg.run.background import in_background, run_later
from kg.run.memory import release_memory
from kg.run.progress import Progress, stage
from kg.util.scratch import scratch_folder

OUTPUT_FILES = ("graph.trig", "graph.nq", "graph.ttl", "graph.jsonld", "graph.html", "graph.graphml", "graph.gexf",
                "events.geojson", "report.json") + tuple(f"{TABLES}/{name}.csv" for name in TABLE_NAMES)
# what `kg build --skip` may leave out (the rest: the N-Quads every command reads, the Turtle and the
# N-Quads the tables are made from, the tables the statistics are counted from, the map, the report)
SKIPPABLE = {"trig": "graph.trig", "jsonld": "graph.jsonld", "graphml": "graph.graphml", "gexf": "graph.gexf",
             "view": "graph.html"}
_NETWORK = frozenset({"graphml", "gexf", "view"})


def write_outputs(quads: SortedQuads | SpooledQuads, report: dict[str, object], out_dir: Path, base_iri: str,
                  progress: Progress | None = None, beside: bool | None = None,
                  skip: frozenset[str] = frozenset()) -> None:
    """Write every output into `out_dir` but those named in `skip` (keys of SKIPPABLE, which an
    earlier build's files of are removed); `out_dir` changes only once all are written. `report`
    gets the tables' and the map's counts and the stats, and is written last. `beside`: whether the
    tables run in a background process (default: if a core is spare now; a build decides when it
    starts, since its own spaCy processes raise the load average it would read here)."""
    remove_stale_temporaries(out_dir)
    with staged_outputs(out_dir, removing=[SKIPPABLE[name] for name in sorted(skip)]) as staging:
        write_outputs_into(quads, report, staging, base_iri, progress, beside, skip)


def write_outputs_into(quads: SortedQuads | SpooledQuads, report: dict[str, object], staging: Path, base_iri: str,
                       progress: Progress | None = None, beside: bool | None = None,
                       skip: frozenset[str] = frozenset()) -> None:
    """`write_outputs` into the empty folder `staging`, which nobody reads until it is done."""
    if skip:
        report["outputs_skipped"] = sorted(skip)
    stage(progress, stages.DUMPS)
    write_flat_dumps(quads, staging)
    # the tables and the map read only those two dumps: they are made beside everything else
    # when a core is spare (else after the view, as the last step)
    beside = spare_core() if beside is None else beside
    with (in_background if beside else run_later)(write_tables_and_map, staging) as tables:
        view = _graph_dumps_and_network(quads, staging, base_iri, progress, skip)
        release_memory()  # the spill's aggregates
        if view is not None and "view" not in skip:
            stage(progress, stages.VIEW)
            write_view(view.graph, staging / "graph.html", view_title(view), evidence_counts=view.counts)
        del view
        release_memory()  # the view's graphs (cycles): not held while the tables finish
        stage(progress, stages.TABLES)
        report.update(tables.result())
    report["stats"] = compute_stats(staging / TABLES, report)
    write_report(report, staging / "report.json")


def _graph_dumps_and_network(quads: SortedQuads | SpooledQuads, staging: Path, base_iri: str,
                             progress: Progress | None, skip: frozenset[str]) -> Projection | None:
    """TriG and JSON-LD (unless skipped) in one pass that also gathers the network; then GraphML,
    GEXF (written together; a skipped one is not kept) and the projection for the view. None when
    the network is not needed."""
    if _NETWORK <= skip:
        if not {"trig", "jsonld"} <= skip:
            write_graph_dumps(quads, staging, base_iri, None, "trig" not in skip, "jsonld" not in skip)
        return None
    with scratch_folder("network") as folder:
        found = NetworkSpill(folder)  # gathered in the dumps' pass over the graphs, evidence on disk
        try:
            write_graph_dumps(quads, staging, base_iri, found, "trig" not in skip, "jsonld" not in skip)
            release_memory()
            stage(progress, stages.NETWORK)
            view = write_network_files(found, staging / "graph.graphml", staging / "graph.gexf", MAX_EVIDENCE,
                                       MAX_NODES)
        finally:
            found.close()
    for name in ("graphml", "gexf"):
        if name in skip:
            (staging / SKIPPABLE[name]).unlink()
    return view


def view_title(view: Projection) -> str:
    """The page's heading; a page that holds only the most connected nodes says so."""
    title = "Event knowledge graph"
    if view.capped:
        title += (f": the {view.graph.number_of_nodes():,} most connected of {view.nodes:,} nodes "
                  f"({view.graph.number_of_edges():,} of {view.edges:,} edges; all in graph.graphml)")
    return title
