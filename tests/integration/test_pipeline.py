"""The whole pipeline for real (landing, parsing, extraction, dbt build, GX, publish) on the bundled dumps."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from steppe.config import Settings
from steppe.pipeline import run_pipeline
from tests.conftest import PROJECT_ROOT, SEED_NAMES, clone_warehouse, extra_dumps, mart_hashes, seed_raw, write_dump

pytestmark = pytest.mark.slow

# spec/CONTRACT.md: every mart column with its DuckDB type.
CONTRACT = {
    "articles": {
        "article_id": "VARCHAR", "title": "VARCHAR", "body": "VARCHAR", "is_truncated": "BOOLEAN",
        "first_seen_date": "DATE", "dump_count": "INTEGER", "word_count": "INTEGER",
    },
    "fx_daily": {
        "rate_date": "DATE", "currency": "VARCHAR", "quote_currency": "VARCHAR", "rate": "DECIMAL(18,8)",
        "change_pct": "DECIMAL(9,4)", "observations": "INTEGER", "has_conflict": "BOOLEAN",
    },
    "entities": {
        "entity_id": "VARCHAR", "name": "VARCHAR", "entity_type": "VARCHAR", "country_code": "VARCHAR",
        "aliases": "VARCHAR[]", "article_count": "INTEGER", "mention_count": "INTEGER",
        "latitude": "DOUBLE", "longitude": "DOUBLE",
    },
    "article_entities": {"article_id": "VARCHAR", "entity_id": "VARCHAR", "mention_count": "INTEGER"},
    "trade_figures": {
        "figure_id": "VARCHAR", "article_id": "VARCHAR", "figure_text": "VARCHAR", "value": "DOUBLE",
        "unit": "VARCHAR", "kind": "VARCHAR", "metric": "VARCHAR", "reporter_country": "VARCHAR",
        "partner_country": "VARCHAR", "commodity": "VARCHAR", "period": "VARCHAR", "sentence": "VARCHAR",
        "value_usd": "DOUBLE",
    },
}


def columns(db: Path, schema: str, table: str) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


@pytest.mark.parametrize("mart", sorted(CONTRACT))
def test_marts_follow_the_contract(seed_run: tuple[Settings, dict[str, object]], mart: str) -> None:
    settings, _ = seed_run
    actual = columns(settings.warehouse, "marts", mart)
    for column, data_type in CONTRACT[mart].items():
        assert actual.get(column) == data_type, f"marts.{mart}.{column}"


def test_every_input_is_accounted_for(seed_run: tuple[Settings, dict[str, object]]) -> None:
    settings, results = seed_run
    assert set(columns(settings.warehouse, "raw", "dumps")) >= {"dump_id", "file_name", "sha256", "landed_at"}
    assert set(columns(settings.warehouse, "audit", "rejected_dumps")) >= {"file_name", "sha256", "reason", "rejected_at"}
    assert results["land"]["landed"] == len(SEED_NAMES)  # type: ignore[index]


def test_scorer_gives_exact_titles_bodies_fx_and_extraction_floors(seed_run: tuple[Settings, dict[str, object]]) -> None:
    settings, _ = seed_run
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "tools" / "evaluate.py"), "--no-build", "--warehouse", str(settings.warehouse),
         "--sources", "seeds", "--json", str(settings.reports_dir.parent / "eval.json"),
         "--min", "titles_f1=1", "bodies_exact=1", "fx_exact=1",
         # Regression floors for the extractors (issues 3 and 4), a little under today's scores.
         "country_f1=0.98", "person_f1=0.95", "org_f1=0.95", "place_f1=0.95",
         "figures_precision=0.9", "figures_core_recall=0.9", "figures_core_attr_acc=0.85"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_report_is_published_and_readable_offline(seed_run: tuple[Settings, dict[str, object]]) -> None:
    settings, results = seed_run
    index = settings.reports_dir / "index.html"
    html = index.read_text()
    assert "published" in html and "marts.articles" in html
    assert json.loads((settings.reports_dir / "last_run.json").read_text())["status"] == "published"
    for page in settings.reports_dir.rglob("*.html"):
        text = page.read_text()
        assert 'src="http' not in text and 'rel="stylesheet" href="http' not in text, page
    assert results["validate"]["checks_failed"] == 0 or not results["validate"]["blocking_failures"]  # type: ignore[index]


def test_rerun_and_copied_state_are_incremental(seed_run: tuple[Settings, dict[str, object]], tmp_path: Path) -> None:
    settings, _ = seed_run
    before = mart_hashes(settings.warehouse)

    again = run_pipeline(settings)
    assert again["land"]["landed"] == 0 and again["parse"]["pages"] == 0 and again["extract"]["articles"] == 0
    assert mart_hashes(settings.warehouse) == before

    # Copy the warehouse's folder elsewhere and point a run at it: it carries on from there, with
    # the seed dumps and a later day (another KZT rate, one retitled article).
    raw = seed_raw(tmp_path / "raw")
    write_dump(raw, "x_later_day.txt", extra_dumps()["x_later_day.txt"])
    step = run_pipeline(clone_warehouse(settings, tmp_path, raw))
    assert step["land"]["landed"] == 1 and step["land"]["duplicates"] == len(SEED_NAMES)
    assert step["parse"]["pages"] == 1
    assert step["extract"]["articles"] == 1  # only the new article content (the rest were extracted before)
    assert mart_hashes(settings.warehouse) == before  # the original is untouched
