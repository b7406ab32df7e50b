"""
### Steppe warehouse consumer (example)

Scheduled on the Asset `steppe_warehouse`: it runs each time `steppe_pipeline` publishes a new
warehouse (not when a run found nothing new), and prints the row count of every mart. Copy it
to start a downstream job (an export, a dashboard refresh). It opens the file the way the README
says a reader should (`steppe.readers.open_latest`), so it always reads the newest publication.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pendulum
from airflow.sdk import Asset, dag, task


def warehouse_asset() -> Asset:
    """The same Asset as steppe_pipeline's (file:// and STEPPE_WAREHOUSE made absolute)."""
    path = Path(os.environ.get("STEPPE_WAREHOUSE") or "data/warehouse.duckdb")
    path = path if path.is_absolute() else (Path.cwd() / path).resolve()
    return Asset(name="steppe_warehouse", uri=path.as_uri())


WAREHOUSE = warehouse_asset()


@dag(
    dag_id="steppe_warehouse_consumer",
    description="Example: runs when steppe_pipeline publishes new data, prints rows per mart",
    schedule=[WAREHOUSE],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "steppe", "retries": 0},
    tags=["steppe", "example"],
    doc_md=__doc__,
)
def steppe_warehouse_consumer() -> None:
    @task
    def mart_row_counts() -> dict[str, Any]:
        """Print and return the rows of each mart of the newest published warehouse."""
        from steppe.manifest import mart_names
        from steppe.readers import open_latest

        con = open_latest()
        try:
            counts = {m: int(con.execute(f"select count(*) from marts.{m}").fetchone()[0]) for m in mart_names()}  # type: ignore[index]  # noqa: S608  dbt's model names
        finally:
            con.close()
        for mart, rows in counts.items():
            print(f"marts.{mart}: {rows} rows")  # noqa: T201  the task's log is its output
        return counts

    mart_row_counts()


steppe_warehouse_consumer()
