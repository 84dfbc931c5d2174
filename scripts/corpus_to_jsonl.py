"""Write the development corpus (../shared/corpus: plain texts + meta.jsonl) as one JSONL input.

    python scripts/corpus_to_jsonl.py [CORPUS_DIR] > corpus.jsonl

Plain text carries no metadata; meta.jsonl gives each file's title, date and publisher.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def corpus_records(corpus: Path = DEFAULT) -> list[dict]:
    meta = [json.loads(line) for line in (corpus / "meta.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    records = []
    for item in sorted(meta, key=lambda m: m["file"]):
        text = (corpus / item["file"]).read_text(encoding="utf-8")
        records.append({"id": Path(item["file"]).stem, "text": text, "title": item["title"],
                        "published": item["published"], "publisher": item["publisher"]})
    return records


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not (corpus / "meta.jsonl").is_file():
        sys.exit(f"error: no corpus at {corpus} (expected its meta.jsonl and texts; the corpus sits beside "
                 f"the repository, in ../shared/corpus)")
    for record in corpus_records(corpus):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
