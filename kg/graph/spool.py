"""The sorted quads on disk: the graph stage's output when a build must not hold every quad.

`QuadSpool` takes each article's named graph once it is complete, sorts it (the order of
kg.graph.quads), writes its N-Quads text to a spool file and forgets it: what stays in memory is an
index (graph, offset, length) and each graph's digest. The default graph (two triples an article
and the totals) goes to sorted runs of keys on disk as it is written (kg.graph.runs) and, once
finished, to a file of its own, read back when asked for (by the dumps, in parts). The merged
triples (every triple of every graph once, for Turtle and the store's default graph) are kept as
sorted runs of keys on disk too, and merged when read.

`SpooledQuads` reads like `SortedQuads`: `graphs` gives (graph, rows) in the same order (the
default graph first, perhaps in several parts, then the named graphs by their N-Quads spelling), `merged` the merged triples
in order; each time they are read, graph by graph and in batches, from the files. The text of the
N-Quads dump is the spool's own (`nquads_chunks`), so nothing is spelled twice. `quad_runs` gives
each graph's rows with the quads the parser made (kg.export.rdf writes TriG and JSON-LD and gathers
the projection's rows from one parse of each graph); `named_graphs` gives each graph's name and a
reader, so that a store sync parses only the graphs whose digest changed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.graph.quads import GraphRun, GraphWriter, SortedQuads, Spellings, Triple, graph_digest, key_line, triple_key
from kg.graph.runs import SortedRuns, fewer_runs, merged_keys

RUN_KEYS = 50_000  # distinct keys held before they are written as a sorted run (~12 MB each: default, merged)
_BATCH = 20_000  # merged triples parsed back at a time
DEFAULT_PART = 20_000  # default-graph quads read back at a time for the dumps (kg.export.rdf)


class QuadSpool:
    """Collects a build's graphs into `folder` (an empty folder the caller removes)."""

    def __init__(self, folder: Path, run_keys: int = RUN_KEYS):
        self.folder = folder  # the build's other runs on disk may go here too (kg.graph.totals)
        self._file = open(folder / "graphs.nq", "wb")  # noqa: SIM115 (closed by finish)
        self._index: dict[str, tuple[int, int]] = {}  # graph spelling -> (offset, length) in the file
        # the default graph (two triples an article, then the totals: it grows with the entities,
        # events and statements) and the merged triples, each as sorted runs of keys on disk
        self._default = SortedRuns(folder, "default", run_keys)
        self._merged = SortedRuns(folder, "merged", run_keys)
        self.count = 0
        self.digests: dict[str, str] = {}

    def graph(self, name: ox.NamedNode | None = None) -> GraphWriter:
        """The default graph (each triple's key kept, in runs); named graphs come whole through `add_graph`."""
        if name is not None:
            raise ValueError("a spool takes a named graph whole: add_graph(name, triples)")
        return GraphWriter(_KeyAdder(self._default))

    def add_graph(self, name: ox.NamedNode, triples: list) -> None:
        """A complete named graph: sorted, written, and let go."""
        spelling = str(name)
        if spelling in self._index:
            raise ValueError(f"the graph {spelling} was added twice")
        keyed = Spellings().keyed(triples)  # its own spellings: terms die with the graph
        keys = sorted(keyed)
        self.digests[spelling] = graph_digest(keys)
        data = "".join(key_line(k, f" {spelling} .") for k in keys).encode()
        self._index[spelling] = (self._file.tell(), len(data))
        self._file.write(data)
        self.count += len(keys)
        self._merged.update(keys)

    def finish(self) -> SpooledQuads:
        self._file.close()
        default_runs = self._default.finish()
        default = self.folder / "default.nt"  # read back when asked for
        count = write_default(default_runs, default)
        order = sorted(self._index)  # the default graph's runs are runs of merged triples too
        return SpooledQuads([self.folder / "graphs.nq"], [(s, *self._index[s], 0) for s in order],
                            default, fewer_runs([*self._merged.finish(), *default_runs], self.folder),
                            self.count + count, self.digests)

    def save(self, folder: Path, name: str) -> None:
        """Write what was added as the shard `name` into `folder` (kg.run.sharded): its graphs'
        N-Quads, its sorted runs of merged keys (the default graph's included) and, last, its index
        (the graphs' places and digests, the default graph's keys, the runs). Each file is written
        under a temporary name and renamed: writing the same shard again (a task run twice) is safe."""
        self._file.close()
        default_runs = self._default.finish()
        default = list(merged_keys(default_runs))  # a shard's: two triples an article
        paths = [*self._merged.finish(), *default_runs]
        runs = [f"{name}.merged-{n:05d}.keys" for n in range(len(paths))]
        os.replace(self.folder / "graphs.nq", folder / f"{name}.nq")
        for run, target in zip(paths, runs):
            os.replace(run, folder / target)
        index = {"graphs": [(s, *self._index[s]) for s in sorted(self._index)], "digests": self.digests,
                 "default": default, "runs": runs, "count": self.count}
        temporary = folder / f".{name}.json.{os.getpid()}"
        temporary.write_text(json.dumps(index), encoding="utf-8")
        os.replace(temporary, folder / f"{name}.json")


