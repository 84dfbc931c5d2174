"""A corpus of hostile inputs, generated into a folder (nothing big is committed).

    python tests/hostile_inputs.py DIR      # writes the corpus into DIR and lists it

`write_corpus(folder)` returns what each file (or JSONL line) should become: "built" (an article
whose text must contain a given phrase and must not contain others), "skipped" (with a word the
reason must contain), or "either" (built or skipped, the build decides; it must not fail).
"""

from __future__ import annotations

import codecs
import json
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

# A plain paragraph that spaCy reads quickly: the building block of every article that is built.
PARAGRAPH = ("Ukrainian officials said on Wednesday that drones struck a warehouse in the port of Odesa. "
             "Governor Oksana Hrytsenko said two workers were injured and the fire was out by noon.")


@dataclass(frozen=True)
class Expect:
    """What one input should become."""

    outcome: str  # "built", "skipped" or "either"
    reason: str = ""  # skipped: a word the reason contains (case-insensitive)
    contains: tuple[str, ...] = ()  # built: phrases the cleaned text contains
    excludes: tuple[str, ...] = ()  # built: phrases (or characters) it must not contain
    max_chars: int | None = None  # built: an upper bound on the cleaned text's length
    note: str = field(default="", compare=False)


def article(headline: str, *middle: str) -> str:
    return "\n\n".join((headline, PARAGRAPH, *middle, "The port reopened in the afternoon, the governor said."))


def _bomb_html() -> str:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)]
    subset = "\n".join(entities).replace("&lol0;", "&lol;")
    return (f'<?xml version="1.0"?>\n<!DOCTYPE html [\n{subset}\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
            '<html><head><title>Entity bomb in the port</title></head><body><article>'
            f'<h1>Entity bomb in the port</h1><p>{PARAGRAPH} &lol9; &xxe;</p>'
            f'<p>{PARAGRAPH} &lol9;&lol9;&lol9;</p><p>The governor said the port reopened. &amp; done.</p>'
            '</article></body></html>')


def _quadratic_blowup_html() -> str:
    big = "A" * 50_000
    return (f'<!DOCTYPE html [<!ENTITY a "{big}">]><html><head><title>Quadratic blow-up</title></head><body>'
            f'<article><h1>Quadratic blow-up</h1><p>{PARAGRAPH} {"&a;" * 2000}</p><p>{PARAGRAPH}</p>'
            '</article></body></html>')


def _script_html() -> str:
    return f"""<!doctype html><html><head><title>Scripts and frames</title>
<meta property="og:title" content="Drones hit Odesa port &lt;script&gt;alert(1)&lt;/script&gt;">
<meta property="og:url" content="https://news.example/%zz bad url">
<meta property="article:published_time" content="2026-02-30T25:61:00Z">
<script>document.write('EVILSCRIPT The mayor of Odesa said nothing');</script>
<style>body {{ content: "EVILSTYLE"; }}</style></head>
<body onload="alert('EVILONLOAD')">
<iframe src="javascript:alert('EVILIFRAME')" srcdoc="<p>EVILSRCDOC</p>"></iframe>
<noscript><p>EVILNOSCRIPT please enable JavaScript to read this article about Odesa.</p></noscript>
<article><h1>Drones hit Odesa port</h1>
<p>{PARAGRAPH}</p><script>var text = "EVILINLINE";</script>
<p>The governor said the <a href="javascript:alert('EVILHREF')">port</a> reopened in the afternoon.</p>
<svg><script>alert("EVILSVG")</script></svg><object data="EVILOBJECT.swf"></object>
<p>{PARAGRAPH}</p></article></body></html>"""


