"""A build end to end: read inputs, extract mentions, resolve entities, write the outputs.

Outputs are written only once everything is built, each atomically, so a failed build leaves
the previous outputs as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kg import __version__
from kg.config import Settings
from kg.export.network import to_networkx, write_gexf, write_graphml
from kg.export.rdf import sorted_quads, write_dumps
from kg.export.report import build_report, write_report
from kg.export.view import write_view
from kg.graph.build import build_dataset
from kg.graph.iris import IriMinter
from kg.ingest import Article, Inputs, Skipped, read_inputs
from kg.nlp.article_facts import extract_facts
from kg.nlp.extract import extract_mentions
from kg.nlp.facts import ArticleFacts
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.mention import ArticleMentions
from kg.nlp.pipeline import load_pipeline, model_signature
from kg.resolve.facts import resolve_facts
from kg.resolve.resolver import resolve

OUTPUT_FILES = ("graph.trig", "graph.nq", "graph.ttl", "graph.jsonld", "graph.html", "graph.graphml", "graph.gexf",
                "report.json")


class NothingToBuild(Exception):
    """No input produced an article; the output folder was left untouched."""

    def __init__(self, skipped: tuple[Skipped, ...]):
        super().__init__("no article could be read from the inputs")
        self.skipped = skipped


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    report: dict[str, object]
    skipped: tuple[Skipped, ...]


def _published(article: Article) -> date | None:
    try:
        return date.fromisoformat(article.published[:10]) if article.published else None
    except ValueError:
        return None


def extract(articles: Iterable[Article], settings: Settings, gazetteer: Gazetteer,
            progress: Callable[[int], None] | None = None) -> Iterator[tuple[ArticleMentions, ArticleFacts] | Skipped]:
    """Run spaCy over the articles (batched); extract mentions, then facts, from each Doc."""
    nlp = load_pipeline(settings.model, gazetteer)
    signature = model_signature(nlp)
    fitting: dict[str, Article] = {}
    for article in articles:
        if len(article.text) > nlp.max_length:
            yield Skipped(article.source, f"article longer than {nlp.max_length} characters")
        else:
            fitting[article.key] = article
    docs = nlp.pipe(((a.text, a.key) for a in fitting.values()), as_tuples=True,
                    batch_size=settings.batch_size, n_process=settings.n_process)
    for doc, key in docs:
        mentions = extract_mentions(doc, key, gazetteer, signature)
        yield mentions, extract_facts(doc, key, mentions.mentions, gazetteer, _published(fitting[key]))
        if progress:
            progress(1)


def build(inputs: Iterable[str | Path], out_dir: Path, settings: Settings,
          progress_factory: Callable[[int], Callable[[int], None]] | None = None) -> BuildResult:
    """Build the dataset from files and folders and write every output into `out_dir`."""
    read: Inputs = read_inputs(inputs)
    if not read.articles:
        raise NothingToBuild(read.skipped)
    gazetteer = Gazetteer.load()
    progress = progress_factory(len(read.articles)) if progress_factory else None
    extracted, facts, skipped = [], [], list(read.skipped)
    for item in extract(read.articles, settings, gazetteer, progress):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            extracted.append(item[0])
            facts.append(item[1])
    built_keys = {a.article_key for a in extracted}
    articles = tuple(a for a in read.articles if a.key in built_keys)
    if not articles:
        raise NothingToBuild(tuple(skipped))
    labels = {e.key: e.label for e in gazetteer.entries()}
    resolution = resolve(extracted, labels)
    entity_of = {(rm.article_key, rm.mention.start, rm.mention.end): rm.entity_key for rm in resolution.mentions}
    fact_resolution = resolve_facts(facts, entity_of)
    sentences = {f.article_key: f.sentences for f in facts}
    dataset = build_dataset(articles, resolution, gazetteer, IriMinter(settings.base_iri), fact_resolution, sentences,
                            f"kg@{__version__}")
    quads = sorted_quads(dataset)
    write_dumps(quads, out_dir)
    network = to_networkx(dataset)
    write_graphml(network, out_dir / "graph.graphml")
    write_gexf(network, out_dir / "graph.gexf")
    write_view(network, out_dir / "graph.html")
    report = build_report(articles, tuple(sorted(skipped, key=lambda s: (s.source, s.reason))), resolution, len(quads),
                          {"kg_version": __version__, "model": settings.model, "base_iri": settings.base_iri})
    write_report(report, out_dir / "report.json")
    return BuildResult(out_dir, report, tuple(skipped))
