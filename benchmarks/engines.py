"""The local engine beside the Dask engine, in one run (issue #6, "beyond one machine").

    .venv/bin/python benchmarks/engines.py                      # 200 generated articles, 2 rounds, ~5 min
    .venv/bin/python benchmarks/engines.py -n 400 --rounds 3 --workers 2 --partition-size 16

On one corpus made by generate_corpus.py, alternating the order round by round, it times:

1. extraction (`kg.run.extraction.extract`, the stage an engine replaces), with the pipeline already loaded
   everywhere: the local engine with 1 spaCy process, with `--processes 2`, and the Dask engine on a
   LocalCluster of `--workers` single-threaded worker processes (warmed up: the workers have loaded
   the pipeline before timing);
2. the whole build through the command line (`python -m kg build`), local and `--engine dask
   --scheduler` on the same warm cluster; the local process loads the pipeline itself (part of its time).

It checks that both builds wrote the same bytes, prints a table and writes JSON
(docs/benchmarks/engines.json by default). Ratios are of the same round; nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_JSON = ROOT / "docs" / "benchmarks" / "engines.json"


def _warm(model: str) -> str:
    """Runs on each worker: load the pipeline, as the first partition would."""
    from kg.nlp.gazetteer import Gazetteer
    from kg.run.extraction import pipeline

    pipeline(model, Gazetteer.load())
    return model


def time_extraction(articles, settings, engine=None) -> float:
    from kg.nlp.gazetteer import Gazetteer
    from kg.run.extraction import extract

    start = time.perf_counter()
    results = list(extract(articles, settings, Gazetteer.load(), engine=engine))
    elapsed = time.perf_counter() - start
    assert len(results) == len(articles)
    return elapsed


def time_cli(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", "build", *args, "-q"], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="generated articles")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes (1 thread each)")
    parser.add_argument("--partition-size", type=int, default=16)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    from kg.config import Settings
    from kg.ingest import read_inputs
    from kg.nlp.gazetteer import Gazetteer
    from kg.run.extraction import pipeline

    started = time.time()
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "loadavg_start": os.getloadavg()}
    work = Path(tempfile.mkdtemp(prefix="kg-engines-"))
    corpus = work / "corpus.jsonl"
    subprocess.run([sys.executable, str(HERE / "generate_corpus.py"), "-n", str(args.n), "-o", str(corpus)],
                   cwd=ROOT, check=True, capture_output=True)
    articles = read_inputs([corpus]).articles
    words = sum(len(a.text.split()) for a in articles)
    settings = Settings.from_env()
    pipeline(settings.model, Gazetteer.load())  # the local engine's pipeline, loaded before timing
    rounds = []
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as cluster, \
            Client(cluster) as client:
        client.wait_for_workers(args.workers)
        client.run(_warm, settings.model)
        address = cluster.scheduler_address
        for r in range(args.rounds):
            timings = {}
            steps = {
                "extract local": lambda: time_extraction(articles, settings),
                "extract local --processes 2": lambda: time_extraction(
                    articles, Settings.from_env(n_process=2)),
                "extract dask": lambda: _dask_extraction(articles, settings, address, args.partition_size),
                "build local (CLI)": lambda: time_cli(str(corpus), "-o", str(work / "local")),
                "build dask (CLI)": lambda: time_cli(str(corpus), "-o", str(work / "dask"), "--engine", "dask",
                                                     "--scheduler", address, "--partition-size",
                                                     str(args.partition_size)),
            }
            for name in (list(steps) if r % 2 == 0 else list(reversed(steps))):
                timings[name] = steps[name]()
                print(f"round {r + 1}: {name}: {timings[name]:.2f} s", file=sys.stderr, flush=True)
            rounds.append(timings)
    same = all((work / "local" / f).read_bytes() == (work / "dask" / f).read_bytes()
               for f in os.listdir(work / "local"))
    median = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    lines = [f"Local vs Dask engine: {args.n} articles ({words:,} words), {args.rounds} alternated rounds, "
             f"{args.workers} Dask workers x 1 thread, partitions of {args.partition_size}",
             f"{'what':<30} | median s | articles/s |  words/s | vs local", "-" * 31 + "+" + "-" * 10 + "+"
             + "-" * 12 + "+" + "-" * 10 + "+" + "-" * 9]
    for name, seconds in median.items():
        base = median["build local (CLI)" if name.startswith("build") else "extract local"]
        lines.append(f"{name:<30} | {seconds:8.2f} | {args.n / seconds:10.2f} | {words / seconds:8,.0f} | "
                     f"{base / seconds:7.2f}x")
    lines.append(f"dumps, view and report of the two CLI builds byte-identical: {same}")
    machine["loadavg_end"] = os.getloadavg()
    lines.append(f"load average at start {machine['loadavg_start'][0]:.2f}, end {machine['loadavg_end'][0]:.2f}; "
                 f"{machine['cpus']} CPUs")
    table = "\n".join(lines)
    print(table)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"settings": vars(args) | {"json": str(args.json)}, "machine": machine,
                                     "words": words, "rounds": rounds, "median_s": median, "identical": same,
                                     "wall_s": time.time() - started, "table": table}, indent=2) + "\n")


def _dask_extraction(articles, settings, address: str, partition_size: int) -> float:
    from kg.run.dask_engine import DaskEngine

    with DaskEngine(address, partition_size) as engine:
        return time_extraction(articles, settings, engine)


if __name__ == "__main__":
    main()
