"""The client's memory stage by stage in a sharded Dask build (issue #16, item 3).

    .venv/bin/python benchmarks/sharded_stages.py /tmp/mem/corpus-2000.jsonl /tmp/mem/corpus-6000.jsonl

For each corpus (JSONL, e.g. from generate_corpus.py), on one LocalCluster of `--workers`
single-threaded workers, runs `kg build CORPUS -o OUT --engine dask --shards DIR` and samples the
client's process tree (RSS, ten times a second) while reading its progress lines, so that each
stage gets its peak: where the client's memory grows with the corpus, and where it does not.
`sharded_memory.py` gives the whole run's peak beside the local engine's. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sharded_memory import local_cluster  # noqa: E402 - beside this script

from kg.run.memory import tree_rss  # noqa: E402 - the checkout's kg, after the path is set


def stage_peaks(corpus: Path, scheduler: str, work: Path, partition_size: int) -> dict[str, float]:
    """{stage line: the client tree's peak RSS in MB while it was the last one printed}."""
    build = subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "-o", str(work / "out"),
                              "--engine", "dask", "--scheduler", scheduler, "--partition-size", str(partition_size),
                              "--shards", str(work / "shards")],
                             cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    current, peaks = ["starting"], {}

    def follow() -> None:
        assert build.stderr is not None
        for line in build.stderr:  # "[  12.3 s] extracting (2000 articles)"
            stage = line.strip().split("] ", 1)[-1].split(" (")[0][:40]
            current[0] = "finished" if stage.startswith("built ") else stage

    threading.Thread(target=follow, daemon=True).start()
    while build.poll() is None:
        peaks[current[0]] = max(peaks.get(current[0], 0.0), tree_rss(build.pid) / 2**20)
        time.sleep(0.1)
    if build.returncode != 0:
        raise SystemExit(f"kg build {corpus} failed with status {build.returncode}")
    return {stage: round(mb, 1) for stage, mb in peaks.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partition-size", type=int, default=64)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    rows = []
    with local_cluster(args.workers) as (cluster, _):
        for corpus in args.corpora:
            work = Path(tempfile.mkdtemp(prefix="kg-sharded-stages-"))
            try:
                peaks = stage_peaks(corpus, cluster.scheduler_address, work, args.partition_size)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            rows.append({"corpus": str(corpus), "articles": sum(1 for _ in corpus.open(encoding="utf-8")),
                         "stage_peak_mb": peaks})
            print(f"{rows[-1]['articles']} articles:", file=sys.stderr)
            for stage, mb in peaks.items():
                print(f"  {mb:8.1f} MB  {stage}", file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
