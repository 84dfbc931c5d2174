"""The Dask engine: `kg build --engine dask [--scheduler ADDRESS]` extracts on a cluster's workers.

The client (the `kg build` process) reads the inputs, sends the articles that need extracting to
the workers in partitions, and merges the per-article results back in input order. Resolution,
the dataset and every output then run on the client exactly as with the local engine, so the
dumps are byte-identical. Each worker process loads the spaCy pipeline once (`kg.run.extraction.pipeline`
is cached per process) and keeps it for every later partition.

Failures:
- the scheduler cannot be reached, or is lost during the build: `EngineError`, nothing written;
- no worker joins the scheduler within `worker_timeout` seconds of connecting, or every worker leaves
  during the build and none joins within it: `EngineError`, nothing written;
- a worker lacks the model, or runs another kg or gazetteer: the error is raised, nothing written;
- an article whose extraction raises: the task extracts its partition again article by article,
  and only that article is skipped, with the error as reason;
- a partition whose worker process dies (KilledWorker): it is run again one article per task, an
  article whose task fails is tried once more, and only one that fails again is skipped.

The task the workers run is in kg.run.dask_worker. `dask.distributed` is imported only when the
engine is used.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from kg.config import CONNECT_TIMEOUT, DEFAULT_PARTITION_SIZE, WORKER_TIMEOUT, Settings
from kg.errors import ResourceError
from kg.ingest import Article, Skipped
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.packed import PackedExtraction
from kg.nlp.pipeline import ModelNotFound
from kg.run.dask_worker import PartitionResult, extract_partition, failure
from kg.run.signature import extraction_signature

WORKER_CHECK = 2.0  # while tasks wait, seconds between checks that the scheduler still has a worker
INSTALL_HINT = "the dask engine needs Dask distributed: pip install 'kg-events[dask]'"

# Workers must be able to start the child process that parses a long article under its time
# budget (kg.nlp.deadline); Dask starts daemonic workers by default, which cannot have children.
DAEMONIC_WORKERS = False


class EngineError(ResourceError):
    """The cluster cannot be used: unreachable or lost scheduler, or workers that do not match."""


class WorkerMismatch(EngineError):
    """A worker runs another kg version, model or gazetteer: its results would differ."""


def _reason(address: str, err: Exception, timeout: float) -> str:
    """Why `address` cannot be used, as one line ('Connection refused (gave up after 10 s)').

    Dask retries until its timeout, so its own error may only say that an attempt was cancelled:
    one plain TCP connection asks the operating system instead.
    """
    message = (str(err) or type(err).__name__).strip().splitlines()[0]
    if isinstance(err, ValueError):
        return f"not a Dask address ({message})"
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    if "://" not in host and port.isdigit():
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=2).close()
        except OSError as probe:
            return f"{probe.strerror or probe or type(probe).__name__} (gave up after {timeout:g} s)"
        if isinstance(err, OSError) and "timed out" in message.lower():
            return f"a server listens there but did not answer as a Dask scheduler within {timeout:g} s"
    return f"it did not answer as a Dask scheduler ({type(err).__name__}: {message})"


@dataclass
class DaskEngine:
    """An extraction engine on a Dask distributed cluster; use it as a context manager.

    `scheduler` is the scheduler's address (tcp://host:8786). Without one, a LocalCluster of
    `local_workers` single-threaded worker processes is started on this machine and closed at the end.
    """

    scheduler: str | None = None
    partition_size: int = DEFAULT_PARTITION_SIZE
    local_workers: int = 1
    connect_timeout: float = CONNECT_TIMEOUT
    worker_timeout: float = WORKER_TIMEOUT
    workers_used: set[str] = field(default_factory=set, init=False)  # addresses that returned results
    partitions: int = field(default=0, init=False)
    _client: object = field(default=None, init=False, repr=False)
    _cluster: object = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.partition_size < 1:
            raise ValueError("--partition-size must be at least 1")
        if self.worker_timeout <= 0:
            raise ValueError("--worker-timeout must be more than 0 seconds")

    def __enter__(self) -> "DaskEngine":
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise EngineError(INSTALL_HINT) from None
        if self.scheduler is None:
            import dask

            dask.config.set({"distributed.worker.daemon": DAEMONIC_WORKERS})
            self._cluster = LocalCluster(n_workers=max(1, self.local_workers), threads_per_worker=1, processes=True,
                                         host="127.0.0.1", dashboard_address=None,  # no dashboard; the scheduler's
                                         scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})  # HTTP on any free port
            self._client = Client(self._cluster)
            return self._with_a_worker()
        # Dask's client logs each failed reconnection with a traceback; the build says it in one line
        logging.getLogger("distributed.client").setLevel(logging.CRITICAL)
        connected: dict[str, object] = {}

        def connect() -> None:
            try:
                connected["client"] = Client(self.scheduler, timeout=self.connect_timeout)
            except Exception as err:  # noqa: BLE001 - refused, unknown host, bad scheme, or not a scheduler
                connected["error"] = err

        # Dask's own timeout does not cover a server that accepts the connection and stays silent
        attempt = threading.Thread(target=connect, name="kg-dask-connect", daemon=True)
        attempt.start()
        attempt.join(self.connect_timeout + 3)
        if "client" in connected:
            self._client = connected["client"]
            return self._with_a_worker()
        err = connected.get("error") or OSError(f"timed out after {self.connect_timeout:g} s")
        raise EngineError(f"cannot reach the Dask scheduler at {self.scheduler}: "
                          f"{_reason(self.scheduler, err, self.connect_timeout)}")  # type: ignore[arg-type]

    def _with_a_worker(self) -> "DaskEngine":
        try:
            self._require_workers(f"no Dask worker joined the scheduler at {self._address()}")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        for resource in (self._client, self._cluster):
            if resource is not None:
                resource.close()  # type: ignore[attr-defined]
        self._client = self._cluster = None

    def _window(self) -> int:
        """Partitions in flight at once: two per worker thread, so no worker waits for work."""
        workers = self._client.scheduler_info().get("workers", {})  # type: ignore[attr-defined]
        return max(2, 2 * sum(w.get("nthreads", 1) for w in workers.values()))

    def __call__(self, articles: Sequence[Article], settings: Settings,
                 gazetteer: Gazetteer) -> Iterator[tuple[Article, PackedExtraction | Skipped]]:
        """Extract `articles` on the cluster; yield each with its result, in input order."""
        if self._client is None:
            raise EngineError("DaskEngine used outside its `with` block")
        if gazetteer is not Gazetteer.load():
            raise ValueError("the dask engine extracts with the packaged gazetteer only")
        settings = replace(settings, n_process=1)  # the workers are the processes
        expected = extraction_signature(settings)
        parts = [tuple(articles[i:i + self.partition_size]) for i in range(0, len(articles), self.partition_size)]
        pending = iter(enumerate(parts))
        index_of: dict[object, int] = {}  # the partitions in flight, by future

        def submit_next() -> None:
            for i, part in pending:
                index_of[self._submit(part, settings)] = i
                return

        for _ in range(self._window()):
            submit_next()
        done: dict[int, dict[str, PackedExtraction | Skipped]] = {}
        next_index = 0
        while index_of:
            for future in self._wait(list(index_of), first=True):
                i = index_of.pop(future)
                done[i] = self._collect(future, parts[i], settings, expected)
                submit_next()
            while next_index in done:
                results = done.pop(next_index)
                yield from ((a, results[a.key]) for a in parts[next_index])
                next_index += 1

    def _collect(self, future, part: tuple[Article, ...], settings: Settings,
                 expected: str) -> dict[str, PackedExtraction | Skipped]:
        """One partition's results by article key.

        A failed partition (its worker died: KilledWorker) is run again one article per task. A task
        that shared a dying worker with the culprit fails with it, so an article whose own task failed
        is tried once more after the others of its partition; if that fails too, it is skipped.
        """
        outcome = self._result(future, expected)
        if isinstance(outcome, PartitionResult):
            results = [outcome]
        else:
            singles = [self._submit((a,), settings) for a in part]
            self._wait(singles)
            results = []
            for article, single in zip(part, singles):
                outcome = self._result(single, expected)
                if not isinstance(outcome, PartitionResult):
                    outcome = self._result(self._submit((article,), settings), expected)
                if not isinstance(outcome, PartitionResult):
                    outcome = PartitionResult("", expected, ((article.key, failure(article, outcome)),))
                results.append(outcome)
        self.partitions += 1
        return {key: value for r in results for key, value in r.results}

    def _submit(self, part: tuple[Article, ...], settings: Settings):
        return self.submit(extract_partition, part, settings)

    def submit(self, task: Callable, *args: object):
        """`task(*args)` on a worker: its future (kg.run.sharded runs its own tasks so)."""
        if self._client is None:
            raise EngineError("DaskEngine used outside its `with` block")
        return self._client.submit(task, *args, pure=False)  # type: ignore[attr-defined]

    def window(self) -> int:
        return self._window()

    def wait_any(self, futures: list) -> set:
        """The futures done once one of `futures` is (EngineError if the cluster gives out meanwhile)."""
        return self._wait(futures, first=True)

    def result(self, future, expected: str | None = None) -> object:
        """A task's result, or the exception it failed with (see `_result`); with `expected`, an
        extraction's result checked against the client's signature."""
        if expected is not None:
            return self._result(future, expected)
        try:
            self._wait([future])
            return future.result()
        except (EngineError, ModelNotFound):
            raise
        except Exception as err:  # noqa: BLE001 - KilledWorker and the like
            self._require_scheduler()
            return err

    def _result(self, future, expected: str) -> PartitionResult | Exception:
        """A task's result, or why the task failed (a lost scheduler or a mismatched worker is
        raised instead: nothing can be built then)."""
        try:
            self._wait([future])
            return self._checked(future.result(), expected)
        except (EngineError, ModelNotFound):
            raise
        except Exception as err:  # noqa: BLE001 - KilledWorker and the like
            self._require_scheduler()
            return err

    def _checked(self, result: PartitionResult, expected: str) -> PartitionResult:
        if result.signature != expected:
            raise WorkerMismatch(f"worker {result.worker} extracts with '{result.signature}' but this client "
                                 f"with '{expected}'; install the same kg, model and gazetteer on every worker")
        self.workers_used.add(result.worker)
        return result

    def _wait(self, futures: list, first: bool = False) -> set:
        """Wait until all `futures` are done (with `first`, one of them); return those done.

        Dask keeps a task waiting as long as the scheduler has no worker, so every WORKER_CHECK
        seconds this makes sure it has one: if every worker has left, and none joins within
        `worker_timeout` seconds, EngineError.
        """
        from distributed import wait

        while True:
            try:
                wait(futures, timeout=WORKER_CHECK, return_when="FIRST_COMPLETED" if first else "ALL_COMPLETED")
            except TimeoutError:
                self._require_workers(f"every Dask worker left the scheduler at {self._address()} and none joined")
                continue
            except Exception:  # noqa: BLE001 - cancelled futures (a lost scheduler): their result() says why
                self._require_scheduler()
                if not any(f.done() for f in futures):
                    raise
            return {f for f in futures if f.done()}

    def _require_workers(self, none_joined: str) -> None:
        """Return once the scheduler has a worker; EngineError(`none_joined` …) if none comes in time."""
        from distributed.client import WorkerStartTimeoutError

        try:
            self._client.wait_for_workers(n_workers=1, timeout=self.worker_timeout)  # type: ignore[attr-defined]
        except WorkerStartTimeoutError:
            self._require_scheduler()
            raise EngineError(f"{none_joined} within {self.worker_timeout:g} s") from None
        except Exception:  # noqa: BLE001 - the scheduler did not answer
            raise EngineError(f"lost the Dask scheduler at {self._address()}") from None

    def _require_scheduler(self) -> None:
        if getattr(self._client, "status", "running") != "running":
            raise EngineError(f"lost the Dask scheduler at {self._address()}")

    def _address(self) -> str:
        return self.scheduler or str(getattr(self._cluster, "scheduler_address", "the local cluster"))
