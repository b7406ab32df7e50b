"""Concurrency and readers.

- The writer lock: re-entrant in a process, exclusive across processes.
- Stale working folders: only runs that provably cannot continue are removed.
- Two `steppe run` processes at once run one after the other, with no DuckDB lock error, while
  two readers hold or keep opening the published file read-only: the readers never block a run
  and never see anything but a whole published warehouse.
- Two staged (Airflow-style) runs interleaved stage by stage, the later one started before the
  earlier published and missing a dump it landed: the later publication loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from steppe.config import PROJECT_ROOT
from steppe.lock import LockHeldError, writer_lock
from steppe.pipeline import build, extract, land, parse, prepare, publish, validate
from steppe.runs import RunGoneError, RunPaths, read_run, stale_reason, update_run
from steppe.settings import Settings
from tests.conftest import (
    age,
    clone_warehouse,
    extra_dumps,
    landed_shas,
    make_settings,
    mart_hashes,
    seed_raw,
    write_dump,
)
from tests.reliability.conftest import DUCKDB_LOCK_ERRORS, Built, last_run, read_json, start_steppe_run

# --- the writer lock --------------------------------------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from steppe.lock import writer_lock
from tests.conftest import make_settings
with writer_lock(make_settings(Path(sys.argv[1]))):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_writer_lock_is_reentrant_in_a_process_and_exclusive_across_processes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with writer_lock(settings), writer_lock(settings):  # a whole run holds it while each stage takes it again
        pass
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path), "1.5"], cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with writer_lock(settings):
            waited = time.monotonic() - started
        assert waited > 0.8, "the lock was taken while another process held it"
    finally:
        holder.wait(10)


def test_writer_lock_waits_at_most_its_timeout_then_names_the_holder(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path), "30"], cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(LockHeldError, match=f"held by pid {holder.pid} on .* for more than 1 s"), \
                writer_lock(settings, timeout=0.6):
            pass
        assert 0.5 < time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
    with writer_lock(settings, timeout=0):  # the kernel released it with its holder
        pass


def test_threads_of_one_process_exclude_each_other(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    inside, overlaps = [0], [0]

    def work() -> None:
        for _ in range(20):
            with writer_lock(settings):
                inside[0] += 1
                overlaps[0] = max(overlaps[0], inside[0])
                time.sleep(0.001)
                inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps[0] == 1


# --- stale working folders ---------------------------------------------------------------------------


def backdate(folder: Path, seconds: float) -> None:
    """age() a run's folder and everything directly in it."""
    for path in [folder, *folder.iterdir()]:
        age(path, seconds)


def left_behind(settings: Settings, run_id: str, **meta: object) -> RunPaths:
    """A working folder as a run leaves it (made by hand: prepare_run would clean the others)."""
    paths = RunPaths.of(settings, run_id)
    paths.run_dir.mkdir(parents=True)
    paths.database.write_bytes(b"")
    update_run(paths, **{"mode": "staged", "status": "running", **meta})
    return paths


