"""The warehouse store: the one owner of the writer lock, the run's working copy, the ledger and publishing.

    store = WarehouseStore(settings)
    with store.run() as run:           # lock, copy the published warehouse (prepare)
        for stage in STAGES:
            run.execute(stage)         # one stage, in one transaction on the working copy
    # a clean exit publishes (write-audit-publish); an exception records the failure

A run built as separate tasks (Airflow) reopens its run by id for each stage
(`store.open(run_id).execute(stage)`, then `.publish()`); each of those takes the writer lock. Such
a run can be overtaken: another run may publish between two of its tasks. Publishing then restarts
it from prepare (a fresh copy of what is now published, every stage run again, all under the lock)
instead of replacing the other run's publication with a copy that lacks it.

A stage of a run that already published does nothing, and re-publishing it changes nothing.

A run that fails, whatever the cause, is recorded (WarehouseStore.fail): its working folder is
removed, its JSON record and index.html say it failed and why (steppe.ledger), the traceback goes to
`STEPPE_REPORTS_DIR/runs/<run>.log` (beside the warehouse when the reports folder cannot be
written), and the last published report stays as `published.html`.

Steps (`on_step`): the store calls registered hooks at named points (prepare-copy, prepare,
before:<stage>, after:<stage>, publish, publish-before-replace, publish-after-replace). Nothing in
the package registers one: the test suite's fault plugin (tests/faults.py) does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import socket
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import duckdb

from steppe import ledger
from steppe.display import display_name
from steppe.lock import writer_lock
from steppe.preflight import classify
from steppe.runs import (
    RunPaths,
    fsync,
    identity,
    new_run_id,
    now_iso,
    read_run,
    remove_run,
    remove_stale_runs,
    require_run,
    update_run,
)
from steppe.settings import Settings
from steppe.stages import STAGES, Stage
from steppe.stages.validate import QualityGateError
from steppe.warehouse import connect, stamp_run, transaction

Results = dict[str, Any]
StageWork = Callable[[Any, Settings], Any]  # a stage's run(con, settings)
SKIPPED: Results = {"skipped": "run already published"}
MAX_RESTARTS = 3  # overtaken again and again: give up rather than loop
LAKE_BASE = "lake-snapshot:"  # a lake run's base: the snapshot id its working copy was copied from
PUBLISHED_REPORT = "published.html"  # the report of the last published run, kept when later runs fail

# --- steps: named points where hooks are called (tests register them) ---------------------------------

StepHook = Callable[[str, Path], None]
_STEP_HOOKS: list[StepHook] = []


def on_step(hook: StepHook) -> Callable[[], None]:
    """Call hook(point, run folder) at each named step; returns a function that removes it."""
    _STEP_HOOKS.append(hook)
    return lambda: _STEP_HOOKS.remove(hook)


def _step(point: str, folder: Path) -> None:
    for hook in list(_STEP_HOOKS):
        hook(point, folder)


# --- failures ----------------------------------------------------------------------------------------


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
    """The Failure recorded for an exception, if it was recorded."""
    failure = getattr(exc, "steppe_failure", None)
    return failure if isinstance(failure, Failure) else None


def ends_the_run(exc: BaseException, settings: Settings) -> bool:
    """Blocking checks and machine faults end a run at once: a retry cannot help."""
    return isinstance(exc, QualityGateError) or classify(exc, settings) is not None


def _reason(exc: BaseException, settings: Settings) -> str:
    if isinstance(exc, QualityGateError):
        return "blocking data-quality checks failed"
    fault = classify(exc, settings)
    if fault is not None:
        return fault.line()
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    return display_name(f"{type(exc).__name__}: {first}" if first else type(exc).__name__)


def _write_log(settings: Settings, run_id: str, exc: BaseException) -> Path | None:
    """The traceback, beside the run's report; beside the warehouse or in /tmp if that fails."""
    text = "".join(traceback.format_exception(exc))
    for folder in (settings.reports_dir / ledger.RUNS_FOLDER, settings.state_dir / ledger.RUNS_FOLDER):
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


def _link_published_report(index: Path) -> None:
    """A failed run's index.html links the last published report (kept as published.html)."""
    if not (index.parent / PUBLISHED_REPORT).exists():
        return
    link = f'<p>Last published run: <a href="{PUBLISHED_REPORT}">{PUBLISHED_REPORT}</a></p>'
    page = index.read_text(encoding="utf-8")
    index.write_text(page.replace("</body>", link + "</body>", 1), encoding="utf-8")


