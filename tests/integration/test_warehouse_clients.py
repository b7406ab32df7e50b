"""The published warehouse opens in the clients analysts have, explains itself, declares its keys,
and the README's example queries return rows on it."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from steppe.config import PROJECT_ROOT, Settings
from steppe.manifest import mart_names
from steppe.pipeline import run_pipeline
from tests.conftest import clone_warehouse, copy_of, query, seed_raw

pytestmark = pytest.mark.slow

SeedRun = tuple[Settings, dict[str, object]]
# The DuckDB CLI as PyPI ships it (duckdb-cli, in the dev lock), installed beside this interpreter.
CLI = Path(sys.executable).parent / "duckdb"
# A ```sql block of a Markdown file, fences on their own lines.
SQL_BLOCK_RE = re.compile(r"^```sql\n(.*?)^```$", re.MULTILINE | re.DOTALL)



def yaml_descriptions() -> dict[str, dict[str, str]]:
    """Mart -> {"": model description, column: description} as written in models/marts/*.yml."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted((PROJECT_ROOT / "dbt_project" / "models" / "marts").glob("*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            described = {"": " ".join(model["description"].split())}
            described.update({c["name"]: " ".join(c["description"].split()) for c in model["columns"]})
            out[model["name"]] = described
    return out


# --- clients ---------------------------------------------------------------------------------------


def test_the_pypi_cli_reads_the_published_warehouse(seed_run: SeedRun) -> None:
    settings, _ = seed_run
    expected = query(settings.warehouse, "select count(*) from marts.articles")[0][0]
    assert isinstance(expected, int) and expected > 0
    out = subprocess.run(
        [str(CLI), "-readonly", "-csv", "-noheader", str(settings.warehouse),
         "-c", "select count(*) from marts.articles"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(expected)


def test_cli_and_python_driver_are_one_duckdb_version() -> None:
    # A file is only readable by a DuckDB that knows its storage version: one version for the stack.
    out = subprocess.run([str(CLI), "-version"], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split()[0] == f"v{duckdb.__version__}"


def test_a_python_driver_in_another_process_reads_the_published_warehouse(seed_run: SeedRun) -> None:
    settings, _ = seed_run
    script = textwrap.dedent("""
        import sys, duckdb
        con = duckdb.connect(sys.argv[1], read_only=True)
        print(con.execute("select count(*), count(distinct article_id) from marts.articles").fetchone())
    """)
    out = subprocess.run([sys.executable, "-c", script, str(settings.warehouse)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    expected = query(settings.warehouse, "select count(*), count(distinct article_id) from marts.articles")[0]
    assert out.stdout.strip() == repr(expected) and expected[0] > 0


# --- docs in the database ----------------------------------------------------------------------------


def test_every_mart_and_column_carries_its_yaml_description_as_a_comment(seed_run: SeedRun) -> None:
    settings, _ = seed_run
    described = yaml_descriptions()
    assert set(described) == set(mart_names())
    tables = dict(query(settings.warehouse, "select table_name, comment from duckdb_tables() where schema_name = 'marts'"))
    assert set(tables) == set(mart_names())
    columns = query(settings.warehouse,
                    "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'")
    assert len(columns) > len(mart_names())
    for table, comment in tables.items():
        assert isinstance(comment, str) and comment.strip(), f"marts.{table} has no comment"
        assert " ".join(comment.split()) == described[table][""]
    for table, column, comment in columns:
        assert isinstance(comment, str) and comment.strip(), f"marts.{table}.{column} has no comment"
        assert comment == described[str(table)][str(column)], f"marts.{table}.{column}"


# --- keys --------------------------------------------------------------------------------------------


Key = tuple[str, str, tuple[str, ...], str | None, tuple[str, ...]]  # table, type, columns, references


def constraints(db: Path) -> set[Key]:
    rows = query(db, "select table_name, constraint_type, constraint_column_names, referenced_table, "
                     "referenced_column_names from duckdb_constraints() where schema_name = 'marts' "
                     "and constraint_type in ('PRIMARY KEY', 'FOREIGN KEY')")
    return {(t, k, tuple(c), r, tuple(rc or ())) for t, k, c, r, rc in rows}


DECLARED_KEYS = {
    ("articles", "PRIMARY KEY", ("article_id",), None, ()),
    ("entities", "PRIMARY KEY", ("entity_id",), None, ()),
    ("fx_daily", "PRIMARY KEY", ("rate_date", "currency"), None, ()),
    ("trade_figures", "PRIMARY KEY", ("figure_id",), None, ()),
    ("article_entities", "PRIMARY KEY", ("article_id", "entity_id"), None, ()),
    ("article_entities", "FOREIGN KEY", ("article_id",), "articles", ("article_id",)),
    ("article_entities", "FOREIGN KEY", ("entity_id",), "entities", ("entity_id",)),
    ("trade_figures", "FOREIGN KEY", ("article_id",), "articles", ("article_id",)),
}


def test_marts_declare_their_primary_and_foreign_keys(seed_run: SeedRun) -> None:
    settings, _ = seed_run
    assert constraints(settings.warehouse) == DECLARED_KEYS


@pytest.fixture
def writable_copy(seed_run: SeedRun, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    settings, _ = seed_run
    con = duckdb.connect(str(copy_of(settings.warehouse, tmp_path / "copy")))
    try:
        yield con
    finally:
        con.close()


def first_row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row


def test_the_keys_are_enforced(writable_copy: duckdb.DuckDBPyConnection) -> None:
    con = writable_copy
    article_id, entity_id = first_row(con, "select article_id, entity_id from marts.article_entities limit 1")
    with pytest.raises(duckdb.ConstraintException):  # the same pair twice
        con.execute("insert into marts.article_entities values (?, ?, 1)", [article_id, entity_id])
    with pytest.raises(duckdb.ConstraintException):  # an article that does not exist
        con.execute("insert into marts.article_entities values ('no such article', ?, 1)", [entity_id])
    with pytest.raises(duckdb.ConstraintException):  # an entity that does not exist
        con.execute("insert into marts.article_entities values (?, 'no such entity', 1)", [article_id])
    with pytest.raises(duckdb.ConstraintException):  # an article still referenced
        con.execute("delete from marts.articles where article_id = ?", [article_id])
    rate_date, currency = first_row(con, "select rate_date, currency from marts.fx_daily limit 1")
    with pytest.raises(duckdb.ConstraintException):  # one rate per day and currency
        con.execute("insert into marts.fx_daily select * from marts.fx_daily where rate_date = ? and currency = ?",
                    [rate_date, currency])


def test_an_incremental_run_rewriting_referenced_articles_keeps_keys_and_comments(
    seed_run: SeedRun, tmp_path: Path
) -> None:
    """New dumps that change articles already in the marts (more dumps, another body): the articles
    mart deletes and inserts rows that article_entities and trade_figures reference."""
    settings, _ = seed_run
    copy = clone_warehouse(settings, tmp_path, seed_raw(tmp_path / "raw", extras=True))
    before = dict(query(copy.warehouse, "select article_id, dump_count from marts.articles"))
    results = run_pipeline(copy, settle_seconds=0)
    assert results["build"]["full_refresh"] is False
    after = dict(query(copy.warehouse, "select article_id, dump_count from marts.articles"))
    assert any(after.get(a, 0) > n for a, n in before.items())  # rows rewritten, not only added
    assert constraints(copy.warehouse) == DECLARED_KEYS
    assert query(copy.warehouse, "select count(*) from marts.article_entities "
                                 "where article_id not in (select article_id from marts.articles)") == [(0,)]
    assert query(copy.warehouse, "select count(*) from marts.article_entities") != [(0,)]
    assert query(copy.warehouse, "select count(*) from marts.trade_figures") != [(0,)]
    assert query(copy.warehouse, "select count(*) from duckdb_columns() where schema_name = 'marts' "
                                 "and coalesce(comment, '') = ''") == [(0,)]


# --- the README's examples ---------------------------------------------------------------------------


def readme_sql_examples() -> list[str]:
    """The examples on the warehouse file (the DuckLake one attaches a catalog: tests/integration/test_ducklake.py)."""
    blocks = SQL_BLOCK_RE.findall((PROJECT_ROOT / "README.md").read_text(encoding="utf-8"))
    return [sql for sql in blocks if "ducklake:" not in sql]


def test_the_readme_has_sql_examples() -> None:
    examples = readme_sql_examples()
    assert len(examples) >= 4
    assert all("marts." in sql or "duckdb_columns" in sql for sql in examples)


@pytest.mark.parametrize("number", range(len(readme_sql_examples())))
def test_each_readme_sql_example_returns_rows_on_the_seed_warehouse(seed_run: SeedRun, number: int) -> None:
    settings, _ = seed_run
    sql = readme_sql_examples()[number]
    assert query(settings.warehouse, sql), f"README example {number + 1} returns no rows:\n{sql}"


def locked_version(lock: str, package: str) -> str:
    found = re.search(rf"^{re.escape(package)}==(\S+)", (PROJECT_ROOT / lock).read_text(encoding="utf-8"), re.MULTILINE)
    assert found, f"{package} not pinned in {lock}"
    return found.group(1)


def test_the_locks_pin_one_duckdb_for_the_driver_and_the_cli_and_the_readme_names_it() -> None:
    version = locked_version("requirements.txt", "duckdb")
    assert locked_version("requirements-dev.txt", "duckdb-cli") == version == duckdb.__version__
    assert f"duckdb-cli=={version}" in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
