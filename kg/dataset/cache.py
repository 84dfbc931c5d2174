"""Per-article extractions kept on disk: a store's (DIR/extractions) and `kg build --cache DIR`'s.

An entry is found by a digest of the article (key, text, metadata) and of the extraction
signature (kg and its extraction code, the model, the gazetteer, the lexicons:
kg.run.signature), in a folder of its own per signature: DIR/<signature digest>/<entry>.packed,
with the signature written out beside them (SIGNATURE). Entries another kg or other settings
made are never read by this one; `prune()` removes them (`kg build --prune-cache`).
"""

from __future__ import annotations

import hashlib
import pickle
import re
import shutil
import zlib
from pathlib import Path

from kg.ingest import Article
from kg.nlp.facts import ArticleFacts
from kg.nlp.mention import ArticleMentions
from kg.nlp.packed import PackedExtraction

SIGNATURE = "SIGNATURE"
_BUCKET = re.compile(r"[0-9a-f]{16}")
_UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError, zlib.error)


class ExtractionCache:
    """Per-article extraction results, keyed by everything they depend on.

    Each is kept as `kg.nlp.packed.PackedExtraction` holds it (mentions and facts pickled and
    compressed apart), so that a build reads a stored article's extraction without unpickling and
    packing it again (`get_packed`). Entries of the layout before the folders per signature (in DIR
    itself) were made by another kg: never read, removed by `prune()`."""

    def __init__(self, folder: Path, signature: str):
        self.folder, self.signature = folder, signature
        self.reused = 0  # extractions `get_packed` found
        self.entries = folder / hashlib.sha256(signature.encode()).hexdigest()[:16]
        self.entries.mkdir(parents=True, exist_ok=True)
        if not (self.entries / SIGNATURE).is_file():
            (self.entries / SIGNATURE).write_text(signature + "\n", encoding="utf-8")

    def _name(self, article: Article) -> str:
        fields = (self.signature, article.key, article.text, article.title, article.published, article.publisher,
                  article.url)
        return hashlib.sha256(repr(fields).encode("utf-8", "surrogatepass")).hexdigest()

    def get_packed(self, article: Article) -> PackedExtraction | None:
        """The article's extraction as the build keeps it, or None (not cached, stale or damaged)."""
        try:
            mentions, facts = pickle.loads((self.entries / f"{self._name(article)}.packed").read_bytes())
            if isinstance(mentions, bytes) and isinstance(facts, bytes):
                zlib.decompress(mentions), zlib.decompress(facts)  # checked whole (not unpickled)
                self.reused += 1
                return PackedExtraction(article.key, mentions, facts)
        except (FileNotFoundError, *_UNREADABLE):
            pass  # not cached, or a damaged entry: extract again
        return None

    def get(self, article: Article) -> tuple[ArticleMentions, ArticleFacts] | None:
        packed = self.get_packed(article)
        if packed is None:
            return None
        try:
            return packed.unpack()
        except _UNREADABLE:
            return None

    def put(self, article: Article, packed: PackedExtraction) -> None:
        from kg.export.atomic import write_atomic

        data = pickle.dumps((packed.mentions_data, packed.facts_data), protocol=5)
        write_atomic(self.entries / f"{self._name(article)}.packed", lambda tmp: tmp.write_bytes(data))

    def others(self) -> list[Path]:
        """What other signatures left: their folders, and the entries older kgs wrote in the folder itself
        (packed, or the mentions and facts pickled whole)."""
        found = []
        for path in sorted(self.folder.iterdir()):
            if path.is_dir() and path != self.entries and _BUCKET.fullmatch(path.name):
                found.append(path)
            elif path.is_file() and path.suffix in (".packed", ".pickle"):
                found.append(path)
        return found

    def prune(self) -> tuple[int, int]:
        """Remove every entry another kg or other settings made: (entries, bytes) removed."""
        entries = size = 0
        for path in self.others():
            files = [f for f in path.iterdir() if f.suffix == ".packed"] if path.is_dir() else [path]
            entries += len(files)
            size += sum(f.stat().st_size for f in files)
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        return entries, size
