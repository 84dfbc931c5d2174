"""What `kg build` hands spaCy with each text, and what it takes back.

With two spaCy processes, `nlp.pipe` ships what it is given to a worker process and every parsed
Doc back, each Doc through `Doc.to_bytes` (tokens, parse, entities and the tok2vec tensor: about
170 KB for a news article). Given `(text, context)` tuples (`as_tuples=True`), spaCy makes every
Doc in the calling process and ships it; given plain texts, it ships them and the workers make the
Docs. `kg build` therefore gives spaCy `ArticleText`s: texts (str) that carry their article's key
and publication date. The build's pipeline tokenizes with `ArticleTokenizer`, which gives a Doc
made from an ArticleText its article (as `set_article` does) and marks it; the last component,
`kg_results_only`, replaces a marked Doc by an empty one holding only the extractors' results
(doc.user_data, a few KB), which is all the build reads. Any other Doc (`nlp(text)`) passes unchanged.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from kg.util.lifetime import die_with

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

ARTICLE = "kg_article"  # user_data key of the per-Doc context: [article key, ISO publication date or None]
RESULTS_ONLY = "kg_results_only"  # the last component's name, and the user_data mark of a Doc it slims


class ArticleText(str):
    """An article's text with its key and publication date (ISO, or None), for `nlp.pipe`."""

    key: str
    published: str | None

    def __new__(cls, text: str, key: str, published: str | None) -> "ArticleText":
        made = super().__new__(cls, text)
        made.key, made.published = key, published
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # sent to spaCy's workers pickled, with its article
        return ArticleText, (str(self), self.key, self.published)


class ArticleTokenizer:
    """A pipeline's tokenizer that also gives a Doc made from an `ArticleText` its article (the
    user_data `set_article` writes) and marks it for `kg_results_only`; anything else is the
    tokenizer's own."""

    def __init__(self, tokenizer: Any):
        self.tokenizer = tokenizer
        self.owner = os.getpid()  # the process that built the pipeline

    def __call__(self, text: str) -> "Doc":
        die_with(self.owner)  # in a spaCy worker: it must not outlive a build killed by the kernel
        if not isinstance(text, ArticleText):
            return self.tokenizer(text)
        doc = self.tokenizer(str(text))  # spaCy's tokenizer takes a str, not a subclass
        doc.user_data[ARTICLE] = [text.key, text.published]
        doc.user_data[RESULTS_ONLY] = True
        return doc

    def __getattr__(self, name: str) -> Any:  # the wrapped tokenizer's rules, pipe, to_disk, …
        if name in ("tokenizer", "owner"):  # not set yet (while unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.tokenizer, name)


def results_only(doc: "Doc") -> "Doc":
    """An empty Doc with `doc`'s user_data (the extractors' results and its article), for a Doc made
    from an ArticleText; any other Doc unchanged."""
    from spacy.tokens import Doc

    if not doc.user_data.pop(RESULTS_ONLY, False):
        return doc
    slim = Doc(doc.vocab, words=[])
    slim.user_data = doc.user_data
    return slim


def add_results_only(nlp: "Language") -> None:
    """Tokenize with `ArticleTokenizer` and add `kg_results_only` at the end of `nlp` (registering it
    with spaCy once)."""
    from spacy.language import Language

    if not Language.has_factory(RESULTS_ONLY):
        Language.component(RESULTS_ONLY, func=results_only)
    if not isinstance(nlp.tokenizer, ArticleTokenizer):
        nlp.tokenizer = ArticleTokenizer(nlp.tokenizer)
    nlp.add_pipe(RESULTS_ONLY, last=True)
