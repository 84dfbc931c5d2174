"""The `kg` command line: build a dataset from articles, query, validate, serve and score it.

Errors: a KgError (kg/errors.py) is printed as `error: MESSAGE` with its exit status (README: Exit
statuses); any other exception is a bug and keeps its traceback (exit status 70 from `kg`).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from kg import __version__
from kg.cli_build import run_build, say_built, skipped_outputs
from kg.cli_options import KgGroup, format_option, model_option, out_dir_argument
from kg.config import CONNECT_TIMEOUT, DEFAULT_BASE_IRI, DEFAULT_PARTITION_SIZE, WORKER_TIMEOUT, Settings
from kg.errors import BAD_INPUT, INTERNAL, REFUSED, InputError

_DEFAULTS = Settings()


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """Build and query an event knowledge graph from news articles."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (created if missing).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Persistent store to add to (created if missing); its articles are built with the inputs.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Keep each article's extraction in DIR (created if missing; not with --store, which keeps its own): "
                   "run again after it was stopped, a build parses only the articles it had not reached.")
@click.option("--prune-cache", is_flag=True,
              help="Remove the entries of the --cache (or the --store's cache) that another kg or other settings made.")
@click.option("--skip", metavar="NAME[,NAME…]", default="",
              help="Outputs not to write, for big corpora: trig, jsonld, graphml, gexf, view (an earlier build's are removed).")
@model_option("spaCy pipeline to load")
@click.option("--base-iri", default=DEFAULT_BASE_IRI, show_default=True, help="Base of every minted IRI.")
@click.option("--batch-size", default=_DEFAULTS.batch_size, show_default=True, help="Articles per spaCy batch.")
@click.option("--processes", "n_process", default=0, show_default=True,
              help="spaCy worker processes; 0 = auto: 2 when a core is free (cores minus load average >= 1) and there "
                   "are 4+ batches of articles, else 1. With --engine dask and no --scheduler: local Dask workers.")
@click.option("--article-timeout", "article_seconds", default=_DEFAULTS.article_seconds, show_default=True,
              help="Seconds an article over 50,000 characters may take; past it, it is skipped.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where extraction runs: in this process, or on the workers of a Dask cluster (needs the dask extra).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler for --engine dask (tcp://HOST:8786); without it, a local cluster of "
                   "--processes worker processes is started and closed.")
@click.option("--partition-size", default=DEFAULT_PARTITION_SIZE, show_default=True,
              help="Articles per Dask task (--engine dask).")
@click.option("--shards", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="The whole build on the Dask workers, the graphs as N-Quads shards in DIR (a folder all share).")
@click.option("--connect-timeout", default=CONNECT_TIMEOUT, show_default=True,
              help="Seconds to wait for the --scheduler before giving up.")
@click.option("--worker-timeout", type=click.FloatRange(0, min_open=True), default=WORKER_TIMEOUT, show_default=True,
              help="Seconds the Dask scheduler may have no worker (after connecting, or when all leave) before giving up.")
@click.option("--follow-links", is_flag=True,
              help="Follow links inside an input folder that lead out of it (by default they are skipped and reported).")
@click.option("--max-memory", default="auto", show_default=True, metavar="SIZE",
              help="Memory budget of the build's processes (512M, 8G; auto: 80% of the machine's or cgroup's; 0: none). "
                   "Past it the build stops with exit status 2.")
