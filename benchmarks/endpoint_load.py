"""Load on `kg serve`: N concurrent clients mixing cheap and expensive queries for a while.

    python benchmarks/endpoint_load.py [OUT] [--clients 50] [--seconds 60] [--expensive-share 0.1]
                                       [--distinct-expensive] [--json PATH] [-- SERVE_OPTIONS...]

Starts the real endpoint (`python -m kg serve OUT --timeout 2`), runs the clients, and prints:
errors on cheap queries (target: none), their p50/p95/p99 latency (target: p99 bounded), how
the expensive ones ended (200 within the caps, or 503 with a reason), the peak memory of the
endpoint's processes (the front server and every engine), the load average, and the CPU the engines
still use once the clients have stopped (target: none). Writes docs/benchmarks/endpoint-load.json.

By default every expensive query has the same text, so after the first one `kg serve` sends them
straight to its slow lane; with --distinct-expensive each one is new (a different FILTER constant)
and first spends the fast lane's budget: the worst case for the cheap queries.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHEAP = ["ASK { ?s a schema:Person }",
         "SELECT ?n WHERE { ?p a schema:Person ; rdfs:label ?n } ORDER BY ?n LIMIT 10",
         "SELECT (COUNT(*) AS ?n) WHERE { ?e a sem:Event }"]
# Expensive shapes: a cross product counted, streamed, concatenated, constructed; a deep OPTIONAL
# chain; a regex over every literal. With --distinct-expensive, each query also gets a new constant
# and a new structure (a random number of extra patterns), so its *shape* is new every time.
EXPENSIVE = (
    "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l {extra}{filter}}}",
    "SELECT * WHERE {{ ?a ?b ?c . ?d ?e ?f {extra}{filter}}}",
    "SELECT (GROUP_CONCAT(STR(?c)) AS ?x) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i {extra}{filter}}}",
    "CONSTRUCT {{ ?a ?b ?f }} WHERE {{ ?a ?b ?c . ?d ?e ?f {extra}{filter}}}",
    "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ ?c ?d ?e OPTIONAL {{ ?e ?f ?g OPTIONAL {{ ?g ?h ?i . ?x ?y ?z }} }} }} {extra}{filter}}}",
    "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f FILTER(REGEX(STR(?c), \"(a|b)*c\")) {extra}{filter}}}",
)


def expensive_query(rng: random.Random, distinct: bool) -> str:
    shape = rng.choice(EXPENSIVE)
    if not distinct:
        return shape.format(extra="", filter="")
    extra = "".join(f"OPTIONAL {{ ?a ?p{i} ?o{i} }} " for i in range(rng.randrange(1, 12)))
    return shape.format(extra=extra, filter=f"FILTER (?b != {rng.randrange(10**9)}) ")


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def children(pid: int) -> list[int]:
    """Every child of every thread: the engines are started from the pool's spawner threads."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total


ERROR_SAMPLES: list[str] = []  # the first few error messages, to tell busy from timed out from refused


def ask(url: str, query: str, record: bool = True) -> tuple[int, float]:
    started = time.monotonic()
    request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
        if record and len(ERROR_SAMPLES) < 20:
            ERROR_SAMPLES.append(f"{status} {err.read()[:120].decode(errors='replace').strip()} | {query[:40]}")
    except OSError as err:
        status = -1
        if record and len(ERROR_SAMPLES) < 20:
            ERROR_SAMPLES.append(f"-1 {err!r} | {query[:40]}")
    return status, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "out" / "samples"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--expensive-share", type=float, default=0.1)
    parser.add_argument("--distinct-expensive", action="store_true", help="a new text for every expensive query")
    parser.add_argument("--json", default=str(ROOT / "docs" / "benchmarks" / "endpoint-load.json"))
    argv = sys.argv[1:]  # after "--": more options for kg serve (e.g. -- --engines 2), passed as they are
    serve_options = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    args.serve_options = serve_options
    server = subprocess.Popen([sys.executable, "-m", "kg", "serve", args.out, "--port", "0", "--timeout", "2",
                               *args.serve_options],
                              stderr=subprocess.PIPE, text=True)
    url = re.search(r"(http://\S+/sparql)", server.stderr.readline()).group(1)
    server_log: list[str] = []
    threading.Thread(target=lambda: server_log.extend(server.stderr), daemon=True).start()
    load_start = list(os.getloadavg())
    cheap: list[tuple[int, float]] = []
    expensive: list[tuple[int, float]] = []
    peak = [0.0]
    stop = time.monotonic() + args.seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < stop:
            if rng.random() < args.expensive_share:
                expensive.append(ask(url, expensive_query(rng, args.distinct_expensive), record=False))
            else:
                cheap.append(ask(url, rng.choice(CHEAP)))

    def watch() -> None:
        while time.monotonic() < stop:
            peak[0] = max(peak[0], rss_mb([server.pid, *children(server.pid)]))
            time.sleep(0.5)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)] + [threading.Thread(target=watch)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(4)  # the timeout (2 s) and a margin: then nothing should still be working
    engines = children(server.pid)
    before = cpu_ticks(engines)
    time.sleep(2)
    busy_after = (cpu_ticks(engines) - before) / os.sysconf("SC_CLK_TCK") / 2  # cores used, on average
    server.terminate()
    server.wait(timeout=30)
    latencies = sorted(d for s, d in cheap if s == 200)
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    result = {
        "clients": args.clients, "seconds": args.seconds, "expensive_share": args.expensive_share,
        "distinct_expensive": args.distinct_expensive, "serve_options": ["--timeout", "2", *args.serve_options],
        "cpus": os.cpu_count(), "loadavg_start": load_start, "loadavg_end": list(os.getloadavg()),
        "cheap": {"queries": len(cheap), "errors": sum(1 for s, _ in cheap if s != 200),
                  "errors_by_status": {str(s): sum(1 for x, _ in cheap if x == s) for s in sorted({x for x, _ in cheap} - {200})},
                  "p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1), "p99_ms": round(q[98] * 1000, 1),
                  "max_ms": round(max(latencies, default=0) * 1000, 1)},
        "expensive": {"queries": len(expensive), "by_status": {str(s): sum(1 for x, _ in expensive if x == s)
                                                                 for s in sorted({x for x, _ in expensive})},
                      "max_s": round(max((d for _, d in expensive), default=0), 2)},
        "peak_rss_mb_front_and_engines": round(peak[0], 1),
        "engines_cpu_after_the_run": round(busy_after, 3),
        "moved_to_slow_lane": sum("slow lane" in line for line in server_log),
        "cheap_error_samples": ERROR_SAMPLES[:5],
    }
    print(json.dumps(result, indent=2))
    target = Path(args.json)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
