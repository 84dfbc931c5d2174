"""What a Dask worker runs last in a sharded build (`kg build --engine dask --shards DIR`): it reads
every partition's shard as one dataset (kg.graph.spool `read_shards`), saves its default graph as
DIR/default.nq and writes every output (the local engine's kg.run.outputs, byte for byte) into a
folder in DIR, which the client then moves into OUT. So the client never holds what the outputs
need: the per-article index of the shards, the network behind the view, GraphML and GEXF, the
report's per-article entries."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from kg.graph.spool import read_shards
from kg.run.outputs import write_outputs_into
from kg.run.shards import DEFAULT_NQ, report_entries, write_atomic
from kg.util.nogc import collector_paused


def finish_shard(_: int, folder: str, names: list[str], default_runs: list[str], report: dict[str, object],
                 base_iri: str, target: str | None) -> dict[str, object]:
    """Runs on a worker, once for the build: the shards `names` in `folder` with the default graph's
    sorted runs `default_runs` (the annotation totals, which the client adds up) as one dataset;
    DIR/default.nq; and, if `target` is given (an empty folder in `folder`), every output written
    into it, with `report` (its skeleton from the client) completed by the shards' entries. The
    report comes back without its per-article entries."""
    return _finish(Path(folder), names, [Path(run) for run in default_runs], report, base_iri,
                   Path(target) if target is not None else None)


@collector_paused
def _finish(folder: Path, names: list[str], default_runs: list[Path], report: dict[str, object], base_iri: str,
            target: Path | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(dir=folder, prefix=".finish.") as work:
        quads = read_shards(folder, names, (), Path(work), default_runs)
        write_atomic(folder / DEFAULT_NQ, quads.default_nquads())
        totals = report["totals"]
        assert isinstance(totals, dict)
        totals["quads"] = len(quads)
        if target is not None:
            for path in target.iterdir():  # what a try whose worker died left
                shutil.rmtree(path) if path.is_dir() else path.unlink()
            report["articles"] = report_entries(folder, len(names))
            write_outputs_into(quads, report, target, base_iri)
    return {key: ({} if key == "articles" else value) for key, value in report.items()}
