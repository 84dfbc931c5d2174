"""report.json: per article, what was found; per skipped input, why."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from kg.export.atomic import write_text_atomic
from kg.ingest import Article, Skipped
from kg.resolve.model import Entity


def build_report(articles: Sequence[Article], skipped: tuple[Skipped, ...], entities: tuple[Entity, ...],
                 mentioned: dict[str, tuple[str, ...]], quad_count: int, settings: dict[str, object]) -> dict[str, object]:
    """A JSON-ready summary of a build. Contains nothing run-dependent (no times, no paths of temp files).

    `mentioned` gives, per article key, the entity key of each of the article's mentions."""
    per_article: dict[str, dict[str, object]] = {}
    kinds = {e.key: e.kind for e in entities}
    for article in articles:
        mentions = mentioned.get(article.key, ())
        entity_keys = set(mentions)
        per_article[article.key] = {
            "source": article.source,
            "title": article.title,
            "published": article.published,
            "publisher": article.publisher,
            "characters": len(article.text),
            "mentions": len(mentions),
            "entities": len(entity_keys),
            "entities_by_kind": dict(sorted(Counter(kinds[k] for k in entity_keys).items())),
        }
    return {
        "settings": settings,
        "totals": {
            "articles": len(articles),
            "skipped": len(skipped),
            "entities": len(entities),
            "entities_by_kind": dict(sorted(Counter(e.kind for e in entities).items())),
            "mentions": sum(len(m) for m in mentioned.values()),
            "quads": quad_count,
        },
        "articles": per_article,
        "skipped": [{"source": s.source, "reason": s.reason} for s in skipped],
    }


def write_report(report: dict[str, object], path: Path) -> None:
    write_text_atomic(path, json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False) + "\n")
