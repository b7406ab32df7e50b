"""Report housekeeping: offline Data Docs pages and pruning of old validation results."""

from __future__ import annotations

from pathlib import Path

from steppe.integrations.quality import make_offline, prune_validation_results


def test_pages_lose_cdn_references_and_gain_the_local_stylesheet(tmp_path: Path) -> None:
    page = tmp_path / "validations" / "a.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<html><head><link href="https://cdn.example/bootstrap.css" rel="stylesheet">'
        '<script src="https://cdn.example/jquery.js"></script></head>'
        '<body><img src="https://cdn.example/logo.png"><i class="fas fa-check-circle"></i></body></html>'
    )
    assert make_offline(tmp_path) == 1
    html = page.read_text()
    assert "https://" not in html
    assert '<link rel="stylesheet" href="../static/steppe-offline.css">' in html
    assert (tmp_path / "static" / "steppe-offline.css").exists()
    assert make_offline(tmp_path) == 0  # idempotent


def test_only_the_newest_runs_per_suite_are_kept(tmp_path: Path) -> None:
    for store in ("gx_validation_results", "validations"):
        for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
            run = tmp_path / store / "marts" / "articles" / "__none__" / stamp
            run.mkdir(parents=True)
            (run / "result.json").write_text("{}")
    assert prune_validation_results(tmp_path, keep=2) == 2
    left = sorted(p.name for p in (tmp_path / "validations" / "marts" / "articles" / "__none__").iterdir())
    assert left == ["20260102T000000Z", "20260103T000000Z"]
