"""The pipeline's stages as plain functions: the Airflow DAG calls them one task each, tests and
the benchmark call run_pipeline() in one process. Each stage opens the run's working copy,
does its work in one transaction and closes it, so no DuckDB connection outlives a stage and a
stage killed half-way leaves nothing half-written behind (a retry starts from the last commit).

Every stage takes the warehouse's writer lock (steppe.runs). A stage of a run that was already
published does nothing: re-running a finished run changes nothing.

A run that fails, whatever the cause, is recorded (record_failure): its working folder is
removed, the ledger, `last_run.json` and `index.html` say it failed and why, the traceback goes
to `STEPPE_REPORTS_DIR/runs/<run>.log` (beside the run's report; `.<name>.steppe/runs/` beside
the warehouse when the reports folder cannot be written), and the last published report stays
as `published.html`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from steppe.config import Settings, load_settings
from steppe.display import display_name
from steppe.preflight import classify
from steppe.runs import (
    DISK_FULL_FAULT,
    FAULT_ENV,
    RunPaths,
    base_changed,
    disk_full_point,
    fault_point,
    finish_published,
    identity,
    is_published,
    ledger_entry,
    new_run_id,
    prepare_run,
    publish_run,
    read_run,
    record_finished,
    remove_run,
    require_run,
    update_run,
    write_json,
    writer_lock,
)
from steppe.warehouse import connect

StageResult = dict[str, Any]
SKIPPED: StageResult = {"skipped": "run already published"}


PUBLISHED_REPORT = "published.html"  # the report of the last published run, kept when later runs fail


class QualityGateError(RuntimeError):
    """Blocking data-quality checks failed: the run stops and nothing is published."""


@dataclasses.dataclass(frozen=True, slots=True)
class Failure:
    """How a failed run was recorded: what the operator reads, and where the details are."""

    run_id: str
    reason: str  # one line: what failed, where, what to do
    log: Path | None  # the traceback
    report: Path | None  # index.html, when it could be written

    def line(self) -> str:
        details = f" Details: {display_name(str(self.log))}" if self.log else ""
        unreported = "" if self.report else " (the report could not be written)"
        return f"Run {self.run_id} failed: {self.reason}{unreported}.{details}"


def failure_of(exc: BaseException) -> Failure | None:
    """The Failure recorded for an exception raised by run_pipeline, if any."""
    failure = getattr(exc, "steppe_failure", None)
    return failure if isinstance(failure, Failure) else None


def _reason(exc: BaseException, settings: Settings) -> str:
    fault = classify(exc, settings)
    if fault is not None:
        return fault.line()
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    return display_name(f"{type(exc).__name__}: {first}" if first else type(exc).__name__)


def _write_log(settings: Settings, run_id: str, exc: BaseException) -> Path | None:
    """The traceback, beside the run's report; beside the warehouse or in /tmp if that fails."""
    text = "".join(traceback.format_exception(exc))
    for folder in (settings.reports_dir / "runs", settings.state_dir / "runs"):
        path = folder / f"{run_id}.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return path
    try:  # a shared temporary folder: a fresh file, never a name someone could have planted
        handle, name = tempfile.mkstemp(prefix=f"steppe-{run_id}-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError:
        return None
    return Path(name)


def _amend_summaries(settings: Settings, run_id: str, **facts: Any) -> None:
    """Add facts (status, reason, log, ...) to the run's summaries that report.py wrote."""
    import json

    for path in (settings.reports_dir / "runs" / f"{run_id}.json", settings.reports_dir / "last_run.json"):
        summary = json.loads(path.read_text())
        if summary.get("run_id") == run_id:
            write_json(path, {**summary, **facts})


def _published_report(settings: Settings) -> str | None:
    path = settings.reports_dir / PUBLISHED_REPORT
    return str(path) if path.exists() else None


def _link_published_report(index: Path) -> None:
    """A failed run's index.html links the last published report (kept as published.html)."""
    if not (index.parent / PUBLISHED_REPORT).exists():
        return
    link = f'<p>Last published run: <a href="{PUBLISHED_REPORT}">{PUBLISHED_REPORT}</a></p>'
    page = index.read_text(encoding="utf-8")
    index.write_text(page.replace("</body>", link + "</body>", 1), encoding="utf-8")


def _write_failure_report(
    settings: Settings, paths: RunPaths, stages: StageResult, reason: str, log: Path | None
) -> Path | None:
    from steppe.report import write_run_report

    try:
        report = write_run_report(settings, paths, stages, status=f"failed: {reason}")
        _amend_summaries(settings, paths.run_id, status="failed", reason=reason, log=str(log) if log else None,
                         published_report=_published_report(settings))
        _link_published_report(report)
    except (OSError, ValueError):
        return None
    return report


def record_failure(settings: Settings, run_id: str, exc: BaseException, stages: StageResult | None = None) -> Failure:
    """Record a failed run everywhere an operator looks, and remove its working copy.

    Never raises for what it cannot write (the fault may be the very folder it writes to): the
    Failure says what was written.
    """
    paths = RunPaths.of(settings, run_id)
    reason = _reason(exc, settings)  # before removing the copy: a full disk is still full
    remove_run(paths)  # then: on a full disk this is what frees the space to write the rest
    log = _write_log(settings, run_id, exc)
    with contextlib.suppress(OSError):
        record_finished(settings, paths, "failed", reason=reason, log=str(log) if log else None)
    report = _write_failure_report(settings, paths, dict(stages or {}), reason, log)
    failure = Failure(run_id=run_id, reason=reason, log=log, report=report)
    with contextlib.suppress(AttributeError, TypeError):
        exc.steppe_failure = failure  # type: ignore[attr-defined]
    return failure


def _paths(settings: Settings, run_id: str) -> RunPaths | None:
    """The run's working copy, None when the run was already published (the stage is a no-op)."""
    return None if is_published(settings, run_id) else require_run(settings, run_id)


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def prepare(settings: Settings | None = None, run_id: str | None = None, *, mode: str = "staged") -> StageResult:
    settings = settings or load_settings()
    paths = prepare_run(settings, run_id, mode=mode)
    if is_published(settings, paths.run_id):
        return {"run_id": paths.run_id, "already_published": True}
    return {"run_id": paths.run_id, "database": str(paths.database)}


def land(run_id: str, settings: Settings | None = None, settle_seconds: float | None = None) -> StageResult:
    from steppe.landing import SETTLE_SECONDS, land_raw_dir

    settings = settings or load_settings()
    with writer_lock(settings):
        paths = _paths(settings, run_id)
        if paths is None:
            return dict(SKIPPED)
        disk_full_point("land", paths.run_dir)
        with connect(paths.database) as con, _transaction(con):
            report = land_raw_dir(
                settings.raw_dir, con, settle_seconds=SETTLE_SECONDS if settle_seconds is None else settle_seconds
            )
    return report.as_dict()


def parse(run_id: str, settings: Settings | None = None) -> StageResult:
    from steppe.stages import parse_new_dumps

    settings = settings or load_settings()
    with writer_lock(settings):
        paths = _paths(settings, run_id)
        if paths is None:
            return dict(SKIPPED)
        with connect(paths.database) as con, _transaction(con):
            return dataclasses.asdict(parse_new_dumps(con))


def extract(run_id: str, settings: Settings | None = None) -> StageResult:
    from steppe.stages import extract_new_articles

    settings = settings or load_settings()
    with writer_lock(settings):
        paths = _paths(settings, run_id)
        if paths is None:
            return dict(SKIPPED)
        started = time.perf_counter()
        with connect(paths.database) as con, _transaction(con):
            result = dataclasses.asdict(extract_new_articles(con))
    seconds = time.perf_counter() - started
    result["words_per_second"] = round(result["words"] / seconds) if seconds and result["words"] else None
    return result


def build(run_id: str, settings: Settings | None = None) -> StageResult:
    from steppe.integrations.dbt import dbt_build
    from steppe.report import DBT_DOCS_PAGE

    settings = settings or load_settings()
    with writer_lock(settings):
        paths = _paths(settings, run_id)
        if paths is None:
            return dict(SKIPPED)
        if os.environ.get(FAULT_ENV) in ("build", DISK_FULL_FAULT + "build"):
            _arm_dbt_fault(paths.run_dir)
        docs_page = settings.reports_dir / DBT_DOCS_PAGE
        return dbt_build(paths.database, settings.state_dir / "dbt", docs_page=docs_page).as_dict()


def validate(run_id: str, settings: Settings | None = None, results: StageResult | None = None) -> StageResult:
    """Run the GX checkpoints on the working copy and write the report; blocking failures raise."""
    from steppe.integrations.quality import validate_warehouse
    from steppe.report import write_run_report

    settings = settings or load_settings()
    with writer_lock(settings):
        paths = _paths(settings, run_id)
        if paths is None:
            return dict(SKIPPED)
        if os.environ.get(FAULT_ENV) in ("validate", DISK_FULL_FAULT + "validate"):
            _arm_gx_fault(paths.run_dir)
        quality = validate_warehouse(paths.database, settings.reports_dir)
        summary = quality.as_dict()
        if quality.blocking_failures:
            stages = {**(results or {}), "validate": summary}
            report = write_run_report(settings, paths, stages, status="failed: blocking checks, not published")
            failed = [f"{c.suite}: {c.expectation}" + (f" on {c.column}" if c.column else "")
                      for c in quality.blocking_failures]
            record_finished(settings, paths, "failed", reason="blocking checks failed", checks=failed,
                            report=str(report))
            _amend_summaries(settings, run_id, status="failed", reason="blocking data-quality checks failed",
                             checks=failed, published_report=_published_report(settings))
            _link_published_report(report)
            raise QualityGateError(
                f"{len(quality.blocking_failures)} blocking data-quality checks failed "
                f"({'; '.join(failed[:5])}{' …' if len(failed) > 5 else ''}); "
                f"the published warehouse is unchanged. Report: {report}"
            )
    return summary


def publish(run_id: str, settings: Settings | None = None, results: StageResult | None = None) -> StageResult:
    """Publish the checked working copy; reconciles first if another run published meanwhile.

    Only a copy whose data changed replaces the published file (_publication); otherwise the run
    ends as unchanged ("unchanged": True): still status "published" (its result is what readers
    see), the published file untouched, the working copy removed.
    """
    from steppe.report import mart_row_counts, write_run_report

    settings = settings or load_settings()
    with writer_lock(settings):
        entry = ledger_entry(settings, run_id)
        if entry and entry.get("status") == "published":
            return {**entry.get("result", {}), "already_published": True}
        paths = require_run(settings, run_id)
        meta = read_run(paths) or {}
        stages = dict(results or {})
        if not paths.database.exists() and meta.get("publishing") == identity(settings.warehouse):
            # Killed after the rename and before the bookkeeping: the publication itself happened.
            result = {"warehouse": str(settings.warehouse), "mart_rows": mart_row_counts(settings.warehouse)}
        else:
            if base_changed(settings, paths):
                stages["reconcile"] = _reconcile(settings, paths, stages)
            marts = mart_row_counts(paths.database)
            disk_full_point("publish", paths.run_dir)
            change = _publication(paths, stages)
            result = {"warehouse": str(settings.warehouse), "mart_rows": marts, **change.as_dict()}
            if change.changed:
                update_run(paths, publishing=identity(paths.database))
                publish_run(settings, paths)
        stages["publish"] = result
        try:
            report = write_run_report(settings, paths, stages, status="published")
            _keep_published_report(report)
            result = {**result, "report": str(report)}
        except OSError as exc:
            # The warehouse is published: a report that cannot be written must not say otherwise.
            result = {**result, "report_error": _reason(exc, settings)}
        finish_published(settings, paths, result=result)
    return result


def preflight_stage(settings: Settings | None = None) -> StageResult:
    """steppe.preflight's checks, as the DAG's first step (raises EnvironmentFault)."""
    from steppe.preflight import preflight

    preflight(settings or load_settings())
    return {}


def record_fault(run_id: str, exc: BaseException, settings: Settings | None = None) -> Failure | None:
    """For a stage run as its own task: the Failure when `exc` ends the run at once, else None.

    Machine faults (steppe.preflight.classify) and blocking checks end it: a retry cannot help.
    Other errors are left to the orchestrator's retries (then record_task_failure).
    """
    settings = settings or load_settings()
    if isinstance(exc, QualityGateError):  # validate recorded it, with the report
        remove_run(RunPaths.of(settings, run_id))
        return Failure(run_id, str(exc), _write_log(settings, run_id, exc), settings.reports_dir / "index.html")
    if classify(exc, settings) is None:
        return None
    return record_failure(settings, run_id, exc)


def record_task_failure(run_id: str | None, exc: BaseException, settings: Settings | None = None) -> None:
    """A task failed for good: record the run's failure unless it was recorded (or published) already."""
    settings = settings or load_settings()
    run_id = run_id or new_run_id()
    entry = ledger_entry(settings, run_id) or {}
    if entry.get("status") == "published":
        return
    if entry.get("status") == "failed":
        remove_run(RunPaths.of(settings, run_id))
        return
    record_failure(settings, run_id, exc)


@dataclasses.dataclass(frozen=True, slots=True)
class Publication:
    """Whether a checked working copy holds anything the published warehouse does not."""

    changed: bool
    digest: str
    freshness: dict[str, str | None]
    published_by: str | None  # the run whose publication is current when nothing changed

    def as_dict(self) -> StageResult:
        facts: StageResult = {"unchanged": not self.changed, "freshness": self.freshness}
        if not self.changed:
            facts["published_by"] = self.published_by
        return facts


def _publication(paths: RunPaths, stages: StageResult) -> Publication:
    """Compare the working copy's state digest with the one of the publication it was copied from.

    Equal digests: nothing to publish, the published file stays as it is (readers and Asset consumers
    see no new data because there is none). A changed copy records its digest in audit.publications
    (the next run compares against it). A reconciled run always publishes: its copy no longer starts
    from the publication it recorded.
    """
    from steppe.freshness import freshness, last_publication, record_publication, state_digest

    with connect(paths.database) as con:
        digest = state_digest(con)
        fresh = freshness(con)
        previous = last_publication(con)
        changed = previous is None or previous[1] != digest or "reconcile" in stages
        if changed:
            with _transaction(con):
                record_publication(con, paths.run_id, digest, fresh)
    return Publication(changed, digest, fresh.as_dict(), None if changed or previous is None else previous[0])


def _keep_published_report(index: Path) -> None:
    """published.html: the published run's report, still there when a later run fails."""
    partial = index.with_name(f".{PUBLISHED_REPORT}.tmp")
    shutil.copyfile(index, partial)
    os.replace(partial, index.with_name(PUBLISHED_REPORT))


def _reconcile(settings: Settings, paths: RunPaths, stages: StageResult) -> StageResult:
    """Another run published after this one started: take over what it holds and this one lacks.

    Every mart is derived from raw.dumps (and the refusals beside it), so a working copy that
    holds every dump the published warehouse holds loses nothing when it replaces it. Missing
    dumps are copied in and the later stages run again on them before publishing.
    """
    taken = {"dumps_taken": 0, "rejections_taken": 0}
    if settings.warehouse.exists():
        snapshot = paths.run_dir / "published-snapshot.duckdb"  # a copy: never open the published file
        shutil.copyfile(settings.warehouse, snapshot)
        try:
            with connect(paths.database) as con:
                # ATTACH takes no bound parameter: the path (our own run folder) is quoted as a literal.
                literal = str(snapshot).replace("'", "''")
                con.execute(f"attach '{literal}' as published (read_only)")
                try:
                    with _transaction(con):
                        taken["dumps_taken"] = _count(con.execute(
                            "insert into raw.dumps by name select * from published.raw.dumps p "
                            "where p.sha256 not in (select sha256 from raw.dumps)"))
                        # Each file's versions decide which dumps are current: both runs' histories count.
                        con.execute(
                            "insert into raw.file_versions by name select * from published.raw.file_versions p "
                            "where not exists (select 1 from raw.file_versions v where v.file_name = p.file_name "
                            "and v.dump_id = p.dump_id and v.seen_at = p.seen_at)")
                        con.execute(
                            "insert into audit.ignored_files by name select * from published.audit.ignored_files p "
                            "where not exists (select 1 from audit.ignored_files i where i.file_name = p.file_name "
                            "and i.reason = p.reason)")
                        taken["rejections_taken"] = _count(con.execute(
                            "insert into audit.rejected_dumps by name select * from published.audit.rejected_dumps p "
                            "where not exists (select 1 from audit.rejected_dumps r where r.file_name = p.file_name "
                            "and r.sha256 is not distinct from p.sha256)"))
                finally:
                    con.execute("detach published")
        finally:
            snapshot.unlink(missing_ok=True)
    update_run(paths, base=identity(settings.warehouse))
    if taken["dumps_taken"] or taken["rejections_taken"]:
        for name, stage in (("parse", parse), ("extract", extract), ("build", build)):
            stages[f"{name}_reconciled"] = stage(paths.run_id, settings)
        stages["validate"] = validate(paths.run_id, settings, stages)
    return taken


def _count(cursor: duckdb.DuckDBPyConnection) -> int:
    row = cursor.fetchone()
    return int(row[0]) if row else 0


# --- fault injection (test hook, see steppe.runs) -----------------------------------------------


def _arm_dbt_fault(run_dir: Path) -> None:
    """Die as soon as dbt has built the first mart table (the build is then half done)."""
    import dbt.cli.main as dbt_main

    original = dbt_main.dbtRunner

    def on_event(event: Any) -> None:
        if event.info.name == "LogModelResult" and event.data.node_info.node_relation.schema == "marts":
            fault_point("build", run_dir)

    class FaultyRunner(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), on_event]
            super().__init__(*args, **kwargs)

    dbt_main.dbtRunner = FaultyRunner  # type: ignore[misc]


