"""The sorted quads on disk (kg.graph.spool) read exactly as the sorted quads in memory."""

from __future__ import annotations

import json
from collections import defaultdict

import pyoxigraph as ox
import pytest

from kg.dataset.sync import sync
from kg.export.jsonld import jsonld_document
from kg.export.projection import network_of, to_networkx
from kg.export.quadscan import Collected
from kg.export.rdf import DUMPS, write_dumps
from kg.graph.namespaces import PREFIXES
from kg.graph.quads import QuadCollector
from kg.graph.spool import QuadSpool
from kg.graph.totals import AnnotationTotals, count_annotations


def _by_graph(path):
    graphs = defaultdict(list)
    for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        graphs[q.graph_name].append((q.subject, q.predicate, q.object))
    return graphs


def _both(sample_out, folder, run_keys=250_000):
    """The sample build's quads in memory and through a spool in `folder`, and its graphs as read."""
    graphs = _by_graph(sample_out / "graph.nq")
    memory, spool = QuadCollector(), QuadSpool(folder, run_keys=run_keys)
    for sink in (memory, spool):
        default = sink.graph()
        for name, triples in graphs.items():  # the graphs in the order read, duplicates added
            if isinstance(name, ox.DefaultGraph):
                for t in triples:
                    default.add(t)
            else:
                sink.add_graph(name, triples + triples[:3])
    return memory.finish(), spool.finish(), spool, graphs


@pytest.mark.parametrize("run_keys", [50, 250_000])  # many sorted runs of merged keys, or one
def test_spooled_quads_are_the_sorted_quads(sample_out, tmp_path, run_keys):
    expected, spooled, spool, graphs = _both(sample_out, tmp_path, run_keys)
    merged, default = spool._merged.paths, spool._default.paths  # the default graph's runs are merged runs too
    assert len(merged) > 1 and len(default) > 1 if run_keys == 50 else len(merged) == len(default) == 1
    assert len(spooled) == len(expected) == sum(len(set(t)) for t in graphs.values())
    assert spooled.digests == expected.digests
    assert [(g, rows) for g, rows in spooled.graphs] == expected.graphs
    assert list(spooled.merged) == expected.merged
    assert list(spooled.graphs) == list(spooled.graphs)  # read again from the files
    for name, quads in (("memory", expected), ("spool", spooled)):
        (tmp_path / name).mkdir()
        write_dumps(quads, tmp_path / name)
    for dump in DUMPS:
        assert (tmp_path / "spool" / dump).read_bytes() == (tmp_path / "memory" / dump).read_bytes(), dump
    assert (tmp_path / "spool" / "graph.nq").read_bytes() == (sample_out / "graph.nq").read_bytes()
    assert sorted(to_networkx(spooled).nodes(data="label")) == sorted(to_networkx(expected).nodes(data="label"))


def test_the_default_graph_read_in_parts_writes_the_same_dumps(sample_out, tmp_path, monkeypatch):
    """The dumps read a spooled default graph in parts (DEFAULT_PART quads, a subject whole in one):
    the same bytes as from memory, and every part's subjects its own."""
    from kg.graph import spool as spool_module

    monkeypatch.setattr(spool_module, "DEFAULT_PART", 5)
    expected, spooled, _, _ = _both(sample_out, tmp_path)
    parts = [rows for graph, rows in spooled.graphs if isinstance(graph, ox.DefaultGraph)]
    assert len(parts) > 3 and [row for rows in parts for row in rows] == expected.default
    subjects = [{s for s, _, _ in rows} for rows in parts]
    assert all(not (a & b) for n, a in enumerate(subjects) for b in subjects[n + 1:])
    assert list(spooled.iter_quads()) == list(expected.iter_quads())
    for name, quads in (("memory", expected), ("spool", spooled)):
        (tmp_path / name).mkdir()
        write_dumps(quads, tmp_path / name)
    for dump in DUMPS:
        assert (tmp_path / "spool" / dump).read_bytes() == (tmp_path / "memory" / dump).read_bytes(), dump
    assert sorted(to_networkx(spooled).nodes(data="label")) == sorted(to_networkx(expected).nodes(data="label"))


def test_a_graph_is_added_once(tmp_path):
    spool = QuadSpool(tmp_path)
    name = ox.NamedNode("https://example.org/graph/a")
    triple = (ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("o"))
    spool.add_graph(name, [triple])
    with pytest.raises(ValueError, match="added twice"):
        spool.add_graph(name, [triple])


