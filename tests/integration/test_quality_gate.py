"""Write-audit-publish: a blocking data-quality failure leaves the published warehouse as it was."""

from __future__ import annotations

import hashlib
import json
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


def test_a_ticker_line_leaked_into_a_new_body_blocks_in_staging(tmp_path: Path) -> None:
    """Bodies are checked once, in the staging batch of the parse that produced them."""
    settings: Settings = make_settings(tmp_path)
    shutil.copytree(BUNDLED_RAW, settings.raw_dir)
    for dump in settings.raw_dir.iterdir():
        age(dump)

    run_id = prepare(settings)["run_id"]
    for stage in (land, parse):
        stage(run_id, settings)
    # The parser let an FX ticker line into the body of one article it has just parsed.
    work = settings.work_dir / run_id / settings.warehouse.name
    con = duckdb.connect(str(work))
    con.execute(
        "update raw.page_articles set body = body || '\n• KZT/USD = 470.51' "
        "where rowid = (select min(rowid) from raw.page_articles)"
    )
    con.close()
    for stage in (extract, build):
        stage(run_id, settings)
    leak = "stg_steppe__page_articles: expect_column_values_to_not_match_regex on body"
    with pytest.raises(QualityGateError, match=leak):
        validate(run_id, settings)
    assert not settings.warehouse.exists()

    quality = json.loads((settings.reports_dir / "quality.json").read_text())
    body_checks = [c for c in quality["blocking_failures"] if c["column"] == "body"]
    assert [(c["suite"], c["severity"]) for c in body_checks] == [("staging.stg_steppe__page_articles", "blocking")]
    assert "KZT/USD = 470.51" in body_checks[0]["observed"]