def _arm_gx_fault(run_dir: Path) -> None:
    """Die once GX has run a few checkpoints (the validation is then half done)."""
    from great_expectations.checkpoint.checkpoint import Checkpoint

    original = Checkpoint.run
    calls = 0

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = original(self, *args, **kwargs)
        calls += 1
        if calls >= 3:
            fault_point("validate", run_dir)
        return result

    Checkpoint.run = run  # type: ignore[method-assign]


STAGES: list[tuple[str, Callable[..., StageResult]]] = [
    ("land", land),
    ("parse", parse),
    ("extract", extract),
    ("build", build),
]


def run_pipeline(
    settings: Settings | None = None, *, settle_seconds: float | None = None, run_id: str | None = None
) -> StageResult:
    """Every stage in this process, timed; what `airflow dags test` runs as separate tasks.

    The writer lock is held from prepare to publish, so overlapping single-process runs of one
    warehouse run one after the other, each starting from what the one before published. A
    failure is recorded (record_failure) and raised again; failure_of(exc) tells how it was recorded.
    """
    settings = settings or load_settings()
    run_id = run_id or new_run_id()
    results: StageResult = {"run_id": run_id}
    try:
        return _run_stages(settings, run_id, results, settle_seconds)
    except QualityGateError as exc:
        # Recorded by validate, with the report; only the working copy is left to remove.
        remove_run(RunPaths.of(settings, run_id))
        log = _write_log(settings, run_id, exc)
        with contextlib.suppress(AttributeError):
            exc.steppe_failure = Failure(run_id, str(exc), log, settings.reports_dir / "index.html")  # type: ignore[attr-defined]
        raise
    except BaseException as exc:
        if not is_published(settings, run_id):  # a re-run of a published run id never unpublishes it
            record_failure(settings, run_id, exc, results)
        raise


def _run_stages(settings: Settings, run_id: str, results: StageResult, settle_seconds: float | None) -> StageResult:
    timings: dict[str, float] = {}
    waited = time.perf_counter()
    with writer_lock(settings):
        started = time.perf_counter()
        timings["wait_for_lock"] = started - waited
        run = prepare(settings, run_id, mode="process")
        timings["prepare"] = time.perf_counter() - started
        if run.get("already_published"):
            entry = ledger_entry(settings, run_id) or {}
            return {"run_id": run_id, "already_published": True, "publish": entry.get("result", {})}
        for name, stage in STAGES:
            t0 = time.perf_counter()
            kwargs: dict[str, Any] = {"settle_seconds": settle_seconds} if name == "land" else {}
            results[name] = stage(run_id, settings, **kwargs)
            timings[name] = time.perf_counter() - t0
        t0 = time.perf_counter()
        results["validate"] = validate(run_id, settings, results)
        timings["validate"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        results["publish"] = publish(run_id, settings, results)
        timings["publish"] = time.perf_counter() - t0
    results["timings_s"] = {k: round(v, 3) for k, v in timings.items()}
    return results
