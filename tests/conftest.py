"""Shared fixtures and helpers: the seed dumps, raw folders and warehouse copies, content hashes
of tables, and one real warehouse built from the seed dumps for the integration tests."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest

from steppe.config import PROJECT_ROOT
from steppe.settings import Settings

BUNDLED_RAW = PROJECT_ROOT / "data" / "raw"  # the three real dumps bundled with the project
GOLD = PROJECT_ROOT / "data" / "gold"  # hand labels: seeds/, corpus/ (given) and steppe/ (ours)
CORPUS_PAGES = PROJECT_ROOT / "data" / "corpus" / "pages"  # the development corpus: 162 real pages
SEED_NAMES = sorted(p.stem for p in BUNDLED_RAW.glob("*.txt"))
SEED_TEXT = {name: (BUNDLED_RAW / f"{name}.txt").read_text(encoding="utf-8") for name in SEED_NAMES}
FIRST = SEED_TEXT[SEED_NAMES[0]]  # 08 December 2025, six articles, KZT 0.00196

pytest_plugins = ["tests.faults"]  # fault injection: the inject_fault fixture (tests/faults.py)

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def extra_dumps() -> dict[str, str]:
    """Two more dumps derived from a real one: a later day with a different ticker and a retitled
    article, and a rescrape of the first day where one article reads differently (same title)."""
    later = FIRST.replace("08 December 2025", "09 December 2025").replace("KZT/USD = 0.00196", "KZT/USD = 0.00199")
    later = later.replace("Cardiff University to Open Branch in Astana", "Cardiff University Opens Branch in Astana")
    rescrape = FIRST.replace(
        "A branch of Cardiff University will open in Astana next year.",
        "A branch of Cardiff University, in Wales, will open in Astana next year.",
    )
    assert later != FIRST and rescrape != FIRST
    return {"x_later_day.txt": later, "y_rescrape.txt": rescrape}


def load_tool(name: str) -> ModuleType:
    """A script of the project's tools/ folder (not part of the package), loaded as a module."""
    spec = importlib.util.spec_from_file_location(name, PROJECT_ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


# --- files and raw folders ------------------------------------------------------------------------


def age(path: Path, seconds: float = 60) -> None:
    """Backdate a file so landing does not take it for one still being written."""
    stamp = path.stat().st_mtime - seconds
    os.utime(path, (stamp, stamp), follow_symlinks=False)


def write_dump(folder: Path, name: str, data: bytes | str) -> Path:
    """folder/name (folder made if need be) holding data (str: UTF-8), backdated by age()."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    age(path)
    return path


def seed_raw(folder: Path, *, extras: bool = False) -> Path:
    """The bundled dumps (and, with extras, extra_dumps()) written to folder, settled."""
    for name, text in SEED_TEXT.items():
        write_dump(folder, f"{name}.txt", text)
    if extras:
        for name, text in extra_dumps().items():
            write_dump(folder, name, text)
    return folder


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- warehouses -----------------------------------------------------------------------------------


def make_settings(root: Path, raw_dir: Path | None = None) -> Settings:
    return Settings(
        raw_dir=raw_dir or root / "raw",
        warehouse=root / "warehouse" / "warehouse.duckdb",
        reports_dir=root / "reports",
    )


def clone_warehouse(source: Settings, root: Path, raw_dir: Path) -> Settings:
    """A copy of a published warehouse's folder (state included) with its own raw and reports."""
    settings = make_settings(root, raw_dir)
    shutil.copytree(source.warehouse.parent, settings.warehouse.parent)
    return settings


def copy_of(db: Path, folder: Path) -> Path:
    """A copy of the warehouse file in folder, under the same name (dbt's views name their catalog)."""
    copy = folder / db.name
    copy.parent.mkdir(parents=True)
    shutil.copyfile(db, copy)
    return copy


def table_hashes(db: Path | duckdb.DuckDBPyConnection, tables: Iterable[str] | None = None) -> dict[str, str]:
    """sha256 of each table's rows (every column), sorted: equal tables give equal hashes whatever
    their row order or physical layout. tables: qualified names; None: every table in schema marts.
    db: a warehouse file (opened read-only) or an open connection."""
    if not isinstance(db, duckdb.DuckDBPyConnection):
        con = duckdb.connect(str(db), read_only=True)
        try:
            return table_hashes(con, tables)
        finally:
            con.close()
    if tables is None:
        tables = [f"marts.{r[0]}" for r in db.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
    out = {}
    for table in tables:
        rows = sorted(repr(r) for r in db.execute(f"select * from {table}").fetchall())
        out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def mart_hashes(db: Path) -> dict[str, str]:
    """table_hashes() of every mart."""
    return table_hashes(db)


def query(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of one query on a DuckDB file, opened read-only and closed again (the file stays free for the next run)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def landed_shas(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r[0] for r in con.execute("select sha256 from raw.dumps").fetchall()}
    finally:
        con.close()


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, dict[str, object]]]:
    """A warehouse built by every stage of the pipeline (real dbt, real GX) from the bundled dumps."""
    from steppe.pipeline import run_pipeline

    root = tmp_path_factory.mktemp("seed_run")
    settings = make_settings(root)
    seed_raw(settings.raw_dir)
    results = run_pipeline(settings)
    yield settings, results


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with slow (end-to-end) tests run first. `make test` runs two test processes, each taking the
    next whole file when it is free: started last, a minutes-long file would run alone at the end while
    the other process idles; the many fast unit tests fill the end instead. Order within a file is kept."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: files and tests keep their order
