"""How `kg build` runs (in this process, or on a Dask cluster) and what it says when it is done."""

from __future__ import annotations

from pathlib import Path

import click

from kg.config import usable_cores


def skipped_outputs(names: str, out_dir: Path | None, shards: Path | None) -> frozenset[str]:
    """`--skip NAME,NAME`: the outputs a build leaves out (kg.run.outputs SKIPPABLE)."""
    from kg.run.outputs import SKIPPABLE

    chosen = frozenset(n.strip() for n in names.split(",") if n.strip())
    unknown = sorted(chosen - SKIPPABLE.keys())
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: not an output that can be left out (one of "
                                 f"{', '.join(SKIPPABLE)})", param_hint="--skip")
    if chosen and (out_dir is None or shards is not None):
        raise click.UsageError("--skip goes with -o OUT, and not with --shards")
    return chosen


def run_build(inputs, out_dir, settings, progress, store_dir, engine, scheduler, partition_size, connect_timeout,
              worker_timeout, shards=None, cache_dir=None):
    """The build on the engine asked for: this process, or a Dask cluster."""
    from kg.run.build import build
    from kg.run.dask_engine import DaskEngine

    if engine == "dask":
        cluster = DaskEngine(scheduler, partition_size, settings.n_process or usable_cores(), connect_timeout,
                             worker_timeout)
        return _build_on_dask(inputs, out_dir, settings, progress, store_dir, cluster, shards, cache_dir)
    return build(inputs, out_dir, settings, progress, store_dir, cache_dir=cache_dir)


def _build_on_dask(inputs, out_dir, settings, progress, store_dir, engine, shards=None, cache_dir=None):
    """A build whose extraction (with `shards`, all) runs on a Dask cluster, connected to or started here."""
    from kg.run.build import build
    from kg.run.sharded import build_sharded

    with engine:
        result = (build_sharded(inputs, out_dir, settings, engine, shards, progress, store_dir) if shards is not None
                  else build(inputs, out_dir, settings, progress, store_dir, engine, cache_dir))
    if engine.partitions:
        click.echo(f"dask: {engine.partitions} partition(s) extracted on {len(engine.workers_used)} worker(s)"
                   + (f"; their graphs written as shards into {shards}" if shards is not None else ""), err=True)
    return result


def say_built(result, target: str, cache_dir: Path | None, store_dir: Path | None = None) -> None:
    """On stderr: the inputs skipped, what was built, and what the cache and the store did."""
    for skipped in result.skipped:
        click.echo(f"skipped {skipped.source}: {skipped.reason}", err=True)
    totals = result.report["totals"]
    click.echo(
        f"built {totals['articles']} article(s): {totals['entities']} entities, "
        f"{totals['mentions']} mentions, {totals['quads']} quads -> {target}", err=True
    )
    if cache_dir is not None:
        click.echo(f"cache: {result.reused} of {totals['articles']} article(s) not parsed again ({cache_dir})", err=True)
    _say_cache_kept(result, cache_dir, store_dir)
    if "store" in result.report:
        changes = result.report["store"]
        click.echo(f"store: {len(changes['graphs_added'])} graph(s) added, {len(changes['graphs_replaced'])} "
                   f"replaced, {changes['graphs_unchanged']} unchanged", err=True)


def _say_cache_kept(result, cache_dir: Path | None, store_dir: Path | None) -> None:
    """What --prune-cache removed, or that the cache holds entries no build of this kg will read."""
    from kg.dataset.store import CACHE

    folder = cache_dir if cache_dir is not None else store_dir / CACHE if store_dir is not None else None
    if result.cache_pruned is not None:
        entries, size = result.cache_pruned
        click.echo(f"cache: {entries} entries another kg or other settings made removed ({size / 1e6:.1f} MB, "
                   f"{folder})", err=True)
    elif result.cache_others:
        click.echo(f"cache: {folder} also holds entries another kg or other settings made, which this kg never "
                   "reads (--prune-cache removes them)", err=True)
