"""Every output file of a build, from its quads, written into OUT together (kg.export.atomic):
the dumps, GraphML and GEXF, the view, the tables, the map and the report."""

from __future__ import annotations

from pathlib import Path

from kg.config import spare_core
from kg.export.atomic import remove_stale_temporaries, staged_outputs
from kg.export.network import flatten, write_gexf, write_graphml
from kg.export.projection import network_of
from kg.export.quadscan import Collected
from kg.export.rdf import write_flat_dumps, write_graph_dumps
from kg.export.report import write_report
from kg.export.stats import compute_stats
from kg.export.tables import TABLE_NAMES, TABLES, write_tables_and_map
from kg.export.view import write_view
from kg.graph.quads import SortedQuads
from kg.graph.spool import SpooledQuads
from kg.run import progress as stages
from kg.run.background import in_background, run_later
from kg.run.progress import Progress, stage

OUTPUT_FILES = ("graph.trig", "graph.nq", "graph.ttl", "graph.jsonld", "graph.html", "graph.graphml", "graph.gexf",
                "events.geojson", "report.json") + tuple(f"{TABLES}/{name}.csv" for name in TABLE_NAMES)


def write_outputs(quads: SortedQuads | SpooledQuads, report: dict[str, object], out_dir: Path, base_iri: str,
                  progress: Progress | None = None) -> None:
    """Write every output into `out_dir`; it changes only once all are written. `report` gets the
    tables' and the map's counts and the stats, and is written last."""
    remove_stale_temporaries(out_dir)
    with staged_outputs(out_dir) as staging:
        stage(progress, stages.DUMPS)
        write_flat_dumps(quads, staging)
        # the tables and the map read only those two dumps: they are made beside everything else
        # when a core is spare (else after the view, as the last step)
        with (in_background if spare_core() else run_later)(write_tables_and_map, staging) as tables:
            found = Collected()  # the projection's pass over the graphs is made with the dumps'
            write_graph_dumps(quads, staging, base_iri, found)
            stage(progress, stages.NETWORK)
            network = network_of(found)
            del found
            flat = flatten(network)  # GraphML and GEXF hold the same flattened graph
            write_graphml(network, staging / "graph.graphml", flat)
            write_gexf(network, staging / "graph.gexf", flat)
            stage(progress, stages.VIEW)
            write_view(network, staging / "graph.html")
            del network, flat
            stage(progress, stages.TABLES)
            report.update(tables.result())
        report["stats"] = compute_stats(staging / TABLES, report)
        write_report(report, staging / "report.json")
