"""`kg stats OUT`: what a build holds, at a glance (also stored in report.json under "stats").

Counted from the flat tables (kg.export.tables) and the report: entities by kind, events by type and
by month, the most quoted speakers, articles by outlet and by publication month, skipped inputs.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

TOP_SPEAKERS = 10


def _rows(folder: Path, name: str) -> Iterator[dict[str, str]]:
    """The table's rows one at a time: held together, a big build's statements took gigabytes."""
    path = folder / f"{name}.csv"
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)


def _sorted(counter: Counter) -> dict[str, int]:
    """Most frequent first, then by name: the same counts always print in the same order."""
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def compute_stats(tables: Path, report: dict) -> dict[str, object]:
    """The statistics of a build from its tables folder and its report (as written to report.json)."""
    kinds = Counter(row["kind"] or "Other" for row in _rows(tables, "entities"))
    events: dict[str, tuple[str, str]] = {}  # an event counts once, with its earliest stated date
    for row in _rows(tables, "events"):
        date = min((d for d in row["date"].split(" | ") if d), default="")
        known = events.get(row["event"])
        if known is None or (date and (not known[1] or date < known[1])):
            events[row["event"]] = (row["type"], date)
    statements = {row["statement"]: row["speaker_label"] for row in _rows(tables, "statements")}
    articles = report.get("articles", {})
    return {
        "entities_by_kind": _sorted(kinds),
        "events_by_type": _sorted(Counter(kind for kind, _ in events.values())),
        "events_by_month": dict(sorted(Counter(date[:7] or "undated" for _, date in events.values()).items())),
        "top_speakers": dict(list(_sorted(Counter(statements.values())).items())[:TOP_SPEAKERS]),
        "articles_by_outlet": _sorted(Counter(a.get("publisher") or "unknown" for a in articles.values())),
        "articles_by_month": dict(sorted(Counter((a.get("published") or "undated")[:7]
                                                 for a in articles.values()).items())),
        "skipped_inputs": len(report.get("skipped", [])),
    }


def format_stats(stats: dict[str, object]) -> str:
    """The statistics as plain text, one block per count."""
    lines: list[str] = []
    for name, value in stats.items():
        title = name.replace("_", " ")
        if isinstance(value, dict):
            lines.append(f"{title}:")
            width = max((len(k) for k in value), default=0)
            lines.extend(f"  {key.ljust(width)}  {count}" for key, count in value.items())
            if not value:
                lines.append("  (none)")
        else:
            lines.append(f"{title}: {value}")
    return "\n".join(lines) + "\n"
