"""report.json: per article, what was found; per skipped input, why."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from kg.export.atomic import write_text_atomic
from kg.ingest import Article, Skipped
from kg.resolve.model import Resolution


def build_report(articles: tuple[Article, ...], skipped: tuple[Skipped, ...], resolution: Resolution,
                 quad_count: int, settings: dict[str, object]) -> dict[str, object]:
    """A JSON-ready summary of a build. Contains nothing run-dependent (no times, no paths of temp files)."""
    per_article: dict[str, dict[str, object]] = {}
    kinds = {e.key: e.kind for e in resolution.entities}
    by_article = defaultdict(list)
    for rm in resolution.mentions:
        by_article[rm.article_key].append(rm)
    for article in articles:
        mentions = by_article[article.key]
        entity_keys = {rm.entity_key for rm in mentions}
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
            "entities": len(resolution.entities),
            "entities_by_kind": dict(sorted(Counter(e.kind for e in resolution.entities).items())),
            "mentions": len(resolution.mentions),
            "quads": quad_count,
        },
        "articles": per_article,
        "skipped": [{"source": s.source, "reason": s.reason} for s in skipped],
    }


def write_report(report: dict[str, object], path: Path) -> None:
    write_text_atomic(path, json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False) + "\n")
