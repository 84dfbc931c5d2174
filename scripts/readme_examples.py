"""Keep the README's example queries and their results true (docs as tests).

Each example in README.md is written as

    <!-- example: queries/NAME.rq -->
    ```sparql
    …the query file's text…
    ```
    ```text
    $ kg query out/samples -f queries/NAME.rq
    …what kg query prints on the sample articles…
    ```
    <!-- /example -->

`python scripts/readme_examples.py` builds the samples and rewrites those blocks;
tests/test_readme.py renders them again and fails when the README differs.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_EXAMPLE = re.compile(r"<!-- (?P<marker>example|example-corpus): (?P<path>\S+) -->\n.*?<!-- /(?P=marker) -->", re.DOTALL)
_EVAL = re.compile(r"<!-- eval -->\n.*?<!-- /eval -->", re.DOTALL)
EVAL_COMMAND = ("kg eval out/corpus --entities tests/gold/corpus_entities.json "
                "--facts tests/gold/corpus_facts.json --targets articles --check")


def render(readme: str, out_dir: Path, marker: str = "example") -> str:
    """The README with every `marker` block regenerated from the build in `out_dir`
    ("example": the sample articles, shown as out/samples; "example-corpus": the corpus)."""
    from kg.dataset.load import open_dataset
    from kg.dataset.query import format_results, run_query

    store = open_dataset(out_dir)
    shown_as = "out/samples" if marker == "example" else "out/corpus"

    def block(match: re.Match) -> str:
        if match.group("marker") != marker:
            return match.group(0)
        rel = match.group("path")
        query = (ROOT / rel).read_text(encoding="utf-8").rstrip("\n")
        output = format_results(run_query(store, query), "table").rstrip("\n")
        return (f"<!-- {marker}: {rel} -->\n```sparql\n{query}\n```\n```text\n"
                f"$ kg query {shown_as} -f {rel}\n{output}\n```\n<!-- /{marker} -->")

    return _EXAMPLE.sub(block, readme)


def render_eval(readme: str, corpus_out: Path) -> str:
    """The README with its `kg eval` block regenerated from a build of the development corpus."""
    from kg.config import Settings
    from kg.eval.evaluate import evaluate
    from kg.eval.report import format_report
    from kg.eval.targets import targets_path

    result = evaluate(corpus_out, ROOT / "tests" / "gold" / "corpus_entities.json",
                      ROOT / "tests" / "gold" / "corpus_facts.json", Settings.from_env().model, targets_path("articles"))
    block = f"<!-- eval -->\n```text\n$ {EVAL_COMMAND}\n{format_report(result).rstrip()}\n```\n<!-- /eval -->"
    return _EVAL.sub(lambda _: block, readme)


def examples(readme: str) -> list[str]:
    return [m.group("path") for m in _EXAMPLE.finditer(readme)]


def sample_examples(readme: str) -> list[str]:
    return [m.group("path") for m in _EXAMPLE.finditer(readme) if m.group("marker") == "example"]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "scripts"))
    import corpus_to_jsonl

    from kg.config import Settings
    from kg.run.build import build

    with tempfile.TemporaryDirectory() as tmp:
        build([ROOT / "samples"], Path(tmp) / "samples", Settings())
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus_to_jsonl.corpus_records()),
                          encoding="utf-8")
        build([corpus], Path(tmp) / "corpus", Settings())
        text = README.read_text(encoding="utf-8")
        text = render(text, Path(tmp) / "samples")
        text = render_eval(render(text, Path(tmp) / "corpus", "example-corpus"), Path(tmp) / "corpus")
        README.write_text(text, encoding="utf-8")
    print(f"updated {len(examples(text))} examples in {README}")


if __name__ == "__main__":
    main()
