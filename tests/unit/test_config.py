"""Settings: the contract's defaults, a report that follows the warehouse it describes, and every
setting read from the environment in one place (Settings.from_env, at the edge)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from steppe.config import load_settings
from steppe.settings import Settings, find_project_dir

SRC = Path(__file__).resolve().parents[2] / "src" / "steppe"


def test_defaults_are_the_contracts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("STEPPE_RAW_DIR", "STEPPE_WAREHOUSE", "STEPPE_REPORTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.raw_dir == tmp_path / "data" / "raw"
    assert settings.warehouse == tmp_path / "data" / "warehouse.duckdb"
    assert settings.reports_dir == tmp_path / "data" / "reports"


def test_a_side_warehouse_gets_its_own_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("STEPPE_REPORTS_DIR", raising=False)
    monkeypatch.setenv("STEPPE_WAREHOUSE", str(tmp_path / "w" / "warehouse.duckdb"))
    assert load_settings().reports_dir == tmp_path / "w" / "reports"
    monkeypatch.setenv("STEPPE_REPORTS_DIR", str(tmp_path / "elsewhere"))
    assert load_settings().reports_dir == tmp_path / "elsewhere"


def test_every_setting_comes_from_one_environment_read(tmp_path: Path) -> None:
    env = {
        "STEPPE_RAW_DIR": str(tmp_path / "raw"), "STEPPE_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "STEPPE_ALLOWED_ROOTS": f"{tmp_path / 'a'}:{tmp_path / 'b'}", "STEPPE_PAGE_BUDGET_SECONDS": "0.5",
        "STEPPE_MAX_DUMP_BYTES": "4096", "STEPPE_LOCK_WAIT_SECONDS": "2", "STEPPE_STALE_RUN_SECONDS": "60",
        "STEPPE_TASK_TIMEOUT_SECONDS": "120", "STEPPE_PROJECT_DIR": str(tmp_path / "project"),
    }
    settings = Settings.from_env(env)
    assert (settings.page_budget_seconds, settings.max_dump_bytes, settings.lock_wait_seconds) == (0.5, 4096, 2)
    assert (settings.stale_run_seconds, settings.task_timeout_seconds) == (60, 120)
    assert settings.allowed_roots == (tmp_path / "a", tmp_path / "b")
    assert settings.dbt_project_dir == tmp_path / "project" / "dbt_project"
    assert settings.reports_dir == tmp_path / "reports"
    # Nonsense falls back to the default, as the contract says.
    bad = Settings.from_env({**env, "STEPPE_PAGE_BUDGET_SECONDS": "soon", "STEPPE_MAX_DUMP_BYTES": "-1"})
    assert (bad.page_budget_seconds, bad.max_dump_bytes) == (5.0, 5 * 1024 * 1024)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.raw_dir = tmp_path  # type: ignore[misc]


def test_the_project_is_found_from_the_working_directory(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for marker in ("dbt_project/dbt_project.yml", "expectations/gx/great_expectations.yml"):
        (project / marker).parent.mkdir(parents=True)
        (project / marker).write_text("")
    (project / "sub").mkdir()
    assert find_project_dir(project / "sub") == project


def test_nothing_below_the_edge_reads_the_environment() -> None:
    """Only steppe.settings reads os.environ (the dbt and GX integrations aside: they configure those tools)."""
    done = subprocess.run(["grep", "-rlE", r"os\.environ|os\.getenv", str(SRC)], capture_output=True, text=True)
    readers = sorted(Path(line).relative_to(SRC).as_posix() for line in done.stdout.split())
    assert [r for r in readers if not r.startswith(("integrations/", "bench/"))] == ["settings.py"], readers
    assert "STEPPE_FAULT_INJECT" not in subprocess.run(["grep", "-r", "STEPPE_FAULT", str(SRC)],
                                                       capture_output=True, text=True).stdout
    assert sys.modules["steppe.settings"]  # imported above, through steppe.config


def test_duckdb_memory_limit_is_a_size_or_a_clear_error() -> None:
    from steppe.settings import DEFAULT_DUCKDB_MEMORY_LIMIT, MEMORY_LIMIT_ENV

    assert Settings.from_env({}).duckdb_memory_limit == DEFAULT_DUCKDB_MEMORY_LIMIT == ""
    assert Settings.from_env({MEMORY_LIMIT_ENV: " 512MiB "}).duckdb_memory_limit == "512MiB"
    for bad in ("lots", "1GB'; drop table x", "-1GB", "50%"):
        with pytest.raises(ValueError, match=MEMORY_LIMIT_ENV):
            Settings.from_env({MEMORY_LIMIT_ENV: bad})


def test_the_memory_limit_reaches_duckdb(tmp_path: Path) -> None:
    from steppe.warehouse import connect

    with connect(tmp_path / "w.duckdb", memory_limit="300MB") as con:
        limit = con.execute("select current_setting('memory_limit')").fetchone()
    assert limit is not None and str(limit[0]).replace(" ", "") in {"286.1MiB", "300.0MB", "286.0MiB"}
