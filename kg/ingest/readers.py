"""Read .txt, .html and .jsonl files into Articles (or Skipped records with a reason).

Every reader is defensive: a file or line it cannot use becomes a Skipped record with the reason,
never an exception, and nothing it returns can make a later stage fail (keys and metadata are
checked here, article texts are cleaned and bounded in length).
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kg.ingest.article import Article, Skipped
from kg.ingest.clean import clean_article_text
from kg.ingest.decode import DecodeError, decode_bytes, normalize_text, sniff_utf16
from kg.ingest.metadata import clean_date, clean_meta, clean_url, display_path, key_from_name

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")

# Limits. A longer article is skipped, not truncated: a cut article would be a different text,
# ending mid-sentence, and nothing in the graph would say so. 1,000,000 characters is spaCy's
# default max_length; anything near it is a dump, a book or a log rather than a news article.
MAX_ARTICLE_CHARS = 1_000_000
MAX_FILE_BYTES = 32 * 2**20  # one .txt or .html article: larger files are not even read
MAX_JSONL_BYTES = 1024 * 2**20  # a .jsonl file of many articles
def make_article(raw_text: str, key: str, source: str, **meta: str | None) -> Article | Skipped:
    """Clean the text and assemble an Article; an article with no text left, or a text longer than
    MAX_ARTICLE_CHARS, is skipped."""
    cleaned = clean_article_text(normalize_text(raw_text))
    if not cleaned.text.strip():
        return Skipped(source, "no article text (empty, or only page chrome and captions)")
    if not any(ch.isalnum() for ch in cleaned.text):
        return Skipped(source, "no article text (no letters or digits)")
    if len(cleaned.text) > MAX_ARTICLE_CHARS:
        return Skipped(source, f"article too long: {len(cleaned.text):,} characters after cleaning, more than "
                               f"{MAX_ARTICLE_CHARS:,}; split it into smaller articles")
    title = meta.pop("title", None) or cleaned.headline
    return Article(key=key, text=cleaned.text, source=source, title=title, **meta)


Listed = tuple[int, int, bool]  # (device, inode, reached through a link) of a file when its folder was listed


def _read(path: Path, limit: int, listed: Listed | None = None) -> bytes:
    """The file's bytes (`_open`)."""
    with _open(path, limit, listed) as handle:
        return handle.read(limit + 1)


def _open(path: Path, limit: int, listed: Listed | None = None) -> BinaryIO:
    """The file opened for reading. Opened without blocking and checked on the open descriptor, so
    that a FIFO or a device (even one swapped in after the folder was listed) is refused, never
    waited on. A file found in a folder must still be the file found there: a plain file is opened
    without following a link (one swapped in later is refused), and any other file there since is
    refused."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
    if listed is not None and not listed[2]:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if err.errno == errno.ELOOP and flags & os.O_NOFOLLOW:
            raise _NotRegular("replaced by a link after the folder was listed; not followed") from None
        raise
    handle = open(fd, "rb")  # noqa: SIM115 - the caller closes it
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegular(not_regular_reason(info.st_mode))
        if listed is not None and (info.st_dev, info.st_ino) != listed[:2]:
            raise _NotRegular("replaced by another file after the folder was listed")
        if info.st_size > limit:
            raise _TooLarge(f"file too large: {info.st_size:,} bytes, more than {limit:,}")
    except BaseException:
        handle.close()
        raise
    return handle


def not_regular_reason(mode: int) -> str:
    kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a folder" if stat.S_ISDIR(mode) else "something else")
    return f"not a regular file ({kind})"


class _NotRegular(OSError):
    pass


class _TooLarge(Exception):
    pass


def read_txt(path: Path, listed: Listed | None = None) -> Iterator[Article | Skipped]:
    """A plain-text article: the body, its first line taken as headline when it looks like one."""
    source = display_path(path)
    try:
        text = decode_bytes(_read(path, MAX_FILE_BYTES, listed))
    except (OSError, DecodeError, _TooLarge) as err:
        yield Skipped(source, _reason(err))
        return
    yield make_article(text, key_from_name(path.stem), source)


_DOCTYPE = re.compile(r"<!doctype", re.IGNORECASE)
_SUBSET_END = re.compile(r"\]\s*>")
_ENTITY_NAME = re.compile(r"<!ENTITY\s+([^\s%;&<>\"']+)", re.IGNORECASE)  # general entities, not %parameter ones


def strip_internal_subsets(html: str) -> str:
    """Remove DOCTYPE declarations that carry an internal subset (`<!DOCTYPE x [ … ]>`), and every
    reference to an entity declared there, before any parser sees the page.

    The subset is where entity-expansion bombs ("billion laughs", quadratic blow-up) and external
    entities (XXE) are declared. lxml's HTML parser, which trafilatura uses, does not expand them,
    but nothing is left for any parser to expand, and `&lol9;` does not end up in the text. An
    unterminated subset runs to the end of the page.
    """
    out: list[str] = []
    names: set[str] = set()
    position = 0
    while (found := _DOCTYPE.search(html, position)) is not None:
        start = found.start()
        close = html.find(">", start)
        bracket = html.find("[", start)
        if bracket == -1 or (close != -1 and close < bracket):
            out.append(html[position: close + 1 if close != -1 else len(html)])
            position = close + 1 if close != -1 else len(html)
            continue
        end_match = _SUBSET_END.search(html, bracket)
        end = end_match.end() if end_match else len(html)
        names.update(_ENTITY_NAME.findall(html, bracket, end))
        out.append(html[position:start])
        position = end
    out.append(html[position:])
    html = "".join(out)
    if names:
        references = re.compile("&(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + ");")
        html = references.sub("", html)
    return html


def read_html(path: Path, listed: Listed | None = None) -> Iterator[Article | Skipped]:
    """An HTML page: the article extracted by trafilatura, metadata from the page's head."""
    import trafilatura  # imported here: slow to import and only needed for HTML inputs

    source = display_path(path)
    try:
        html = strip_internal_subsets(decode_bytes(_read(path, MAX_FILE_BYTES, listed)))
    except (OSError, DecodeError, _TooLarge) as err:
        yield Skipped(source, _reason(err))
        return
    try:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_precision=True,
            deduplicate=False,
            # the date from the page's metadata only (meta tags, JSON-LD, <time>): never a year
            # guessed from a script, a footer's copyright line or the text
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as err:  # noqa: BLE001 - a page trafilatura or lxml chokes on is one bad input
        yield Skipped(source, f"cannot extract the article from the HTML page: {type(err).__name__}: {err}"[:300])
        return
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        yield Skipped(source, "no article text found in the HTML page")
        return
    yield make_article(
        text,
        key_from_name(path.stem),
        source,
        title=clean_meta(getattr(doc, "title", None)),
        url=clean_url(getattr(doc, "url", None)),
        published=clean_date(getattr(doc, "date", None)),
        publisher=clean_meta(getattr(doc, "sitename", None)),
    )


