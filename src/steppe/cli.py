"""`steppe` command line: print the last run's summary, or run the pipeline without Airflow."""

from __future__ import annotations

import datetime as dt
import traceback
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from steppe.display import display_name
from steppe.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console(highlight=False, soft_wrap=True)  # soft wrap: one line printed is one line read
errors = Console(stderr=True, highlight=False, soft_wrap=True)

LISTED_FILES = 10  # refused or ignored files named in the summary; the report lists them all


def shown(text: object) -> str:
    """Untrusted text (file names, reasons, paths) as inert rich text: no markup, no control characters."""
    return escape(display_name(str(text)))


def fail(line: str, code: int = 1) -> typer.Exit:
    errors.print(f"[red]{shown(line)}[/red]")
    return typer.Exit(code)


# --- the record of the last run -------------------------------------------------------------------


def _finished(record: dict[str, Any] | None) -> float:
    try:
        return dt.datetime.fromisoformat(str((record or {})["finished_at"])).timestamp()
    except (KeyError, ValueError):
        return 0.0


def last_run(settings: Settings) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the last run's record in the reports folder, the record beside the warehouse when that is newer:
    written when the reports folder could not be)."""
    from steppe.ledger import newest_fallback
    from steppe.report import read_last_run

    report = read_last_run(settings.reports_dir)
    fallback = newest_fallback(settings)
    if fallback and (report is None or (fallback.get("run_id") != report.get("run_id")
                                        and _finished(fallback) > _finished(report))):
        return report, fallback
    return report, None


@app.command()
def summary(
    since: Annotated[float, typer.Option(help="Fail unless the last run finished after this Unix time.")] = 0.0,
) -> None:
    """Print the last run's summary; exits non-zero when that run failed (or none finished since --since)."""
    settings = Settings.from_env()
    report, newer = last_run(settings)
    last = newer or report
    if last is None:
        raise fail(f"No run summary in {settings.reports_dir}: the pipeline has not finished a run here.")
    if _finished(last) < since:
        raise fail(f"The last run ({last.get('run_id')}, {last.get('finished_at')}) finished before this one "
                   "started: this run did not finish.")
    if last.get("status") != "published":
        raise fail(failure_line(last, settings))
    if newer is not None:  # published, but its report could not be written: the ledger has the facts
        result = newer.get("result") or {}
        console.print(f"Run {shown(newer.get('run_id'))} published {shown(result.get('warehouse'))} at "
                      f"{shown(newer.get('finished_at'))}; its report could not be written: "
                      f"{shown(result.get('report_error'))}")
        return
    print_summary(last)


def failure_line(last: dict[str, Any], settings: Settings) -> str:
    reason = last.get("reason") or last.get("status")
    checks = [str(c) for c in last.get("checks") or []]
    if checks:
        reason = f"{reason} ({'; '.join(checks[:3])}{' …' if len(checks) > 3 else ''})"
    log = f" Details: {last['log']}." if last.get("log") else ""
    published = settings.reports_dir / "published.html"
    previous = f" Last published report: {published}." if published.exists() else ""
    return f"Run {last.get('run_id')} failed at {last.get('finished_at')}: {reason}.{log}{previous}"


def _files_line(land: dict[str, Any]) -> str:
    return (f"files: {land.get('landed', 0)} landed, {land.get('duplicates', 0)} duplicates, "
            f"{land.get('rejected', 0)} refused, {len(land.get('ignored') or [])} ignored, "
            f"{land.get('deferred', 0)} deferred")


def _ignored_row(entry: object) -> tuple[str, object, object]:
    """("ignored", name, reason) of a landing report's entry: {"file", "reason"} as landing writes it."""
    if isinstance(entry, dict):
        return "ignored", entry.get("file", ""), entry.get("reason", "")
    if isinstance(entry, list | tuple):
        return "ignored", *entry[:2]
    return "ignored", entry, ""


