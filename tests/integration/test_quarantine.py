"""Row-level checks quarantine: a bad extracted value leaves the marts for audit.quarantined_rows and the
run publishes; what makes the warehouse wrong as a whole (a non-positive FX rate, a systematic failure)
blocks it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from steppe.config import Settings
from steppe.integrations.dbt import DbtBuildError
from steppe.pipeline import build, extract, land, parse, prepare, publish, validate
from tests.conftest import make_settings, seed_raw

pytestmark = pytest.mark.slow

# A copy of a real figure with one field changed, at a position no extractor gives.
PLANT = (
    "insert into raw.trade_figures select * replace ({position} as position, {change}) "
    "from raw.trade_figures where rowid = (select min(rowid) from raw.trade_figures)"
)


def extracted_run(tmp_path: Path) -> tuple[Settings, str]:
    """The seed dumps landed, parsed and extracted in a new run, before dbt."""
    settings = make_settings(tmp_path, seed_raw(tmp_path / "raw"))
    run_id = prepare(settings)["run_id"]
    for stage in (land, parse, extract):
        stage(run_id, settings)
    return settings, run_id


def tamper(settings: Settings, run_id: str, *statements: str) -> None:
    con = duckdb.connect(str(settings.work_dir / run_id / settings.warehouse.name))
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()


def published(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def finish(settings: Settings, run_id: str, *stages: Callable[[str, Settings], object]) -> None:
    for stage in stages:
        stage(run_id, settings)


def test_bad_values_are_quarantined_and_reported_and_the_run_publishes(tmp_path: Path) -> None:
    settings, run_id = extracted_run(tmp_path)
    tamper(
        settings,
        run_id,
        PLANT.format(position=901, change="'parsecs' as unit, 'quantity' as kind"),
        PLANT.format(position=902, change="'2024-13..soon' as period"),
        # A known unit of another kind: only that check fails.
        PLANT.format(position=903, change="'t' as unit, 'money' as kind"),
        # A country the extractor could not code: once silently dropped, now held out and said so.
        "insert into raw.entity_mentions select * replace (999 as position, 'COUNTRY' as entity_type, "
        "'Ruritania' as name, null as country_code) from raw.entity_mentions "
        "where rowid = (select min(rowid) from raw.entity_mentions)",
    )
    build(run_id, settings)
    summary = validate(run_id, settings)
    publish(run_id, settings, results={"validate": summary})

    assert settings.warehouse.exists()
    assert published(settings, "select count(*) from marts.trade_figures where unit = 'parsecs' "
                               "or period = '2024-13..soon'") == [(0,)]
    assert published(settings, "select count(*) from marts.entities where name = 'Ruritania'") == [(0,)]
    quarantined = published(
        settings,
        "select table_name, check_name, offending_value, build_id is not null, quarantined_at is not null "
        "from audit.quarantined_rows order by all",
    )
    assert quarantined == [
        ("raw.entity_mentions", "country_has_code", "NULL for Ruritania", True, True),
        ("raw.trade_figures", "period_format", "2024-13..soon", True, True),
        ("raw.trade_figures", "unit_fits_kind", "t for kind money", True, True),
        ("raw.trade_figures", "unit_in_contract", "parsecs", True, True),
    ]
    # Each row key names the raw row: content hash and position.
    keys = published(settings, "select distinct row_key from audit.quarantined_rows order by 1")
    assert sorted(str(k[0]).rsplit(":", 1)[1] for k in keys) == ["901", "902", "903", "999"]

    quality = json.loads((settings.reports_dir / "quality.json").read_text())
    assert quality["blocking_failures"] == []
    assert quality["quarantined_rows"] == 4
    warned = {(w["suite"], w["expectation"]): w["observed"] for w in quality["warnings"]}
    assert warned[
        ("raw.trade_figures", "quarantined by unit_in_contract")] == "1 rows held out of the marts, e.g. ['parsecs']"
    page = (settings.reports_dir / "index.html").read_text()
    assert "<b>published</b>" in page
    assert "<td>unit_in_contract</td><td>unit</td><td>1</td><td>parsecs</td>" in page


def test_a_non_positive_fx_rate_blocks_publication(tmp_path: Path) -> None:
    settings, run_id = extracted_run(tmp_path)
    tamper(settings, run_id, "update raw.fx_quotes set rate = '-' || rate where currency = 'KZT'")
    with pytest.raises(DbtBuildError, match="positive_values_fx_daily_rate"):
        build(run_id, settings)
    assert not settings.warehouse.exists()


def test_too_many_quarantined_rows_block_publication(tmp_path: Path) -> None:
    """A few bad rows are the extractor's slips; most of a table failing is a broken stage."""
    settings, run_id = extracted_run(tmp_path)
    tamper(settings, run_id, "update raw.trade_figures set unit = 'parsecs'")
    with pytest.raises(DbtBuildError, match="assert_quarantined_share_within_limit"):
        build(run_id, settings)
    assert not settings.warehouse.exists()


def test_a_mart_that_shrinks_without_reason_blocks_publication(tmp_path: Path) -> None:
    """New dumps only add rows and raw is append-only: figures that vanish while nothing was replaced,
    extracted or parsed again, and nothing more quarantined, mean a wrong warehouse. The incremental
    models trust the state they stored: a figure lost there (a bug, a hand edit) must not reach the mart."""
    settings, run_id = extracted_run(tmp_path)
    finish(settings, run_id, build)
    publish(run_id, settings, results={"validate": validate(run_id, settings)})
    before = published(settings, "select count(*) from marts.trade_figures")[0][0]
    assert isinstance(before, int) and before > 1

    again = prepare(settings)["run_id"]
    finish(settings, again, land, parse, extract)
    # One figure of an article that has several: its other rows keep the article "already checked".
    tamper(settings, again, """
        delete from intermediate.int_trade_figures__checked where rowid = (
            select min(rowid) from intermediate.int_trade_figures__checked
            where passes_checks and article_id in (
                select article_id from intermediate.int_trade_figures__checked
                where passes_checks group by article_id having count(*) > 1))""")
    with pytest.raises(DbtBuildError, match="assert_marts_do_not_shrink_without_reason"):
        build(again, settings)
    assert published(settings, "select count(*) from marts.trade_figures") == [(before,)]
