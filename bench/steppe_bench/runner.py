"""The whole benchmark (`python -m steppe_bench`): generate dumps, time the pipeline at each size,
compare the extractors with spaCy, write bench.json.

Sizes run one after the other, each in a fresh worker process (worker.py), so that each
has its own peak memory. The largest size also measures the incremental target: the same new dump
(dump number N of the generator) into an empty warehouse and into the N-dump one. Both runs start
in a warm process with dbt's parse cache warm (the N-dump warehouse has its own from the full
build; each empty one gets a copy of the warm-up's), so the ratio compares what the data costs.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from steppe_bench import configs, hostile, summary
from steppe_bench.configs import Config
from steppe_bench.generator import seed_dumps
from steppe_bench.meta import finish_meta, run_meta
from steppe_bench.nlp import compare_nlp, entity_accuracy
from steppe_bench.options import BenchOptions
from steppe_bench.pool import DumpPool, generate_pool, pool_report, size_folder
from steppe_bench.summary import summarise_run
from steppe_bench.worker import run_worker, worker_spec

TARGETS = {
    "full_build_10000_s": summary.TARGET_FULL_BUILD_S,
    "peak_rss_mb": summary.TARGET_PEAK_MB,
    "incremental_ratio": summary.TARGET_INCREMENTAL_RATIO,
    "extraction_vs_spacy": summary.TARGET_NLP_RATIO,
    "hostile_time_ratio": hostile.TARGET_TIME_RATIO,
    "hostile_memory_ratio": hostile.TARGET_MEMORY_RATIO,
}


def _fresh_work(out: Path) -> Path:
    work = out / "work"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    return work


def run_hostile_only(options: BenchOptions, console: Any) -> dict[str, Any]:
    """Only the hostile comparison (`--hostile-only`): written to bench_hostile.json, bench.json left alone."""
    started = time.perf_counter()
    work = _fresh_work(options.out / "hostile_only")
    report: dict[str, Any] = {
        "meta": run_meta(options, []),
        "targets": {"hostile_time_ratio": hostile.TARGET_TIME_RATIO,
                    "hostile_memory_ratio": hostile.TARGET_MEMORY_RATIO},
        "hostile": hostile.run_hostile(work, console, repeats=options.hostile_repeats, keep_work=options.keep_work),
    }
    report["checks"] = hostile.checks(report["hostile"])
    finish_meta(report["meta"], started)
    (options.out / "bench_hostile.json").write_text(json.dumps(report, indent=2, default=str))
    return report


def run_bench(options: BenchOptions, console: Any) -> dict[str, Any]:
    """Every size in every configuration, the incremental comparison, the hostile set and spaCy (as
    options say): bench.json."""
    sizes = sorted(set(options.sizes))
    work = _fresh_work(options.out)
    largest = sizes[-1]
    configs.check_disk(work, largest)
    chosen = configs.configurations(options.backends, options.workers)
    started = time.perf_counter()
    report: dict[str, Any] = {"meta": run_meta(options, sizes), "targets": dict(TARGETS)}
    report["meta"]["configurations"] = [c.label for c in chosen]

    with console.status(f"generating {largest + 1:,} dumps…"):
        pool = generate_pool(work / "pool", largest + 1, options.seed, retain=max(options.nlp_articles, 1))
    report["generator"] = pool_report(pool)
    console.print(
        f"generated {len(pool.files):,} dumps ({sum(pool.sizes) / 1e6:.1f} MB, "
        f"{len(pool.first_seen):,} distinct articles) in {pool.seconds:.1f}s"
    )
    runs = _measure_all(pool, work, sizes, chosen, options, console)
    report["runs"] = runs
    report["sizes"] = runs[chosen[0].label]  # the first configuration's, as before configurations
    report["incremental"] = summary.incremental(report["sizes"], largest)
    report["configurations"] = summary.configurations(runs, largest)
    report["marts_equal"] = {str(n): configs.mart_counts_differ(
        {label: by_size[str(n)]["full"]["mart_rows_published"] for label, by_size in runs.items()}) == []
        for n in sizes}
    if options.hostile:
        report["hostile"] = hostile.run_hostile(work, console, repeats=options.hostile_repeats,
                                                keep_work=options.keep_work)
    if options.nlp:
        report.update(_nlp(pool, options.nlp_articles, console))

    if not options.keep_work:
        shutil.rmtree(work / "pool", ignore_errors=True)
    more = {**hostile.checks(report.get("hostile") or {}), **summary.scale_checks(report, largest)}
    report["checks"] = summary.checks(report, largest, more)
    finish_meta(report["meta"], started)
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "bench.json").write_text(json.dumps(report, indent=2, default=str))
    return report


def _measure_all(
    pool: DumpPool, work: Path, sizes: list[int], chosen: list[Config], options: BenchOptions, console: Any
) -> dict[str, dict[str, Any]]:
    """{configuration: {size: entry}}; the lake catalogs made on the way are dropped, even on failure."""
    prefix = configs.run_prefix()
    runs: dict[str, dict[str, Any]] = {c.label: {} for c in chosen}
    try:
        for n in sizes:
            for config in chosen:
                root = work / f"n{n}" / config.label
                runs[config.label][str(n)] = _measure_size(
                    pool, root, n, n == sizes[-1], options, console, config, f"{prefix}_n{n}_{config.backend}")
                if config.backend == "ducklake":
                    configs.drop_catalogs(f"{prefix}_n{n}_{config.backend}_w{config.workers}_")
    finally:
        if any(c.backend == "ducklake" for c in chosen):
            configs.drop_catalogs(prefix + "_")
    return runs


def _measure_size(
    pool: DumpPool, root: Path, n: int, largest: bool, options: BenchOptions, console: Any,
    config: Config, catalog_prefix: str,
) -> dict[str, Any]:
    """One worker on the pool's first n dumps (and, for the largest size, the empty-warehouse runs)."""
    info = size_folder(pool, root / "raw", n)  # its own folder of links: the +1 dump goes in here
    spec = worker_spec(
        n, root, root / "raw", seed_dumps()[0],
        plus_one=str(pool.files[n]),
        empty_dump=str(pool.files[n]) if largest else None,
        empty_repeats=options.empty_repeats if largest else 0,
        profile_dir=str(options.out / "profile" / f"n{n}" / config.label) if options.profile else None,
        backend=config.backend, workers=config.workers, batch_size=options.batch_size,
        memory_limit=options.memory_limit,
        catalog_prefix=f"{catalog_prefix}_w{config.workers}",
    )
    t0 = time.perf_counter()
    with console.status(f"N={n:,} {config.label}: warm-up, {'empty-warehouse runs, ' if largest else ''}"
                        f"full build, one new dump (log: {root / 'worker.log'})…"):
        data = run_worker(spec, root / "worker.log")
    entry = _size_entry(data, info, n)
    entry["configuration"] = config.label
    entry["worker_seconds"] = round(time.perf_counter() - t0, 1)
    if data.get("plus_one"):
        entry["plus_one"] = summarise_run(data["plus_one"], pool.sizes[n], 1)
    if data.get("empty_runs"):
        entry["empty_runs"] = [summarise_run(r, pool.sizes[n], 1) for r in data["empty_runs"]]
    full = entry["full"]
    console.print(
        f"N={n:,} {config.label}: full build {full['seconds_total']:.1f}s, peak {full['peak_rss_mb_max']:.0f} MB"
        + (f", +1 dump {entry['plus_one']['seconds_total']:.1f}s" if "plus_one" in entry else "")
        + (f" [error: {full['error']}]" if full["error"] else "")
    )
    if not options.keep_work:  # keep spec, result and log; drop dumps, warehouses and reports
        for child in ("full", "warm_up", "raw"):
            shutil.rmtree(root / child, ignore_errors=True)
    return entry


def _size_entry(data: dict[str, Any], info: dict[str, Any], n: int) -> dict[str, Any]:
    """bench.json's entry of one size, from its worker's result."""
    warm = data["warm_up"]
    return {
        "input": info,
        "warm_up": {
            "imports_s": round(warm["imports_seconds"], 2),
            "first_run_s": round(warm["run"]["seconds"], 2),
            "first_run_stages_s": {k: round(v["seconds"], 2) for k, v in warm["run"]["stages"].items()},
        },
        "rss_after_warm_up_mb": round(data["rss_after_warm_up_mb"], 1),
        "full": summarise_run(data["full"], info["bytes"], n),
        "ru_maxrss_mb": round(data["ru_maxrss_mb"], 1),
    }


def _nlp(pool: DumpPool, articles_wanted: int, console: Any) -> dict[str, Any]:
    ids = sorted(pool.first_seen)[:articles_wanted]
    articles = [pool.articles[i] for i in ids]
    with console.status(f"extractors vs spaCy on {len(articles)} articles…"):
        nlp = compare_nlp(articles, pool.first_seen)
    with console.status("entity accuracy on the gold seeds…"):
        accuracy = entity_accuracy()
    return {"nlp": nlp, "entity_accuracy": accuracy}
