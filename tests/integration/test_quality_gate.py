"""Write-audit-publish: a blocking data-quality failure leaves the published warehouse as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from steppe.config import Settings
from steppe.pipeline import QualityGateError, build, extract, land, parse, prepare, publish, validate
from tests.conftest import file_digest, make_settings, seed_raw

pytestmark = pytest.mark.slow


def seeded(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, seed_raw(tmp_path / "raw"))


def run_stages(settings: Settings, *stages: Callable[[str, Settings], object], run_id: str | None = None) -> str:
    """Run the stages in order, in run_id or else in a newly prepared run; return the run's id."""
    run_id = run_id or prepare(settings)["run_id"]
    for stage in stages:
        stage(run_id, settings)
    return run_id


def tamper(settings: Settings, run_id: str, sql: str) -> None:
    """Change the run's working copy of the warehouse behind the pipeline's back."""
    con = duckdb.connect(str(settings.work_dir / run_id / settings.warehouse.name))
    try:
        con.execute(sql)
    finally:
        con.close()


def test_blocking_failure_stops_publication(tmp_path: Path) -> None:
    settings = seeded(tmp_path)
    run_id = run_stages(settings, land, parse, extract, build)
    # Landing's bookkeeping went wrong: a dump id no longer derives from a sha256.
    tamper(settings, run_id, "update raw.dumps set sha256 = 'not a digest' where rowid = (select min(rowid) from raw.dumps)")
    with pytest.raises(QualityGateError, match="blocking data-quality checks failed") as failure:
        validate(run_id, settings)
    assert str(settings.reports_dir / "index.html") in str(failure.value)
    assert not settings.warehouse.exists()  # nothing was published
    assert "not published" in (settings.reports_dir / "index.html").read_text()

    # A clean run publishes; a later failing run leaves that file byte for byte.
    clean = run_stages(settings, land, parse, extract, build)
    publish(clean, settings, results={"validate": validate(clean, settings)})
    published = file_digest(settings.warehouse)

    failing = run_stages(settings)
    tamper(settings, failing, "update raw.dumps set size_bytes = 0")
    with pytest.raises(QualityGateError):
        validate(failing, settings)
    assert file_digest(settings.warehouse) == published


LEAK = "\n• KZT/USD = 470.51"


def test_a_ticker_line_leaked_into_one_body_warns_and_into_many_blocks(tmp_path: Path) -> None:
    """Bodies are checked once, in the staging batch of the parse that produced them: one slip is
    reported and the run publishes; a parser leaking into more than a tenth of the batch is broken."""
    settings = seeded(tmp_path)
    run_id = run_stages(settings, land, parse)
    # The parser let an FX ticker line into the body of one article it has just parsed.
    tamper(settings, run_id,
           f"update raw.page_articles set body = body || '{LEAK}' where rowid = (select min(rowid) from raw.page_articles)")
    run_stages(settings, extract, build, run_id=run_id)
    summary = validate(run_id, settings)
    body_checks = [c for c in summary["warnings"] if c["column"] == "body"]
    assert [(c["suite"], c["severity"]) for c in body_checks] == [("staging.stg_steppe__page_articles", "warning")]
    assert "KZT/USD = 470.51" in body_checks[0]["observed"]
    assert summary["blocking_failures"] == []

    again = make_settings(tmp_path / "again", seed_raw(tmp_path / "again" / "raw"))
    run_id = run_stages(again, land, parse)
    tamper(again, run_id, f"update raw.page_articles set body = body || '{LEAK}'")
    run_stages(again, extract, build, run_id=run_id)
    leak = "stg_steppe__page_articles: expect_column_values_to_not_match_regex on body"
    with pytest.raises(QualityGateError, match=leak):
        validate(run_id, again)
    assert not again.warehouse.exists()
    quality = json.loads((again.reports_dir / "quality.json").read_text())
    assert [c["column"] for c in quality["blocking_failures"]] == ["body"]
