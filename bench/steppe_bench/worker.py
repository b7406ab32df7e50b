"""One benchmark process: warm up, then time every pipeline stage on a warehouse built from one folder.

Run by the runner as `python -m steppe_bench.worker SPEC.json`, one fresh process per size, so each
size's peak memory is its own (dbt and GX run in this process, as in run_pipeline). Steps:

1. import the heavy modules (dbt, GX, the extractors' gazetteers) and run the whole pipeline once
   on one seed dump ("warm-up": what a cold process pays once, reported apart);
2. optionally, `empty_repeats` times: one new dump into an empty warehouse;
3. the full build of the folder's N dumps into a fresh warehouse;
4. one new dump added to that folder, and the pipeline run again on the N-dump warehouse.

Each stage is called as run_pipeline calls it (pipeline_calls.run_stages), timed, and watched by a
sampler thread (memory.RssSampler) that reads this process's resident set size every 20 ms (peak
per stage), and the proportional set size of this process and its children while a stage runs a
worker pool (forked extraction workers), as often as its cost allows (memory.TREE_COST_RATIO).
With `profile_dir`, each stage of steps 3 and 4 also runs under pyinstrument (text, HTML and a
.pyisession per stage; timings then include its overhead; it follows the main thread only).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from steppe_bench.configs import create_catalog, lake_fields, warehouse_bytes
from steppe_bench.memory import RssSampler, rss_bytes
from steppe_bench.pipeline_calls import (
    PROJECT_ROOT,
    STAGE_RENAMES,
    FanOut,
    Settings,
    bench_settings,
    count_entities,
    count_trade_figures,
    dbt_target_dir,
    mart_row_counts,
    run_stages,
    warm_worker,
)

BENCH_DIR = Path(__file__).resolve().parents[1]  # what holds this package: the worker's import path

# --------------------------------------------------------------------------------------------------
# Starting a worker (in the runner's process)


def worker_spec(n: int | str, root: Path, raw_dir: Path, warm_up_dump: Path, **steps: Any) -> dict[str, Any]:
    """What one worker does (spec.json): the warm-up and full build always; steps adds plus_one,
    empty_dump with empty_repeats, and profile_dir (paths as strings, or None), and the configuration:
    backend ("file" or "ducklake", whose catalogs are named catalog_prefix_<tag>), workers (0: the
    stages in this process, as `steppe run`; else that many batch worker processes), batch_size and
    memory_limit (Settings.duckdb_memory_limit)."""
    return {
        "backend": steps.get("backend", "file"),
        "workers": steps.get("workers", 0),
        "batch_size": steps.get("batch_size"),
        "memory_limit": steps.get("memory_limit") or "",
        "catalog_prefix": steps.get("catalog_prefix"),
        "n": n,
        "root": str(root),
        "raw_dir": str(raw_dir),
        "plus_one": steps.get("plus_one"),
        "warm_up_dump": str(warm_up_dump),
        "empty_dump": steps.get("empty_dump"),
        "empty_repeats": steps.get("empty_repeats", 0),
        "profile_dir": steps.get("profile_dir"),
        "result": str(root / "result.json"),
    }


def run_worker(spec: dict[str, Any], log: Path) -> dict[str, Any]:
    """Run one worker process on spec and return its result.json (raises, with the log's tail, if it failed)."""
    spec_path = Path(spec["root"]) / "spec.json"
    spec_path.parent.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(json.dumps(spec, indent=2))
    env = {**os.environ, "DO_NOT_TRACK": "1", "GX_ANALYTICS_ENABLED": "false", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, (str(BENCH_DIR), os.environ.get("PYTHONPATH"))))}
    with open(log, "w") as handle:
        proc = subprocess.run(  # noqa: S603  our own interpreter and module
            [sys.executable, "-m", "steppe_bench.worker", str(spec_path)],
            stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT, check=False,
        )
    result = Path(spec["result"])
    if proc.returncode != 0 or not result.exists():
        tail = log.read_text(errors="replace").splitlines()[-30:]
        raise RuntimeError(f"benchmark worker for N={spec['n']} failed ({proc.returncode}); log {log}:\n" +
                           "\n".join(tail))
    data: dict[str, Any] = json.loads(result.read_text())
    return data


# --------------------------------------------------------------------------------------------------
# The worker process


@contextmanager
def _profiled(profile_dir: Path | None, name: str) -> Iterator[None]:
    if profile_dir is None:
        yield
        return
    from pyinstrument import Profiler

    profile_dir.mkdir(parents=True, exist_ok=True)
    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        (profile_dir / f"{name}.txt").write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        (profile_dir / f"{name}.html").write_text(profiler.output_html())
        if profiler.last_session is not None:  # re-render later: pyinstrument --load=FILE -r text --show-all
            profiler.last_session.save(str(profile_dir / f"{name}.pyisession"))