@click.option("-q", "--quiet", is_flag=True, help="No progress (by default each stage is shown on stderr).")
def build(inputs: tuple[Path, ...], out_dir: Path | None, store_dir: Path | None, cache_dir: Path | None,
          prune_cache: bool, skip: str, model: str | None, base_iri: str,
          batch_size: int, n_process: int, article_seconds: float, engine: str, scheduler: str | None,
          partition_size: int, shards: Path | None, connect_timeout: float, worker_timeout: float, follow_links: bool,
          max_memory: str, quiet: bool) -> None:
    """Build the graph from INPUTS (.txt, .html, .jsonl files or folders) into OUT.

    Writes graph.trig, graph.nq, graph.ttl, graph.jsonld, graph.html, graph.graphml, graph.gexf,
    events.geojson, tables/ and report.json into OUT, and/or adds to the store in STORE. A bad input is reported and skipped;
    exit status 2 if nothing could be built or the memory budget would be exceeded, 3 if the Dask cluster gave out.
    """
    from kg.run.build import NothingToBuild
    from kg.run.dask_engine import EngineError  # dask itself is imported only by --engine dask
    from kg.run.memory import MemoryLimitExceeded, default_limit, memory_budget, parse_size

    if out_dir is None and store_dir is None:
        raise click.UsageError("give -o OUT, --store DIR, or both")
    for name, value in (("--scheduler", scheduler), ("--shards", shards)):
        if engine != "dask" and value is not None:
            raise click.UsageError(f"{name} goes with --engine dask")
    if cache_dir is not None and (store_dir is not None or shards is not None):
        raise click.UsageError("--cache goes without --store (a store keeps its own cache) and --shards")
    if prune_cache and (shards is not None or (cache_dir is None and store_dir is None)):
        raise click.UsageError("--prune-cache goes with --cache DIR or --store DIR, and not with --shards")
    skip_outputs = skipped_outputs(skip, out_dir, shards)
    if partition_size < 1:
        raise click.UsageError("--partition-size must be at least 1")
    target = " and ".join(str(p) for p in (out_dir, store_dir) if p is not None)
    settings = Settings.from_env(model=model, base_iri=base_iri, batch_size=batch_size, n_process=n_process,
                                 article_seconds=article_seconds, follow_links=follow_links, skip_outputs=skip_outputs,
                                 prune_cache=prune_cache)
    from kg.run.progress import Progress

    progress = None if quiet else Progress()
    try:
        budget = default_limit() if max_memory == "auto" else parse_size(max_memory)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--max-memory") from None
    try:
        with memory_budget(budget):
            result = run_build(inputs, out_dir, settings, progress, store_dir, engine, scheduler, partition_size,
                                connect_timeout, worker_timeout, shards, cache_dir)
    except MemoryLimitExceeded as err:
        err.args = (f"{err}; {target}: each output is the previous one or a complete new one",)
        raise
    except (NothingToBuild, EngineError) as err:
        for skipped in getattr(err, "skipped", ()):
            click.echo(f"skipped {skipped.source}: {skipped.reason}", err=True)
        err.args = (f"{err}; {target} left unchanged",)
        raise
    say_built(result, target, cache_dir, store_dir)


@cli.command()
@out_dir_argument()
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("--named", metavar="NAME", help="A query of the shipped library (kg/queries/NAME.rq); --named list lists them.")
@format_option(("table", "csv", "tsv", "json"))
@click.option("--max-width", type=click.IntRange(min=2), default=80, show_default=True,
              help="Widest table cell; longer ones are cut with '…'.")
@click.option("--full", is_flag=True, help="Never cut table cells (overrides --max-width).")
def query(out_dir: Path, query: str | None, query_file: Path | None, named: str | None, fmt: str, max_width: int,
          full: bool) -> None:
    """Run a SPARQL query against a built OUT folder or a store (prefixes schema:, oa:, kgo:, … predeclared).

    SELECT prints a table (or CSV, TSV, SPARQL JSON); ASK prints true or false; CONSTRUCT and DESCRIBE
    print N-Triples. Exit status 1 if the query is refused or invalid, 2 if OUT holds no build."""
    from kg.dataset.load import open_dataset
    from kg.dataset.query import format_results, run_query
    from kg.util.sandbox import drop_network

    given = [q for q in (query, query_file, named) if q is not None]
    if not given:
        raise click.UsageError(f"no query given: add one after {out_dir} (kg query OUT 'SELECT …'), "
                               "or give -f FILE or --named NAME (--named list lists them)")
    if len(given) > 1:
        raise click.UsageError("give one query: a string, -f FILE or --named NAME")
    text = query_file.read_text(encoding="utf-8") if query_file else query
    if named is not None:
        text = _named_query(named)
    if not drop_network():  # a query that slipped past the check could still reach no host
        click.echo("kg query: this system allows no network namespace: SERVICE and LOAD are refused by the "
                   "query check alone", err=True)
    assert text is not None  # one of the three was given
    results = run_query(open_dataset(out_dir), text)
    click.echo(format_results(results, fmt, None if full else max_width), nl=False)


def _named_query(name: str) -> str:
    """The text of a query of the shipped library; `list` prints the names and exits."""
    from importlib.resources import files

    library = files("kg.queries")
    names = sorted(p.name[:-3] for p in library.iterdir() if p.name.endswith(".rq"))
    if name == "list":
        click.echo("\n".join(names))
        sys.exit(0)
    if name not in names:
        raise click.UsageError(f"no query named {name!r}; the library has: {', '.join(names)}")
    return library.joinpath(f"{name}.rq").read_text(encoding="utf-8")


@cli.command()
@out_dir_argument()
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def stats(out_dir: Path, as_json: bool) -> None:
    """What the build in OUT holds: entities by kind, events by type and month, top speakers,
    articles by outlet and month, skipped inputs (also in OUT/report.json under "stats")."""
    import json

    from kg.export.stats import compute_stats, format_stats
    from kg.export.tables import TABLES

    report_path = out_dir / "report.json"
    if not report_path.is_file():
        raise InputError(f"{out_dir}: no report.json here; run `kg build … -o {out_dir}` first")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    numbers = report.get("stats") or compute_stats(out_dir / TABLES, report)
    click.echo(json.dumps(numbers, indent=2, ensure_ascii=False) if as_json else format_stats(numbers), nl=not as_json)
    if as_json:
        click.echo()


