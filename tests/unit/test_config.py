"""Settings: the contract's defaults, and a report that follows the warehouse it describes."""

from __future__ import annotations

from pathlib import Path

import pytest

from steppe.config import load_settings


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