def _jsonl_lines(handle: BinaryIO) -> Iterator[tuple[int, str | DecodeError]]:
    """(line number, text) for each line, read as they come (a corpus in one file is not held
    whole). A file with a BOM or in UTF-16/32 is decoded whole; otherwise (JSON is UTF-8) each line
    is decoded on its own, so one line in another encoding or with binary junk affects that line
    only. Lines end at "\\n" only: U+2028 and other separators that str.splitlines() breaks at may
    stand inside a JSON string."""
    head = handle.read(65536)
    text = None
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        text = decode_bytes(head + handle.read(MAX_JSONL_BYTES))
    elif b"\x00" in head:
        text = sniff_utf16(head + handle.read(MAX_JSONL_BYTES))
    if text is not None:
        for number, line in enumerate(text.split("\n"), start=1):
            yield number, line.removesuffix("\r")
        return
    handle.seek(0)
    size = 0
    for number, raw in enumerate(handle, start=1):  # a binary file's lines end at b"\n" only
        size += len(raw)
        if size > MAX_JSONL_BYTES:  # it grew since it was opened
            raise _TooLarge(f"file too large: more than {MAX_JSONL_BYTES:,} bytes")
        raw = raw.removesuffix(b"\n").removesuffix(b"\r")
        if not raw.strip():
            yield number, ""
            continue
        try:
            yield number, decode_bytes(raw)
        except DecodeError as err:
            yield number, err


def read_jsonl(path: Path, listed: Listed | None = None) -> Iterator[Article | Skipped]:
    """One article per line: `text` required; `id`, `url`, `title`, `published`, `publisher` optional."""
    shown = display_path(path)
    try:
        handle = _open(path, MAX_JSONL_BYTES, listed)
    except (OSError, _TooLarge) as err:
        yield Skipped(shown, _reason(err))
        return
    with handle:
        try:
            yield from _jsonl_articles(path, shown, _jsonl_lines(handle))
        except (OSError, DecodeError, _TooLarge) as err:  # the file could not be read to its end
            yield Skipped(shown, _reason(err))


def _jsonl_articles(path: Path, shown: str, lines: Iterator[tuple[int, str | DecodeError]]
                    ) -> Iterator[Article | Skipped]:
    for number, line in lines:
        source = f"{shown}:{number}"
        if isinstance(line, DecodeError):
            yield Skipped(source, str(line))
            continue
        line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Skipped(source, f"invalid JSON: {err.msg} at column {err.colno}")
            continue
        except (ValueError, RecursionError) as err:  # 5,000-digit numbers, 100,000 nested brackets
            yield Skipped(source, f"invalid JSON: {type(err).__name__}: {err}"[:300])
            continue
        if not isinstance(record, dict):
            yield Skipped(source, "a JSONL line must be a JSON object")
            continue
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            yield Skipped(source, "missing or empty 'text' field")
            continue
        yield make_article(
            text,
            _record_key(record.get("id")) or key_from_name(f"{path.stem}-{number}"),
            source,
            title=clean_meta(record.get("title")),
            url=clean_url(record.get("url")),
            published=clean_date(record.get("published")),
            publisher=clean_meta(record.get("publisher")),
        )


def _record_key(given: object) -> str | None:
    """The key for a record's `id` (a string or an integer; not a boolean), or None."""
    if isinstance(given, bool) or not isinstance(given, (str, int)):
        return None
    name = normalize_text(str(given)) if isinstance(given, str) else str(given)
    if not any(unicodedata.category(ch)[0] in "LN" for ch in name):
        return None  # "", "   ", "!!!": nothing to name the article by
    return key_from_name(name)


def _reason(err: Exception) -> str:
    if isinstance(err, _NotRegular):
        return str(err)
    if isinstance(err, OSError):
        return f"cannot read file: {err.strerror or err}"
    return str(err)


READERS = {".txt": read_txt, ".html": read_html, ".htm": read_html, ".jsonl": read_jsonl}
