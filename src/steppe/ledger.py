"""The run ledger, in one place: what each finished run did, and where an operator reads it.

- audit.runs, inside the warehouse: one row per finished run. A published run writes its row into
  the copy it publishes (so the row and the data it describes are published together); a failed
  run publishes nothing, so the next published run carries its row in from its JSON record.
- One JSON record per run, `STEPPE_REPORTS_DIR/runs/<run>.json` (steppe.report writes it with the
  run's page; `last_run.json` points at the newest). When the reports folder cannot be written
  (the fault may be that very folder), the record goes beside the warehouse instead
  (`.<stem>.steppe/runs/<run>.json`), where `steppe summary` finds it.

A copied or renamed warehouse keeps its audit.runs: nothing about a run is keyed by the file's name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb

from steppe.runs import RUN_ID_RE, write_json
from steppe.settings import Settings

RUNS_FOLDER = "runs"


def record_path(settings: Settings, run_id: str) -> Path:
    return settings.reports_dir / RUNS_FOLDER / f"{run_id}.json"


def fallback_path(settings: Settings, run_id: str) -> Path:
    """Where a run's record goes when the reports folder cannot be written."""
    return settings.state_dir / RUNS_FOLDER / f"{run_id}.json"


def read_record(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_fallback(settings: Settings, record: dict[str, Any]) -> None:
    """The record beside the warehouse (never raises: it is the last resort)."""
    with contextlib.suppress(OSError):
        write_json(fallback_path(settings, str(record["run_id"])), record)


def _stamp(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None) if value else None
    except ValueError:
        return None


def insert_run(con: duckdb.DuckDBPyConnection, record: dict[str, Any]) -> None:
    """audit.runs gets (or replaces) the run's row."""
    con.execute("delete from audit.runs where run_id = ?", [record["run_id"]])
    con.execute(
        "insert into audit.runs values (?, ?, ?, ?, ?, ?)",
        [record["run_id"], record["status"], _stamp(record.get("started_at")),
         _stamp(record.get("finished_at")) or dt.datetime.now(dt.UTC).replace(tzinfo=None),
         record.get("reason"), json.dumps(record, default=str)],
    )


def carry_failed_runs(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Rows in audit.runs for the failed runs that only have a JSON record so far."""
    known = {str(r[0]) for r in con.execute("select run_id from audit.runs").fetchall()}
    carried = 0
    for folder in (settings.reports_dir / RUNS_FOLDER, settings.state_dir / RUNS_FOLDER):
        with contextlib.suppress(OSError):
            for path in sorted(folder.glob("*.json")):
                if path.stem in known or not RUN_ID_RE.fullmatch(path.stem):
                    continue
                record = read_record(path)
                if record and record.get("status") == "failed" and record.get("run_id") == path.stem:
                    insert_run(con, record)
                    known.add(path.stem)
                    carried += 1
    return carried


def published_entry(settings: Settings, run_id: str) -> dict[str, Any] | None:
    """The published warehouse's audit.runs row of run_id, when that run published."""
    if not settings.warehouse.exists():
        return None
    try:
        con = duckdb.connect(str(settings.warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(
            "select details from audit.runs where run_id = ? and status = 'published'", [run_id]
        ).fetchone()
    except duckdb.CatalogException:  # a warehouse made before audit.runs
        return None
    finally:
        con.close()
    return json.loads(row[0]) if row else None


def ledger_entry(settings: Settings, run_id: str) -> dict[str, Any] | None:
    """What the ledger says of a finished run: its audit.runs row if it published, else its JSON record."""
    entry = published_entry(settings, run_id)
    if entry is not None:
        return entry
    for path in (record_path(settings, run_id), fallback_path(settings, run_id)):
        record = read_record(path)
        if record and record.get("status") in ("published", "failed"):
            return record
    return None


def newest_fallback(settings: Settings) -> dict[str, Any] | None:
    """The newest record written beside the warehouse (the reports folder could not be written)."""
    folder = settings.state_dir / RUNS_FOLDER
    try:
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    except OSError:
        return None
    return read_record(entries[-1]) if entries else None
