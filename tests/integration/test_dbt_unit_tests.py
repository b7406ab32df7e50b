"""The dbt project's `unit_tests:` (SQL logic on fixed inputs). The pipeline's builds leave them out,
as dbt advises for production runs; they run here, with the real dbt CLI, against a built warehouse
(dbt reads the tables' columns, and incremental models' unit tests need the model to exist)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from steppe.config import Settings
from steppe.integrations.dbt import DATABASE_VAR, DBT_PROJECT_DIR
from tests.conftest import copy_of

pytestmark = pytest.mark.slow


def test_every_dbt_unit_test_passes(seed_run: tuple[Settings, dict[str, object]], tmp_path: Path) -> None:
    settings, _ = seed_run
    db = copy_of(settings.warehouse, tmp_path / "warehouse")
    env = {**os.environ, "DO_NOT_TRACK": "1"}
    dbt = Path(sys.executable).with_name("dbt")
    proc = subprocess.run(
        [str(dbt), "test", "--select", "test_type:unit", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--vars", json.dumps({DATABASE_VAR: str(db)}),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"), "--no-use-colors"],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    # Only the unit tests: the project's on-run-start hook is listed too (it does nothing outside a build).
    statuses = {r["unique_id"].split(".")[-1]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert set(statuses.values()) == {"pass"}
    # the incremental cases are among them
    assert {"incremental_build_recomputes_only_changed_articles",
            "incremental_build_rewrites_only_changed_articles"} <= set(statuses)
    assert {"latest_version_of_each_file_wins", "figures_failing_the_contract_are_flagged"} <= set(statuses)
    assert len(statuses) >= 9