class _KeyAdder:
    """What `GraphWriter` appends to: each triple goes into `runs` as its key (its terms are not kept)."""

    def __init__(self, runs: SortedRuns):
        self._runs = runs

    def append(self, triple: tuple) -> None:
        self._runs.add(triple_key(triple))


class SpooledQuads:
    """A build's sorted quads in a spool folder (see the module doc); read as often as needed."""

    def __init__(self, paths: list[Path], index: list[tuple[str, int, int, int]], default: list[Triple] | Path,
                 runs: tuple[Path, ...], count: int, digests: dict[str, str]):
        """`index`: (graph spelling, offset, length, which of `paths`) of each named graph, sorted;
        `default`: the default graph's rows, in order, or an N-Triples file of them."""
        self._paths, self._index, self._default, self._runs = paths, index, default, runs
        self.count, self.digests = count, digests

    def __len__(self) -> int:
        return self.count

    @property
    def graphs(self) -> Iterator[GraphRun]:
        """(graph, rows) of the default graph, then of each named graph, in order."""
        return ((graph, rows) for graph, rows, _ in self.quad_runs())

    @property
    def default(self) -> list[Triple]:
        """The rows of the default graph (read from its file each time, when it has one)."""
        return _rows(self._default_quads()) if isinstance(self._default, Path) else self._default

    def _default_quads(self) -> list[ox.Quad]:
        if isinstance(self._default, Path):
            return list(ox.parse(self._default.read_bytes(), ox.RdfFormat.N_TRIPLES))
        return [ox.Quad(s, p, o) for s, p, o in self._default]

    def _default_parts(self) -> Iterator[list[ox.Quad]]:
        """The default graph's quads in parts of about DEFAULT_PART, each subject's whole in one (it
        grows with the entities, events and statements: at 20,000 articles it would be ~370,000 quads
        held at once); one part, perhaps empty, when it is in memory or small."""
        if not isinstance(self._default, Path):
            yield self._default_quads()
            return
        with open(self._default, "rb") as lines:
            part: list[bytes] = []
            for line in lines:
                if len(part) >= DEFAULT_PART and line.split(b" ", 1)[0] != part[-1].split(b" ", 1)[0]:
                    yield list(ox.parse(b"".join(part), ox.RdfFormat.N_TRIPLES))
                    part = []
                part.append(line)
            yield list(ox.parse(b"".join(part), ox.RdfFormat.N_TRIPLES))

    def quad_runs(self) -> Iterator[tuple[ox.NamedNode | ox.DefaultGraph, list[Triple], list[ox.Quad]]]:
        """(graph, rows, its `ox.Quad`s) of each graph, in order: each graph parsed once, and the
        quads the parser made handed on as they are (a TriG writer takes them without new ones).
        The default graph may come as several runs, in order, a subject's rows whole in one."""
        for quads in self._default_parts():
            yield ox.DefaultGraph(), _rows(quads), quads
        for graph, quads in self._parsed():
            yield graph, _rows(quads), quads

    def _parsed(self) -> Iterator[tuple[ox.NamedNode, list[ox.Quad]]]:
        for spelling, data in self._texts():
            yield ox.NamedNode(spelling[1:-1]), list(ox.parse(data, ox.RdfFormat.N_QUADS))

    def _texts(self) -> Iterator[tuple[str, bytes]]:
        """(spelling, N-Quads text) of each named graph, in order (one file open at a time)."""
        current = -1
        opened: list[BinaryIO] = []
        try:
            for spelling, offset, length, file in self._index:
                if file != current:
                    for spool in opened:
                        spool.close()
                    current, opened = file, [open(self._paths[file], "rb")]  # noqa: SIM115 (closed below)
                opened[0].seek(offset)
                yield spelling, opened[0].read(length)
        finally:
            for spool in opened:
                spool.close()

    def named_graphs(self) -> Iterator[tuple[ox.NamedNode, Callable[[], list[Triple]]]]:
        """(graph, a function that reads its rows) of each named graph, in order: a reader that only
        needs a graph's name and digest (kg.dataset.sync) parses nothing."""
        for spelling, offset, length, file in self._index:
            yield ox.NamedNode(spelling[1:-1]), partial(self._rows, file, offset, length)

    def _rows(self, file: int, offset: int, length: int) -> list[Triple]:
        with open(self._paths[file], "rb") as spool:
            spool.seek(offset)
            return _rows(ox.parse(spool.read(length), ox.RdfFormat.N_QUADS))

    @property
    def merged(self) -> Iterator[Triple]:
        """Every triple of every graph once, in order: the sorted runs merged."""
        return ((t.subject, t.predicate, t.object) for t in self.iter_triples())

    def iter_triples(self) -> Iterator[ox.Triple]:
        """The merged triples as the parser makes them (see `merged`)."""
        keys = merged_keys(self._runs)
        while batch := [key_line(k, " .") for _, k in zip(range(_BATCH), keys)]:
            yield from (q.triple for q in ox.parse("".join(batch).encode(), ox.RdfFormat.N_TRIPLES))

    def nquads_chunks(self) -> Iterator[bytes]:
        """The N-Quads text of the dataset, in order (the default graph's spelled here, the named
        graphs' as the spool holds them)."""
        yield self.default_nquads()
        yield from (data for _, data in self._texts())

    def default_nquads(self) -> bytes:
        """The default graph's N-Quads text (its file's, spelled as here when the spool was finished)."""
        if isinstance(self._default, Path):
            return self._default.read_bytes()
        return "".join(key_line(k, " .") for k in sorted(Spellings().keyed(self._default))).encode()

    def iter_quads(self) -> Iterator[ox.Quad]:
        """Every quad, in order: the default graph's made here, the others as the parser makes them."""
        for part in self._default_parts():
            yield from part
        for _, quads in self._parsed():
            yield from quads


