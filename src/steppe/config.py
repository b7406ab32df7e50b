"""Settings from the environment (spec/CONTRACT.md), with the contract's defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Settings:
    raw_dir: Path  # incoming dumps (*.txt)
    warehouse: Path  # the published DuckDB file BI tools read
    reports_dir: Path  # GX Data Docs (index.html) and run summaries

    @property
    def state_dir(self) -> Path:
        """Pipeline state lives beside the warehouse, so copying that folder carries it along."""
        return self.warehouse.parent / f".{self.warehouse.stem}.steppe"

    @property
    def work_dir(self) -> Path:
        """Where a run builds its working copy before publishing (write-audit-publish)."""
        return self.state_dir / "work"

    @property
    def lock_file(self) -> Path:
        """Held by the run that writes; serialises overlapping runs."""
        return self.state_dir / "writer.lock"


def _path(name: str, default: str) -> Path:
    value = os.environ.get(name) or default
    path = Path(value)
    # Relative paths are taken from the directory the command runs in, as a shell user expects.
    return path if path.is_absolute() else (Path.cwd() / path).resolve()


def load_settings() -> Settings:
    warehouse = _path("STEPPE_WAREHOUSE", "data/warehouse.duckdb")
    return Settings(
        raw_dir=_path("STEPPE_RAW_DIR", "data/raw"),
        warehouse=warehouse,
        # A report follows the warehouse it describes: a side run never touches the default report.
        reports_dir=_path("STEPPE_REPORTS_DIR", str(warehouse.parent / "reports")),
    )


ALLOWED_ROOTS_ENV = "STEPPE_ALLOWED_ROOTS"


def load_allowed_roots() -> tuple[Path, ...]:
    """Folders besides the raw folder that a symbolic link in it may point into (STEPPE_ALLOWED_ROOTS,
    os.pathsep-separated; unset: none). Resolved, so a root reached through a link is compared as what it is."""
    value = os.environ.get(ALLOWED_ROOTS_ENV, "")
    return tuple((Path.cwd() / part.strip()).resolve() for part in value.split(os.pathsep) if part.strip())
