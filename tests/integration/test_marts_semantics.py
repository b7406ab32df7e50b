"""Deduplication, FX conflicts, undated quotes and files edited in place, on dumps derived from real ones."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from steppe.config import Settings
from steppe.pipeline import run_pipeline
from tests.conftest import BUNDLED_RAW, SEED_NAMES, age, make_settings

pytestmark = pytest.mark.slow

REAL = (BUNDLED_RAW / f"{SEED_NAMES[0]}.txt").read_text(encoding="utf-8")  # 08 December 2025, KZT 0.00196
LAST_SENTENCE = "Sanghin asked followers on the social media platform"


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("variants")
    settings = make_settings(root)
    raw = settings.raw_dir
    raw.mkdir(parents=True)
    dumps = {
        "original.txt": REAL,
        # Same day, another scrape: KZT printed differently; the last article cut short.
        "rescrape.txt": REAL.replace("KZT/USD = 0.00196", "KZT/USD = 0.00197").split(LAST_SENTENCE)[0]
        + "Sanghin asked followers on the social",
        # A third scrape agreeing with the original.
        "third.txt": REAL.replace("Sanghin asked followers", "Sanghin asked her followers"),
        # No date line: its quotes must never reach fx_daily.
        "undated.txt": REAL.replace("08 December 2025\n", "").replace("TJS/USD = 0.10899", "TJS/USD = 0.55555"),
    }
    for name, text in dumps.items():
        (raw / name).write_text(text, encoding="utf-8")
        age(raw / name)
    run_pipeline(settings)
    return settings


def query(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_same_article_in_several_dumps_is_one_row_with_the_complete_body(variants: Settings) -> None:
    rows = query(variants, "select body, is_truncated, dump_count, first_seen_date::varchar from marts.articles "
                           "where title like 'Tajikistan-Born Singer%'")
    assert len(rows) == 1
    body, truncated, dump_count, first_seen = rows[0]
    assert truncated is False and str(body).endswith("shadow ban.’”")
    assert dump_count == 4 and first_seen == "2025-12-08"
    assert query(variants, "select count(*) from marts.articles") == [(6,)]


def test_conflicting_day_is_flagged_and_resolved_by_majority(variants: Settings) -> None:
    kzt = query(variants, "select rate::varchar, observations, has_conflict from marts.fx_daily "
                          "where rate_date = '2025-12-08' and currency = 'KZT'")
    assert kzt == [("0.00196000", 3, True)]
    kgs = query(variants, "select observations, has_conflict from marts.fx_daily "
                          "where rate_date = '2025-12-08' and currency = 'KGS'")
    assert kgs == [(3, False)]


def test_undated_quotes_stay_upstream_only(variants: Settings) -> None:
    assert query(variants, "select count(*) from marts.fx_daily where rate = 0.55555") == [(0,)]
    assert query(variants, "select count(*) from staging.stg_steppe__fx_quotes where rate = 0.55555") == [(1,)]
    assert query(variants, "select count(*) from marts.fx_daily where rate_date is null") == [(0,)]


def test_change_pct_minus_zero_is_zero(variants: Settings) -> None:
    assert query(variants, "select change_pct::varchar from marts.fx_daily where currency = 'KZT'") == [("0.0000",)]


EDITED = (BUNDLED_RAW / f"{SEED_NAMES[-1]}.txt").read_text(encoding="utf-8")  # "$100 million contract"


def test_a_dump_edited_in_place_replaces_its_old_version_in_every_mart(tmp_path: Path) -> None:
    """Same name, same size, mtime restored: the file's latest version wins, whatever the hashes."""
    settings = make_settings(tmp_path)
    dump = settings.raw_dir / "page.txt"
    dump.parent.mkdir(parents=True)
    dump.write_text(EDITED, encoding="utf-8")
    age(dump)
    run_pipeline(settings)
    figure = "select figure_text, value from marts.trade_figures where figure_text like '$_00 million' order by 1"
    assert query(settings, figure) == [("$100 million", 100_000_000.0)]

    before = dump.stat()
    edited = EDITED.replace("$100 million contract", "$900 million contract")
    assert len(edited.encode()) == before.st_size and edited != EDITED
    with dump.open("r+", encoding="utf-8") as handle:  # in place: same inode
        handle.write(edited)
    os.utime(dump, ns=(before.st_atime_ns, before.st_mtime_ns))
    run_pipeline(settings)

    assert query(settings, figure) == [("$900 million", 900_000_000.0)]
    assert query(settings, "select distinct dump_count from marts.articles") == [(1,)]
    # The old version stays in raw for audit; only the new one is current.
    assert query(settings, "select count(*) from raw.dumps where file_name = 'page.txt'") == [(2,)]
    assert query(settings, "select count(*) from intermediate.int_dumps__current") == [(1,)]
    assert query(settings, "select count(*) from marts.articles where body like '%$100 million contract%'") == [(0,)]
