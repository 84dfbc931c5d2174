"""What `kg build` hands spaCy with each text, and what it takes back (`nlp.pipe(..., as_tuples=True)`).

With two spaCy processes, `nlp.pipe` ships every Doc given to it to a worker process and every
parsed Doc back, each through `Doc.to_bytes` (tokens, parse, entities and the tok2vec tensor:
about 170 KB for a news article). `kg build` therefore gives spaCy the text with an `ArticleContext`
(the article's key and publication date), so that the worker makes the Doc; kg's extractors read
the context where a Doc has no `set_article`; and the last component, `kg_results_only`, replaces a
Doc that carries such a context by an empty one holding only the extractors' results (doc.user_data,
a few KB), which is all the build reads. A Doc without an ArticleContext (`nlp(text)`) passes unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

RESULTS_ONLY = "kg_results_only"


@dataclass(frozen=True)
class ArticleContext:
    """The per-article context of a text in `nlp.pipe(((text, context), …), as_tuples=True)`:
    the article's key and its publication date (ISO, or None)."""

    key: str
    published: str | None


def article_context(doc: "Doc") -> ArticleContext | None:
    """The ArticleContext `nlp.pipe` attached to `doc`, if any."""
    context = getattr(doc, "_context", None)
    return context if isinstance(context, ArticleContext) else None


def results_only(doc: "Doc") -> "Doc":
    """An empty Doc with `doc`'s user_data (the extractors' results) and context, for a Doc that
    carries an ArticleContext; any other Doc unchanged."""
    from spacy.tokens import Doc

    if article_context(doc) is None:
        return doc
    slim = Doc(doc.vocab, words=[])
    slim.user_data = doc.user_data
    slim._context = doc._context
    return slim


def add_results_only(nlp: "Language") -> None:
    """Add `kg_results_only` at the end of `nlp` (registering it with spaCy once)."""
    from spacy.language import Language

    if not Language.has_factory(RESULTS_ONLY):
        Language.component(RESULTS_ONLY, func=results_only)
    nlp.add_pipe(RESULTS_ONLY, last=True)
