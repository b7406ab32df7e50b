"""What the hostile page set costs: a full run over the seeds plus the hostile set (tests/hostile/pages.py)
against a run over the seeds alone, time and peak memory, each in its own fresh worker process
(steppe.bench.worker: warm-up on one seed dump first, then the measured run, every stage timed and
memory-sampled). Targets: at most 2x the time and 1.5x the peak memory of the seeds-only run.

The hostile set is generated, never committed (it holds a 5 MB page): its generator lives with the
tests that use it and is loaded from the source tree, like the entity scorer of tools/.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb

from steppe.bench.generator import SEED_DIR
from steppe.config import PROJECT_ROOT

PAGES_MODULE = PROJECT_ROOT / "tests" / "hostile" / "pages.py"
TARGET_TIME_RATIO = 2.0
TARGET_MEMORY_RATIO = 1.5
SETS = ("seeds", "seeds_hostile")


def load_pages() -> ModuleType | None:
    """tests/hostile/pages.py as a module, when run from a source tree (None in an installed package)."""
    if not PAGES_MODULE.exists():
        return None
    spec = importlib.util.spec_from_file_location("steppe_hostile_pages", PAGES_MODULE)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _copy_seeds(raw: Path) -> list[Path]:
    raw.mkdir(parents=True, exist_ok=True)
    seeds = sorted(SEED_DIR.glob("*.txt"))
    for path in seeds:
        shutil.copy2(path, raw / path.name)  # copy2 keeps the old mtime: settled
    return seeds


def write_sets(root: Path, pages: ModuleType) -> dict[str, Path]:
    """Two raw folders under root: the seeds alone, and the seeds with the hostile set."""
    if root.exists():
        shutil.rmtree(root)
    folders = {name: root / name / "raw" for name in SETS}
    _copy_seeds(folders["seeds"])
    _copy_seeds(folders["seeds_hostile"])
    pages.write_hostile_set(folders["seeds_hostile"], root / "seeds_hostile" / "outside")
    return folders


def folder_input(raw: Path) -> dict[str, Any]:
    """Files and bytes of the *.txt files a run reads (the link out is not read: its size is not counted)."""
    files = [p for p in raw.iterdir() if p.name.lower().endswith(".txt") and not p.is_symlink() and p.is_file()]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def outcomes(warehouse: Path) -> dict[str, Any]:
    """What the run did with the hostile pages: refusals, parse issues, articles stopped at the time budget."""
    if not warehouse.exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        def one(sql: str) -> Any:
            row = con.execute(sql).fetchone()
            return row[0] if row else None

        return {
            "dumps": one("select count(*) from raw.dumps"),
            "refused": one("select count(*) from audit.rejected_dumps"),
            "ignored": one("select count(*) from audit.ignored_files"),
            "parse_over_budget": one("select count(*) from raw.parse_issues where kind = 'over_time_budget'"),
            "extract_over_budget": one(
                "select count(*) from raw.article_extractions where issue like 'over_time_budget%'"),
            "articles": one("select count(*) from marts.articles"),
        }
    finally:
        con.close()


def _spec(root: Path, raw: Path, label: str) -> dict[str, Any]:
    return {
        "n": label,
        "root": str(root),
        "raw_dir": str(raw),
        "plus_one": None,
        "warm_up_dump": str(sorted(SEED_DIR.glob("*.txt"))[0]),
        "empty_dump": None,
        "empty_repeats": 0,
        "profile_dir": None,
        "result": str(root / "result.json"),
    }


def measure(label: str, raw: Path, root: Path, repeats: int, keep_work: bool) -> dict[str, Any]:
    """`repeats` full runs over raw, each in a fresh worker: the median-time run, with every run's total."""
    from steppe.bench.runner import run_worker, summarise_run

    data = folder_input(raw)
    runs: list[dict[str, Any]] = []
    for r in range(repeats):
        run_root = root / f"run_{r}"
        result = run_worker(_spec(run_root, raw, label), root / f"worker_{r}.log")
        summary = summarise_run(result["full"], data["bytes"], data["files"])
        summary["outcomes"] = outcomes(run_root / "full" / "warehouse" / "warehouse.duckdb")
        summary["rss_after_warm_up_mb"] = round(result["rss_after_warm_up_mb"], 1)
        runs.append(summary)
        if not keep_work:
            for child in ("full", "warm_up"):
                shutil.rmtree(run_root / child, ignore_errors=True)
    runs.sort(key=lambda run: run["seconds_total"])
    chosen = runs[len(runs) // 2]
    return {
        **chosen,
        "input_files": data["files"],
        "runs_s": [run["seconds_total"] for run in runs],
        "peak_mb_runs": [run["peak_rss_mb_max"] for run in runs],
        "peak_rss_mb_max": statistics.median(run["peak_rss_mb_max"] for run in runs),
    }


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (the machine is shared: the timings depend on them)."""
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def compare(seeds: dict[str, Any], hostile: dict[str, Any]) -> dict[str, Any]:
    """The two ratios, and each stage's share of the extra time."""
    stages = {}
    extra = hostile["seconds_total"] - seeds["seconds_total"]
    for stage, seconds in hostile["seconds"].items():
        base = seeds["seconds"].get(stage)
        stages[stage] = {
            "seeds_s": base,
            "seeds_hostile_s": seconds,
            "extra_s": round(seconds - (base or 0.0), 3),
            "share_of_extra": round((seconds - (base or 0.0)) / extra, 3) if extra > 0 else None,
            "seeds_peak_mb": seeds["peak_rss_mb"].get(stage),
            "seeds_hostile_peak_mb": hostile["peak_rss_mb"].get(stage),
        }
    return {
        "time_ratio": _ratio(hostile["seconds_total"], seeds["seconds_total"]),
        "memory_ratio": _ratio(hostile["peak_rss_mb_max"], seeds["peak_rss_mb_max"]),
        "stages": stages,
    }


def run_hostile(work: Path, console: Any, *, repeats: int = 1, keep_work: bool = False) -> dict[str, Any]:
    """The hostile comparison for bench.json (its "hostile" entry)."""
    pages = load_pages()
    if pages is None:
        return {"skipped": f"{PAGES_MODULE} not found (the hostile set is generated from the source tree)"}
    started = time.perf_counter()
    root = work / "hostile"
    folders = write_sets(root, pages)
    out: dict[str, Any] = {
        "load_average_at_start": load_average(),
        "repeats": repeats,
        "targets": {"time_ratio": TARGET_TIME_RATIO, "memory_ratio": TARGET_MEMORY_RATIO},
    }
    for name, raw in folders.items():
        with console.status(f"hostile comparison: {name.replace('_', ' + ')}, {repeats} run(s) "
                            f"(log: {root / name / 'worker_0.log'})…"):
            out[name] = measure(name, raw, root / name, repeats, keep_work)
        console.print(f"hostile comparison, {name.replace('_', ' + ')}: {out[name]['seconds_total']:.1f}s, "
                      f"peak {out[name]['peak_rss_mb_max']:.0f} MB"
                      + (f" [error: {out[name]['error']}]" if out[name]["error"] else ""))
    out.update(compare(out["seeds"], out["seeds_hostile"]))
    out["load_average_at_end"] = load_average()
    out["seconds"] = round(time.perf_counter() - started, 1)
    if not keep_work:
        for name in SETS:
            shutil.rmtree(root / name / "raw", ignore_errors=True)
            shutil.rmtree(root / name / "outside", ignore_errors=True)
    return out


def checks(hostile: dict[str, Any]) -> dict[str, Any]:
    """The two targets, as runner._checks reports the others."""
    if "time_ratio" not in hostile:
        return {}
    errors = hostile["seeds"]["error"] or hostile["seeds_hostile"]["error"]
    time_ratio, memory_ratio = hostile["time_ratio"], hostile["memory_ratio"]
    return {
        "hostile_time_ratio": {"value": time_ratio, "target": TARGET_TIME_RATIO,
                               "ok": time_ratio is not None and time_ratio <= TARGET_TIME_RATIO and not errors},
        "hostile_memory_ratio": {"value": memory_ratio, "target": TARGET_MEMORY_RATIO,
                                 "ok": memory_ratio is not None and memory_ratio <= TARGET_MEMORY_RATIO},
    }