@cli.command()
@out_dir_argument("source")
def validate(source: Path) -> None:
    """Check OUT or a STORE against the SHACL shapes and the named-graph layout; exit 1 if it fails,
    2 if SOURCE holds no build."""
    from kg.dataset.store import is_store
    from kg.dataset.validate import store_as_nquads
    from kg.dataset.validate import validate as run_validate
    from kg.util.scratch import scratch_folder

    with scratch_folder("validate") as tmp:
        path = store_as_nquads(source, tmp / "graph.nq") if is_store(source) else source / "graph.nq"
        if not path.is_file():
            raise InputError(f"{source}: neither an output folder (no graph.nq) nor a kg store")
        result = run_validate(path)
    click.echo(result.text(), nl=False)
    sys.exit(0 if result.ok else REFUSED)


@cli.command()
@out_dir_argument("source")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback by default).")
@click.option("--port", default=7878, show_default=True, help="Port (0: any free port).")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds a query may run before it is stopped.")
@click.option("--max-results", default=10_000, show_default=True, help="Most solutions returned (KG-Result-Truncated signals more).")
@click.option("--cors", is_flag=True, help="Allow cross-origin reads (Access-Control-Allow-Origin: *, never with credentials).")
@click.option("--engines", default=4, show_default=True, help="Fast-lane Oxigraph processes (one query each at a time).")
@click.option("--slow-engines", default=2, show_default=True, help="Most queries running at once in the slow lane.")
@click.option("--budget", default=0.5, show_default=True, help="Seconds a query may run in the fast lane before it moves to the slow lane.")
@click.option("--max-bytes", default=16 * 2**20, show_default=True,
              help="Most bytes of an answer read from an engine (KG-Result-Truncated signals more).")
def serve(source: Path, host: str, port: int, timeout: float, max_results: int, cors: bool, engines: int,
          slow_engines: int, budget: float, max_bytes: int) -> None:
    """Serve OUT or a STORE: SPARQL 1.1 Protocol at /sparql (read-only), the view at /, a query page at /query."""
    from kg.serve.server import serve as run_serve

    def ready(url: str) -> None:
        click.echo(f"serving {source}: {url}/sparql (view: {url}/, query page: {url}/query)", err=True)

    try:
        run_serve(source, host, port, timeout, max_results, cors, ready, max(1, engines), max(1, slow_engines),
                  max(0.01, budget), max(1024, max_bytes))
    except OSError as err:  # the address is taken or cannot be bound
        raise InputError(f"{host}:{port}: cannot serve there: {err.strerror or err}") from err


@cli.command(name="eval")
@out_dir_argument()
@click.option("--entities", "entities_gold", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Gold entities (JSON: articles -> [{label, type, aliases}]; the README's Evaluation section).")
@click.option("--facts", "facts_gold", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Gold statements, events and aid packages (JSON; the README's Evaluation section).")
@model_option("spaCy pipeline for the plain-NER baseline")
@format_option(("table", "json"))
@click.option("--targets", "targets", default=None, metavar="SET|FILE",
              help="Floors and targets: a packaged set (dev, articles: kg/eval/targets/SET.json) or a JSON file.")
@click.option("--check", is_flag=True, help="Exit 1 if a score is below its floor in --targets (missed targets are printed).")
def eval_command(out_dir: Path, entities_gold: Path, facts_gold: Path, model: str | None, fmt: str,
                 targets: str | None, check: bool) -> None:
    """Score a build against gold files, beside a plain spaCy NER baseline (exit 1: below a floor with --check)."""
    from kg.eval.evaluate import evaluate, targets_met
    from kg.eval.report import format_report, to_json
    from kg.eval.targets import targets_path

    if check and targets is None:
        click.echo("error: --check needs --targets SET|FILE (the floors to check, e.g. --targets dev)", err=True)
        sys.exit(BAD_INPUT)
    settings = Settings.from_env(model=model)
    result = evaluate(out_dir, entities_gold, facts_gold, settings.model, targets_path(targets) if targets else None)
    click.echo(to_json(result) if fmt == "json" else format_report(result), nl=False)
    if check and not targets_met(result):
        below = ", ".join(g.metric for g in result["goals"] if not g.above_floor)
        click.echo(f"error: below the floor: {below}", err=True)
        sys.exit(REFUSED)


def main() -> None:
    """The `kg` program: a KgError was already reported by the group; anything else is a bug."""
    try:
        cli(prog_name="kg")
    except Exception:  # noqa: BLE001 - a bug: show where, with a status of its own
        traceback.print_exc()
        sys.exit(INTERNAL)