def _listed_files(land: dict[str, Any]) -> list[str]:
    rows = [("refused", r.get("file", ""), r.get("reason", "")) for r in land.get("rejections") or []]
    rows += [_ignored_row(entry) for entry in land.get("ignored") or []]
    lines = [f"  {kind} [bold]{shown(name)}[/bold]: {shown(reason)}" for kind, name, reason in rows[:LISTED_FILES]]
    if len(rows) > LISTED_FILES:
        lines.append(f"  … and {len(rows) - LISTED_FILES} more: see the report")
    return lines


def print_summary(last: dict[str, Any]) -> None:
    stages = last["stages"]
    land, quality, build = stages.get("land", {}), stages.get("validate", {}), stages.get("build", {})
    unchanged = " (unchanged: nothing new, the published file was left in place)" \
        if stages.get("publish", {}).get("unchanged") else ""
    table = Table(title=f"Steppe run {shown(last['run_id'])}: {shown(last['status'])}{unchanged}")
    table.add_column("what")
    table.add_column("value", justify="right")
    for mart, rows in stages.get("publish", {}).get("mart_rows", {}).items():
        table.add_row(f"marts.{shown(mart)} rows", str(rows))
    table.add_row("pages without articles", str(stages.get("parse", {}).get("pages_without_articles", 0)))
    table.add_row("dbt tests passed / failed", f"{build.get('tests_passed', 0)} / {build.get('tests_failed', 0)}")
    table.add_row(
        "GX checks passed / failed",
        f"{quality.get('checks_passed', 0)} / {quality.get('checks_failed', 0)} "
        f"({len(quality.get('blocking_failures', []))} blocking, {len(quality.get('warnings', []))} warnings)",
    )
    console.print(table)
    console.print(_files_line(land))
    for line in _listed_files(land):
        console.print(line)
    console.print(f"Warehouse: {shown(last['warehouse'])}")
    console.print(f"Quality report: {shown(last['reports_dir'])}/index.html")
    if build.get("log"):
        console.print(f"dbt's log: {shown(build['log'])}")


# --- running ----------------------------------------------------------------------------------------


@app.command()
def run(
    run_id: Annotated[
        str | None, typer.Option(help="Run id (default: a new one). Re-running a published run changes nothing.")
    ] = None,
    debug: Annotated[bool, typer.Option(help="On failure, print the traceback too (it is always in the run's log).")]
    = False,
) -> None:
    """Run every stage in this process (no Airflow): for development and benchmarks.

    Checks the folders, free space and the writer lock first (steppe.preflight). Overlapping runs
    on one warehouse wait for each other (the writer lock is held for the whole run), at most
    STEPPE_LOCK_WAIT_SECONDS. A failure prints one line and exits 1; its traceback is in the log
    file that line names (STEPPE_REPORTS_DIR/runs/<run>.log).
    """
    from steppe.pipeline import failure_of, record_failure, run_pipeline
    from steppe.preflight import EnvironmentFault, preflight
    from steppe.runs import new_run_id

    settings = Settings.from_env()

    def waiting(holder: str) -> None:
        errors.print(f"Waiting for the writer lock, held by {shown(holder)} "
                     f"(at most {settings.lock_wait_seconds:.0f} s) …")

    try:
        preflight(settings, on_wait=waiting)
    except EnvironmentFault as exc:
        record_failure(settings, run_id or new_run_id(), exc)  # the report and ledger say so too
        _debug(exc, debug)
        raise fail(f"Preflight failed, nothing was run: {exc.line()}.") from None
    try:
        result = run_pipeline(settings, run_id=run_id)
    except Exception as exc:
        _debug(exc, debug)
        failure = failure_of(exc)
        raise fail(failure.line() if failure else f"Run failed: {type(exc).__name__}: {exc}") from None
    if result.get("already_published"):
        console.print(f"Run {shown(result['run_id'])} was already published: nothing changed.")
        return
    timings = result.get("timings_s", {})
    console.print(f"Run took {sum(timings.values()):.1f} s "
                  f"(build {timings.get('build', 0):.1f} s, checks {timings.get('validate', 0):.1f} s).")
    summary()


def _debug(exc: BaseException, wanted: bool) -> None:
    if wanted:
        lines = "".join(traceback.format_exception(exc)).splitlines()
        errors.print("\n".join(display_name(line) for line in lines), markup=False)


if __name__ == "__main__":
    app()
