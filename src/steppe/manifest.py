"""The marts as dbt declares them, read from dbt's manifest (target/manifest.json).

dbt owns the contract: the `.yml` of each mart model (dbt_project/models/marts/) declares its
columns with their data types (`contract: {enforced: true}`) and its primary key. Python code that
needs to know the marts (the report's row counts, the GX checks' row keys, the type tests) reads
them here, from the manifest dbt writes when it parses the project, and keeps no copy.

The manifest of the project as checked out is cached per project digest beside the project
(dbt_project/target/steppe/); a build leaves its own there (steppe.integrations.dbt), and without
one `dbt parse` writes it (about 6 s, once per version of the project).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from steppe.integrations.dbt import cached_manifest_path, keep_manifest, parse_project, project_digest


@dataclass(frozen=True, slots=True)
class MartModel:
    """A model with an enforced contract: a published table."""

    name: str
    schema: str
    table: str
    columns: tuple[tuple[str, str], ...]  # (column, data type as the yml writes it), in order
    primary_key: tuple[str, ...]

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def column_types(self) -> dict[str, str]:
        return dict(self.columns)


@dataclass(frozen=True, slots=True)
class Manifest:
    marts: tuple[MartModel, ...]  # by name
    relations: dict[str, str]  # every model's name -> schema.table

    def mart(self, name: str) -> MartModel:
        for model in self.marts:
            if model.name == name:
                return model
        raise KeyError(f"no mart model {name!r} in the dbt manifest")


def _primary_key(node: dict[str, Any]) -> tuple[str, ...]:
    """The model's primary key in the order the yml declares it (the manifest's own list is sorted)."""
    for constraint in node.get("constraints") or []:
        if constraint.get("type") == "primary_key" and constraint.get("columns"):
            return tuple(constraint["columns"])
    return tuple(
        name for name, column in node["columns"].items()
        if any(c.get("type") == "primary_key" for c in column.get("constraints") or [])
    )


def _mart(node: dict[str, Any]) -> MartModel:
    return MartModel(
        name=node["name"],
        schema=node["schema"],
        table=node.get("alias") or node["name"],
        columns=tuple((name, str(column["data_type"])) for name, column in node["columns"].items()),
        primary_key=_primary_key(node),
    )


def read_manifest(path: Path) -> Manifest:
    """The marts and model relations of the manifest dbt wrote at `path`."""
    nodes = json.loads(path.read_text(encoding="utf-8"))["nodes"].values()
    models = [n for n in nodes if n["resource_type"] == "model"]
    marts = [_mart(n) for n in models if (n.get("config") or {}).get("contract", {}).get("enforced")]
    return Manifest(
        marts=tuple(sorted(marts, key=lambda m: m.name)),
        relations={n["name"]: f"{n['schema']}.{n.get('alias') or n['name']}" for n in models},
    )


@cache
def project_manifest() -> Manifest:
    """The manifest of the dbt project as checked out (parsed once per version of the project)."""
    cached = cached_manifest_path(project_digest())
    if not cached.is_file():
        _parse_into(cached)
    return read_manifest(cached)


def _parse_into(cached: Path) -> None:
    """`dbt parse` in a folder of its own (concurrent processes may parse at once), kept as `cached`."""
    cached.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=cached.parent, prefix=".parse-"))
    try:
        keep_manifest(parse_project(work), cached)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def mart_names() -> tuple[str, ...]:
    """The published marts' names, e.g. ("article_entities", "articles", ...), sorted."""
    return tuple(m.name for m in project_manifest().marts)

