"""Adding articles to a store, against building it whole (issue #16; not a unit test).

    .venv/bin/python benchmarks/incremental_store.py [--n 20000] [--add 100] [--out out/bench/incremental]

Generates N + ADD articles (benchmarks/generate_corpus.py), builds the first N into a new store with
`kg build --store` (the full build, extraction included), then adds the last ADD with `kg build
--store` (the incremental build: the stored articles' extractions come from the cache), each in a
fresh process, and prints both times, their ratio and each run's peak RSS (children included).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from generate_corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str]) -> tuple[float, float]:
    """(seconds, the largest peak RSS in MB of any run so far) of one `kg build` in a new process."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"kg {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return time.monotonic() - started, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--add", type=int, default=100)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench" / "incremental")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = write_corpus(args.out / f"corpus-{args.n + args.add}.jsonl", args.n + args.add)
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    first, later = args.out / "first.jsonl", args.out / "later.jsonl"
    first.write_text("".join(lines[:args.n]), encoding="utf-8")
    later.write_text("".join(lines[args.n:]), encoding="utf-8")
    store = args.out / "store"
    shutil.rmtree(store, ignore_errors=True)
    full_s, full_mb = _run(["build", str(first), "--store", str(store), "--quiet"])
    add_s, add_mb = _run(["build", str(later), "--store", str(store), "--quiet"])
    result = {"articles": args.n, "added": args.add, "full_s": round(full_s, 1), "add_s": round(add_s, 1),
              "ratio": round(add_s / full_s, 3), "peak_mb_max": round(max(full_mb, add_mb)),
              "loadavg": list(os.getloadavg())}
    print(f"full build of {args.n} articles into a new store: {full_s:.1f} s")
    print(f"adding {args.add} articles to it:                 {add_s:.1f} s")
    print(f"ratio: {add_s / full_s:.3f} (target <= 0.05); peak RSS of the runs: {max(full_mb, add_mb):.0f} MB")
    (args.out / "result.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
