"""What an extraction depends on besides the article: the signature that guards the store's
extraction cache and checks that Dask workers run the same kg, model, gazetteer and lexicon.

kg's version alone does not tell two checkouts apart (a git pull between two builds keeps
0.1.0), so the signature also holds a digest of the source the extraction runs, and the store's
graph fingerprints one of the source that builds graphs from extractions."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from kg import __version__
from kg.config import Settings

RESULTS_LAYOUT = 3  # 2: slotted mention and fact dataclasses; 3: kinds, event types, stances as kg.vocab enums
# the source an article's extraction runs (its mentions and facts), and what turns extractions into graphs
EXTRACTION_SOURCE = ("nlp", "vocab.py")
GRAPH_SOURCE = ("resolve", "graph", "vocab.py")


def extraction_signature(settings: Settings) -> str:
    """What an extraction depends on besides the article: kg and its extraction code, the pipeline,
    the gazetteer, and the layout of the results (RESULTS_LAYOUT, raised when the pickled
    dataclasses change)."""
    from kg.nlp.lexicon import lexicon_signature

    gazetteer = hashlib.sha256(files("kg.data").joinpath("gazetteer.json").read_bytes()).hexdigest()[:16]
    return (f"kg {__version__}; code {kg_source_digest(EXTRACTION_SOURCE)}; model {settings.model}; "
            f"gazetteer {gazetteer}; lexicon {lexicon_signature()}; results {RESULTS_LAYOUT}")


@lru_cache(maxsize=None)
def kg_source_digest(parts: tuple[str, ...]) -> str:
    """A digest of the Python source of these parts of the installed kg (packages and modules)."""
    return source_digest(Path(str(files("kg"))), parts)


def source_digest(root: Path, parts: tuple[str, ...]) -> str:
    """A digest of every `.py` file of `parts` under `root` (by path relative to it and content)."""
    digest = hashlib.sha256()
    for part in parts:
        where = root / part
        for path in sorted(where.rglob("*.py")) if where.is_dir() else [where]:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
