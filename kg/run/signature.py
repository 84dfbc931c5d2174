"""What an extraction depends on besides the article: the signature that guards the store's
extraction cache and checks that Dask workers run the same kg, model, gazetteer and lexicon."""

from __future__ import annotations

import hashlib

from kg import __version__
from kg.config import Settings

RESULTS_LAYOUT = 3  # 2: slotted mention and fact dataclasses; 3: kinds, event types, stances as kg.vocab enums


def extraction_signature(settings: Settings) -> str:
    """What an extraction depends on besides the article: kg, the pipeline, the gazetteer, and
    the layout of the results (RESULTS_LAYOUT, raised when the pickled dataclasses change)."""
    from importlib.resources import files

    from kg.nlp.lexicon import lexicon_signature

    gazetteer = hashlib.sha256(files("kg.data").joinpath("gazetteer.json").read_bytes()).hexdigest()[:16]
    return (f"kg {__version__}; model {settings.model}; gazetteer {gazetteer}; lexicon {lexicon_signature()}; "
            f"results {RESULTS_LAYOUT}")
