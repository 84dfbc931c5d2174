"""Docs as tests: what the README shows is what kg does."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

from kg.cli import cli
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import readme_examples  # noqa: E402

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_example_queries_and_results_are_current(sample_out):
    assert len(readme_examples.sample_examples(README)) >= 5
    rendered = readme_examples.render(README, sample_out)
    assert rendered == README, "README examples are stale: run python scripts/readme_examples.py"


def test_every_example_query_file_is_shown():
    shown = set(readme_examples.examples(README))
    assert shown == {f"queries/{p.name}" for p in (ROOT / "queries").glob("*.rq")}


def test_every_command_and_option_is_documented():
    for name, command in cli.commands.items():
        assert f"### `kg {name}" in README, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}" in README or f" {opt}" in README, (name, opt)


def test_the_two_set_up_commands_and_ci():
    assert "make demo" in README and "make test" in README
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().endswith("make test")


def test_gazetteer_sizes_stated_in_the_readme():
    entries = json.loads((ROOT / "kg" / "data" / "gazetteer.json").read_text(encoding="utf-8"))["entries"]
    kinds = Counter(e["kind"] for e in entries)
    prefixes = Counter(e["key"].split("/")[0] for e in entries)
    stated = {
        "countries": kinds["country"], "governments": prefixes["government"], "cities": kinds["city"],
        "regions": kinds["region"], "landmarks": kinds["landmark"], "organisations": prefixes["organization"],
        "weapon and equipment types": prefixes["weapon"],
    }
    text = " ".join(README.split())
    for words, count in stated.items():
        assert re.search(rf"\b{count} (?:\([^)]*\) )?{words}\b|\b{count} {words}", text), (words, count)
