"""Spike (issue 14): make the ducklake and postgres DuckDB extensions loadable with no network.

The wheels duckdb-extension-ducklake / duckdb-extension-postgres carry the binaries; INSTALL by path
copies them into an extension directory under their canonical names (postgres -> postgres_scanner),
after which INSTALL/LOAD by name (what dbt-duckdb's `extensions:` runs) never downloads.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import duckdb

EXTENSION_PACKAGES = {"ducklake": "duckdb_extension_ducklake", "postgres": "duckdb_extension_postgres"}
# Canonical file name DuckDB gives each extension once installed.
INSTALLED_NAMES = {"ducklake": "ducklake", "postgres": "postgres_scanner"}
# Any attempt to fetch an extension fails loudly instead of reaching the network.
OFFLINE_CONFIG = {"autoinstall_known_extensions": "false", "custom_extension_repository": "/nonexistent-repo"}


def wheel_extension_path(name: str) -> Path:
    spec = importlib.util.find_spec(EXTENSION_PACKAGES[name])
    if spec is None or spec.origin is None:
        raise RuntimeError(f"package {EXTENSION_PACKAGES[name]} is not installed")
    return Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"


def default_extension_dir() -> Path:
    # Beside the wheels it is copied from: a new venv (new duckdb) gets a new directory.
    return Path(os.environ.get("STEPPE_DUCKDB_EXTENSION_DIR", Path(sys.prefix) / "duckdb_extensions"))


def ensure_extensions(extension_dir: Path) -> Path:
    """Install both extensions from the wheels into extension_dir once; returns the directory."""
    platform_dir = extension_dir / f"v{duckdb.__version__}" / "linux_amd64"
    if all((platform_dir / f"{n}.duckdb_extension").exists() for n in INSTALLED_NAMES.values()):
        return extension_dir
    extension_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"extension_directory": str(extension_dir), **OFFLINE_CONFIG})
    for name in EXTENSION_PACKAGES:
        con.execute(f"INSTALL '{wheel_extension_path(name)}'")
    con.close()
    return extension_dir


def connect_offline(extension_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with ducklake and postgres loaded, never touching the network."""
    ext_dir = ensure_extensions(extension_dir or default_extension_dir())
    con = duckdb.connect(config={"extension_directory": str(ext_dir), **OFFLINE_CONFIG})
    con.execute("LOAD ducklake")
    con.execute("LOAD postgres")
    return con


def attach_lake(
    con: duckdb.DuckDBPyConnection, dbname: str, data_path: Path, alias: str = "lake", read_only: bool = False
) -> None:
    options = [f"DATA_PATH '{data_path}/'"] + (["READ_ONLY"] if read_only else [])
    con.execute(f"ATTACH 'ducklake:postgres:dbname={dbname} host=127.0.0.1' AS {alias} ({', '.join(options)})")
