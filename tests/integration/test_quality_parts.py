"""Great Expectations checks a large batch of per-row checks in parts (memory bounded by PART_ROWS, not by
the warehouse): the report is the same as when the batch is checked whole. Real GX on a real warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from steppe.integrations import quality
from steppe.settings import Settings
from tests.conftest import copy_of

pytestmark = pytest.mark.slow


def _checks(database: Path, reports: Path) -> dict[tuple[str, str, str | None], quality.CheckResult]:
    report = quality.validate_warehouse(database, reports)
    return {(c.suite, c.expectation, c.column): c for c in report.checks}


def test_a_batch_checked_in_parts_reports_as_checked_whole(
    seed_run: tuple[Settings, dict[str, object]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _ = seed_run
    database = copy_of(settings.warehouse, tmp_path / "copy")
    # A body check that fails on a few rows, so that parts have something to add up.
    import duckdb

    with duckdb.connect(str(database)) as con:
        con.execute("update raw.page_articles set word_count = 0 where position = 1")
    whole = _checks(database, tmp_path / "whole")
    monkeypatch.setattr(quality, "PART_ROWS", 4)
    parts = _checks(database, tmp_path / "parts")
    assert whole.keys() == parts.keys()
    for key, check in whole.items():
        other = parts[key]
        assert (other.success, other.severity) == (check.success, check.severity), key
        assert other.observed.split(",")[0] == check.observed.split(",")[0], key  # the counts agree
    word_count = [c for k, c in parts.items() if k[0].endswith("stg_steppe__page_articles") and k[2] == "word_count"]
    assert word_count and not word_count[0].success and word_count[0].offending


def test_mostly_is_judged_over_every_part() -> None:
    class Config:
        type = "expect_column_values_to_not_match_regex"
        kwargs = {"column": "body", "mostly": 0.9}
        meta = {"action": "fail"}

    class Outcome:
        expectation_config = Config()

        def __init__(self, success: bool, unexpected: int) -> None:
            self.success = success
            self.result = {"element_count": 10, "missing_count": 0, "unexpected_count": unexpected,
                           "partial_unexpected_list": ["x"] * unexpected}

    # One part of ten rows has two bad bodies (80 % < 90 %), nine parts have none: 98 % overall.
    parts = [(Outcome(False, 2), None)] + [(Outcome(True, 0), None)] * 9
    check = quality._check_result("s", parts, ())
    assert check.success and check.observed.startswith("2 unexpected")
    # Twelve bad bodies in 100 rows: 88 %, below 90 %, though most parts pass.
    parts = [(Outcome(False, 6), None), (Outcome(False, 6), None)] + [(Outcome(True, 0), None)] * 8
    assert not quality._check_result("s", parts, ()).success
