"""The land stage: every new file of the raw folder lands in raw.dumps, or is refused with a reason
(steppe.landing does the work)."""

from __future__ import annotations

import duckdb

from steppe.landing import LandingReport, land_raw_dir
from steppe.settings import Settings


def run(con: duckdb.DuckDBPyConnection, settings: Settings) -> LandingReport:
    return land_raw_dir(
        settings.raw_dir,
        con,
        settle_seconds=settings.settle_seconds,
        allowed_roots=settings.allowed_roots,
        max_dump_bytes=settings.max_dump_bytes,
    )
