"""The client's peak memory in a sharded Dask build beside the local engine's (issue #16, item 3).

    .venv/bin/python benchmarks/sharded_memory.py /tmp/mem/corpus-1000.jsonl /tmp/mem/corpus-3000.jsonl

For each corpus (JSONL, e.g. from generate_corpus.py), on one warm LocalCluster of `--workers`
single-threaded worker processes, it runs through the command line:

1. `kg build CORPUS -o OUT --processes 1` (the local engine, everything in one process);
2. `kg build CORPUS -o OUT --engine dask --scheduler ADDRESS` (extraction on the workers only);
3. `kg build CORPUS -o OUT --engine dask --scheduler ADDRESS --shards DIR` (the whole build on the workers);

and records each `kg build` process's peak resident memory (ru_maxrss of its largest process: the
client), the peak RSS and PSS of the client's process tree (the client and the background tables
step it may start, sampled; the cluster's processes are not its children: kg.run.memory), its wall
time, and whether the three wrote the same bytes.
Writes a table and JSON (docs/benchmarks/sharded-memory.json by default). Nothing here is a test.
"""

from __future__ import annotations

import argparse
import filecmp
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_JSON = ROOT / "docs" / "benchmarks" / "sharded-memory.json"
sys.path.insert(0, str(ROOT))

from kg.run.memory import tree_pss, tree_rss  # noqa: E402 - the checkout's kg, after the path is set

# runs `kg build ARGS` as its only child and prints that child's peak RSS (KiB) on the last line
PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_build(*args: str, workers: tuple[int, ...] = ()) -> tuple[float, float, float, float, float]:
    """(peak RSS of its largest process, peak RSS and PSS of its process tree, in MB; seconds; the
    largest peak RSS of one of the process trees `workers`, in MB) of one `python -m kg build ARGS -q`.
    The tree is the client and what it starts (the background tables step); the cluster's
    processes are not in it (a worker's tree: the worker and the tables step it may start)."""
    start = time.perf_counter()
    wrapper = subprocess.Popen([sys.executable, "-c", PEAK, sys.executable, "-m", "kg", "build", *args, "-q"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rss = pss = worker_rss = 0
    for sample in itertools.count():
        if wrapper.poll() is not None:
            break
        rss = max(rss, tree_rss(wrapper.pid))
        worker_rss = max([worker_rss, *(tree_rss(pid) for pid in workers)])
        if sample % 5 == 0:  # PSS walks the page tables: twice a second
            pss = max(pss, tree_pss(wrapper.pid))
        time.sleep(0.1)
    out, err = wrapper.communicate()
    if wrapper.returncode != 0:
        raise SystemExit(f"kg build {' '.join(args)} failed:\n{err[-2000:]}")
    return int(out.split()[-1]) / 1024, rss / 2**20, pss / 2**20, time.perf_counter() - start, worker_rss / 2**20


@contextmanager
def local_cluster(workers: int) -> Iterator[tuple[Any, Any]]:
    """(cluster, client): a LocalCluster of `workers` single-threaded worker processes, started."""
    import dask
    from distributed import Client, LocalCluster

    from kg.run.dask_engine import DAEMONIC_WORKERS

    with dask.config.set({"distributed.worker.daemon": DAEMONIC_WORKERS}), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as cluster, \
            Client(cluster) as client:
        client.wait_for_workers(workers)
        yield cluster, client


def _warm(model: str) -> str:
    from kg.nlp.gazetteer import Gazetteer
    from kg.run.extraction import pipeline

    pipeline(model, Gazetteer.load())
    return model


def same_outputs(a: Path, b: Path) -> bool:
    names = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    return names == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()) and \
        all(filecmp.cmp(a / n, b / n, shallow=False) for n in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partition-size", type=int, default=64)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--runs", default="local,dask,shards",
                        help="which builds, of local (1 process), dask (extraction only), shards (default: all three)")
    args = parser.parse_args()

    from kg.config import Settings

    work = Path(tempfile.mkdtemp(prefix="kg-sharded-memory-"))
    rows = []
    with local_cluster(args.workers) as (cluster, client):
        client.run(_warm, Settings.from_env().model)
        worker_pids = tuple(client.run(os.getpid).values())
        dask_args = ("--engine", "dask", "--scheduler", cluster.scheduler_address,
                     "--partition-size", str(args.partition_size))
        for corpus in args.corpora:
            n = sum(1 for _ in corpus.open(encoding="utf-8"))
            out = work / corpus.stem
            every = {"local --processes 1": ("local", ("--processes", "1")),
                     "dask (extraction only)": ("dask", dask_args),
                     "dask --shards": ("shards", (*dask_args, "--shards", str(out / "shards")))}
            runs = {name: extra for name, (short, extra) in every.items() if short in args.runs.split(",")}
            row: dict[str, object] = {"corpus": str(corpus), "articles": n, "loadavg": os.getloadavg()[0]}
            outs = {name: out / f"out-{i}" for i, name in enumerate(runs)}
            for name, extra in runs.items():
                mb, tree_mb, tree_pss_mb, seconds, worker_mb = peak_build(str(corpus), "-o", str(outs[name]), *extra,
                                                                          workers=worker_pids)
                row[name] = {"peak_mb": round(mb), "tree_peak_mb": round(tree_mb), "tree_pss_peak_mb": round(tree_pss_mb),
                             "seconds": round(seconds, 1), "loadavg_end": os.getloadavg()[0],
                             "worker_tree_peak_mb": round(worker_mb)}
                print(f"{n} articles, {name}: client peak {mb:.0f} MB (with its children: RSS {tree_mb:.0f}, "
                      f"PSS {tree_pss_mb:.0f} MB), {seconds:.0f} s; a worker's peak {worker_mb:.0f} MB",
                      file=sys.stderr, flush=True)
            first, *others = outs.values()
            row["identical"] = all(same_outputs(first, o) for o in others) if others else None  # one run: nothing to compare
            rows.append(row)
            shutil.rmtree(out, ignore_errors=True)  # a 20,000-article corpus's outputs and shards: ~27 GB
    shutil.rmtree(work, ignore_errors=True)
    lines = [f"Client peak RSS / its process tree's peak PSS (MB), wall time (s): {args.workers} Dask workers x 1 "
             f"thread, partitions of {args.partition_size}",
             f"{'articles':>8} | {'local 1 process':>24} | {'dask, extraction':>24} | {'dask --shards':>24} | same bytes"]
    for row in rows:
        cells = [f"{row[k]['peak_mb']:>6} / {row[k]['tree_pss_peak_mb']:>6} MB {row[k]['seconds']:>6} s"  # type: ignore[index]
                 if k in row else "-" for k in ("local --processes 1", "dask (extraction only)", "dask --shards")]
        lines.append(f"{row['articles']:>8} | " + " | ".join(f"{c:>24}" for c in cells) + f" | {row['identical']}")
    table = "\n".join(lines)
    print(table)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"settings": vars(args) | {"json": str(args.json),
                                                               "corpora": [str(c) for c in args.corpora]},
                                     "rows": rows, "table": table}, indent=2) + "\n")


if __name__ == "__main__":
    main()
