"""One benchmark process: warm up, then time every pipeline stage on a warehouse built from one folder.

Run by the runner as `python -m steppe.bench.worker SPEC.json`, one fresh process per size, so each
size's peak memory is its own (dbt and GX run in this process, as in run_pipeline). Steps:

1. import the heavy modules (dbt, GX, the extractors' gazetteers) and run the whole pipeline once
   on one seed dump ("warm-up": what a cold process pays once, reported apart);
2. optionally, `empty_repeats` times: one new dump into an empty warehouse;
3. the full build of the folder's N dumps into a fresh warehouse;
4. one new dump added to that folder, and the pipeline run again on the N-dump warehouse.

Each stage is called directly from steppe.pipeline (prepare, pipeline.STAGES in order, validate,
publish, as run_pipeline runs them), timed, and watched by a sampler thread that
reads this process's resident set size every 20 ms (peak per stage), and the proportional set size
of this process and its children while a stage runs a worker pool (forked extraction workers).
With `profile_dir`, each stage of steps 3 and 4 also runs under pyinstrument (text, HTML and a
.pyisession per stage; timings then include its overhead; it follows the main thread only).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from steppe.config import Settings

# The bench's names of the pipeline's stages (bench.json, tables): pipeline.STAGES' own names
# except for these two. tests/unit/test_bench_generator.py checks STAGE_NAMES against pipeline.STAGES.
STAGE_RENAMES = {"build": "dbt_build", "validate": "gx_validate"}
STAGE_NAMES = ("prepare", "land", "parse", "extract", "dbt_build", "gx_validate", "publish")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """Resident set size of this process now (Linux /proc; elsewhere the peak so far)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _children() -> list[int]:
    """Pids of this process's children (worker pools of the stages), from /proc."""
    pids: list[int] = []
    try:
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/children") as handle:
                pids += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return pids


def _pss(pid: int | str) -> int:
    """Proportional set size: shared pages divided among the processes sharing them (fork)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def memory_bytes() -> tuple[int, int]:
    """(RSS of this process, memory of this process and its children).

    Without children the second is the RSS too. With children (a forked worker pool) it is the
    sum of their proportional set sizes, so pages shared after fork count once, not per process.
    """
    own = rss_bytes()
    children = _children()
    if not children:
        return own, own
    return own, max(own, _pss("self") + sum(_pss(pid) for pid in children))


class RssSampler:
    """A daemon thread that keeps the highest memory seen since the current window opened:
    this process's RSS, and this process with its child processes (PSS, see memory_bytes)."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self._peak = self._peak_tree = rss_bytes()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> int:
        own, tree = memory_bytes()
        with self._lock:
            self._peak = max(self._peak, own)
            self._peak_tree = max(self._peak_tree, tree)
        return own

    @contextmanager
    def window(self) -> Iterator[dict[str, float]]:
        """Yields a dict filled on exit (MB): RSS at start and end, the peak RSS in between, and the
        peak of this process with its children (worker pools)."""
        start = self.sample()
        with self._lock:
            self._peak = self._peak_tree = start
        out: dict[str, float] = {}
        try:
            yield out
        finally:
            end = self.sample()
            with self._lock:
                peak, tree = self._peak, self._peak_tree
            out.update(
                rss_start_mb=start / 1e6,
                rss_end_mb=end / 1e6,
                peak_rss_mb=max(peak, end) / 1e6,
                peak_with_children_mb=max(tree, peak, end) / 1e6,
            )

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


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


def _settings(root: Path, raw_dir: Path) -> Settings:
    return Settings(raw_dir=raw_dir, warehouse=root / "warehouse" / "warehouse.duckdb", reports_dir=root / "reports",
                    settle_seconds=0)


def run_stages(settings: Settings, sampler: RssSampler, profile_dir: Path | None = None) -> dict[str, Any]:
    """The stages of run_pipeline, one by one, each timed and memory-watched."""
    from steppe import pipeline

    stages: dict[str, dict[str, Any]] = {}
    results: dict[str, Any] = {}

    def timed(name: str, fn: Callable[..., dict[str, Any]], *args: Any, **kwargs: Any) -> dict[str, Any]:
        label = STAGE_RENAMES.get(name, name)
        with sampler.window() as memory, _profiled(profile_dir, label):
            started = time.perf_counter()
            try:
                out = fn(*args, **kwargs)
            finally:
                stages[label] = {"seconds": time.perf_counter() - started}
        stages[label].update(memory)
        return out

    started = time.perf_counter()
    error = None
    run_id = None
    try:
        run_id = timed("prepare", pipeline.prepare, settings)["run_id"]
        for stage in pipeline.STAGES[:-1]:  # validate and publish are timed below
            name = stage.name
            results[name] = timed(name, getattr(pipeline, name), run_id, settings)
            if name == "build":
                stages[STAGE_RENAMES[name]]["slowest_nodes"] = _slowest_dbt_nodes(settings)
        results["validate"] = timed("validate", pipeline.validate, run_id, settings, results)
        results["publish"] = timed("publish", pipeline.publish, run_id, settings, results)
    except Exception as exc:  # reported, not raised: the other sizes still run
        error = f"{type(exc).__name__}: {exc}"
        if run_id is not None and not isinstance(exc, pipeline.QualityGateError):  # validate records its own
            _record_failure(settings, run_id, error)
    total = time.perf_counter() - started
    return {
        "seconds": total,
        "stages": stages,
        "results": _compact(results),
        "peak_rss_mb": max((s.get("peak_rss_mb", 0.0) for s in stages.values()), default=0.0),
        "peak_with_children_mb": max((s.get("peak_with_children_mb", 0.0) for s in stages.values()), default=0.0),
        "warehouse_mb": settings.warehouse.stat().st_size / 1e6 if settings.warehouse.exists() else None,
        "error": error,
    }


