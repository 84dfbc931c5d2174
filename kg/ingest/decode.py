"""Bytes to clean Unicode text: encodings, control characters, line ends."""

from __future__ import annotations

import codecs
import re
import unicodedata

# Control characters other than tab and newline carry no meaning in an article body and some
# RDF tools reject them; lone surrogates cannot be written as UTF-8 at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class DecodeError(ValueError):
    """The bytes are not text we can read."""


def decode_bytes(data: bytes) -> str:
    """Decode article bytes: UTF-16/UTF-8 by BOM, then UTF-8, then Windows-1252.

    Raises DecodeError for data that looks binary.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise DecodeError(f"invalid UTF-16: {err.reason}") from None
    if b"\x00" in data[:4096]:
        raise DecodeError("binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Legacy single-byte text (latin-1 / Windows-1252) decodes without loss of letters.
        return data.decode("cp1252", errors="replace")


def normalize_text(text: str) -> str:
    """NFC, Unix line ends, no control characters or lone surrogates, no trailing spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