def _keep_published_report(index: Path) -> None:
    """published.html: the published run's report, still there when a later run fails."""
    partial = index.with_name(f".{PUBLISHED_REPORT}.tmp")
    shutil.copyfile(index, partial)
    os.replace(partial, index.with_name(PUBLISHED_REPORT))


# --- the store -----------------------------------------------------------------------------------------


class WarehouseStore:
    """One published warehouse (Settings.warehouse) and the runs that build its next version."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def lock(self, timeout: float | None = None) -> AbstractContextManager[None]:
        return writer_lock(self.settings, timeout=timeout)

    def is_published(self, run_id: str) -> bool:
        entry = ledger.ledger_entry(self.settings, run_id)
        return bool(entry and entry.get("status") == "published")

    def prepare(self, run_id: str | None = None, *, mode: str = "staged") -> Run:
        """A fresh working copy of the published warehouse (an empty one on the first run).

        mode is "process" when one process runs every stage while holding the writer lock, and
        "staged" when the stages run as separate tasks. Preparing a run id again starts it afresh
        (a retried prepare task) unless that run was already published.
        """
        paths = RunPaths.of(self.settings, run_id or new_run_id())
        with self.lock():
            if self.is_published(paths.run_id):
                return Run(self, paths, published=True)
            remove_stale_runs(self.settings, keep=paths.run_id)
            if paths.run_dir.exists():
                shutil.rmtree(paths.run_dir)
            paths.run_dir.mkdir(parents=True)
            update_run(paths, mode=mode, status="running", created_at=now_iso(), pid=os.getpid(),
                       host=socket.gethostname(), results={})
            self._copy_published(paths)
        return Run(self, paths)

    def open(self, run_id: str) -> Run:
        """A prepared run, reopened by id (RunGoneError when its working folder is gone)."""
        paths = RunPaths.of(self.settings, run_id)
        meta = read_run(paths)
        if meta is not None and meta.get("status") != "published":
            return Run(self, paths)
        if self.is_published(run_id):
            return Run(self, paths, published=True)
        require_run(self.settings, run_id)
        return Run(self, paths)

    @contextmanager
    def run(self, run_id: str | None = None) -> Iterator[Run]:
        """Every stage in this process: the lock is held from prepare to publish, so overlapping runs
        of one warehouse run one after the other. Publishes on a clean exit; records a failure."""
        run_id = run_id or new_run_id()
        current: Run | None = None
        waited = time.perf_counter()
        try:
            with self.lock():
                started = time.perf_counter()
                current = self.prepare(run_id, mode="process")
                current.timings.update(wait_for_lock=started - waited, prepare=time.perf_counter() - started)
                yield current
                if not current.published:
                    current.publish()
        except BaseException as exc:
            if failure_of(exc) is None and not self.is_published(run_id):
                self.fail(run_id, exc, current.results if current else None)
            raise

    def fail(self, run_id: str, exc: BaseException, results: Results | None = None) -> Failure:
        """Record a failed run everywhere an operator looks, and remove its working copy.

        Never raises for what it cannot write (the fault may be the very folder it writes to): the
        Failure says what was written.
        """
        paths = RunPaths.of(self.settings, run_id)
        if results is None:
            results = (read_run(paths) or {}).get("results") or {}
        reason = _reason(exc, self.settings)  # before removing the copy: a full disk is still full
        remove_run(paths)  # then: on a full disk this is what frees the space to write the rest
        log = _write_log(self.settings, run_id, exc)
        report = self._failure_report(run_id, dict(results), exc, reason, log)
        if isinstance(exc, QualityGateError):
            exc.args = (f"{exc}. Report: {report}",)
            reason = str(exc)
        failure = Failure(run_id=run_id, reason=reason, log=log, report=report)
        with contextlib.suppress(AttributeError, TypeError):
            exc.steppe_failure = failure  # type: ignore[attr-defined]
        return failure

    def _failure_report(
        self, run_id: str, results: Results, exc: BaseException, reason: str, log: Path | None
    ) -> Path | None:
        from steppe.report import write_run_report

        facts: dict[str, Any] = {"reason": reason, "log": str(log) if log else None}
        status = f"failed: {reason}"
        if isinstance(exc, QualityGateError):
            results = {**results, "validate": exc.summary}
            facts["checks"] = exc.checks
            status = "failed: blocking checks, not published"
        published = self.settings.reports_dir / PUBLISHED_REPORT
        facts["published_report"] = str(published) if published.exists() else None
        try:
            report = write_run_report(self.settings, run_id, results, status=status, record_status="failed",
                                      **facts)
            _link_published_report(report)
        except (OSError, ValueError):
            ledger.write_fallback(self.settings, {"run_id": run_id, "status": "failed", "finished_at": now_iso(),
                                                  **facts})
            return None
        return report

    def published_identity(self) -> str:
        """What is published right now: the file's identity, or the lake's snapshot id."""
        if self.settings.uses_lake:
            from steppe import lake

            return f"{LAKE_BASE}{lake.snapshot_of(self.settings)}"
        return identity(self.settings.warehouse)

    def published_location(self) -> str:
        if self.settings.uses_lake:
            from steppe import lake

            return lake.location(self.settings)
        return str(self.settings.warehouse)

    def _copy_published(self, paths: RunPaths) -> None:
        """The working copy becomes a copy of the published warehouse (none yet: no copy)."""
        if self.settings.uses_lake:
            self._copy_lake(paths)
            return
        update_run(paths, base=identity(self.settings.warehouse))
        if not self.settings.warehouse.exists():
            paths.database.unlink(missing_ok=True)
            return
        partial = paths.database.with_name(paths.database.name + ".copying")
        try:
            _step("prepare-copy", paths.run_dir)
            shutil.copyfile(self.settings.warehouse, partial)  # in the kernel (sendfile)
            _step("prepare", paths.run_dir)
            os.replace(partial, paths.database)
        except Exception:
            # A half-copied file is useless and may fill the disk: never leave it behind.
            shutil.rmtree(paths.run_dir, ignore_errors=True)
            raise

    def _copy_lake(self, paths: RunPaths) -> None:
        """The lake's tables at its current snapshot into the working copy; that snapshot is the base.
        The last publication's working file, when the lake is still at its snapshot, instead (steppe.lake)."""
        from steppe import lake

        partial = paths.database.with_name(paths.database.name + ".copying")
        paths.database.unlink(missing_ok=True)
        try:
            _step("prepare-copy", paths.run_dir)
            snapshot = lake.take_replica(self.settings, partial)
            source = "replica" if snapshot is not None else "lake"
            if snapshot is None:
                snapshot = lake.copy_into(self.settings, partial)
            _step("prepare", paths.run_dir)
            if partial.exists():
                os.replace(partial, paths.database)
        except Exception:
            shutil.rmtree(paths.run_dir, ignore_errors=True)
            raise
        update_run(paths, base=f"{LAKE_BASE}{snapshot}", prepared_from=source)


