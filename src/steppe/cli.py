"""`steppe` command line: print the last run's summary, or run the pipeline without Airflow."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from steppe.config import load_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console()


@app.command()
def summary(
    since: Annotated[float, typer.Option(help="Fail unless the last run finished after this Unix time.")] = 0.0,
) -> None:
    """Print the last run's summary: rows per mart, checks, dumps landed and rejected, file locations."""
    import datetime as dt

    settings = load_settings()
    path = settings.reports_dir / "last_run.json"
    if not path.exists():
        console.print(f"[red]No run summary at {path}: the pipeline has not finished a run here.[/red]")
        raise typer.Exit(1)
    last = json.loads(path.read_text())
    finished = dt.datetime.fromisoformat(last["finished_at"]).timestamp()
    print_summary(last)
    if finished < since:
        console.print(f"[red]The last summary ({last['finished_at']}) is older than this run: it did not finish.[/red]")
        raise typer.Exit(1)
    if last["status"] != "published":
        raise typer.Exit(1)


def print_summary(last: dict[str, Any]) -> None:
    stages = last["stages"]
    land, quality = stages.get("land", {}), stages.get("validate", {})
    table = Table(title=f"Steppe run {last['run_id']}: {last['status']}")
    table.add_column("what")
    table.add_column("value", justify="right")
    for mart, rows in stages.get("publish", {}).get("mart_rows", {}).items():
        table.add_row(f"marts.{mart} rows", str(rows))
    table.add_row("dumps landed / duplicates / rejected", f"{land.get('landed', 0)} / {land.get('duplicates', 0)} / "
                  f"{land.get('rejected', 0)}")
    table.add_row("pages without articles", str(stages.get("parse", {}).get("pages_without_articles", 0)))
    build = stages.get("build", {})
    table.add_row("dbt tests passed / failed", f"{build.get('tests_passed', 0)} / {build.get('tests_failed', 0)}")
    table.add_row(
        "GX checks passed / failed",
        f"{quality.get('checks_passed', 0)} / {quality.get('checks_failed', 0)} "
        f"({len(quality.get('blocking_failures', []))} blocking, {len(quality.get('warnings', []))} warnings)",
    )
    console.print(table)
    for rejection in land.get("rejections", []):
        console.print(f"  rejected [bold]{rejection['file']}[/bold]: {rejection['reason']}")
    console.print(f"Warehouse: {last['warehouse']}")
    console.print(f"Quality report: {last['reports_dir']}/index.html")


@app.command()
def run(
    run_id: Annotated[
        str | None, typer.Option(help="Run id (default: a new one). Re-running a published run changes nothing.")
    ] = None,
) -> None:
    """Run every stage in this process (no Airflow): for development and benchmarks.

    Overlapping runs on one warehouse wait for each other (the writer lock is held for the whole run).
    """
    from steppe.pipeline import QualityGateError, run_pipeline

    try:
        result = run_pipeline(run_id=run_id)
    except QualityGateError as exc:
        console.print(f"[red]{exc}[/red]")
        sys.exit(1)
    if result.get("already_published"):
        console.print(f"Run {result['run_id']} was already published: nothing changed.")
        return
    console.print_json(json.dumps(result.get("timings_s", {})))
    summary()


if __name__ == "__main__":
    app()
