"""What is known about an article besides its text, made safe for the graph: article keys from
file names or ids, ISO dates as xsd:date / xsd:dateTime, absolute http(s) URLs, short metadata
strings; and file paths as they are shown on stderr and in report.json."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from kg.ingest.decode import normalize_text
from kg.util.slug import slugify

MAX_META_CHARS = 2_000  # a title, publisher or URL longer than this is dropped

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_NAME_ESCAPE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def display_path(path: str | Path) -> str:
    """A path as it is shown on stderr and in report.json: undecodable bytes of the file name as
    `\\xNN`, control and bidi characters as `\\uNNNN`, so that one line names one file and no
    name can reorder or break the text around it (or make UTF-8 output fail)."""
    text = str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _NAME_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def key_from_name(name: str) -> str:
    """An article key from a file stem or a given id: readable and IRI-safe."""
    return slugify(name)


def clean_date(value: object) -> str | None:
    """An ISO date or date-time as a valid xsd:date / xsd:dateTime lexical form, or None.

    "2026-03-11 09:30+0200" -> "2026-03-11T09:30:00+02:00"; impossible dates ("2026-02-30",
    "25:00") are None, never guessed.
    """
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if not match:
        return None
    day, hours_minutes, seconds, zone = match.groups()
    try:
        date.fromisoformat(day)
        if hours_minutes is None:
            return day
        if zone and zone != "Z" and ":" not in zone:
            zone = f"{zone[:3]}:{zone[3:]}"
        text = f"{day}T{hours_minutes}{seconds or ':00'}{zone or ''}"
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return text


def clean_meta(value: object) -> str | None:
    """A title, publisher or URL on one line, or None when empty or over MAX_META_CHARS."""
    if isinstance(value, str) and value.strip():
        text = " ".join(normalize_text(value).split())
        return text if text and len(text) <= MAX_META_CHARS else None
    return None


def clean_url(value: object) -> str | None:
    """An absolute http(s) URL that strict RDF parsers accept as an IRI, or None."""
    import pyoxigraph as ox

    url = clean_meta(value)
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        ox.NamedNode(url)
    except ValueError:
        return None
    return url
