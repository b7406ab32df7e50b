"""The whole pipeline for real (landing, parsing, extraction, dbt build, GX, publish) on the bundled dumps."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from steppe.config import Settings
from steppe.manifest import mart_names, project_manifest
from steppe.pipeline import run_pipeline
from steppe.report import read_last_run
from tests.conftest import PROJECT_ROOT, SEED_NAMES, clone_warehouse, extra_dumps, mart_hashes, seed_raw, write_dump

pytestmark = pytest.mark.slow

CONTRACT_DOC = PROJECT_ROOT / "docs" / "contract.md"


def duckdb_type(name: str) -> str:
    """A type as DuckDB names it ("decimal(18,8)" and "DECIMAL(18, 8)" alike: DECIMAL(18,8))."""
    return str(duckdb.sql(f"select typeof(cast(null as {name}))").fetchone()[0])  # type: ignore[index]


def contracted_columns(mart: str) -> list[tuple[str, str]]:
    """dbt's contract of the mart (its model yml, through the manifest): columns and DuckDB types, in order."""
    return [(column, duckdb_type(data_type)) for column, data_type in project_manifest().mart(mart).columns]


def documented_marts() -> dict[str, dict[str, str]]:
    """The mart schemas docs/contract.md promises: a table of `column` | TYPE rows per mart, or a
    sentence of `column` (TYPE, ...) and `column` (→ `marts.other`) (the other mart's key type)."""
    sections = re.split(r"^\*\*`marts\.(\w+)`\*\*", CONTRACT_DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    marts: dict[str, dict[str, str]] = {}
    references: dict[str, dict[str, str]] = {}
    for mart, section in zip(sections[1::2], sections[2::2], strict=True):
        section = section.split("\n## ")[0]
        rows = re.findall(r"^\| `(\w+)` \| ([A-Z][A-Z0-9(),\[\]]*) \|", section, flags=re.MULTILINE)
        marts[mart] = {column: duckdb_type(data_type) for column, data_type in rows}
        for column, other, data_type in re.findall(r"`(\w+)` \((?:→\s+`marts\.(\w+)`|([A-Z][A-Z0-9(),\[\]]*),)", section):
            if other:
                references.setdefault(mart, {})[column] = other
            else:
                marts[mart][column] = duckdb_type(data_type)
    for mart, columns in references.items():
        marts[mart].update({column: marts[other][column] for column, other in columns.items()})
    return marts


def columns(db: Path, schema: str, table: str) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ? "
            "order by ordinal_position",
            [schema, table],
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


@pytest.mark.parametrize("mart", mart_names())
def test_marts_follow_the_contract(seed_run: tuple[Settings, dict[str, object]], mart: str) -> None:
    settings, _ = seed_run
    assert list(columns(settings.warehouse, "marts", mart).items()) == contracted_columns(mart), f"marts.{mart}"


def test_the_contract_is_the_one_documented() -> None:
    """docs/contract.md is what users read: every mart and column it lists is dbt's, with that type."""
    documented = documented_marts()
    assert set(documented) == set(mart_names())
    for mart, documented_columns in documented.items():
        assert len(documented_columns) >= 3, f"marts.{mart}: its columns were not read from {CONTRACT_DOC}"
        contracted = dict(contracted_columns(mart))
        for column, data_type in documented_columns.items():
            assert contracted.get(column) == data_type, f"marts.{mart}.{column}"


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
    assert read_last_run(settings.reports_dir)["status"] == "published"  # type: ignore[index]
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
