"""The dashboard (dashboard/, Evidence) in a real browser: built from a real warehouse, served on this
machine, loaded in headless Chromium; the page must show that warehouse's data, and its screenshot
must not be blank.

The warehouse is the development corpus (162 real pages and the three seeds, ~25 s): it has FX
conflicts, trade figures in USD and places with coordinates, which the seeds alone barely have.
The screenshot is kept beside the test warehouse's report (reports/dashboard.png); its path is printed.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from steppe.config import PROJECT_ROOT, Settings
from tests.conftest import BUNDLED_RAW, CORPUS_PAGES, age, make_settings, query

pytestmark = pytest.mark.slow

DASHBOARD = PROJECT_ROOT / "dashboard"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from steppe.pipeline import run_pipeline

    settings = make_settings(tmp_path_factory.mktemp("dashboard"))
    settings.raw_dir.mkdir(parents=True)
    for page in [*CORPUS_PAGES.glob("*.txt"), *BUNDLED_RAW.glob("*.txt")]:
        shutil.copyfile(page, settings.raw_dir / page.name)
        age(settings.raw_dir / page.name)
    run_pipeline(settings)
    assert settings.warehouse.exists()
    return settings


@pytest.fixture(scope="module")
def site(warehouse: Settings) -> Iterator[str]:
    """The dashboard built from the warehouse (scripts/build.sh: extract, build), served on a free port."""
    done = subprocess.run([str(DASHBOARD / "scripts" / "build.sh"), str(warehouse.warehouse)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    handler = functools.partial(_QuietHandler, directory=str(DASHBOARD / "build"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def snapshot(site: str, warehouse: Settings) -> dict[str, Any]:
    """What Chromium shows of the page (scripts/snapshot.mjs), and where its screenshot is."""
    assert CHROMIUM.exists(), "headless Chromium is missing: `make chromium` installs it"
    png = warehouse.reports_dir / "dashboard.png"
    png.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["node", "scripts/snapshot.mjs", site, str(png), str(CHROMIUM)], cwd=DASHBOARD,
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    print(f"\ndashboard screenshot: {png}")
    facts: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    facts["png_path"] = png
    return facts



def test_page_loads_offline_without_errors(snapshot: dict[str, Any]) -> None:
    assert snapshot["title"] == "Steppe — Central Asia news"
    assert snapshot["errors"] == []
    assert snapshot["offsite"] == []  # no request left this machine (no tiles, fonts or telemetry)
    assert snapshot["charts"] >= 3  # FX line, entities over time, trade by partner


def test_fx_view_shows_the_latest_rates_and_the_conflicts(snapshot: dict[str, Any], warehouse: Settings) -> None:
    text = snapshot["text"]
    latest = query(warehouse.warehouse, """
        select strftime(rate_date, '%Y-%m-%d'), currency, printf('%.4f', round(1 / cast(rate as double), 4))
        from marts.fx_daily qualify rate_date = max(rate_date) over () order by currency""")
    assert len(latest) >= 3
    for day, currency, per_usd in latest:
        assert f"{day}\t{currency}\t{per_usd}" in text
    conflicts = query(warehouse.warehouse, """
        select strftime(rate_date, '%Y-%m-%d'), currency, printf('%.4f', round(1 / cast(rate as double), 4)),
               observations
        from marts.fx_daily where has_conflict order by rate_date desc, currency limit 3""")
    assert conflicts, "the corpus has conflicting FX days"
    for day, currency, per_usd, observations in conflicts:
        assert f"{day}\t{currency}\t{per_usd}\t{observations}" in text
    count = query(warehouse.warehouse, "select count(*) from marts.fx_daily where has_conflict")[0][0]
    assert f"Conflicting FX days\n\n{count}" in text


def test_entities_view_lists_the_most_mentioned(snapshot: dict[str, Any], warehouse: Settings) -> None:
    top = query(warehouse.warehouse, """
        select e.name, e.entity_type, sum(ae.mention_count) as mentions
        from marts.article_entities ae join marts.articles a using (article_id) join marts.entities e using (entity_id)
        where a.first_seen_date is not null group by all order by mentions desc, e.name limit 3""")
    for name, entity_type, mentions in top:
        assert f"{name}\t{entity_type}\t{mentions}" in snapshot["text"]


def test_trade_view_ranks_partners_by_usd(snapshot: dict[str, Any], warehouse: Settings) -> None:
    partners = query(warehouse.warehouse, """
        select coalesce(c.name, t.partner_country), sum(t.value_usd) as usd, count(*)
        from marts.trade_figures t
        left join marts.entities c on c.entity_type = 'COUNTRY' and c.country_code = t.partner_country
        where t.kind = 'money' and t.value_usd is not null and t.partner_country is not null and not t.is_restatement
          and t.metric in ('exports', 'imports', 'trade_turnover', 'investment', 'deal', 'aid')
        group by all order by usd desc limit 3""")
    assert partners
    for name, usd, figures in partners:
        assert f"{name}\t${usd / 1e9:.2f}B\t{figures}" in snapshot["text"]


def test_map_has_one_point_per_located_place(snapshot: dict[str, Any], warehouse: Settings) -> None:
    located = query(warehouse.warehouse, """
        select count(*), max_by(name, mention_count) from marts.entities
        where entity_type = 'PLACE' and latitude is not null""")[0]
    assert located[0] >= 20
    assert snapshot["mapPoints"] == located[0]
    assert f"Places on the map\n\n{located[0]}" in snapshot["text"]


def test_screenshot_is_not_blank(snapshot: dict[str, Any]) -> None:
    png = snapshot["png"]
    assert snapshot["png_path"].stat().st_size > 50_000
    assert png["width"] == 1400 and png["height"] > 2000  # the whole page, four views
    assert png["colours"] > 500 and png["lumaStdev"] > 10
