"""Adding articles to a store, against building it whole (issue #16; not a unit test).

    .venv/bin/python benchmarks/incremental_store.py [--n 20000] [--add 100] [--out out/bench/incremental]
                                                     [--root CHECKOUT]

Generates N + ADD articles (benchmarks/generate_corpus.py), builds the first N into a new store with
`kg build --store` (the full build, extraction included), then adds the last ADD with `kg build
--store` (the incremental build: the stored articles' extractions come from the cache), each in a
fresh process, and prints both times, their ratio, each run's peak RSS (children included) and the
time of each stage of each run (from `kg build`'s progress lines). `--root` runs the kg of another
checkout (to compare two revisions on one corpus); the store after the full build is kept as
OUT/store-N so that `--reuse` can time the addition again without building the N articles again.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from generate_corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
_LINE = re.compile(r"^\[\s*([0-9.]+) s\] (.+?)(?: \(\d+ \w+\))?$")


def _stages(stderr: str, total: float) -> dict[str, float]:
    """Seconds of each stage, from the progress lines ("[  12.3 s] resolving entities")."""
    marks = [(float(m.group(1)), m.group(2)) for m in map(_LINE.match, stderr.splitlines()) if m]
    ends = [t for t, _ in marks[1:]] + [total]
    return {name: round(end - start, 2) for (start, name), end in zip(marks, ends)}


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(root: Path, args: list[str]) -> tuple[float, float, dict[str, float]]:
    """(seconds, the largest peak RSS in MB of any run so far, seconds per stage) of one `kg build`
    in a new process; the stages include "cpu": its processor seconds (children included), which a
    busy machine changes less than the wall-clock time."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    cpu = _cpu()
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "kg", *args], cwd=root, capture_output=True, text=True, env=env)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"kg {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak, {**_stages(done.stderr, seconds), "cpu": round(_cpu() - cpu, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--add", type=int, default=100)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench" / "incremental")
    parser.add_argument("--root", type=Path, default=ROOT, help="the kg checkout to run")
    parser.add_argument("--reuse", action="store_true", help="start from OUT/store-N of an earlier run")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = write_corpus(args.out / f"corpus-{args.n + args.add}.jsonl", args.n + args.add)
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    first, later = args.out / "first.jsonl", args.out / "later.jsonl"
    first.write_text("".join(lines[:args.n]), encoding="utf-8")
    later.write_text("".join(lines[args.n:]), encoding="utf-8")
    store, kept = args.out / "store", args.out / f"store-{args.n}"
    shutil.rmtree(store, ignore_errors=True)
    full_s, full_mb, full_stages = 0.0, 0.0, {}
    if args.reuse and kept.is_dir():
        shutil.copytree(kept, store)
        full = json.loads((kept.parent / f"full-{args.n}.json").read_text(encoding="utf-8"))
        full_s, full_stages = full["full_s"], full["stages"]
    else:
        full_s, full_mb, full_stages = _run(args.root, ["build", str(first), "--store", str(store)])
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(store, kept)
        (args.out / f"full-{args.n}.json").write_text(json.dumps({"full_s": full_s, "stages": full_stages}) + "\n",
                                                      encoding="utf-8")
    add_s, add_mb, add_stages = _run(args.root, ["build", str(later), "--store", str(store)])
    result = {"articles": args.n, "added": args.add, "root": str(args.root), "full_s": round(full_s, 1),
              "add_s": round(add_s, 1), "ratio": round(add_s / full_s, 3), "peak_mb_max": round(max(full_mb, add_mb)),
              "full_stages": full_stages, "add_stages": add_stages, "loadavg": list(os.getloadavg())}
    print(f"full build of {args.n} articles into a new store: {full_s:.1f} s")
    print(f"adding {args.add} articles to it:                 {add_s:.1f} s")
    print(f"ratio: {add_s / full_s:.3f} (target <= 0.05); peak RSS of the runs: {max(full_mb, add_mb):.0f} MB")
    if "cpu" in full_stages:
        print(f"processor time: {full_stages['cpu']:.1f} s and {add_stages['cpu']:.1f} s, ratio "
              f"{add_stages['cpu'] / full_stages['cpu']:.3f}")
    print(f"  {'stage (seconds)':40} {'full':>9} {'add':>9}")
    for name in dict.fromkeys([*full_stages, *add_stages]):
        print(f"  {name:40} {full_stages.get(name, float('nan')):9.2f} {add_stages.get(name, float('nan')):9.2f}")
    (args.out / "result.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
