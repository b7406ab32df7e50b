"""Repeatable: rebuilds from the same files give identical marts whatever order the files were
landed in, and re-running a finished run changes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from steppe.ledger import ledger_entry
from steppe.pipeline import land, prepare, publish, run_pipeline
from tests.conftest import (
    SEED_TEXT,
    clone_warehouse,
    extra_dumps,
    file_digest,
    landed_shas,
    make_settings,
    mart_hashes,
    seed_raw,
    write_dump,
)
from tests.reliability.conftest import Built

pytestmark = pytest.mark.slow


def test_rebuilds_from_the_same_files_landed_in_other_orders_give_identical_marts(
    tmp_path: Path, extended: Built
) -> None:
    # `extended` was built in one run, files landed in name order: the bundled dumps, then the
    # two extras. Here the extras land first, in reverse order (names sort the other way), and
    # the bundled dumps arrive in a second run, also under names that reverse their order.
    raw = tmp_path / "raw"
    for i, (name, text) in enumerate(reversed(extra_dumps().items())):
        write_dump(raw, f"a{i}_{name}", text)
    settings = make_settings(tmp_path, raw)
    first = run_pipeline(settings)
    assert first["land"]["landed"] == 2
    for i, (name, text) in enumerate(reversed(SEED_TEXT.items())):
        write_dump(raw, f"b{i}_{name}.txt", text)
    second = run_pipeline(settings)
    assert second["land"]["landed"] == len(SEED_TEXT)

    assert landed_shas(settings.warehouse) == extended.shas
    assert mart_hashes(settings.warehouse) == extended.hashes


def test_rerunning_a_finished_run_changes_nothing(tmp_path: Path, baseline: Built) -> None:
    settings = clone_warehouse(baseline.settings, tmp_path, seed_raw(tmp_path / "raw"))

    done = run_pipeline(settings, run_id="nightly-2025-12-08")
    assert done["land"]["landed"] == 0  # nothing new since the baseline was built
    assert mart_hashes(settings.warehouse) == baseline.hashes
    digest, stamp = file_digest(settings.warehouse), os.stat(settings.warehouse).st_mtime_ns
    report = (settings.reports_dir / "last_run.json").read_text()

    # The same run again, whole or one stage at a time (an Airflow task cleared and re-run):
    # nothing is rebuilt, nothing replaced, not even the report.
    again = run_pipeline(settings, run_id="nightly-2025-12-08")
    assert again["already_published"] is True
    assert prepare(settings, "nightly-2025-12-08") == {"run_id": "nightly-2025-12-08", "already_published": True}
    assert land("nightly-2025-12-08", settings) == {"skipped": "run already published"}
    assert publish("nightly-2025-12-08", settings)["already_published"] is True
    assert file_digest(settings.warehouse) == digest and os.stat(settings.warehouse).st_mtime_ns == stamp
    assert (settings.reports_dir / "last_run.json").read_text() == report
    assert ledger_entry(settings, "nightly-2025-12-08")["status"] == "published"  # type: ignore[index]

    # A new run over the same files publishes the same marts.
    fresh = run_pipeline(settings)
    assert fresh["land"]["landed"] == fresh["parse"]["pages"] == fresh["extract"]["articles"] == 0
    assert mart_hashes(settings.warehouse) == baseline.hashes