def write_corpus(folder: Path, seed: int = 7) -> dict[str, Expect]:
    """Write the hostile corpus into `folder`; return the expectation for each input.

    Keys are paths relative to `folder` ("name.jsonl:3" for a JSONL line).
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    expect: dict[str, Expect] = {}

    def put(name: str, data: bytes | str, outcome: Expect) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect[name] = outcome

    # Empty, blank and chrome-only files.
    put("empty.txt", b"", Expect("skipped", "no article text"))
    put("whitespace.txt", " \n\t\n  \r\n\u3000\u00a0\n", Expect("skipped", "no article text"))
    put("only-chrome.txt", "Advertisement\n\nSubscribe to our newsletter\n\nvia REUTERS\n", Expect("skipped", "no article text"))
    put("only-bangs.txt", "!" * 100_000, Expect("skipped", "no letters"))
    put("empty.html", b"", Expect("skipped", "no article text"))
    put("empty.jsonl", b"", Expect("either", note="no lines: nothing to build or skip"))

    # Binary data.
    put("binary.txt", bytes(rng.randrange(256) for _ in range(65_536)), Expect("skipped", "binary"))
    put("binary-no-nul.txt", bytes(rng.randrange(1, 256) for _ in range(65_536)), Expect("skipped", "binary"))
    put("image.html", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(20_000)), Expect("skipped", "binary"))
    put("binary.jsonl", bytes(rng.randrange(256) for _ in range(4_096)), Expect("either", note="lines of junk"))
    put("utf16-junk.txt", codecs.BOM_UTF16_LE + bytes(rng.randrange(256) for _ in range(20_000)), Expect("skipped", "binary"))

    # Encodings.
    put("latin1.txt", article("Café owner in Odesa says port will reopen", "The café near the pier, Müller's, "
                              "lost £2,000 worth of stock.").encode("latin-1"),
        Expect("built", contains=("Café owner", "Müller's", "£2,000")))
    put("cp1252.txt", article("“Smart quotes” in a Windows-1252 file", "He said: “We will rebuild” – and left…")
        .encode("cp1252"), Expect("built", contains=("“We will rebuild” – and left…",)))
    put("utf16-bom.txt", article("UTF-16 article about Odesa").encode("utf-16"), Expect("built", contains=("UTF-16 article",)))
    put("utf16-be-bom.txt", codecs.BOM_UTF16_BE + article("UTF-16 big-endian article").encode("utf-16-be"),
        Expect("built", contains=("UTF-16 big-endian",)))
    put("utf16-no-bom.txt", article("UTF-16 without a BOM").encode("utf-16-le"), Expect("built", contains=("without a BOM",)))
    put("utf32-bom.txt", article("UTF-32 article").encode("utf-32"), Expect("built", contains=("UTF-32 article",)))
    put("utf8-bom.txt", codecs.BOM_UTF8 + article("UTF-8 with a BOM").encode("utf-8"),
        Expect("built", contains=("UTF-8 with a BOM",), excludes=("\ufeff",)))
    put("utf8-corrupt.txt", article("Kyiv — Zaporizhzhia — “corrupt” bytes").encode("utf-8")
        .replace(b"corrupt", b"corr\xffupt\xed\xa0\x80"),
        Expect("built", contains=("Kyiv — Zaporizhzhia — “corr\ufffdupt",), excludes=("\ud800",)))
    put("crlf-cr.txt", article("Old Mac line ends").replace("\n", "\r") + "\r\n", Expect("built", contains=("Old Mac line ends",), excludes=("\r",)))

    # Very long inputs: skipped with a reason, never truncated, never slow.
    five_mb = article("A five megabyte article", *([PARAGRAPH] * 28_000))
    put("five-megabytes.txt", five_mb, Expect("skipped", "too long"))
    line = "A." * 500_050  # one line of 1,000,100 characters, the worst case for the credit pattern
    put("over-a-million.txt", "Over a million characters\n\n" + line, Expect("skipped", "too long"))
    put("over-a-million.jsonl", json.dumps({"id": "long", "text": "é" * 1_000_001}) + "\n", Expect("skipped", "too long"))
    expect["over-a-million.jsonl:1"] = expect.pop("over-a-million.jsonl")

    # Punctuation runs that make spaCy's tokenizer quadratic.
    put("bangs.txt", article("Odesa port hit" + "!" * 100_000, "What" + "?!" * 50_000 + " a night" + "$" * 30_000,
                             "Emoji: " + "😀" * 10_000 + " and " + "=-" * 10_000 + " end."),
        Expect("built", contains=("Odesa port hit!!!", "What?!?!"), excludes=("!" * 4, "$" * 4, "😀" * 4, "=-" * 26),
               max_chars=2_000))
    put("zalgo.txt", article("Z\u0301" + "\u0300\u0301\u0302\u0303" * 500 + "algo text in Odesa"),
        Expect("built", contains=("algo text in Odesa",), max_chars=1_000))

    # Control, invisible and bidi characters, lone surrogates.
    put("nul.txt", article("NUL bytes\x00 in a text file", "Hryt\x00senko\x00 said\x07 so\x1b."),
        Expect("built", contains=("NUL bytes in a text file", "Hrytsenko said so."), excludes=("\x00", "\x07", "\x1b")))
    put("bidi.txt", article("Right\u200f-to-left \u202emarks\u202c in O\u200bdesa",
                            "Oksana\u00ad Hryt\u2066senko\u2069 said \u200e\u061c\U000e0041hidden\U000e007f it."),
        Expect("built", contains=("Right-to-left marks in Odesa", "Oksana Hrytsenko said hidden it."),
               excludes=("\u200f", "\u202e", "\u200b", "\u00ad", "\u2066", "\U000e0041")))
    put("separators.txt", article("Line\u2028and paragraph\u2029separators\x0cform feed\x85NEL"),
        Expect("built", contains=("paragraph\nseparators",), excludes=("\u2028", "\u2029", "\x0c", "\x85")))
    put("surrogates.jsonl",
        '{"id": "surrogate\\ud800", "title": "Lone \\udc00surrogates", "text": "Lone \\ud800surrogates in Odesa\\n\\n'
        + PARAGRAPH + ' \\ud83d\\ude00 \\udfff"}\n',
        Expect("built", contains=("Lone surrogates in Odesa", "😀"), excludes=("\ud800", "\udfff")))
    expect["surrogates.jsonl:1"] = expect.pop("surrogates.jsonl")

    # Malformed JSONL lines beside good ones: each line is its own outcome.
    good = {"id": "good-line", "text": article("A good line between bad ones"), "url": "https://news.example/a b",
            "published": "2026-13-45", "title": "  A   good line  "}
    lines = [
        json.dumps(good),                                   # 1 built (bad url and date dropped)
        "{not json",                                        # 2
        '{"id": "truncated", "text": "cut of',              # 3
        "[1, 2, 3]",                                        # 4
        '"just a string"',                                  # 5
        "null",                                             # 6
        json.dumps({"id": "no-text"}),                      # 7
        json.dumps({"id": "number-text", "text": 42}),      # 8
        json.dumps({"id": "null-text", "text": None}),      # 9
        "",                                                 # 10 blank: ignored
        "[" * 100_000 + "]" * 100_000,                      # 11 deep nesting
        '{"id": ' + "9" * 5_000 + ', "text": "big number"}',  # 12 huge integer
        '{"id": "trailing", "text": "comma",}',             # 13
        json.dumps({"id": True, "text": article("A boolean id")}),  # 14 built, key from file and line
        json.dumps({"id": "sep", "text": article("A JSON string with a line\u2028separator inside")},
                   ensure_ascii=False),                     # 15 built: U+2028 does not end the line
        "\ufeff" + json.dumps({"id": "mid-bom", "text": article("A BOM in the middle of the file")}),  # 16 built
        json.dumps({"id": "a" * 10_000, "text": article("A very long id"), "title": "T" * 5_000}),  # 17 built
        json.dumps({"id": "!!!", "text": article("An id with no letters")}),  # 18 built, key from file and line
        json.dumps({"id": "crlf", "text": article("CRLF line end")}) + "\r",  # 19 built
        "".join(chr(c) for c in range(1, 32) if c not in (10, 13)),  # 20 control junk
    ]
    put("malformed.jsonl", "\n".join(lines) + "\n", Expect("either"))
    expect.pop("malformed.jsonl")
    for number, outcome in {1: Expect("built", contains=("A good line",)), 2: Expect("skipped", "invalid JSON"),
                            3: Expect("skipped", "invalid JSON"), 4: Expect("skipped", "JSON object"),
                            5: Expect("skipped", "JSON object"), 6: Expect("skipped", "JSON object"),
                            7: Expect("skipped", "text"), 8: Expect("skipped", "text"), 9: Expect("skipped", "text"),
                            11: Expect("skipped", "invalid JSON"), 12: Expect("skipped", "invalid JSON"),
                            13: Expect("skipped", "invalid JSON"), 14: Expect("built", contains=("A boolean id",)),
                            15: Expect("built", contains=("line\nseparator",)),
                            16: Expect("built", contains=("A BOM in the middle",)),
                            17: Expect("built", contains=("A very long id",)),
                            18: Expect("built", contains=("An id with no letters",)),
                            19: Expect("built", contains=("CRLF line end",)), 20: Expect("either")}.items():
        expect[f"malformed.jsonl:{number}"] = outcome

    # Duplicate ids: the same record twice (one skipped as a duplicate), and one id for two texts
    # (both built, under keys with a content suffix).
    same = json.dumps({"id": "dup", "text": article("The same record twice")})
    put("duplicates.jsonl", "\n".join([same, json.dumps({"id": "twin", "text": article("First twin")}), same,
                                       json.dumps({"id": "twin", "text": article("Second twin")})]) + "\n",
        Expect("either"))
    expect.pop("duplicates.jsonl")
    expect.update({"duplicates.jsonl:1": Expect("built", contains=("The same record twice",)),
                   "duplicates.jsonl:3": Expect("skipped", "duplicate of"),
                   "duplicates.jsonl:2": Expect("built", contains=("First twin",)),
                   "duplicates.jsonl:4": Expect("built", contains=("Second twin",))})

    # HTML: scripts, frames, entity bombs, external entities, deep nesting.
    put("scripts.html", _script_html(),
        Expect("built", contains=("port of Odesa",),
               excludes=("EVILSCRIPT", "EVILSTYLE", "EVILONLOAD", "EVILIFRAME", "EVILSRCDOC", "EVILINLINE",
                         "EVILHREF", "EVILSVG", "EVILOBJECT", "alert(")))
    put("billion-laughs.html", _bomb_html(),
        Expect("built", contains=("port of Odesa",), excludes=("lollol", "&lol", "root:", "&xxe"), max_chars=2_000))
    put("quadratic-blowup.html", _quadratic_blowup_html(),
        Expect("built", contains=("port of Odesa",), excludes=("AAAA", "&a;"), max_chars=2_000))
    put("unclosed-doctype.html", '<!DOCTYPE html [<!ENTITY x "y">' + "<p>" + PARAGRAPH + "</p>" * 3,
        Expect("skipped", "no article text"))
    put("deep-nesting.html", "<html><body>" + "<div>" * 100_000 + f"<p>{PARAGRAPH}</p>" + "</div>" * 100_000
        + "</body></html>", Expect("either"))
    put("not-really.htm", "Just text in an .htm file about Odesa. " * 3, Expect("either"))

    # Names: spaces, non-ASCII, quotes, emoji, nested folders, a name that is not UTF-8.
    named = {
        "with space ünïcødé.txt": "Spaces and accents in the name",
        "статья о порте.txt": "A Cyrillic file name",
        "日本語 記事.txt": "A Japanese file name",
        "emoji 😀 name.txt": "An emoji in the name",
        "quotes 'single' \"double\" & <angle>.txt": "Quotes and angle brackets in the name",
        "sub dir/nested ü/deep file.txt": "A file in nested folders",
        "UPPER CASE.TXT": "An upper-case suffix",
        "line\nbreak\ttab.txt": "Control characters in the name",
        "rtl \u202eevil.txt": "A bidi override in the name",
    }
    for name, headline in named.items():
        put(name, article(headline), Expect("built", contains=(headline,)))
    if sys.platform.startswith("linux"):
        raw = os.fsencode(folder) + b"/not-utf8-\xff\xfe.txt"
        with open(raw, "wb") as handle:
            handle.write(article("A file name that is not UTF-8").encode("utf-8"))
        expect[os.fsdecode(b"not-utf8-\xff\xfe.txt")] = Expect("built", contains=("A file name that is not UTF-8",))
    return expect


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    for name, outcome in sorted(write_corpus(target).items()):
        print(f"{outcome.outcome:8} {name!r}")
