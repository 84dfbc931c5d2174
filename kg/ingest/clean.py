"""Strip page chrome, photo captions and photo credits from article text.

Pure functions over strings. The cleaned text is what the graph keeps as schema:articleBody,
so every later offset indexes into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lines a page wraps around an article: browser warnings, newsletter and live-stream promos.
_CHROME = re.compile(
    r"""^(?:
        IE\s?\d+\s+is\s+not\s+supported.*
      | For\s+an\s+optimal\s+experience.*
      | Get\s+more\s+news.*
      | .*Live\s?on\s?NBC\s+News\s+Now.*
      | Advertisement
      | Sponsored(?:\s+content)?
      | (?:Sign\s+up|Subscribe)\b.{0,80}
      | Share\s+this\s+(?:article|story).*
      | (?:Read|See)\s+more:?.{0,80}
      | Click\s+here\b.{0,80}
      | Follow\s+us\b.{0,80}
      | Skip\s+to\s+(?:main\s+)?content
      | We\s+use\s+cookies.*
      | (?:Related|Recommended|Watch|Listen)(?:\s+(?:articles?|stories|video))?:.{0,120}
      | Copyright\s+©?.{0,120}
      | ©.{0,120}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

_AGENCY = (
    r"(?:REUTERS|Reuters|AP|AP\s+Photo|AFP|EPA|EPA-EFE|Getty\s+Images|Shutterstock|Sputnik|"
    r"TASS|Bloomberg|Anadolu(?:\s+Agency)?|NurPhoto|SOPA\s+Images|ZUMA\s+Press|Xinhua|"
    r"Pool|Handout|Kremlin\s+Pool)"
)
_NAME = r"[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3}"
# A credit standing on its own line: "via REUTERS", "AP", "AFP via Getty Images", "Jane Doe / AP".
_CREDIT_LINE = re.compile(
    rf"^(?:(?:Photo|Image|Video)(?:\s+credit)?:?\s*)?(?:{_NAME}\s*/\s*)?(?:{_NAME}\s+)?"
    rf"(?:via\s+)?{_AGENCY}(?:\s+(?:via\s+{_AGENCY}|Photo|file|photo))?\.?$"
)
# A credit glued to the end of a caption line: "…the alleged attack.Mikhail Klimentyev / AP".
_GLUED_CREDIT = re.compile(rf"[.!?”\"’)]\s*{_NAME}\s*/\s*{_AGENCY}(?:\s+via\s+{_AGENCY})?$")
_SENTENCE_END = re.compile(r"[.!?…\"”’)\]:]$")

# Chrome and credit lines are short. Longer lines are never tested against the patterns above,
# which keeps cleaning linear in the length of the text whatever a line holds (a 40,000-character
# line of "A.A.A." took the credit pattern 30 seconds).
MAX_CHROME_LINE = 500
MAX_CREDIT_LINE = 300
GLUED_CREDIT_TAIL = 160  # a credit glued to a caption is searched for in the line's last characters

# spaCy's tokenizer is quadratic in the length of a run of prefix/suffix characters with no space
# in it (10,000 "!" take 15 s, 20,000 take 40 s). A run of one punctuation or symbol character
# longer than MAX_SAME_RUN becomes SAME_RUN_KEPT of it ("!!!!…!" -> "!!!"); any other unbroken
# run of punctuation and symbols ("?!?!…", emoji, combining marks) longer than MAX_MIXED_RUN is
# cut to its first MAX_MIXED_RUN characters. Letters, digits and whitespace end a run.
MAX_SAME_RUN = 20
SAME_RUN_KEPT = 3
MAX_MIXED_RUN = 50
_RUN_CHAR = r"(?:[^\w\s]|_)"  # neither a letter, a digit nor whitespace
_SAME_RUN = re.compile(rf"({_RUN_CHAR})\1{{{MAX_SAME_RUN},}}")
_MIXED_RUN = re.compile(rf"{_RUN_CHAR}{{{MAX_MIXED_RUN + 1},}}")


@dataclass(frozen=True)
class CleanText:
    """The cleaned body, a headline guessed from it, and how many lines were dropped."""

    text: str
    headline: str | None
    dropped_lines: int


def is_chrome(line: str) -> bool:
    """True for a line of page furniture rather than article content."""
    stripped = line.strip()
    return len(stripped) <= MAX_CHROME_LINE and bool(_CHROME.match(stripped))


def is_credit(line: str) -> bool:
    """True for a photo credit line, or a caption line ending in a glued credit."""
    stripped = line.strip()
    if len(stripped) <= MAX_CREDIT_LINE and _CREDIT_LINE.match(stripped):
        return True
    return bool(_GLUED_CREDIT.search(stripped[-GLUED_CREDIT_TAIL:]))


def collapse_runs(text: str) -> str:
    """Shorten absurd runs of punctuation and symbols (see MAX_SAME_RUN and MAX_MIXED_RUN).

    Applied before anything is extracted, so every offset indexes into the shortened text.
    """
    text = _SAME_RUN.sub(lambda m: m.group(1) * SAME_RUN_KEPT, text)
    return _MIXED_RUN.sub(lambda m: m.group()[:MAX_MIXED_RUN], text)


def _blocks(text: str) -> list[list[str]]:
    """Paragraph blocks: runs of non-blank lines."""
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _drop_captions(block: list[str]) -> list[str]:
    """A block that contains a credit line is a caption up to (and including) that line."""
    last_credit = max((i for i, line in enumerate(block) if is_credit(line)), default=-1)
    return block[last_credit + 1 :]


def _looks_like_headline(block: list[str]) -> bool:
    line = block[0]
    return len(block) == 1 and not _SENTENCE_END.search(line) and 2 <= len(line.split()) <= 30


def clean_article_text(text: str) -> CleanText:
    """Shorten absurd punctuation runs, drop chrome lines and caption blocks; keep paragraphs
    separated by a blank line."""
    text = collapse_runs(text)
    kept: list[list[str]] = []
    total = dropped = 0
    for block in _blocks(text):
        total += len(block)
        content = [line for line in _drop_captions(block) if not is_chrome(line)]
        dropped += len(block) - len(content)
        if content:
            kept.append(content)
    headline = kept[0][0] if kept and _looks_like_headline(kept[0]) else None
    body = "\n\n".join("\n".join(block) for block in kept)
    return CleanText(text=body, headline=headline, dropped_lines=dropped)
