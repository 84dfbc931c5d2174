"""kg's extractors as spaCy components: each reads the parsed Doc (and the mentions a component
before it found) and writes its typed results to a Doc extension.

Results are kept in `doc.user_data` as packed bytes (pickled and compressed, kg.nlp.packed):
`nlp.pipe(..., n_process=2)` sends each Doc back from its worker process with `Doc.to_bytes`,
user_data included, so the extraction runs in the workers and its results survive the trip. The
extensions (`doc._.kg_mentions`, …) unpack them on access. The article's key and publication date
are per-Doc context, set in user_data before the Doc enters the pipeline (`set_article`).

Each component holds its word lists (a kg.nlp.lexicon.Lexicon, spaCy style): the config setting
`lexicon` (a language, "en", or a folder of list files) names them when the component is made, and
`initialize(lexicon=…)` (or `nlp.initialize()` with `[initialize.components.kg_events] lexicon = …`)
replaces them; they are read once per process and are the current lexicon while the component runs.
"""


from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kg.nlp.article_facts import extract_facts
from kg.nlp.components.context import ARTICLE
from kg.nlp.events import extract_events
from kg.nlp.extract import extract_mentions
from kg.nlp.facts import ArticleFacts
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.grants import extract_grants
from kg.nlp.lexicon import DEFAULT_LANGUAGE, Lexicon, use
from kg.nlp.mention import ArticleMentions
from kg.nlp.packed import PackedExtraction, pack_value, unpack_as, unpack_value
from kg.nlp.pipeline import model_signature
from kg.nlp.statements import extract_statements

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

T = TypeVar("T")

MENTIONS, FACTS, STATEMENTS, EVENTS, GRANTS = "kg_mentions", "kg_facts", "kg_statements", "kg_events", "kg_grants"


def set_article(doc: "Doc", key: str, published: date | None) -> "Doc":
    """Give a Doc (before the pipeline runs on it) its article key and publication date: events
    and aid packages resolve "on Tuesday" against the date; results are labelled with the key."""
    doc.user_data[ARTICLE] = [key, published.isoformat() if published else None]
    return doc


def _article(doc: "Doc") -> tuple[str, date | None]:
    """The article key and date `set_article` gave `doc` (or `ArticleTokenizer`, in kg build)."""
    key, published = doc.user_data.get(ARTICLE) or ("", None)
    return key, date.fromisoformat(published) if published else None


def result(doc: "Doc", name: str) -> object | None:
    """The unpacked result a kg component stored on `doc` (None if that component did not run)."""
    data = doc.user_data.get(name)
    return unpack_value(data) if data is not None else None


def mentions_of(doc: "Doc") -> ArticleMentions:
    """What `kg_mentions` found in `doc` (a ValueError if it did not run)."""
    return _typed(doc, MENTIONS, ArticleMentions)


def facts_of(doc: "Doc") -> ArticleFacts:
    """What `kg_facts` found in `doc` (a ValueError if it did not run)."""
    return _typed(doc, FACTS, ArticleFacts)


def packed_of(doc: "Doc") -> PackedExtraction:
    """What `kg_mentions` and `kg_facts` found in `doc`, under its article's key, as they keep it
    (packed: `kg build` holds it so until the article's graph is written, and does not unpickle it
    to pack it again)."""
    mentions, facts = doc.user_data.get(MENTIONS), doc.user_data.get(FACTS)
    if mentions is None or facts is None:
        raise ValueError(f"spaCy components {MENTIONS!r} and {FACTS!r} have not run on this Doc")
    return PackedExtraction(_article(doc)[0], mentions, facts)


def _typed(doc: "Doc", name: str, kind: type[T]) -> T:
    data = doc.user_data.get(name)
    if data is None:
        raise ValueError(f"spaCy component {name!r} has not run on this Doc")
    return unpack_as(data, kind)