def test_a_spooled_build_writes_the_same_outputs(tmp_path, monkeypatch):
    """A build over SPOOL_ABOVE_ARTICLES (lowered here) writes what the in-memory build writes."""
    from kg.config import Settings
    from kg.run import build as build_module
    from kg.run.outputs import OUTPUT_FILES

    samples = build_module.Path(__file__).resolve().parent.parent / "samples"
    build_module.build([samples], tmp_path / "memory", Settings(n_process=1))
    spooled = []

    class Recorded(QuadSpool):
        def finish(self):
            spooled.append(self.count)
            return super().finish()

    spilled = []

    class RecordedArticles(build_module.SpilledArticles):
        def __iter__(self):
            spilled.append(len(self))
            return super().__iter__()

    runs = []
    flush = AnnotationTotals._flush

    def recorded_flush(self):
        runs.append(len(self._counts))
        flush(self)

    monkeypatch.setattr(build_module, "SPOOL_ABOVE_ARTICLES", 0)
    monkeypatch.setattr("kg.graph.spool.DEFAULT_PART", 7)  # the default graph read back in parts
    monkeypatch.setattr("kg.graph.totals.RUN_BODIES", 5)  # the totals summed from runs of 5 bodies
    monkeypatch.setattr(AnnotationTotals, "_flush", recorded_flush)
    monkeypatch.setattr(build_module, "QuadSpool", Recorded)
    monkeypatch.setattr("kg.ingest.SpilledArticles", RecordedArticles)  # as read_inputs writes them
    build_module.build([samples], tmp_path / "spool", Settings(n_process=1))
    assert spooled and spooled[0] > 1000  # the graphs went through the spool
    built = json.loads((tmp_path / "memory" / "report.json").read_text(encoding="utf-8"))["totals"]["articles"]
    # the articles through a file, read back five times (their lengths and texts for spaCy, dates for
    # identities, the graphs, the report)
    assert spilled == [built] * 5
    assert len(runs) > 3 and max(runs) == 5
    for name in OUTPUT_FILES:
        assert (tmp_path / "spool" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes(), name


@pytest.mark.parametrize("where", ["memory", "spool"])
def test_one_pass_writes_what_each_writer_writes(sample_out, tmp_path, where):
    """TriG, JSON-LD and the projection's rows from one pass over the graphs (write_dumps) are what
    each writer makes on its own pass."""
    memory, spooled, _, _ = _both(sample_out, tmp_path)
    quads = memory if where == "memory" else spooled
    found = Collected()
    write_dumps(quads, tmp_path, collected=found)
    assert (tmp_path / "graph.trig").read_bytes() == ox.serialize(memory.iter_quads(), format=ox.RdfFormat.TRIG,
                                                                  prefixes=PREFIXES)
    assert (tmp_path / "graph.jsonld").read_bytes() == jsonld_document(memory, "https://w3id.org/evkg/id/")
    assert (tmp_path / "graph.ttl").read_bytes() == ox.serialize(memory.iter_triples(), format=ox.RdfFormat.TURTLE,
                                                                 prefixes=PREFIXES)
    assert list(quads.iter_quads()) == memory.quads and list(quads.iter_triples()) == list(memory.iter_triples())
    assert quads.default == memory.graphs[0][1] and [(g, read()) for g, read in quads.named_graphs()] == memory.graphs[1:]
    one_pass, alone = network_of(found), to_networkx(memory)
    assert list(one_pass.nodes(data=True)) == list(alone.nodes(data=True))
    assert list(one_pass.edges(keys=True, data=True)) == list(alone.edges(keys=True, data=True))


def test_an_unchanged_graph_is_not_read_from_the_spool(sample_out, tmp_path):
    """A sync whose graphs all have the digests recorded last time reads none of them: with the spool
    file spoilt after the first sync, the second still finds every graph unchanged."""
    _, spooled, _, _ = _both(sample_out, tmp_path)
    store, digests = ox.Store(), tmp_path / "digests.json"
    first = sync(store, spooled, digests)
    assert first.added and not first.replaced
    path = tmp_path / "graphs.nq"
    path.write_bytes(b"not N-Quads " * (path.stat().st_size // 12 + 1))
    with pytest.raises(SyntaxError):  # the spool is spoilt indeed
        list(spooled.graphs)
    again = sync(store, spooled, digests)
    assert again.as_dict() == {"graphs_added": [], "graphs_replaced": [], "graphs_unchanged": len(first.added)}


def test_a_spooled_build_of_the_dev_set_writes_the_same_outputs(dev_out, tmp_path, monkeypatch):
    """Real reports (their escapes, languages, numbers) through the spool: every output file as the
    in-memory build's."""
    from kg.config import Settings
    from kg.run import build as build_module
    from kg.run.outputs import OUTPUT_FILES
    from tests.conftest import DEV

    monkeypatch.setattr(build_module, "SPOOL_ABOVE_ARTICLES", 0)
    build_module.build([DEV / "articles.jsonl"], tmp_path, Settings())
    for name in OUTPUT_FILES:
        assert (tmp_path / name).read_bytes() == (dev_out / name).read_bytes(), name


def test_shards_read_together_are_the_sorted_quads(sample_out, tmp_path, monkeypatch):
    """Spools saved as shards (kg.run.sharded: one per partition, with the default-graph triples of
    its own graphs) read as one, with the rest of the default graph given: the same quads, merged
    triples, digests and dumps as in memory; many runs of merged keys are merged in groups first."""
    from kg.graph import runs as runs_module
    from kg.graph import spool as spool_module

    graphs = _by_graph(sample_out / "graph.nq")
    memory = QuadCollector()
    for name, triples in graphs.items():
        if isinstance(name, ox.DefaultGraph):
            for t in triples:
                memory.graph().add(t)
        else:
            memory.add_graph(name, triples)
    expected = memory.finish()
    named = sorted((g for g in graphs if not isinstance(g, ox.DefaultGraph)), key=str, reverse=True)
    default = list(graphs[ox.DefaultGraph()])
    folder = tmp_path / "shards"
    folder.mkdir()
    def save(n: int, work) -> None:
        work.mkdir()
        shard = QuadSpool(work, run_keys=50)
        for name in named[n::3]:  # graphs out of spelling order across the shards
            shard.add_graph(name, graphs[name])
            mine = [t for t in default if t[0].value.endswith(name.value.rsplit("/", 1)[-1])]
            for t in mine:
                shard.graph().add(t)
        shard.save(folder, f"shard-{n}")

    for n in range(3):
        save(n, tmp_path / f"work-{n}")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert not [name for name in before if name.startswith(".")]  # no temporary left
    save(0, tmp_path / "again")  # a task run again writes the same files over its own
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    monkeypatch.setattr(runs_module, "MAX_OPEN_RUNS", 3)
    (tmp_path / "read").mkdir()
    read = spool_module.read_shards(folder, [f"shard-{n}" for n in range(3)], default, tmp_path / "read")
    runs = sum(len(json.loads((folder / f"shard-{n}.json").read_text())["runs"]) for n in range(3))
    assert runs > 3 and len([p for p in (tmp_path / "read").iterdir() if p.name.startswith("runs-")]) > 1  # grouped
    assert len(read) == len(expected) and read.digests == expected.digests
    assert [(g, rows) for g, rows in read.graphs] == expected.graphs
    assert list(read.merged) == expected.merged
    for name, quads in (("memory", expected), ("from-shards", read)):
        (tmp_path / name).mkdir()
        write_dumps(quads, tmp_path / name)
    for dump in DUMPS:
        assert (tmp_path / "from-shards" / dump).read_bytes() == (tmp_path / "memory" / dump).read_bytes(), dump


@pytest.mark.parametrize("open_runs", [2, 200])  # runs merged into one as they come, or only when read
def test_totals_summed_from_runs_on_disk_are_the_totals_in_memory(sample_out, tmp_path, monkeypatch, open_runs):
    """A body counted in several runs (its articles far apart) is summed once; the order is the IRIs'."""
    monkeypatch.setattr("kg.graph.totals.MAX_OPEN_RUNS", open_runs)
    graphs = [(name, triples) for name, triples in _by_graph(sample_out / "graph.nq").items()
              if not isinstance(name, ox.DefaultGraph)]
    on_disk = AnnotationTotals(tmp_path, limit=3)
    for _, triples in graphs + graphs:  # every graph twice: each body in two runs at least
        on_disk.add(triples)
    in_memory = AnnotationTotals()
    for _, triples in graphs + graphs:
        in_memory.add(triples)
    counts = list(on_disk.counts())
    assert len(list(tmp_path.glob("totals-*.counts"))) == (1 if open_runs == 2 else len(on_disk._runs)) > 0
    assert on_disk._written > 2
    assert counts == list(in_memory.counts()) == sorted(counts)
    assert sorted(on_disk.triples()) == sorted(in_memory.triples()) == sorted(count_annotations(graphs + graphs))
    assert all(a % 2 == 0 and m >= a for _, m, a in counts)