def timed_run(
    settings: Settings, sampler: RssSampler, profile_dir: Path | None = None, fan_out: FanOut | None = None
) -> dict[str, Any]:
    """One whole pipeline run, each stage timed and memory-watched (with fan_out: parse and extract
    as plan, batches in its worker processes, merge; their phases and the workers' peaks recorded)."""
    stages: dict[str, dict[str, Any]] = {}
    results: dict[str, Any] = {}

    def timed(label: str, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        with sampler.window() as memory, _profiled(profile_dir, label):
            started = time.perf_counter()
            try:
                out = call()
            finally:
                stages[label] = {"seconds": time.perf_counter() - started}
        stages[label].update(memory)
        if label == STAGE_RENAMES["build"]:
            stages[label]["slowest_nodes"] = _slowest_dbt_nodes(settings)
        return out

    started = time.perf_counter()
    error = None
    if fan_out is not None:
        fan_out.phases.clear()
    try:
        run_stages(settings, timed, results, fan_out)
    except Exception as exc:  # reported, not raised: the other sizes still run
        error = f"{type(exc).__name__}: {exc}"
    total = time.perf_counter() - started
    workers = _fan_out_phases(stages, fan_out)
    size = _warehouse_bytes(settings)
    return {
        "warehouse_mb": size["total"] / 1e6 if size else None,
        "worker_peak_rss_mb": workers,
        "warehouse_bytes": size,
        "mart_rows": _mart_rows(settings) if error is None else None,
        "seconds": total,
        "stages": stages,
        "results": _compact(results),
        "peak_rss_mb": max((s.get("peak_rss_mb", 0.0) for s in stages.values()), default=0.0),
        "peak_with_children_mb": max((s.get("peak_with_children_mb", 0.0) for s in stages.values()), default=0.0),
        "error": error,
    }


def _fan_out_phases(stages: dict[str, dict[str, Any]], fan_out: FanOut | None) -> dict[str, float]:
    """Each fanned-out stage's phases into its entry; the peak RSS of each worker process over the run."""
    peaks: dict[str, float] = {}
    for name, phase in (fan_out.phases if fan_out else {}).items():
        label = STAGE_RENAMES.get(name, name)
        if label in stages:
            stages[label]["fan_out"] = phase
        for pid, mb in phase["worker_peak_rss_mb"].items():
            peaks[pid] = max(peaks.get(pid, 0.0), mb)
    return peaks


def _warehouse_bytes(settings: Settings) -> dict[str, int] | None:
    try:
        return warehouse_bytes(settings.warehouse, settings.lake_catalog, settings.lake_data_path)
    except Exception:  # noqa: BLE001  a size we cannot read is reported missing, the run still counts
        return None


def _mart_rows(settings: Settings) -> dict[str, int] | None:
    try:
        return mart_row_counts(settings)
    except Exception:  # noqa: BLE001  no published warehouse: the comparison reports it missing
        return None


def _compact(results: dict[str, Any]) -> dict[str, Any]:
    """Stage results without their long lists (GX's checks, rejections)."""
    out = {}
    for stage, value in results.items():
        if isinstance(value, dict):
            value = {
                k: (len(v) if isinstance(v, list) and k in {"rejections", "blocking_failures", "warnings"} else v)
                for k, v in value.items()
            }
            if stage == "validate":
                value["blocking_failures_detail"] = (results[stage].get("blocking_failures") or [])[:5]
                value["warnings_detail"] = (results[stage].get("warnings") or [])[:5]
        out[stage] = value
    return out


def _slowest_dbt_nodes(settings: Settings, top: int = 12) -> list[dict[str, Any]]:
    """The dbt nodes that took longest in the last build (its run_results.json)."""
    path = dbt_target_dir(settings) / "run_results.json"
    try:
        results = json.loads(path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return []
    total = sum(r.get("execution_time") or 0.0 for r in results)
    slowest = sorted(results, key=lambda r: r.get("execution_time") or 0.0, reverse=True)[:top]
    return [{"node": r["unique_id"], "seconds": round(r["execution_time"], 3)} for r in slowest] + [
        {"node": f"(sum over {len(results)} nodes)", "seconds": round(total, 3)}
    ]


def warm_up(settings: Settings, seed_dump: Path, sampler: RssSampler, fan_out: FanOut | None) -> dict[str, Any]:
    """Imports, then one whole run on a single dump: the one-time cost of a fresh process."""
    started = time.perf_counter()
    import dbt.cli.main  # noqa: F401
    import great_expectations  # noqa: F401

    count_entities("Kazakhstan and Uzbekistan", "Astana and Tashkent signed a deal worth $1 billion.")
    count_trade_figures("Trade", "Kazakhstan exported 1 million tonnes of wheat to China in 2023.", None)
    imports = time.perf_counter() - started
    settings.raw_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(seed_dump, settings.raw_dir / seed_dump.name)
    run = timed_run(settings, sampler, fan_out=fan_out)
    return {"imports_seconds": imports, "run": run}


def warm_parse_cache(source: Settings, target: Settings) -> None:
    """Give a warehouse the dbt partial-parse file another one's last build left."""
    cache = dbt_target_dir(source) / "partial_parse.msgpack"
    if cache.exists():
        dbt_target_dir(target).mkdir(parents=True, exist_ok=True)
        shutil.copy2(cache, dbt_target_dir(target) / cache.name)


def make_settings(spec: dict[str, Any], root: Path, raw_dir: Path, tag: str) -> Settings:
    """The settings of one warehouse of this worker's configuration; a lake gets a fresh catalog
    database (catalog_prefix_tag, dropped by the runner) and a data folder under root."""
    fields: dict[str, Any] = {}
    if spec.get("batch_size"):
        fields["batch_size"] = int(spec["batch_size"])
    if spec.get("memory_limit"):
        fields["duckdb_memory_limit"] = str(spec["memory_limit"])
    if spec.get("backend") == "ducklake":
        name = f"{spec['catalog_prefix']}_{tag}"
        create_catalog(name)
        fields.update(lake_fields(name, root / "lake-data"))
    return bench_settings(root, raw_dir, **fields)


def empty_runs(
    spec: dict[str, Any], dump: Path, warm: Settings, sampler: RssSampler, fan_out: FanOut | None
) -> list[dict[str, Any]]:
    """`repeats` runs of one new dump into an empty warehouse each."""
    runs = []
    root = Path(spec["root"])
    for r in range(int(spec.get("empty_repeats", 0))):
        empty_root = root / f"empty_{r}"
        (empty_root / "raw").mkdir(parents=True, exist_ok=True)
        shutil.copy2(dump, empty_root / "raw" / dump.name)
        settings = make_settings(spec, empty_root, empty_root / "raw", f"e{r}")
        # Like the N-dump warehouse's next run, start with dbt's parse cache warm: the comparison
        # is of what the data costs, not of a warehouse's very first dbt parse.
        warm_parse_cache(warm, settings)
        runs.append(timed_run(settings, sampler, fan_out=fan_out))
        shutil.rmtree(empty_root, ignore_errors=True)
    return runs


def _pool(workers: int) -> Any:
    """workers batch worker processes (spawned, as separate as Celery workers), imports loaded; None for 0."""
    if not workers:
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    list(pool.map(warm_worker, range(workers)))
    return pool


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    root = Path(spec["root"])
    raw_dir = Path(spec["raw_dir"])
    profile_dir = Path(spec["profile_dir"]) if spec.get("profile_dir") else None
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    sampler = RssSampler()
    out: dict[str, Any] = {"n": spec["n"], "pid": os.getpid(), "rss_at_start_mb": rss_bytes() / 1e6,
                           "backend": spec.get("backend", "file"), "workers": spec.get("workers", 0)}
    pool = _pool(int(spec.get("workers") or 0))
    fan_out = FanOut(pool) if pool is not None else None
    try:
        _steps(spec, out, sampler, fan_out, root, raw_dir, profile_dir)
    finally:
        if pool is not None:
            pool.shutdown()
    out["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    sampler.close()
    Path(spec["result"]).write_text(json.dumps(out, indent=2, default=str))


def _steps(spec: dict[str, Any], out: dict[str, Any], sampler: RssSampler, fan_out: FanOut | None,
           root: Path, raw_dir: Path, profile_dir: Path | None) -> None:
    """Warm-up, the empty-warehouse runs, the full build and one new dump, into out."""
    warm = make_settings(spec, root / "warm_up", root / "warm_up" / "raw", "warm")
    out["warm_up"] = warm_up(warm, Path(spec["warm_up_dump"]), sampler, fan_out)
    out["rss_after_warm_up_mb"] = rss_bytes() / 1e6

    empty_dump = spec.get("empty_dump")
    out["empty_runs"] = empty_runs(spec, Path(empty_dump), warm, sampler, fan_out) if empty_dump else []

    settings = make_settings(spec, root / "full", raw_dir, "full")
    out["full"] = timed_run(settings, sampler, profile_dir / "full" if profile_dir else None, fan_out)

    plus_one = spec.get("plus_one")
    if plus_one and not out["full"]["error"]:
        shutil.copy2(plus_one, raw_dir / Path(plus_one).name)
        out["plus_one"] = timed_run(settings, sampler, profile_dir / "plus_one" if profile_dir else None, fan_out)


if __name__ == "__main__":
    main(sys.argv[1])
