"""The memory curve of the real `kg build` command, by stage, at several corpus sizes (issue #16).

    .venv/bin/python benchmarks/memory_curve.py --sizes 2000 20000 --work out/bench/curve [--processes 1]

For each size a corpus is generated (benchmarks/generate_corpus.py, kept in WORK for later runs) and
`python -m kg build CORPUS -o OUT` runs in a new process with its default settings (OUT is removed
once measured: 20,000 articles' outputs take ~15 GB). While it runs,
the resident memory of its whole process tree (spaCy's workers and the background tables step
included: kg.run.memory.tree_rss) is sampled ten times a second, and each sample is counted
against the stage the build's progress lines say it is in. RSS summed over the tree counts a page
that forked spaCy workers share with the build in each of them; the tree's PSS (each shared page
counted once: kg.run.memory.tree_pss, slower to read) is sampled twice a second beside it.
Printed: per size the wall time, the peak of each stage and of the whole run (RSS and PSS);
then, for the largest size against the smallest, the ratios the issue sets targets for (whole-run
peak <= 1.3 x and < 2.5 GB at 20,000; time <= 10.5 x for 10 x the articles). Sizes run one after the other, never together (the machine has 2 cores).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from generate_corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.run.memory import tree_pss, tree_rss  # noqa: E402 - the checkout's kg, after the path is set

SAMPLE_SECONDS = 0.1
PSS_EVERY = 5  # samples: reading PSS walks the page tables (~20 ms a GB), RSS costs nothing


def measure(corpus: Path, out: Path, processes: int) -> dict[str, object]:
    """Run one build; its wall time, whole-run peak and per-stage peaks (MB of the process tree)."""
    command = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "--max-memory", "0"]
    if processes:
        command += ["--processes", str(processes)]
    started = time.monotonic()
    build = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    stage = ["starting"]
    log: list[str] = []

    def follow() -> None:
        assert build.stderr is not None
        for line in build.stderr:
            log.append(line)
            if line.startswith("[") and "] " in line:
                stage[0] = line.split("] ", 1)[1].split(" (")[0].strip()

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    peaks: dict[str, float] = {}
    pss: dict[str, float] = {}
    for sample in itertools.count():
        if build.poll() is not None:
            break
        peaks[stage[0]] = max(peaks.get(stage[0], 0.0), tree_rss(build.pid) / 2**20)
        if sample % PSS_EVERY == 0:
            pss[stage[0]] = max(pss.get(stage[0], 0.0), tree_pss(build.pid) / 2**20)
        time.sleep(SAMPLE_SECONDS)
    reader.join()
    if build.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({build.returncode}):\n{''.join(log)[-2000:]}")
    return {"seconds": time.monotonic() - started, "peak_mb": max(peaks.values()), "stage_peaks_mb": peaks,
            "pss_peak_mb": max(pss.values()), "stage_pss_peaks_mb": pss, "load_end": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--work", type=Path, default=ROOT / "out" / "bench" / "curve")
    parser.add_argument("--processes", type=int, default=0, help="spaCy processes (default 0: kg's auto)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    runs = {}
    for n in sorted(args.sizes):
        corpus = args.work / f"corpus-{n}.jsonl"
        if not corpus.exists():
            write_corpus(corpus, n)
        load = os.getloadavg()[0]
        run = measure(corpus, args.work / f"out-{n}", args.processes)
        shutil.rmtree(args.work / f"out-{n}", ignore_errors=True)  # 20,000 articles' outputs: ~15 GB
        run["load_start"] = load
        runs[n] = run
        stages = "  ".join(f"{name} {mb:,.0f}" for name, mb in run["stage_peaks_mb"].items())
        shared = "  ".join(f"{name} {mb:,.0f}" for name, mb in run["stage_pss_peaks_mb"].items())
        print(f"{n:>7,} articles: {run['seconds']:8.1f} s, whole-run peak {run['peak_mb']:7,.0f} MB "
              f"(PSS {run['pss_peak_mb']:,.0f} MB; load {load:.1f} -> {run['load_end']:.1f})\n"
              f"         stage peaks (MB): {stages}\n         stage PSS peaks (MB): {shared}", flush=True)
    small, large = min(runs), max(runs)
    summary = {"articles": [small, large], "peak_ratio": runs[large]["peak_mb"] / runs[small]["peak_mb"],
               "pss_peak_ratio": runs[large]["pss_peak_mb"] / runs[small]["pss_peak_mb"],
               "time_ratio": runs[large]["seconds"] / runs[small]["seconds"], "largest_peak_mb": runs[large]["peak_mb"]}
    if large > small:
        print(f"{small:,} -> {large:,} articles ({large / small:g} x): whole-run peak {summary['peak_ratio']:.2f} x "
              f"(PSS {summary['pss_peak_ratio']:.2f} x), "
              f"time {summary['time_ratio']:.2f} x; peak at {large:,}: {summary['largest_peak_mb'] / 1024:.2f} GB")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "summary": summary, "processes": args.processes,
                                         "cpus": len(os.sched_getaffinity(0))}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
