"""Read .txt, .html and .jsonl files into Articles (or Skipped records with a reason)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from kg.ingest.article import Article, Skipped
from kg.ingest.clean import clean_article_text
from kg.slug import slugify
from kg.ingest.decode import DecodeError, decode_bytes, normalize_text

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def key_from_name(name: str) -> str:
    """An article key from a file stem or a given id: readable and IRI-safe."""
    return slugify(name)


def clean_date(value: object) -> str | None:
    """An ISO date or date-time, or None when the value is not one."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value.replace(" ", "T", 1) if _DATE.match(value) else None


def _optional_str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return normalize_text(value).strip()
    return None


def make_article(raw_text: str, key: str, source: str, **meta: str | None) -> Article | Skipped:
    """Clean the text and assemble an Article; an article with no text left is skipped."""
    cleaned = clean_article_text(normalize_text(raw_text))
    if not cleaned.text.strip():
        return Skipped(source, "no article text (empty, or only page chrome and captions)")
    title = meta.pop("title", None) or cleaned.headline
    return Article(key=key, text=cleaned.text, source=source, title=title, **meta)


def read_txt(path: Path) -> Iterator[Article | Skipped]:
    """A plain-text article: the body, its first line taken as headline when it looks like one."""
    try:
        text = decode_bytes(path.read_bytes())
    except (OSError, DecodeError) as err:
        yield Skipped(str(path), _reason(err))
        return
    yield make_article(text, key_from_name(path.stem), str(path))


def read_html(path: Path) -> Iterator[Article | Skipped]:
    """An HTML page: the article extracted by trafilatura, metadata from the page's head."""
    import trafilatura  # imported here: slow to import and only needed for HTML inputs

    try:
        html = decode_bytes(path.read_bytes())
    except (OSError, DecodeError) as err:
        yield Skipped(str(path), _reason(err))
        return
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        deduplicate=False,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        yield Skipped(str(path), "no article text found in the HTML page")
        return
    yield make_article(
        text,
        key_from_name(path.stem),
        str(path),
        title=_optional_str(getattr(doc, "title", None)),
        url=_optional_str(getattr(doc, "url", None)),
        published=clean_date(getattr(doc, "date", None)),
        publisher=_optional_str(getattr(doc, "sitename", None)),
    )


def read_jsonl(path: Path) -> Iterator[Article | Skipped]:
    """One article per line: `text` required; `id`, `url`, `title`, `published`, `publisher` optional."""
    try:
        content = decode_bytes(path.read_bytes())
    except (OSError, DecodeError) as err:
        yield Skipped(str(path), _reason(err))
        return
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Skipped(source, f"invalid JSON: {err.msg} at column {err.colno}")
            continue
        if not isinstance(record, dict):
            yield Skipped(source, "a JSONL line must be a JSON object")
            continue
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            yield Skipped(source, "missing or empty 'text' field")
            continue
        given_id = record.get("id")
        key = str(given_id) if isinstance(given_id, (str, int)) and str(given_id).strip() else None
        yield make_article(
            text,
            key_from_name(key) if key else f"{path.stem}-{number}",
            source,
            title=_optional_str(record.get("title")),
            url=_optional_str(record.get("url")),
            published=clean_date(record.get("published")),
            publisher=_optional_str(record.get("publisher")),
        )


def _reason(err: Exception) -> str:
    if isinstance(err, OSError):
        return f"cannot read file: {err.strerror or err}"
    return str(err)


READERS = {".txt": read_txt, ".html": read_html, ".htm": read_html, ".jsonl": read_jsonl}