class _Extractor:
    """A component with its lexicon (the config's `lexicon`, unless `initialize` is given another)
    and the gazetteer it looks names up in: the packaged one unless `initialize` was given another
    (spaCy config values must be JSON, so a gazetteer object is passed there)."""

    def __init__(self, nlp: "Language", name: str, lexicon: str = DEFAULT_LANGUAGE):
        self.name = name
        self.signature = model_signature(nlp)  # names the pipeline in each mention's kgo:extractor
        self.lexicon = Lexicon.load(lexicon)
        self._gazetteer: Gazetteer | None = None

    def initialize(self, get_examples: Callable[[], Iterable[Any]] | None = None, *, nlp: "Language | None" = None,
                   gazetteer: Gazetteer | None = None, lexicon: Lexicon | str | Path | None = None) -> None:
        """Called by `nlp.initialize()` (settings from `[initialize.components.NAME]`) or by hand."""
        self._gazetteer = gazetteer
        if lexicon is not None:
            self.lexicon = lexicon if isinstance(lexicon, Lexicon) else Lexicon.load(lexicon)

    def __call__(self, doc: "Doc") -> "Doc":
        with use(self.lexicon):
            self.extract(doc)
        return doc

    def extract(self, doc: "Doc") -> None:
        """Write this component's results to `doc.user_data` (the current lexicon is its own)."""
        raise NotImplementedError

    @property
    def gazetteer(self) -> Gazetteer:
        return self._gazetteer or Gazetteer.load()

    def mentions(self, doc: "Doc") -> ArticleMentions:
        data = doc.user_data.get(MENTIONS)
        if data is None:
            raise ValueError(f"spaCy component {self.name!r} needs 'kg_mentions' before it in the pipeline")
        return unpack_as(data, ArticleMentions)


class KgMentions(_Extractor):
    """Entity mentions, with titles/roles ("Kremlin spokesman …") and place senses (place or actor)
    -> `doc._.kg_mentions` (an ArticleMentions)."""

    def extract(self, doc: "Doc") -> None:
        key, _ = _article(doc)
        doc.user_data[MENTIONS] = pack_value(extract_mentions(doc, key, self.gazetteer, self.signature))


class KgFacts(_Extractor):
    """Statements, events and aid packages linked together (what `kg build` uses)
    -> `doc._.kg_facts` (an ArticleFacts)."""

    def extract(self, doc: "Doc") -> None:
        key, published = _article(doc)
        facts = extract_facts(doc, key, self.mentions(doc).mentions, self.gazetteer, published)
        doc.user_data[FACTS] = pack_value(facts)


class KgStatements(_Extractor):
    """Quotes and reported speech with speaker, cue, medium and stance -> `doc._.kg_statements`."""

    def extract(self, doc: "Doc") -> None:
        doc.user_data[STATEMENTS] = pack_value(extract_statements(doc, self.mentions(doc).mentions))


class KgEvents(_Extractor):
    """Attacks, interceptions, denials, threats, … with their roles -> `doc._.kg_events`."""

    def extract(self, doc: "Doc") -> None:
        _, published = _article(doc)
        doc.user_data[EVENTS] = pack_value(extract_events(doc, self.mentions(doc).mentions, self.gazetteer, published))


class KgGrants(_Extractor):
    """Aid packages: amount, funder, recipient, contents -> `doc._.kg_grants`."""

    def extract(self, doc: "Doc") -> None:
        _, published = _article(doc)
        doc.user_data[GRANTS] = pack_value(extract_grants(doc, self.mentions(doc).mentions, published, self.gazetteer))


def make_mentions(nlp: "Language", name: str, lexicon: str = DEFAULT_LANGUAGE) -> KgMentions:
    return KgMentions(nlp, name, lexicon)


def make_facts(nlp: "Language", name: str, lexicon: str = DEFAULT_LANGUAGE) -> KgFacts:
    return KgFacts(nlp, name, lexicon)


def make_statements(nlp: "Language", name: str, lexicon: str = DEFAULT_LANGUAGE) -> KgStatements:
    return KgStatements(nlp, name, lexicon)


def make_events(nlp: "Language", name: str, lexicon: str = DEFAULT_LANGUAGE) -> KgEvents:
    return KgEvents(nlp, name, lexicon)


def make_grants(nlp: "Language", name: str, lexicon: str = DEFAULT_LANGUAGE) -> KgGrants:
    return KgGrants(nlp, name, lexicon)


# name -> (factory, what it needs before it in the pipeline)
FACTORIES = {
    MENTIONS: (make_mentions, ("doc.ents", "token.dep", "token.lemma")),
    FACTS: (make_facts, (f"doc._.{MENTIONS}",)),
    STATEMENTS: (make_statements, (f"doc._.{MENTIONS}",)),
    EVENTS: (make_events, (f"doc._.{MENTIONS}",)),
    GRANTS: (make_grants, (f"doc._.{MENTIONS}",)),
}
