"""kg's extractors as spaCy components: the README's example runs as written, and two spaCy
processes extract in their workers and give what one process gives."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from datetime import date

import pytest

from kg.config import Settings
from tests.conftest import DEV as DEV_SET
from tests.conftest import ROOT, require_corpus

DEV = DEV_SET / "articles.jsonl"

SECTION = "## Use kg's extractors in your own spaCy pipeline"


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(SECTION):]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def test_the_readme_example_runs_and_prints_what_it_says():
    code = readme_example()
    assert 'nlp.add_pipe("kg_mentions")' in code and 'nlp.add_pipe("kg_statements")' in code
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the documented example itself
    expected = [line.split("# ", 1)[1].strip() for line in code.splitlines() if line.startswith("print(")]
    assert printed.getvalue().splitlines() == expected


def test_a_kg_component_without_kg_mentions_names_what_is_missing():
    import spacy

    import kg.nlp.components  # noqa: F401 - registers the factories

    nlp = spacy.blank("en")
    nlp.add_pipe("kg_statements")
    with pytest.raises(ValueError, match="'kg_statements' needs 'kg_mentions' before it"):
        nlp("He said so.")


def _docs(nlp, records):
    from kg.nlp.components import set_article

    for record in records:
        published = date.fromisoformat(record["published"][:10]) if record.get("published") else None
        yield set_article(nlp.make_doc(record["text"]), record["id"], published)


def test_two_processes_extract_in_their_workers_and_match_one_process():
    dev = require_corpus(DEV)
    from spacy.language import Language

    from kg.nlp.gazetteer import Gazetteer
    from kg.nlp.pipeline import load_pipeline

    if not Language.has_factory("test_record_pid"):
        Language.component("test_record_pid", func=_record_pid)
    nlp = load_pipeline(Settings().model, Gazetteer.load())
    nlp.add_pipe("kg_statements")
    nlp.add_pipe("test_record_pid")  # after the kg components: the process they ran in
    records = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines()[:12]]
    assert len(records) == 12
    one = [_results(doc) for doc in nlp.pipe(_docs(nlp, records), batch_size=3, n_process=1)]
    two = [_results(doc) for doc in nlp.pipe(_docs(nlp, records), batch_size=3, n_process=2)]
    assert {pid for pid, *_ in one} == {os.getpid()}
    assert os.getpid() not in {pid for pid, *_ in two}, "with two processes the extraction ran in the parent"
    assert [r[1:] for r in two] == [r[1:] for r in one]
    assert sum(len(mentions.mentions) for _, mentions, _, _ in one) > 100  # real results, not empty ones
    assert sum(len(facts.statements) + len(facts.events) for _, _, facts, _ in one) > 20
    assert all(m.article_key == r["id"] for (_, m, _, _), r in zip(one, records))


def _record_pid(doc):
    doc.user_data["test_pid"] = os.getpid()
    return doc


def _results(doc):
    return doc.user_data["test_pid"], doc._.kg_mentions, doc._.kg_facts, doc._.kg_statements


# A lexicon is given to the components as spaCy gives patterns to its entity_ruler: by config when
# the component is made, or at initialize; it is read once and used only by the component that has it.

QUIPPED = "Ihor Terekhov, the mayor of Kharkiv, quipped that the bridge would stay closed."


def _lexicon_with_quip(tmp_path):
    """A copy of the English lexicon where "quip" is a verb of saying."""
    import shutil
    from importlib.resources import files

    folder = tmp_path / "my-lexicon"
    shutil.copytree(str(files("kg.nlp.lexicon").joinpath("en")), folder)
    cues = json.loads((folder / "speech_cues.json").read_text(encoding="utf-8"))
    assert "quip" not in cues["entries"]
    cues["entries"]["quip"] = "reports"
    (folder / "speech_cues.json").write_text(json.dumps(cues), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def statements_nlp():
    import spacy

    import kg.nlp.components  # noqa: F401 - registers the factories

    nlp = spacy.load(Settings().model)
    nlp.add_pipe("kg_mentions")
    nlp.add_pipe("kg_statements")
    return nlp


def test_a_lexicon_given_at_initialize_is_the_one_the_component_uses(statements_nlp, tmp_path):
    from kg.nlp import lexicon
    from kg.nlp.lexicon import Lexicon

    component = statements_nlp.get_pipe("kg_statements")
    assert component.lexicon is Lexicon.load("en") is statements_nlp.get_pipe("kg_mentions").lexicon  # read once
    assert statements_nlp(QUIPPED)._.kg_statements == ()
    folder = _lexicon_with_quip(tmp_path)
    component.initialize(lexicon=Lexicon.load(folder))
    try:
        [statement] = statements_nlp(QUIPPED)._.kg_statements
        assert (statement.cue, statement.text) == ("quip", "that the bridge would stay closed")
        assert component.lexicon.signature != Lexicon.load("en").signature
        assert lexicon.current() is Lexicon.load("en")  # the component's lexicon does not leak out of it
    finally:
        component.initialize(lexicon="en")
    assert statements_nlp(QUIPPED)._.kg_statements == ()


def test_a_lexicon_named_in_the_config_is_loaded_when_the_component_is_made(tmp_path):
    import spacy

    import kg.nlp.components  # noqa: F401
    from kg.nlp.lexicon import Lexicon

    folder = _lexicon_with_quip(tmp_path)
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_statements", config={"lexicon": str(folder)})
    assert nlp.get_pipe("kg_statements").lexicon is Lexicon.load(folder)
    nlp.add_pipe("kg_events")
    nlp.config["initialize"]["components"]["kg_events"] = {"lexicon": str(folder)}
    assert nlp.get_pipe("kg_events").lexicon is Lexicon.load("en")
    nlp.initialize()  # spaCy passes [initialize.components.kg_events] to the component's initialize
    assert nlp.get_pipe("kg_events").lexicon is Lexicon.load(folder)


def test_a_lexicon_folder_that_is_not_there_names_it(tmp_path):
    import spacy

    import kg.nlp.components  # noqa: F401
    from kg.nlp.lexicon import LexiconError

    nlp = spacy.blank("en")
    with pytest.raises(LexiconError, match="no-such-folder: no such folder"):
        nlp.add_pipe("kg_events", config={"lexicon": str(tmp_path / "no-such-folder")})


def test_spacy_finds_the_components_by_entry_point_with_their_config(tmp_path):
    """In a fresh interpreter that never imports kg: spaCy loads the factory from the installed
    package's `spacy_factories` entry points, with its default config (the lexicon "en")."""
    import subprocess
    import sys

    code = ("import spacy; nlp = spacy.blank('en'); nlp.add_pipe('kg_statements'); "
            "print(nlp.config['components']['kg_statements']['lexicon'], nlp.get_pipe('kg_statements').lexicon.label)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["en", "en"]


def test_the_build_pipeline_takes_texts_with_their_article_and_gives_back_only_the_results():
    """`kg build` gives spaCy `ArticleText`s: with 2 processes the workers make the Docs (not the
    calling process), the extractors read the key and date `ArticleTokenizer` gives them, and
    `kg_results_only` sends back an empty Doc with the results; with 1 or 2 processes, the results
    of a Doc given its article by `set_article`. A plain text passes whole."""
    dev = require_corpus(DEV)
    from kg.nlp.components import packed_of
    from kg.nlp.components.context import ArticleText, ArticleTokenizer
    from kg.nlp.gazetteer import Gazetteer
    from kg.run.extraction import pipeline

    nlp = pipeline(Settings().model, Gazetteer.load())
    assert nlp.pipe_names[-1] == "kg_results_only" and isinstance(nlp.tokenizer, ArticleTokenizer)
    records = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines()[:8]]
    expected = [(doc._.kg_mentions, doc._.kg_facts) for doc in nlp.pipe(_docs(nlp, records), batch_size=3)]
    assert all(len(doc) > 0 for doc in nlp.pipe(r["text"] for r in records[:2]))  # no article: the whole Doc
    texts = [ArticleText(r["text"], r["id"], r["published"][:10] if r.get("published") else None) for r in records]
    tokenize = nlp.tokenizer.tokenizer
    try:
        nlp.tokenizer.tokenizer = _TokenizedIn(tokenize)
        for n_process in (1, 2):
            back = list(nlp.pipe(texts, batch_size=3, n_process=n_process))
            made_in = {doc.user_data["test_tokenized_in"] for doc in back}
            assert (made_in == {os.getpid()}) if n_process == 1 else (os.getpid() not in made_in), n_process
            assert all(len(doc) == 0 for doc in back)
            assert [(doc._.kg_mentions, doc._.kg_facts) for doc in back] == expected
            packed = [packed_of(doc) for doc in back]  # what a build keeps, not unpickled, under the article's key
            assert [(p.article_key, p.unpack()) for p in packed] == [(r["id"], e) for r, e in zip(records, expected)]
    finally:
        nlp.tokenizer.tokenizer = tokenize
    assert sum(len(mentions.mentions) for mentions, _ in expected) > 50
    with pytest.raises(ValueError, match="'kg_mentions' and 'kg_facts' have not run"):
        packed_of(nlp.make_doc("No pipeline ran on this."))


class _TokenizedIn:
    """A tokenizer that notes in each Doc the process that made it."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text):
        doc = self.tokenizer(text)
        doc.user_data["test_tokenized_in"] = os.getpid()
        return doc

