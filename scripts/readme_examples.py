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

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_EXAMPLE = re.compile(r"<!-- example: (?P<path>\S+) -->\n.*?<!-- /example -->", re.DOTALL)


def render(readme: str, out_dir: Path) -> str:
    """The README with every example block regenerated from the build in `out_dir`."""
    from kg.query import format_results, open_store, run_query

    store = open_store(out_dir)

    def block(match: re.Match) -> str:
        rel = match.group("path")
        query = (ROOT / rel).read_text(encoding="utf-8").rstrip("\n")
        output = format_results(run_query(store, query), "table").rstrip("\n")
        return (f"<!-- example: {rel} -->\n```sparql\n{query}\n```\n```text\n"
                f"$ kg query out/samples -f {rel}\n{output}\n```\n<!-- /example -->")

    return _EXAMPLE.sub(block, readme)


def examples(readme: str) -> list[str]:
    return [m.group("path") for m in _EXAMPLE.finditer(readme)]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from kg.build import build
    from kg.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        build([ROOT / "samples"], Path(tmp), Settings())
        text = README.read_text(encoding="utf-8")
        README.write_text(render(text, Path(tmp)), encoding="utf-8")
    print(f"updated {len(examples(text))} examples in {README}")


if __name__ == "__main__":
    main()
