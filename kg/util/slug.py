"""Readable, IRI-safe path segments from names."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

_NON_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 14)  # the same article keys and names are slugged again and again
def slugify(text: str) -> str:
    """"Vladimir Putin" -> "vladimir-putin"; names with no Latin letters get a stable hash.

    When folding to ASCII loses letters (Cyrillic, CJK…), a short hash of the original keeps two
    different names from sharing a slug.
    """
    normalized = unicodedata.normalize("NFC", text).strip()
    ascii_text = unicodedata.normalize("NFKD", normalized).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")[:80].strip("-")
    lost = sum(1 for ch in normalized if ch.isalnum()) > sum(1 for ch in ascii_text if ch.isalnum())
    if not slug or lost:
        digest = hashlib.sha256(normalized.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        slug = f"{slug}-{digest}" if slug else f"x-{digest}"
    return slug