def test_prepare_removes_only_runs_that_cannot_continue(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    live = left_behind(settings, "live-staged")  # an Airflow run between two tasks
    quiet = left_behind(settings, "quiet-staged")
    backdate(quiet.run_dir, 3600)  # an hour without a task: still within the six hours
    dead_process = left_behind(settings, "dead-process", mode="process")  # its process is gone
    failed = left_behind(settings, "failed", status="failed")
    published = left_behind(settings, "published", status="published")  # killed before removing its folder
    abandoned = left_behind(settings, "abandoned-staged")
    backdate(abandoned.run_dir, 7 * 3600)
    junk = settings.work_dir / "half-prepared"
    junk.mkdir()  # killed before run.json was written

    assert stale_reason(live.run_dir) is None and stale_reason(quiet.run_dir) is None
    assert stale_reason(dead_process.run_dir) == "single-process run no longer holds the writer lock: it ended"
    assert stale_reason(failed.run_dir) == "run failed"
    assert stale_reason(published.run_dir) == "run published"
    assert (stale_reason(abandoned.run_dir) or "").startswith("staged run idle for")
    assert stale_reason(junk) == "no run.json: a prepare that never completed"

    prepare(settings, "next")
    assert sorted(p.name for p in settings.work_dir.iterdir()) == ["live-staged", "next", "quiet-staged"]
    assert read_run(live)["status"] == "running"  # type: ignore[index]

    # A shorter limit (STEPPE_STALE_RUN_SECONDS) makes the quiet one stale too.
    prepare(settings.replace(stale_run_seconds=1800), "after")
    assert sorted(p.name for p in settings.work_dir.iterdir()) == ["after", "live-staged", "next"]


def test_a_stage_of_a_run_removed_as_stale_fails_with_a_clear_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    (tmp_path / "raw").mkdir()
    old = prepare(settings)["run_id"]
    backdate(settings.work_dir / old, 10)
    settings = settings.replace(stale_run_seconds=5)  # STEPPE_STALE_RUN_SECONDS
    prepare(settings)
    with pytest.raises(RunGoneError, match=f"run {old}: its working folder .* is gone"):
        land(old, settings)
    assert not settings.warehouse.exists()


# --- two single-process runs and two readers ----------------------------------------------------------

READER = """
import json, sys, time
from pathlib import Path
import duckdb
from tests.conftest import table_hashes
db, mode, stop = sys.argv[1], sys.argv[2], Path(sys.argv[3])
if mode == "hold":
    con = duckdb.connect(db, read_only=True)
    print(json.dumps({"open": True}), flush=True)
    while not stop.exists():
        print(json.dumps({"h": table_hashes(con)}), flush=True)
        time.sleep(0.5)
    con.close()
else:
    print(json.dumps({"open": True}), flush=True)
    while not stop.exists():
        try:
            con = duckdb.connect(db, read_only=True)
            try:
                print(json.dumps({"h": table_hashes(con)}), flush=True)
            finally:
                con.close()
        except Exception as exc:
            print(json.dumps({"error": repr(exc)}), flush=True)
        time.sleep(0.2)
"""


@pytest.mark.slow
def test_two_overlapping_runs_serialise_and_readers_never_block_or_see_a_half_state(
    tmp_path: Path, baseline: Built, extended: Built
) -> None:
    settings = clone_warehouse(baseline.settings, tmp_path, seed_raw(tmp_path / "raw", extras=True))
    stop = tmp_path / "stop-readers"
    logs = {mode: tmp_path / f"reader-{mode}.jsonl" for mode in ("hold", "reopen")}  # files: a full pipe would stall them
    readers = {
        mode: subprocess.Popen([sys.executable, "-c", READER, str(settings.warehouse), mode, str(stop)],
                               cwd=PROJECT_ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, text=True)
        for mode, log in logs.items()
    }
    try:
        for log in logs.values():
            deadline = time.monotonic() + 60
            while '"h"' not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.1)  # each reader has the file open and has read it once
        runs = [start_steppe_run(settings) for _ in range(2)]  # at the same time
        outputs = []
        for run in runs:
            out, _ = run.communicate(timeout=600)
            outputs.append(out)
            assert run.returncode == 0, out[-3000:]
            assert not any(marker in out for marker in DUCKDB_LOCK_ERRORS), out[-3000:]
    finally:
        stop.touch()
        for reader in readers.values():
            reader.wait(timeout=60)
    seen = {}
    for mode, reader in readers.items():
        lines = logs[mode].read_text().splitlines()
        assert reader.returncode == 0 and lines[0] == '{"open": true}', lines[-20:]
        seen[mode] = [json.loads(line) for line in lines[1:]]

    # Serialised: the runs' reports show one landed the two new dumps, the other (which waited
    # for the writer lock) started from that publication and had nothing left to land.
    reports = [read_json(p) for p in sorted((settings.reports_dir / "runs").glob("*.json"))]
    assert sorted(r["stages"]["land"]["landed"] for r in reports) == [0, 2]
    assert all(r["status"] == "published" for r in reports)
    assert mart_hashes(settings.warehouse) == extended.hashes
    assert landed_shas(settings.warehouse) == extended.shas

    # The reader holding the file open kept seeing the warehouse it opened, whole.
    held = seen["hold"]
    assert held and all("h" in s and s["h"] == baseline.hashes for s in held), held[:3]
    # The reader opening it again and again saw the old warehouse, then the new one; never an
    # error, never anything else.
    states = [s.get("h") for s in seen["reopen"]]
    assert all("error" not in s for s in seen["reopen"]), [s for s in seen["reopen"] if "error" in s][:3]
    assert set(map(json.dumps, states)) <= {json.dumps(baseline.hashes), json.dumps(extended.hashes)}
    assert states[0] == baseline.hashes and states[-1] == extended.hashes
    switched = states.index(extended.hashes)
    assert all(s == extended.hashes for s in states[switched:])


# --- two staged runs, interleaved -----------------------------------------------------------------------


def stages_until_checked(run_id: str, settings: Settings) -> dict[str, object]:
    results: dict[str, object] = {}
    for name, stage in (("parse", parse), ("extract", extract), ("build", build)):
        results[name] = stage(run_id, settings)
    results["validate"] = validate(run_id, settings, results)
    return results


@pytest.mark.slow
def test_interleaved_staged_runs_lose_nothing(tmp_path: Path, baseline: Built, extended: Built) -> None:
    raw = seed_raw(tmp_path / "raw")
    (x_name, x_text), (y_name, y_text) = extra_dumps().items()
    write_dump(raw, x_name, x_text)
    settings = clone_warehouse(baseline.settings, tmp_path, raw)

    first = prepare(settings)["run_id"]
    assert land(first, settings)["landed"] == 1  # X
    (raw / x_name).unlink()  # an operator moves X away and Y arrives ...
    write_dump(raw, y_name, y_text)
    second = prepare(settings)["run_id"]  # ... and a second orchestrator starts a run
    assert (settings.work_dir / first).exists()  # the first run's folder survives: it may continue
    assert land(second, settings)["landed"] == 1  # Y only

    first_results = stages_until_checked(first, settings)
    publish(first, settings, first_results)
    x_sha, y_sha = (hashlib.sha256(t.encode()).hexdigest() for t in (x_text, y_text))
    assert landed_shas(settings.warehouse) == baseline.shas | {x_sha}

    second_results = stages_until_checked(second, settings)
    published = publish(second, settings, second_results)
    # The second run started before the first published: it restarted from prepare, on the first
    # run's publication (X included), before replacing it.
    last = last_run(settings)
    assert last["run_id"] == second and last["stages"]["restart"] == {"count": 1, "overtaken_by": first}
    assert mart_hashes(settings.warehouse) == extended.hashes
    assert landed_shas(settings.warehouse) == extended.shas == baseline.shas | {x_sha, y_sha}
    assert published["mart_rows"]["articles"] > 0
    assert list(settings.work_dir.iterdir()) == []