def _record_failure(settings: Settings, run_id: str, reason: str) -> None:
    """Mark the run failed in the warehouse's ledger, as run_pipeline does."""
    from steppe.pipeline import record_failure
    from steppe.runs import RunPaths

    if RunPaths.of(settings, run_id).run_dir.exists():
        record_failure(settings, run_id, RuntimeError(reason))


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
    path = settings.state_dir / "dbt" / "target" / "run_results.json"
    try:
        results = json.loads(path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return []
    total = sum(r.get("execution_time") or 0.0 for r in results)
    slowest = sorted(results, key=lambda r: r.get("execution_time") or 0.0, reverse=True)[:top]
    return [{"node": r["unique_id"], "seconds": round(r["execution_time"], 3)} for r in slowest] + [
        {"node": f"(sum over {len(results)} nodes)", "seconds": round(total, 3)}
    ]


def warm_up(settings: Settings, seed_dump: Path, sampler: RssSampler) -> dict[str, Any]:
    """Imports, then one whole run on a single dump: the one-time cost of a fresh process."""
    started = time.perf_counter()
    import dbt.cli.main  # noqa: F401
    import great_expectations  # noqa: F401

    from steppe.extraction.entities import extract_entities
    from steppe.extraction.figures import extract_trade_figures

    extract_entities("Kazakhstan and Uzbekistan", "Astana and Tashkent signed a deal worth $1 billion.")
    extract_trade_figures("Trade", "Kazakhstan exported 1 million tonnes of wheat to China in 2023.", None)
    imports = time.perf_counter() - started
    settings.raw_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(seed_dump, settings.raw_dir / seed_dump.name)
    run = run_stages(settings, sampler)
    return {"imports_seconds": imports, "run": run}


def warm_parse_cache(source_state_dir: Path, target_state_dir: Path) -> None:
    """Give a warehouse (its state dir) the dbt partial-parse file another's last build left."""
    cache = Path("dbt") / "target" / "partial_parse.msgpack"
    if (source_state_dir / cache).exists():
        (target_state_dir / cache).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source_state_dir / cache, target_state_dir / cache)


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    root = Path(spec["root"])
    raw_dir = Path(spec["raw_dir"])
    profile_dir = Path(spec["profile_dir"]) if spec.get("profile_dir") else None
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    sampler = RssSampler()
    out: dict[str, Any] = {"n": spec["n"], "pid": os.getpid(), "rss_at_start_mb": rss_bytes() / 1e6}

    warm_settings = _settings(root / "warm_up", root / "warm_up" / "raw")
    out["warm_up"] = warm_up(warm_settings, Path(spec["warm_up_dump"]), sampler)
    out["rss_after_warm_up_mb"] = rss_bytes() / 1e6

    empty_dump = spec.get("empty_dump")
    out["empty_runs"] = []
    for r in range(int(spec.get("empty_repeats", 0)) if empty_dump else 0):
        empty_root = root / f"empty_{r}"
        (empty_root / "raw").mkdir(parents=True, exist_ok=True)
        shutil.copy2(empty_dump, empty_root / "raw" / Path(empty_dump).name)
        empty_settings = _settings(empty_root, empty_root / "raw")
        # Like the N-dump warehouse's next run, start with dbt's parse cache warm: the comparison
        # is of what the data costs, not of a warehouse's very first dbt parse.
        warm_parse_cache(warm_settings.state_dir, empty_settings.state_dir)
        out["empty_runs"].append(run_stages(empty_settings, sampler))
        shutil.rmtree(empty_root, ignore_errors=True)

    full_root = root / "full"
    settings = _settings(full_root, raw_dir)
    out["full"] = run_stages(settings, sampler, profile_dir / "full" if profile_dir else None)

    plus_one = spec.get("plus_one")
    if plus_one and not out["full"]["error"]:
        shutil.copy2(plus_one, raw_dir / Path(plus_one).name)
        out["plus_one"] = run_stages(settings, sampler, profile_dir / "plus_one" if profile_dir else None)

    out["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    sampler.close()
    Path(spec["result"]).write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main(sys.argv[1])
