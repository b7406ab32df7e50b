"""docker-compose.yml and the Dockerfile (no Docker engine here: check what can be checked)."""

from __future__ import annotations

import re

import yaml

from steppe.config import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
AIRFLOW_SERVICES = ["airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer",
                    "airflow-worker", "airflow-init"]


def test_official_topology_is_present() -> None:
    assert set(SERVICES) == {"postgres", "redis", *AIRFLOW_SERVICES}
    commands = {name: SERVICES[name]["command"] for name in AIRFLOW_SERVICES}
    assert commands == {
        "airflow-apiserver": "airflow api-server",
        "airflow-scheduler": "airflow scheduler",
        "airflow-dag-processor": "airflow dag-processor",
        "airflow-triggerer": "airflow triggerer",
        "airflow-worker": "airflow celery worker",
        "airflow-init": "airflow db migrate",
    }


def test_airflow_services_use_celery_postgres_redis_and_steppe_settings() -> None:
    for name in AIRFLOW_SERVICES:
        env = SERVICES[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert "@postgres/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://") and "@redis:6379" in env["AIRFLOW__CELERY__BROKER_URL"]
        assert {"STEPPE_RAW_DIR", "STEPPE_WAREHOUSE", "STEPPE_REPORTS_DIR"} <= set(env)
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/steppe/dags"


def test_mounted_folders_exist_and_match_the_settings() -> None:
    for name in AIRFLOW_SERVICES:
        service = SERVICES[name]
        mounts = dict(v.split(":", 1) for v in service["volumes"])
        for host in mounts:
            if host.startswith("./"):
                assert (PROJECT_ROOT / host).is_dir(), host
            else:
                assert host in COMPOSE["volumes"], host
        env = service["environment"]
        assert mounts["./dags"] == env["AIRFLOW__CORE__DAGS_FOLDER"]
        assert mounts["./data/raw"] == env["STEPPE_RAW_DIR"]
        assert any(env["STEPPE_WAREHOUSE"].startswith(c + "/") for c in mounts.values())
        assert env["STEPPE_REPORTS_DIR"] in mounts.values()


def test_dockerfile_installs_the_lock_and_the_package() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "requirements.txt" in dockerfile and "-r requirements.txt" in dockerfile
    for copied in re.findall(r"^COPY (\S+)", dockerfile, flags=re.M):
        assert (PROJECT_ROOT / copied).exists(), copied
    assert "uv==" in dockerfile
