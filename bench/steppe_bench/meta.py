"""What bench.json says of the run itself: revision, machine, versions, options."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import subprocess
import time
from typing import Any

from steppe_bench.options import BenchOptions
from steppe_bench.pipeline_calls import PROJECT_ROOT
from steppe_bench.sources import load_average


def _git_revision() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,  # noqa: S607  git from PATH, a read-only lookup
                             text=True, timeout=10, check=False)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,  # noqa: S607  git from PATH, a read-only lookup
                               capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "") if out.returncode == 0 else None


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("duckdb", "dbt-core", "dbt-duckdb", "great-expectations", "pandas", "pyarrow", "spacy"):
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out


def run_meta(options: BenchOptions, sizes: list[int]) -> dict[str, Any]:
    """Where and how the bench ran: bench.json's "meta" (timings on a shared machine need it)."""
    return {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": _git_revision(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_average(),
        "seed": options.seed,
        "sizes": sizes,
        "profile": options.profile,
        "backends": list(options.backends),
        "workers": list(options.workers),
        "batch_size": options.batch_size,
        "memory_limit": options.memory_limit or None,
        "versions": _versions(),
        "note": "in-process stages (dbt and GX included), one fresh warmed-up process per size; "
                "timings on a shared 2-core machine are noisy",
    }


def finish_meta(meta: dict[str, Any], started: float) -> None:
    """Add the bench's wall time (since the perf_counter reading started) and the load at its end."""
    meta["seconds"] = round(time.perf_counter() - started, 1)
    meta["load_average_at_end"] = load_average()
