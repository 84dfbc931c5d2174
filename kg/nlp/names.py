"""Name keys: the same person spelled as news outlets transliterate them gets the same key.

Zelensky / Zelenskyy / Zelenski -> "zelensky"; Podolyak / Podoliak -> "podolyak";
Dmitry / Dmitri / Dmitriy -> "dmitri"; Yevgeny / Evgeny -> "evgeni"; Hrytsenko / Gritsenko ->
"gritsenko"; Maxim / Maksym, Kondratiev / Kondratyev, Razvozhayev / Razvozhaev; Joe / Joseph.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.nlp import lexicon

_NON_LETTER = re.compile(r"[\W\d_]+")  # letters of any script are kept
# Latin letters with no decomposition into a base letter and a mark: written as their ASCII form
_LATIN_SPECIAL = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "ß": "ss",
                                "þ": "th", "ð": "d"})
_DOUBLE = re.compile(r"([a-z])\1+")
_MEMO = 2**16  # names and surfaces recur across articles: each spelling keyed once (bounded)


@lru_cache(maxsize=_MEMO)
def fold(text: str) -> str:
    """Lowercase letters and spaces only: diacritics removed ("Łukasz Żółć" -> "lukasz zolc"),
    digits and punctuation dropped. Letters of other scripts are kept, lowercased: a name with no
    Latin letter ("Украина Сейчас") keeps a key of its own instead of an empty one."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():  # most names: no character to look at one by one
        letters = decomposed.lower()
    else:  # other marks outside ASCII are dropped, not spaces ("Ukraine’s" -> "ukraines", as ever)
        kept = "".join(ch for ch in decomposed if ch.isascii() or (ch.isalpha() and not unicodedata.combining(ch)))
        letters = kept.lower().translate(_LATIN_SPECIAL)
    return " ".join(part for part in _NON_LETTER.split(letters) if part)


@lru_cache(maxsize=_MEMO)
def token_key(token: str) -> str:
    """Transliteration-insensitive key of one name token."""
    t = token.replace("x", "ks").replace("kh", "h")  # maxim / maksym, mikhail / mihail
    t = re.sub(r"(?<=[aeiou])y(?=e)", "", t)  # razvozhayev / razvozhaev
    t = re.sub(r"(?<=[^aeiou])ie", "ye", t)  # kondratiev / kondratyev
    t = _DOUBLE.sub(r"\1", t)  # zelenskyy -> zelensky
    t = re.sub(r"^ye", "e", t)  # yevgeny -> evgeny
    t = re.sub(r"(?<=[a-z]{3})(?:iy|ij|yi|i)$", "y", t)  # dmitriy, zelenski -> dmitry, zelensky
    t = t.replace("ia", "ya").replace("iu", "yu").replace("io", "yo")  # podoliak -> podolyak
    # Ukrainian h is Russian g (Hrytsenko / Gritsenko, Ihor / Igor, Olha / Olga); kh, zh, sh,
    # ch keep their h. y before a consonant is i (Hrytsenko / Gritsenko, Melnyk / Melnik, Shoygu / Shoigu).
    t = re.sub(r"(?<![kzscwtpg])h", "g", t)  # not the h of kh zh sh ch wh th ph gh
    t = re.sub(r"y(?![aeiou])", "i", t)  # but Podolyak's "ya" stays
    return t


def name_tokens(name: str) -> list[str]:
    """Key tokens of a name, dropping single-letter initials ("Michael A. Horowitz")."""
    tokens = [token_key(t) for t in fold(name).split()]
    return [t for t in tokens if len(t) > 1] or tokens


def name_key(name: str) -> str:
    """Key of a whole name: first and last token ("michael horowitz"); a short given name stands for
    its full form ("Joe Biden" -> "joseph biden", as "Joseph Biden")."""
    folded = fold(name).split()
    if len(folded) > 1:
        folded[0] = lexicon.mapping("given_name_variants").get(folded[0], folded[0])
    tokens = name_tokens(" ".join(folded))
    if len(tokens) > 2:
        tokens = [tokens[0], tokens[-1]]
    return " ".join(tokens)


def surname_key(name: str) -> str:
    """Key of the last token of a name."""
    tokens = name_tokens(name)
    return tokens[-1] if tokens else ""