def _rows(quads: Iterable[ox.Quad]) -> list[Triple]:
    """The (subject, predicate, object) rows of one graph's parsed quads, each term one object
    however often it occurs, as in memory: the writers' caches by object (kg.export.jsonld) and the
    projection's runs of a subject (kg.export.quadscan) then work as they do on `SortedQuads`."""
    terms: dict = {}
    one = terms.setdefault
    return [(one(s, s), one(p, p), one(o, o)) for s, p, o, _ in quads]


BUILT = (SortedQuads, SpooledQuads)  # what the graph stage hands on, in memory or on disk



def read_shards(folder: Path, names: Iterable[str], default: Iterable[Triple], work: Path,
                default_runs: Sequence[Path] = ()) -> SpooledQuads:
    """The shards `names` saved in `folder` (`QuadSpool.save`) read as one `SpooledQuads`, whose
    default graph is `default` and the keys in the sorted runs `default_runs` plus the shards' own
    default triples (`work`: an empty folder for the default graph's runs and file, and merged
    runs, which the caller removes)."""
    index: list[tuple[str, int, int, int]] = []
    paths: list[Path] = []
    digests: dict[str, str] = {}
    runs: list[Path] = []
    count = 0
    own = SortedRuns(work, "default", RUN_KEYS)
    for file, name in enumerate(names):
        shard = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        paths.append(folder / f"{name}.nq")
        index += [(spelling, offset, length, file) for spelling, offset, length in shard["graphs"]]
        digests.update(shard["digests"])
        runs += [folder / run for run in shard["runs"]]
        count += shard["count"]
        own.update(shard["default"])
    index.sort()
    for triple in default:
        own.add(triple_key(triple))
    own_runs = [*own.finish(), *default_runs]
    count += write_default(own_runs, work / "default.nt")
    return SpooledQuads(paths, index, work / "default.nt", fewer_runs([*runs, *own_runs], work), count, digests)


def write_default(runs: list[Path], path: Path) -> int:
    """The default graph's keys, in sorted `runs`, as N-Triples in `path`; how many triples."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for key in merged_keys(runs):
            out.write(key_line(key, " ."))
            count += 1
    return count