class Run:
    """One run of the store: its stages run on the working copy, then it publishes."""

    def __init__(self, store: WarehouseStore, paths: RunPaths, *, published: bool = False) -> None:
        self.store = store
        self.settings = store.settings
        self.paths = paths
        self.run_id = paths.run_id
        self.published = published
        self.results: Results = {} if published else dict((read_run(paths) or {}).get("results") or {})
        self.timings: dict[str, float] = {}

    def _connect(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A connection to the run's working copy, under the run's DuckDB memory limit."""
        return connect(self.paths.database, memory_limit=self.settings.duckdb_memory_limit)

    def execute(self, stage: Stage, work: StageWork | None = None) -> Results:
        """Run one stage on the working copy, under the writer lock; its report joins the run's results.
        work: what to run instead of the stage's run() (the merge of its batches), same report key."""
        with self.store.lock():
            if self.published:
                return dict(SKIPPED)
            require_run(self.settings, self.run_id)
            started = time.perf_counter()
            result = self._guarded(lambda: self._execute(stage, work))
            self.timings[stage.name] = time.perf_counter() - started
            self._record(stage.name, result)
        return result

    # --- fan-out (steppe.stages.batches): plan under the lock, batches anywhere, merge = execute ----------

    def batch_folder(self, stage: Stage) -> Path:
        """Where the batches of `stage` exchange their files: inside the run folder, which every worker reaches."""
        return self.paths.run_dir / "batches" / stage.name

    def plan(self, stage: Stage) -> list[int]:
        """Split what `stage` has left to do into batches of Settings.batch_size; their numbers."""
        from steppe.stages import batches

        with self.store.lock():
            if self.published:
                return []
            require_run(self.settings, self.run_id)

            def split() -> Results:
                with self._connect() as con:
                    return {"batches": batches.plan(stage.name, con, self.batch_folder(stage),
                                                    self.settings.batch_size)}

            return list(self._guarded(split)["batches"])

    def work_batch(self, stage: Stage, batch: int) -> Results:
        """One batch of `stage`, into its own files: no lock, the working copy is not opened."""
        from steppe.stages import batches

        if self.published:
            return dict(SKIPPED)
        require_run(self.settings, self.run_id)
        return self._guarded(lambda: batches.work(stage.name, self.batch_folder(stage), batch, self.settings))

    def merge(self, stage: Stage) -> Results:
        """Every batch's rows into the working copy in one transaction, recorded as the stage's result."""
        from steppe.stages import batches

        return self.execute(stage, batches.merge(stage.name, self.batch_folder(stage)))

    def _execute(self, stage: Stage, work: StageWork | None = None) -> Results:
        run = work or stage.function()
        _step(f"before:{stage.name}", self.paths.run_dir)
        if stage.opens == "file":
            report = run(self.paths.database, self.settings)
            _step(f"after:{stage.name}", self.paths.run_dir)
        else:
            with self._connect() as con, transaction(con):
                report = run(con, self.settings)
                stamp_run(con, self.run_id)
                _step(f"after:{stage.name}", self.paths.run_dir)  # written, not yet committed
        result: Results = report.as_dict()
        return result

    def _record(self, name: str, result: Any) -> None:
        self.results[name] = result
        update_run(self.paths, results=self.results)

    def _guarded(self, work: Callable[[], Results]) -> Results:
        """work(); blocking checks and machine faults end the run at once (recorded, copy removed)."""
        try:
            return work()
        except Exception as exc:
            if ends_the_run(exc, self.settings) and failure_of(exc) is None:
                self.store.fail(self.run_id, exc, self.results)
            raise

    def publish(self) -> Results:
        """Publish the checked working copy, when its data changed; restarts first if overtaken.

        Only a copy whose data changed replaces the published file (steppe.freshness); otherwise the
        run ends as unchanged ("unchanged": True): still status "published" (its result is what
        readers see), the published file untouched, the working copy removed.
        """
        with self.store.lock():
            entry = ledger.ledger_entry(self.settings, self.run_id)
            if self.published or (entry and entry.get("status") == "published"):
                return {**((entry or {}).get("result") or {}), "already_published": True}
            require_run(self.settings, self.run_id)
            started = time.perf_counter()
            result = self._guarded(self._publish)
            self.timings["publish"] = time.perf_counter() - started
        return result

    def _publish(self) -> Results:
        from steppe.report import mart_row_counts

        self._restart_if_overtaken()
        marts = mart_row_counts(self.paths.database)
        _step("publish", self.paths.run_dir)
        result: Results = {"warehouse": self.store.published_location(), "mart_rows": marts}
        result.update(self._record_publication(result))
        if not result["unchanged"] and self.settings.uses_lake:
            result.update(self._publish_to_lake())
        elif not result["unchanged"]:
            self._replace()
        if self.settings.uses_lake:
            self._keep_replica(result.get("lake_snapshot"))
        self._record("publish", result)
        return self._finish(result)

    def _restart_if_overtaken(self) -> None:
        """Another run published after this one's prepare: start again from prepare, on what is
        published now, and run every stage this run had run (bounded, under the writer lock)."""
        for count in range(1, MAX_RESTARTS + 2):
            if (read_run(self.paths) or {}).get("base") == self.store.published_identity():
                return
            if count > MAX_RESTARTS:
                raise RuntimeError(f"run {self.run_id} was overtaken by other publications {MAX_RESTARTS} times")
            done = [stage for stage in STAGES if stage.name in self.results]
            self.store._copy_published(self.paths)
            for stage in done:
                self._record(stage.name, self._execute(stage))
            self._record("restart", {"count": count, "overtaken_by": self._published_by()})

    def _published_by(self) -> str | None:
        from steppe.freshness import last_publication

        with self._connect() as con:
            last = last_publication(con)
        return last[0] if last else None

    def _record_publication(self, result: Results) -> Results:
        """Compare the copy's state digest with the publication it was copied from; when it changed,
        write the publication and this run's ledger row into the copy (they are published with it)."""
        from steppe.freshness import freshness, last_publication, record_publication, state_digest

        with self._connect() as con:
            digest = state_digest(con)
            fresh = freshness(con)
            previous = last_publication(con)
            facts: Results = {"unchanged": previous is not None and previous[1] == digest,
                              "freshness": fresh.as_dict()}
            if facts["unchanged"]:
                facts["published_by"] = previous[0] if previous else None
                return facts
            with transaction(con):
                record_publication(con, self.run_id, digest, fresh)
                ledger.carry_failed_runs(con, self.settings)
                ledger.insert_run(con, self._ledger_record("published", {**result, **facts}))
        return facts

    def _ledger_record(self, status: str, result: Results) -> Results:
        meta = read_run(self.paths) or {}
        return {"run_id": self.run_id, "status": status, "started_at": meta.get("created_at"),
                "finished_at": now_iso(), "result": result, "stages": self.results}

    def _replace(self) -> None:
        """Atomically replace the published warehouse with the checked working copy."""
        database, warehouse = self.paths.database, self.settings.warehouse
        wal = database.with_name(database.name + ".wal")
        if wal.exists():
            raise RuntimeError(f"working copy {database} was not closed cleanly ({wal.name} exists)")
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        fsync(database)
        _step("publish-before-replace", self.paths.run_dir)
        # Readers holding the old file keep reading it; new readers open the new one.
        os.replace(database, warehouse)
        fsync(warehouse.parent, folder=True)
        _step("publish-after-replace", self.paths.run_dir)

    def _publish_to_lake(self) -> Results:
        """One DuckLake transaction replaces the lake's tables with the checked working copy's.

        It commits nothing if the lake moved since the base snapshot (another machine published
        after the overtaken check): LakeOvertakenError, and a retried publish restarts the run.
        """
        from steppe import lake

        record = read_run(self.paths) or {}
        base = _lake_base(record)
        wal = self.paths.database.with_name(self.paths.database.name + ".wal")
        if wal.exists():
            raise RuntimeError(f"working copy {self.paths.database} was not closed cleanly ({wal.name} exists)")
        _step("publish-before-replace", self.paths.run_dir)
        snapshot, tables = lake.publish_from(self.settings, self.paths.database, base)
        _step("publish-after-replace", self.paths.run_dir)
        return {"lake_snapshot": snapshot, "lake_base_snapshot": base,
                "lake_prepared_from": record.get("prepared_from"), "lake_tables": tables}

    def _keep_replica(self, snapshot: int | None) -> None:
        """The lake now equals the working file (published, or unchanged at the base): keep the file
        for the next prepare. Best effort: the publication is done, and without a replica the next
        prepare copies from the lake."""
        from steppe import lake

        if snapshot is None:
            snapshot = _lake_base(read_run(self.paths) or {})
        try:
            lake.keep_replica(self.settings, self.paths.database, snapshot)
        except (OSError, duckdb.Error):
            with contextlib.suppress(OSError):
                lake.drop_replica(self.settings)

    def _finish(self, result: Results) -> Results:
        """The report and the run's record; the working folder goes."""
        from steppe.report import write_run_report

        meta = read_run(self.paths) or {}
        try:
            report = write_run_report(self.settings, self.run_id, self.results, status="published",
                                      started_at=meta.get("created_at"), result=result)
            _keep_published_report(report)
            result = {**result, "report": str(report)}
        except OSError as exc:
            # The warehouse is published: a report that cannot be written must not say otherwise.
            result = {**result, "report_error": _reason(exc, self.settings)}
            ledger.write_fallback(self.settings, {**self._ledger_record("published", result)})
        self.results["publish"] = result
        update_run(self.paths, status="published")
        remove_run(self.paths)
        self.published = True
        return result


def _lake_base(record: dict[str, Any]) -> int:
    """The lake snapshot a run's working copy started from (its run record's base)."""
    return int(str(record.get("base", "")).removeprefix(LAKE_BASE))
