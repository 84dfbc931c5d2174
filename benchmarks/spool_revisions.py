"""Two revisions' graph stage, dumps and projection (and store sync) in one process, round by round.

On a shared machine two runs of `spool_stages.py`, one per revision, differ by the load more than by
the code. This script times both revisions in the same process, alternated: the earlier one is a
copy of its `kg/` renamed to `kg_old` (the imports rewritten), the later one is this tree's `kg`.

    cp -r ../main/kg /tmp/oldkg/kg_old && cd /tmp/oldkg && find kg_old -name '*.py' | xargs sed -i -E \\
        's/\\bfrom kg\\./from kg_old./g; s/\\bimport kg\\./import kg_old./g; s/\\bfrom kg import/from kg_old import/g; s/"kg\\.(data|queries|ontology|nlp\\.lexicon)"/"kg_old.\\1"/g'
    .venv/bin/python benchmarks/spool_revisions.py --old /tmp/oldkg [--rounds 3] [--memory] [--sync]

It reuses the extraction `spool_stages.py` keeps in WORK (run that first), builds the graphs through
the spool (or in memory with --memory) with each revision, and prints the graph stage, the dumps and
the projection (the earlier revision: write_dumps then to_networkx; the later: write_dumps with the
projection's pass, then network_of), whether the dumps are the same bytes, and with --sync the
first sync into a new store and the second of the same build.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the folder holding kg_old/")
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=HERE.parent / "out" / "bench" / "spool")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="the graph stage in memory, not spooled")
    parser.add_argument("--sync", action="store_true", help="also two syncs into a new store (slow)")
    args = parser.parse_args()
    sys.path.insert(0, str(args.old))
    from spool_stages import extract

    from kg.config import Settings
    from kg.nlp.gazetteer import Gazetteer
    from kg.resolve.resolver import resolve
    from kg.run.build import resolved_articles

    revisions = {name: {m: importlib.import_module(f"{package}.{m}") for m in (
        "graph.build", "graph.spool", "graph.iris", "export.rdf", "export.projection", "dataset.sync")}
        for name, package in (("before", "kg_old"), ("after", "kg"))}
    articles, packed = extract(args.work / f"corpus-{args.n}.jsonl", args.work / f"extracted-{args.n}.pickle", "")
    gc.disable()  # as kg.run.build._finish
    gazetteer, settings, clock = Gazetteer.load(), Settings(), time.perf_counter
    resolution = resolve(lambda: (packed[a.key].mentions() for a in articles), {e.key: e.label for e in gazetteer.entries()})
    for r in range(args.rounds):
        outs = {}
        for name, m in revisions.items():
            outs[name] = out = Path(tempfile.mkdtemp(prefix="kg-revision-"))
            t = clock()
            spool = None if args.memory else m["graph.spool"].QuadSpool(Path(tempfile.mkdtemp(prefix="kg-spool-")))
            quads = m["graph.build"].build_quads(resolved_articles(articles, packed, resolution, {}), resolution.entities,
                                                 gazetteer, m["graph.iris"].IriMinter(settings.base_iri), "kg", spool)
            graph_s, t = clock() - t, clock()
            if name == "before":
                m["export.rdf"].write_dumps(quads, out, settings.base_iri)
                dumps_s, t = clock() - t, clock()
                m["export.projection"].to_networkx(quads)
            else:
                from kg.export.quadscan import Collected

                found = Collected()
                m["export.rdf"].write_dumps(quads, out, settings.base_iri, collected=found)
                dumps_s, t = clock() - t, clock()
                m["export.projection"].network_of(found)
                del found
            projection_s = clock() - t
            line = (f"round {r} {name:<7} graph {graph_s:6.2f}  dumps {dumps_s:6.2f}  projection {projection_s:6.2f}"
                    f"  dumps+projection {dumps_s + projection_s:6.2f}")
            if args.sync:
                line += _syncs(m["dataset.sync"], quads)
            print(line, flush=True)
            del quads
            gc.collect()
            if spool is not None:
                shutil.rmtree(spool._folder)
        same = all((outs["before"] / f).read_bytes() == (outs["after"] / f).read_bytes()
                   for f in ("graph.trig", "graph.nq", "graph.ttl", "graph.jsonld"))
        print(f"round {r}: dumps {'the same bytes' if same else 'DIFFER'}", flush=True)
        for out in outs.values():
            shutil.rmtree(out)


def _syncs(sync_module, quads) -> str:
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory(prefix="kg-store-") as folder:
        store, digests, clock = ox.Store(folder + "/db"), Path(folder) / "digests.json", time.perf_counter
        t = clock()
        sync_module.sync(store, quads, digests)
        first, t = clock() - t, clock()
        sync_module.sync(store, quads, digests)
        again = clock() - t
        del store
    return f"  first sync {first:6.1f}  same build again {again:5.2f}"


if __name__ == "__main__":
    main()
