"""The build's articles from their reading to the end of the graph stage: on disk.

The extraction reads their texts (kg.run.extraction), resolution their keys and dates, the graph
stage their texts, the report their metadata and lengths: each a pass in article-key order. Held in
memory, their texts were most of what a build held while extracting and grew with the corpus
(20,000 generated articles: about 150 MB). `read_inputs` writes them, pickled one by one, to a file
as they are read (`SpilledArticles`, kg.ingest.spill; a --store build merges the stored ones into
another, kg.run.build `with_stored`); each pass reads them back; what stays in memory is one offset
an article. After extraction, those that were not extracted are let go here.
"""

from __future__ import annotations

from collections.abc import Collection

from kg.ingest.spill import SpilledArticles

__all__ = ["SpilledArticles", "extracted_only"]


def extracted_only(held: SpilledArticles, extracted: Collection[str]) -> SpilledArticles:
    """Those of `held` whose key is in `extracted` (the keys of some of them), in order: `held` itself
    when it is all of them; else the others are let go (written again without them)."""
    if len(extracted) == len(held):
        return held
    spilled = SpilledArticles((a for a in held if a.key in extracted), held._path.with_name("extracted.pickle"))
    held.clear()
    return spilled
