"""Write-audit-publish: a blocking data-quality failure leaves the published warehouse as it was."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from steppe.config import Settings
from steppe.pipeline import QualityGateError, build, extract, land, parse, prepare, publish, validate
from tests.conftest import BUNDLED_RAW, age, make_settings

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_blocking_failure_stops_publication(tmp_path: Path) -> None:
    settings: Settings = make_settings(tmp_path)
    shutil.copytree(BUNDLED_RAW, settings.raw_dir)
    for dump in settings.raw_dir.iterdir():
        age(dump)

    run_id = prepare(settings)["run_id"]
    for stage in (land, parse, extract, build):
        stage(run_id, settings)
    # Something upstream went wrong: a negative rate reached the mart.
    work = settings.work_dir / run_id / settings.warehouse.name
    con = duckdb.connect(str(work))
    con.execute("update marts.fx_daily set rate = -rate where currency = 'KZT'")
    con.close()
    with pytest.raises(QualityGateError, match="blocking data-quality checks failed") as failure:
        validate(run_id, settings)
    assert str(settings.reports_dir / "index.html") in str(failure.value)
    assert not settings.warehouse.exists()  # nothing was published
    assert "not published" in (settings.reports_dir / "index.html").read_text()

    # A clean run publishes; a later failing run leaves that file byte for byte.
    clean = prepare(settings)["run_id"]
    for stage in (land, parse, extract, build):
        stage(clean, settings)
    publish(clean, settings, results={"validate": validate(clean, settings)})
    published = digest(settings.warehouse)

    failing = prepare(settings)["run_id"]
    work = settings.work_dir / failing / settings.warehouse.name
    con = duckdb.connect(str(work))
    con.execute("update marts.articles set word_count = 0")
    con.close()
    with pytest.raises(QualityGateError):
        validate(failing, settings)
    assert digest(settings.warehouse) == published
