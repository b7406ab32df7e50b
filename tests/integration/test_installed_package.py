"""The package works installed from its wheel, not only as the editable checkout: the wheel holds the
code and its data files, the `steppe` command starts, and stages run on a real warehouse with the
project folder (dbt_project/, expectations/) named by STEPPE_PROJECT_DIR, from another directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from steppe.config import PROJECT_ROOT
from tests.conftest import seed_raw

pytestmark = pytest.mark.slow

STAGES_RUN = """
import json, sys
from pathlib import Path
import steppe
from steppe.settings import Settings
from steppe.stages import STAGES
from steppe.store import WarehouseStore
settings = Settings.from_env()
run = WarehouseStore(settings).prepare()
results = {stage.name: run.execute(stage) for stage in STAGES if stage.opens == "connection"}
print(json.dumps({"package": steppe.__file__, "project": str(settings.project_dir), **results}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, installed (not editable) into a folder of its own."""
    root = tmp_path_factory.mktemp("installed")
    source = root / "source"  # a copy: setuptools builds in the source folder (build/)
    shutil.copytree(PROJECT_ROOT / "src" / "steppe", source / "src" / "steppe",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(PROJECT_ROOT / "pyproject.toml", source / "pyproject.toml")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--wheel-dir", str(root / "wheel"), str(source)], check=True,
                   capture_output=True, env={**os.environ, "PIP_NO_INPUT": "1"})
    [wheel] = (root / "wheel").glob("steppe-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "steppe/stages/__init__.py" in names and "steppe/data/countries.tsv" in names
    assert not any(name.startswith(("tests/", "dags/")) for name in names)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(root / "site"), str(wheel)], check=True, capture_output=True)
    return root / "site"


def run_installed(site: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Python with the installed package first on its path (ahead of the editable checkout)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("STEPPE_")}
    environment.update(PYTHONPATH=str(site), DO_NOT_TRACK="1", **env)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=300)


def test_the_installed_command_starts(installed: Path, tmp_path: Path) -> None:
    done = run_installed(installed, tmp_path, "-m", "steppe.cli", "--help")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "run" in done.stdout and "summary" in done.stdout


def test_stages_run_from_the_installed_package(installed: Path, tmp_path: Path) -> None:
    import json

    raw = seed_raw(tmp_path / "raw")
    done = run_installed(installed, tmp_path, "-c", STAGES_RUN, STEPPE_RAW_DIR=str(raw),
                         STEPPE_WAREHOUSE=str(tmp_path / "w" / "warehouse.duckdb"),
                         STEPPE_PROJECT_DIR=str(PROJECT_ROOT))
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(result["package"]).is_relative_to(installed)  # not the checkout's src/
    assert result["project"] == str(PROJECT_ROOT)
    assert result["land"]["landed"] == 3 and result["parse"]["articles"] == 18
    assert result["extract"]["articles"] == 18 and result["extract"]["entities"] > 0  # the gazetteers were found
