"""Shared fixtures: the seed dumps, and one real warehouse built from them for the integration tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from steppe.config import PROJECT_ROOT, Settings

BUNDLED_RAW = PROJECT_ROOT / "data" / "raw"  # the three real dumps bundled with the project
SHARED = PROJECT_ROOT.parent / "shared"  # spec, gold labels and scorer, beside the clone
SEED_NAMES = sorted(p.stem for p in BUNDLED_RAW.glob("*.txt"))

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def age(path: Path, seconds: float = 60) -> None:
    """Backdate a file so landing does not take it for one still being written."""
    stamp = path.stat().st_mtime - seconds
    os.utime(path, (stamp, stamp), follow_symlinks=False)


def make_settings(root: Path, raw_dir: Path | None = None) -> Settings:
    return Settings(
        raw_dir=raw_dir or root / "raw",
        warehouse=root / "warehouse" / "warehouse.duckdb",
        reports_dir=root / "reports",
    )


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, dict[str, object]]]:
    """A warehouse built by every stage of the pipeline (real dbt, real GX) from the bundled dumps."""
    from steppe.pipeline import run_pipeline

    root = tmp_path_factory.mktemp("seed_run")
    settings = make_settings(root)
    shutil.copytree(BUNDLED_RAW, settings.raw_dir)
    for dump in settings.raw_dir.iterdir():
        age(dump)
    results = run_pipeline(settings)
    yield settings, results
