"""The whole pipeline over the seeds plus the hostile set (tests/hostile/pages.py): it publishes, the
seed articles come out exactly as from the seeds alone, every file is accounted for, nothing outside
the raw folder is read, no payload runs in a report page or a terminal, and an in-place correction
wins.

Two runs on one warehouse: run_pipeline in this process over seeds + hostile set, then the
correction is made in place and a real `steppe run` subprocess lands it (its output is what an
operator's terminal gets). No timing is asserted here: the cost is `make bench`'s hostile ratio.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from steppe.config import Settings
from steppe.display import display_name
from steppe.pipeline import run_pipeline
from tests.conftest import make_settings, query, seed_raw
from tests.hostile.pages import (
    CONTROL_NAMES,
    CORRECTION_AFTER,
    CORRECTION_BEFORE,
    CORRECTION_NAME,
    CORRECTION_TITLE,
    LINK_NAME,
    NAME_PAYLOAD,
    OUTSIDE_MARKER,
    HostileSet,
    correct_in_place,
    write_hostile_set,
)

pytestmark = pytest.mark.slow

# What must never appear as written in an HTML page: each would run (or load) in a browser.
LIVE_PAYLOADS = ("<script>alert", "<img src=x onerror", "<svg onload")
# Characters a terminal acts on: ESC (CSI and OSC sequences), BEL, and the bidi controls.
TERMINAL_CONTROLS = ("\x1b", "\x07", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
                     "\u2069")


@dataclass(frozen=True, slots=True)
class HostileRuns:
    settings: Settings
    hostile: HostileSet
    first: dict[str, Any]  # run_pipeline's result (before the correction)
    figures_before: list[tuple[str, float]]  # the correction article's figures after the first run
    cli: subprocess.CompletedProcess[str]  # `steppe run` after the correction



def correction_figures(db: Path) -> list[tuple[str, float]]:
    return query(db, "select f.figure_text, f.value from marts.trade_figures f join marts.articles a using "
                     "(article_id) where a.title = ? order by f.position", [CORRECTION_TITLE])


def run_cli(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "STEPPE_RAW_DIR": str(settings.raw_dir),
        "STEPPE_WAREHOUSE": str(settings.warehouse),
        "STEPPE_REPORTS_DIR": str(settings.reports_dir),
    }
    steppe = Path(sys.executable).with_name("steppe")
    return subprocess.run([str(steppe), "run"], env=env, capture_output=True, text=True, timeout=1200,
                          check=False, encoding="utf-8", errors="surrogateescape")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> HostileRuns:
    root = tmp_path_factory.mktemp("hostile_run")
    settings = make_settings(root, seed_raw(root / "raw"))
    hostile = write_hostile_set(settings.raw_dir, root / "outside")
    first = run_pipeline(settings)
    before = correction_figures(settings.warehouse)
    correct_in_place(hostile.correction)
    cli = run_cli(settings)
    return HostileRuns(settings, hostile, first, before, cli)


# --- it publishes ---------------------------------------------------------------------------------------


def test_both_runs_publish(runs: HostileRuns) -> None:
    assert runs.first["publish"]["warehouse"] == str(runs.settings.warehouse)
    assert runs.cli.returncode == 0, runs.cli.stdout + runs.cli.stderr
    assert ": published" in runs.cli.stdout
    land = runs.first["land"]
    assert land["landed"] == 3 + len(runs.hostile.landed)
    assert land["rejected"] == len(runs.hostile.refused)
    assert land["deferred"] == 0


# --- the seeds' rows ------------------------------------------------------------------------------------

SEED_ARTICLES = "select * from marts.articles where article_id in (select unnest(?::varchar[])) order by article_id"
SEED_ENTITIES = """
    select a.title, e.name, e.entity_type, e.country_code, x.mention_count
    from marts.article_entities x join marts.articles a using (article_id) join marts.entities e using (entity_id)
    where a.article_id in (select unnest(?::varchar[])) order by all"""
SEED_FIGURES = """
    select a.title, f.* exclude (figure_id, article_id)
    from marts.trade_figures f join marts.articles a using (article_id)
    where a.article_id in (select unnest(?::varchar[])) order by all"""


@pytest.mark.parametrize("sql", [SEED_ARTICLES, SEED_ENTITIES, SEED_FIGURES], ids=["articles", "entities", "figures"])
def test_the_seed_articles_rows_are_those_of_a_seeds_only_build(
    runs: HostileRuns, seed_run: tuple[Settings, dict[str, object]], sql: str
) -> None:
    seeds_only = seed_run[0].warehouse
    ids = [r[0] for r in query(seeds_only, "select article_id from marts.articles")]
    expected = query(seeds_only, sql, [ids])
    assert expected  # the seeds have articles, entities and figures: the comparison compares something
    assert query(runs.settings.warehouse, sql, [ids]) == expected


# --- every file ------------------------------------------------------------------------------------------


def test_every_file_is_landed_refused_or_ignored(runs: HostileRuns) -> None:
    db = runs.settings.warehouse
    current = {r[0] for r in query(db, "select file_name from raw.file_versions")}
    refused = dict(query(db, "select file_name, reason from audit.rejected_dumps"))
    ignored = dict(query(db, "select file_name, reason from audit.ignored_files"))
    entries = {display_name(name) for name in os.listdir(runs.settings.raw_dir)}
    assert entries == current | set(refused) | set(ignored)
    assert {display_name(n) for n in runs.hostile.landed} <= current
    assert {display_name(n) for n in runs.hostile.refused} == set(refused)
    assert {display_name(n) for n in runs.hostile.ignored} == set(ignored)
    for name, why in runs.hostile.refused.items():
        assert why in refused[display_name(name)]
    for name, why in runs.hostile.ignored.items():
        assert why in ignored[display_name(name)]


def test_the_pattern_pages_and_the_5_mb_page_are_parsed_each_into_its_article(runs: HostileRuns) -> None:
    rows = dict(query(runs.settings.warehouse, """
        select d.file_name, count(a.dump_id) from raw.dumps d left join raw.page_articles a using (dump_id)
        where d.file_name like 'pattern_%' or d.file_name = 'one_line_5mb.txt' group by all"""))
    assert len(rows) == 8
    assert all(count == 1 for count in rows.values()), rows


def test_the_link_target_is_never_read(runs: HostileRuns) -> None:
    db = runs.settings.warehouse
    assert query(db, "select count(*) from raw.dumps where contains(content, ?)", [OUTSIDE_MARKER]) == [(0,)]
    assert OUTSIDE_MARKER.encode() not in db.read_bytes()
    reason = dict(query(db, "select file_name, reason from audit.rejected_dumps"))[LINK_NAME]
    assert "outside the raw folder" in reason and "not read" in reason


# --- what is shown -----------------------------------------------------------------------------------------


def test_no_report_page_holds_a_payload_unescaped(runs: HostileRuns) -> None:
    pages = sorted(runs.settings.reports_dir.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        for payload in LIVE_PAYLOADS:
            assert payload not in text, f"{payload!r} unescaped in {page}"
    index = (runs.settings.reports_dir / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in index  # the payload file names are listed, escaped


def test_the_terminal_output_is_inert(runs: HostileRuns) -> None:
    out = runs.cli.stdout + runs.cli.stderr
    for char in TERMINAL_CONTROLS:
        assert char not in out, f"{char!r} reached the terminal"
    assert "esc_\\x1b[2J\\x1b[31mcleared.txt" in out  # shown as escapes, not acted on
    assert "newline_\\x0aforged: 0 refused.txt" in out  # one line, not two
    assert "bidi_\\u202etxt.exe.txt" in out
    assert "[conceal]x.txt" in out and "[link=https:example.com]y.txt" in out  # shown literally: no markup
    assert f"refused_{NAME_PAYLOAD}.txt" in out
    assert "editor_notes.md: extension '.md', not .txt" in out
    for name in CONTROL_NAMES:  # each named once, on one line
        assert out.count(display_name(name)) == 1


# --- the correction -----------------------------------------------------------------------------------------


def test_an_in_place_correction_replaces_the_figure(runs: HostileRuns) -> None:
    db = runs.settings.warehouse
    assert runs.figures_before == [(CORRECTION_BEFORE, 10_000_000.0)]
    assert correction_figures(db) == [(CORRECTION_AFTER, 90_000_000.0)]
    assert query(db, "select dump_count from marts.articles where title = ?", [CORRECTION_TITLE]) == [(1,)]
    versions = query(db, "select count(*) from raw.file_versions where file_name = ?", [CORRECTION_NAME])
    assert versions == [(2,)]
