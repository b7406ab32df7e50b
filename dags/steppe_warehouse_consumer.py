"""
### Steppe warehouse consumer (example)

Scheduled on the Asset `steppe_warehouse`: it runs each time `steppe_pipeline` publishes a new
warehouse (not when a run found nothing new), and prints the row count of every mart. Copy it
to start a downstream job (an export, a dashboard refresh). It opens the file the way the README
says a reader should (`steppe.readers.open_latest`), so it always reads the newest publication.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import Asset, dag, task

from steppe.settings import Settings

# The same Asset as steppe_pipeline's: file:// and the warehouse's absolute path (steppe.settings).
WAREHOUSE = Asset(name="steppe_warehouse", uri=Settings.from_env().warehouse.as_uri())


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
