"""Fan-out of the parse and extract stages over batches, for workers that share no DuckDB file.

    plan(stage, con, folder, size)   under the writer lock: what is new (the stage's own query), split
                                     into batches of `size`; batch n's inputs -> <folder>/<n>/input.parquet
    work(stage, folder, n, settings) anywhere, no lock: batch n's rows -> <folder>/<n>/<table>.parquet and
                                     its report -> <folder>/<n>/report.json (written last: "done")
    merge(stage, folder)(con, ...)   one writer, one transaction: the planned keys' older output goes,
                                     every batch's rows go in: the rows the unbatched stage writes

DuckDB allows one writing process per file, so batches never open the run's working copy: they read
and write only their own files in the run's folder (which every worker must reach). The same rows as
the unbatched stage, computed by the same pure functions (parse.parse_dumps, extract.extract_articles).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from steppe.settings import Settings
from steppe.stages import extract, parse

PLAN_FILE = "plan.json"
INPUT_FILE = "input.parquet"
REPORT_FILE = "report.json"  # written last: a batch without it did not finish
Rows = list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Fanout:
    """What batching needs to know of one stage."""

    key: str  # the column naming one unit of work (a dump, an article content)
    tables: tuple[str, ...]  # what the stage writes
    todo: Callable[[duckdb.DuckDBPyConnection, int], Iterator[Rows]]  # inputs, batch by batch
    compute: Callable[[Rows, Settings], tuple[parse.TableRows, dict[str, Any]]]  # pure: rows and report
    forget: Callable[[duckdb.DuckDBPyConnection, list[str]], None]  # drop the keys' older output
    total: Callable[[list[dict[str, Any]]], dict[str, Any]]  # the stage's report from the batches'


def _dumps_todo(con: duckdb.DuckDBPyConnection, size: int) -> Iterator[Rows]:
    for dumps in parse.dump_batches(con, size):  # one batch of texts in memory at a time
        yield [{"dump_id": dump_id, "content": text} for dump_id, text in dumps]


def _parse(inputs: Rows, settings: Settings) -> tuple[parse.TableRows, dict[str, Any]]:
    dumps = [(row["dump_id"], row["content"]) for row in inputs]
    rows = parse.parse_dumps(dumps, dt.datetime.now(dt.UTC), settings.page_budget_seconds)
    return rows, parse.ParseReport.of(rows).as_dict()


def _parse_total(reports: list[dict[str, Any]]) -> dict[str, Any]:
    total = parse.ParseReport(0, 0, 0, 0, 0)
    for report in reports:
        total += parse.ParseReport(**report)
    return total.as_dict()


TODO_COLUMNS = ("content_hash", "title", "body", "page_date", "captions")  # extract.Todo, by name


def _articles_todo(con: duckdb.DuckDBPyConnection, size: int) -> Iterator[Rows]:
    for todo in extract.todo_batches(con, size):  # one batch of texts in memory at a time
        yield [dict(zip(TODO_COLUMNS, row, strict=True)) for row in todo]


def _extract(inputs: Rows, settings: Settings) -> tuple[parse.TableRows, dict[str, Any]]:
    todo: list[extract.Todo] = [tuple(row[c] for c in TODO_COLUMNS) for row in inputs]
    started = dt.datetime.now(dt.UTC)
    # The fan-out is the parallelism: a pool per batch would start processes for every batch and put two
    # on each core beside the other batches'.
    rows, report = extract.extract_articles(todo, started, settings.page_budget_seconds, in_pool=False)
    return rows, {**report.as_dict(), "seconds": (dt.datetime.now(dt.UTC) - started).total_seconds()}


def _extract_total(reports: list[dict[str, Any]]) -> dict[str, Any]:
    sums = {name: sum(r[name] for r in reports) for name in ("articles", "words", "entities", "figures")}
    seconds = sum(r["seconds"] for r in reports)  # work time, summed over the workers
    rate = round(sums["words"] / seconds) if seconds and sums["words"] else None
    return extract.ExtractReport(**sums, words_per_second=rate).as_dict()


FANOUTS: dict[str, Fanout] = {
    "parse": Fanout("dump_id", parse.TABLES, _dumps_todo, _parse, parse.forget, _parse_total),
    "extract": Fanout("content_hash", extract.TABLES, _articles_todo, _extract, extract.forget, _extract_total),
}


# --- the three steps ---------------------------------------------------------------------------------


def plan(stage: str, con: duckdb.DuckDBPyConnection, folder: Path, size: int) -> list[int]:
    """Split what `stage` has left to do into batches of `size`; their numbers (none: nothing to do).
    A new plan replaces any earlier one of this run (a retried task)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    count = 0
    for count, inputs in enumerate(FANOUTS[stage].todo(con, size), start=1):
        _write_parquet(folder / str(count - 1) / INPUT_FILE, inputs)
    _write_json(folder / PLAN_FILE, {"stage": stage, "batches": count, "size": size})
    return list(range(count))


def work(stage: str, folder: Path, batch: int, settings: Settings) -> dict[str, Any]:
    """Compute batch `batch` and write its rows to its own files; returns its report."""
    fanout, here = FANOUTS[stage], folder / str(batch)
    for stale in here.glob("*"):  # a retried batch starts clean
        if stale.name != INPUT_FILE:
            stale.unlink()
    rows, report = fanout.compute(pq.read_table(here / INPUT_FILE).to_pylist(), settings)
    for table, table_rows in rows.items():
        if table_rows:
            _write_parquet(here / f"{table}.parquet", table_rows)
    _write_json(here / REPORT_FILE, report)
    return {"batch": batch, **report}


def merge(stage: str, folder: Path) -> Callable[[duckdb.DuckDBPyConnection, Settings], Any]:
    """The stage's run(con, settings) that inserts every batch's output instead of computing it."""

    def run(con: duckdb.DuckDBPyConnection, settings: Settings) -> MergeReport:
        fanout, batches = FANOUTS[stage], _planned(folder)
        fanout.forget(con, [str(key) for b in batches for key in _keys(b / INPUT_FILE, fanout.key)])
        for table in fanout.tables:
            for part in (b / f"{table}.parquet" for b in batches):
                if part.exists():  # a batch with no rows for this table wrote no file
                    con.execute(f"insert into {table} by name select * from read_parquet(?)", [str(part)])  # noqa: S608  the stage's constant table names
        reports = [json.loads((b / REPORT_FILE).read_text()) for b in batches]
        return MergeReport({**fanout.total(reports), "batches": len(batches)})

    return run


@dataclass(frozen=True, slots=True)
class MergeReport:
    values: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.values)


def _keys(inputs: Path, column: str) -> list[Any]:
    keys: list[Any] = pq.read_table(inputs, columns=[column]).column(0).to_pylist()
    return keys


def _planned(folder: Path) -> Sequence[Path]:
    """Every planned batch's folder; an error naming the first one that did not finish."""
    plan_file = folder / PLAN_FILE
    if not plan_file.exists():
        raise RuntimeError(f"no batch plan in {folder}: the plan task did not run for this run")
    batches = [folder / str(n) for n in range(json.loads(plan_file.read_text())["batches"])]
    for batch in batches:
        if not (batch / REPORT_FILE).exists():
            raise RuntimeError(f"batch {batch.name} of {folder.name} has no output: its task did not finish")
    return batches


def _write_parquet(path: Path, rows: Rows) -> None:
    """Rows as Arrow sees them, as insert_rows inserts them: the merge reads back the same types."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    pq.write_table(pa.Table.from_pylist(rows), partial)
    os.replace(partial, path)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, default=str))
    os.replace(partial, path)
