"""Bytes to clean Unicode text: encodings, binary data, control and invisible characters, line ends."""

from __future__ import annotations

import codecs
import re
import unicodedata

# Characters that become a line break: vertical tab, form feed, NEL, line and paragraph separators.
_LINE_BREAK = re.compile("[\x0b\x0c\x85\u2028\u2029]")
# Characters removed from every text:
# - control characters other than tab and newline (some RDF tools reject them), C1 controls;
# - lone surrogates (they cannot be written as UTF-8 at all);
# - invisible format characters that would make two spellings of one name differ or reorder what
#   a reader sees: soft hyphen, zero-width space, word joiner and invisible operators, left-to-right
#   and right-to-left marks, bidi embeddings, overrides and isolates ("Trojan Source"), the
#   deprecated format characters, stray byte-order marks, interlinear annotation marks and tag
#   characters (invisible "ASCII smuggling"); zero-width (non-)joiners stay, scripts and emoji need them;
# - noncharacters (U+FDD0..U+FDEF, U+FFFE, U+FFFF).
_REMOVE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff"
    "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\ufdd0-\ufdef\ufffe\uffff\U000e0000-\U000e007f]"
)
# Characters that do not occur in text: controls, unassigned and private-use code points,
# surrogates and the replacement character left by undecodable bytes.
_JUNK_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})
_INVALID_RUN = re.compile("\ufffd+")
_VALID_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c")
BINARY_SAMPLE = 65536  # characters examined to tell text from binary data
MAX_JUNK_SHARE = 0.05  # more junk than this in the sample: binary data


class DecodeError(ValueError):
    """The bytes are not text we can read."""


_BOMS = (  # UTF-32 first: its little-endian BOM begins with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(data: bytes, encoding: str) -> str:
    """Decode, keeping lone surrogates (removed later) and replacing what cannot be decoded."""
    try:
        return data.decode(encoding, errors="surrogatepass")
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace")


def sniff_utf16(data: bytes) -> str | None:
    """UTF-16 text without a BOM: most of the ASCII text shows as NUL bytes on one side."""
    sample = data[: min(len(data), BINARY_SAMPLE)]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= 0.4 * half and even <= 0.02 * half:
        return _decode(data, "utf-16-le")
    if even >= 0.4 * half and odd <= 0.02 * half:
        return _decode(data, "utf-16-be")
    return None


def _utf8_or_legacy(data: bytes) -> str:
    """UTF-8 when it decodes, or when it has at least as many valid multi-byte characters as runs
    of invalid bytes (a few corrupted bytes in UTF-8 text; each run becomes U+FFFD); else
    Windows-1252 (latin-1 / cp1252 legacy text)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    invalid = len(_INVALID_RUN.findall(lenient))
    valid = len(_VALID_NON_ASCII.findall(lenient))
    if valid and valid >= invalid:
        return lenient.removeprefix("\ufeff")
    # Legacy single-byte text (latin-1 / Windows-1252) decodes without loss of letters.
    return data.decode("cp1252", errors="replace")


def junk_share(text: str) -> float:
    """The share of characters in the sample that do not occur in text."""
    sample = text[:BINARY_SAMPLE]
    if not sample:
        return 0.0
    junk = sum(1 for ch in sample
               if ch == "\ufffd" or (ch not in _TEXT_CONTROLS and unicodedata.category(ch) in _JUNK_CATEGORIES))
    return junk / len(sample)


def decode_bytes(data: bytes) -> str:
    """Decode article bytes: UTF-32/UTF-16/UTF-8 by BOM, UTF-16 by its NUL bytes, then UTF-8,
    then Windows-1252.

    Raises DecodeError for data that looks binary: more than 5% of the first 65,536 characters
    are control characters, unassigned, private-use or undecodable (a stray NUL in text is fine;
    normalize_text removes it).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _decode(data, encoding)
            break
    else:
        text = (sniff_utf16(data) if b"\x00" in data[:BINARY_SAMPLE] else None) or _utf8_or_legacy(data)
    share = junk_share(text)
    if share > MAX_JUNK_SHARE:
        raise DecodeError(f"binary data, not text ({share:.0%} control, unassigned or undecodable characters)")
    return text


def normalize_text(text: str) -> str:
    """NFC, Unix line ends, no control or invisible format characters, no lone surrogates, no
    trailing spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_BREAK.sub("\n", text)
    text = _REMOVE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
