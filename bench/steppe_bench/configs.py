"""The bench's configurations (backend x worker processes), the lake catalogs they publish into,
and what a configuration's warehouse takes on disk."""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BACKENDS = ("file", "ducklake")
WORKER_COUNTS = (0, 1, 2)  # 0: the stages in the bench's process, as `steppe run`
PG = "host=127.0.0.1 port=5432 user=postgres"  # trust auth on the machine's PostgreSQL, no password
# Disk the bench needs per dump at the largest size: the pool's dump (~16 KB) and a warehouse's share
# of it, with room for a working copy beside the published one (measured ~1.6 GB of dumps at 100,000).
BYTES_PER_DUMP_NEEDED = 16_000 * 4


@dataclass(frozen=True, slots=True)
class Config:
    backend: str  # "file" or "ducklake"
    workers: int  # worker processes running the parse/extract batches (0: none, no fan-out)

    @property
    def label(self) -> str:
        return f"{self.backend}-w{self.workers}"


def parse_backends(text: str) -> tuple[str, ...]:
    """--backend: file, ducklake or both."""
    value = text.strip().lower()
    if value == "both":
        return BACKENDS
    if value not in BACKENDS:
        raise ValueError(f"--backend {text!r}: expected file, ducklake or both")
    return (value,)


def parse_workers(text: str) -> tuple[int, ...]:
    """--workers: a comma-separated list of worker counts, each 0, 1 or 2."""
    try:
        counts = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise ValueError(f"--workers {text!r}: expected e.g. 1 or 1,2") from None
    if not counts or any(c not in WORKER_COUNTS for c in counts):
        raise ValueError(f"--workers {text!r}: each count must be one of {WORKER_COUNTS}")
    return counts


def configurations(backends: Iterable[str], workers: Iterable[int]) -> list[Config]:
    return [Config(b, w) for b, w in itertools.product(backends, workers)]


def disk_needed(largest: int) -> int:
    """Bytes of free disk the run needs for its largest size (dumps, a warehouse and its working copy)."""
    return (largest + 1) * BYTES_PER_DUMP_NEEDED


def check_disk(folder: Path, largest: int) -> None:
    """Refuse to start a run that would fill the disk half-way through."""
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    need = disk_needed(largest)
    if free < need:
        raise RuntimeError(f"N={largest:,} needs about {need / 1e9:.1f} GB free under {folder}, "
                           f"there are {free / 1e9:.1f} GB")


def folder_bytes(folder: Path) -> int:
    """Bytes of every file under folder (0 when it does not exist); links are not followed."""
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def mart_counts_differ(counts: dict[str, dict[str, int] | None]) -> list[str]:
    """Configurations whose per-mart row counts are missing or differ from the first one's (empty: all equal)."""
    first = next(iter(counts.values()), None)
    return [label for label, seen in counts.items() if seen is None or seen != first]


# --------------------------------------------------------------------------------------------------
# Lake catalogs: one PostgreSQL database per lake, named after the bench run, dropped at its end


def run_prefix() -> str:
    return f"steppe_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"


def create_catalog(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG} dbname=postgres", autocommit=True) as con:
        con.execute(f"create database {name}")  # a generated name: no quoting needed


def catalog_bytes(name: str) -> int:
    import psycopg

    with psycopg.connect(f"{PG} dbname=postgres", autocommit=True) as con:
        row = con.execute("select pg_database_size(%s)", (name,)).fetchone()
    return int(row[0]) if row else 0


def drop_catalogs(prefix: str) -> list[str]:
    """Drop every database the bench run with this prefix made; their names."""
    import psycopg

    with psycopg.connect(f"{PG} dbname=postgres", autocommit=True) as con:
        names = [r[0] for r in con.execute("select datname from pg_database where datname like %s",
                                           (prefix.replace("_", r"\_") + "%",)).fetchall()]
        for name in names:
            con.execute(f"drop database if exists {name} with (force)")
    return names


def lake_fields(catalog: str, data_path: Path) -> dict[str, Any]:
    """Settings fields of a lake with this catalog database and data folder."""
    return {"backend": "ducklake", "lake_catalog": f"postgres:dbname={catalog} {PG}",
            "lake_data_path": str(data_path)}


def catalog_name(lake_catalog: str) -> str | None:
    """The PostgreSQL database a lake catalog string names (its dbname=), None when none."""
    for token in lake_catalog.replace(":", " ").split():
        if token.startswith("dbname="):
            return token.removeprefix("dbname=")
    return None


def warehouse_bytes(warehouse: Path, lake_catalog: str | None, lake_data_path: str | None) -> dict[str, int]:
    """Disk a published warehouse takes: the file, or the lake's data folder and its catalog database."""
    if not lake_catalog:
        size = warehouse.stat().st_size if warehouse.exists() else 0
        return {"file": size, "total": size}
    data = folder_bytes(Path(lake_data_path or ""))
    name = catalog_name(lake_catalog)
    catalog = catalog_bytes(name) if name else 0
    return {"lake_data": data, "catalog": catalog, "total": data + catalog}
