"""kg.nlp.compounds finds a phrase lexicon's longest phrase at a token through an index by first
word: the same ends as trying every phrase of the lexicon, longest first, at every token."""

from __future__ import annotations

from kg.nlp import lexicon
from kg.nlp.phrases import match as _match
from kg.nlp.phrases import phrase_tokens

TEXT = ("Drones hit the Kakhovka hydro-electric power plant, two power plants and an oil depot near the "
        "Desnyanskyi and Obolonskyi districts; Oniks and Kh-22 missiles and Stryker armored personnel "
        "carriers were seen by the railway station, next to a bridge, an airport and a shopping mall.\n"
        "Air defence systems shot down ballistic missiles over the Obolonskyi district.")


def _every_phrase(doc, start, name, plural):
    """The end of the longest phrase at `start`, trying every phrase of the lexicon."""
    words = [t.lower_ for t in doc]
    for phrase in sorted({phrase_tokens(p) for p in lexicon.words(name)}, key=lambda p: (-len(p), p)):
        end = start + len(phrase)
        if end <= len(words) and words[start:end - 1] == list(phrase[:-1]) and (
                words[end - 1] == phrase[-1] or plural and words[end - 1] in (phrase[-1] + "s", phrase[-1] + "es")):
            return end
    return None


def test_the_indexed_match_finds_what_trying_every_phrase_finds(nlp):
    doc = nlp.make_doc(TEXT)
    found = 0
    for name in ("place_head_nouns", "weapon_heads"):
        for plural in (False, True):
            for i in range(len(doc) + 1):
                expected = _every_phrase(doc, i, name, plural)
                assert _match(doc, i, name, plural) == expected, (name, plural, doc[i:i + 4].text)
                found += expected is not None
    assert found > 20
    at = [t.i for t in doc if t.text == "hydro"][0]
    assert doc[at:_match(doc, at, "place_head_nouns", False)].text == "hydro-electric power plant"
    at = [t.i for t in doc if t.text == "armored"][0]
    assert doc[at:_match(doc, at, "weapon_heads", True)].text == "armored personnel carriers"
    assert _match(doc, at, "weapon_heads", False) is None


def test_doc_text_is_each_docs_own_text(nlp):
    from kg.nlp.doc_text import doc_text

    first, second = nlp.make_doc("Kyiv was hit."), nlp.make_doc("Odesa was not.")
    assert [doc_text(d) for d in (first, second, first, first, second)] == [
        "Kyiv was hit.", "Odesa was not.", "Kyiv was hit.", "Kyiv was hit.", "Odesa was not."]
    del first
    assert doc_text(nlp.make_doc("Lviv too.")) == "Lviv too."
