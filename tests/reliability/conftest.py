"""Shared helpers of the reliability suite (the generic ones, seed dumps, hashes and warehouse
copies, are in tests/conftest.py).

- session baselines: the published warehouse built from the bundled dumps, and a clean build
  from those dumps plus two more (what every recovery, rebuild and reconciliation must equal);
- a driver that runs `steppe run` in a subprocess, optionally killed at a fault point;
- the local PostgreSQL and Redis (started if down) and a real Airflow stack on them.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from steppe.config import PROJECT_ROOT
from steppe.report import read_last_run
from steppe.settings import Settings
from tests.conftest import file_digest, landed_shas, make_settings, mart_hashes, seed_raw

# --- baselines --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    settings: Settings
    hashes: dict[str, str]
    digest: str  # sha256 of the published file's bytes
    shas: set[str]


def build(settings: Settings) -> Built:
    from steppe.pipeline import run_pipeline

    run_pipeline(settings)
    return Built(settings, mart_hashes(settings.warehouse), file_digest(settings.warehouse),
                 landed_shas(settings.warehouse))


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The published warehouse of the bundled dumps: "the one before" of every crash test."""
    root = tmp_path_factory.mktemp("baseline")
    return build(make_settings(root, seed_raw(root / "raw")))


@pytest.fixture(scope="session")
def extended(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A clean build, in one run, from the bundled dumps plus extra_dumps()."""
    root = tmp_path_factory.mktemp("extended")
    return build(make_settings(root, seed_raw(root / "raw", extras=True)))


# --- the pipeline in a subprocess -----------------------------------------------------------------


def steppe_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEPPE_", "AIRFLOW"))}
    env.update(
        STEPPE_RAW_DIR=str(settings.raw_dir),
        STEPPE_WAREHOUSE=str(settings.warehouse),
        STEPPE_REPORTS_DIR=str(settings.reports_dir),
        DO_NOT_TRACK="1",
        GX_ANALYTICS_ENABLED="false",
        PYTHONDONTWRITEBYTECODE="1",
        **extra,
    )
    return env


def steppe_command(*args: str, fault: str | None = None) -> list[str]:
    """`steppe <args>` as a subprocess command; with a fault armed (tests/faults.py) through tests.fault_runner."""
    if fault:
        return [sys.executable, "-m", "tests.fault_runner", fault, "--", *args]
    return [sys.executable, "-m", "steppe.cli", *args]


def start_steppe_run(settings: Settings, *, fault: str | None = None, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(steppe_command("run", fault=fault), env=steppe_env(settings, **extra), cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def run_steppe(settings: Settings, *, fault: str | None = None, timeout: float = 300) -> tuple[int, str]:
    proc = start_steppe_run(settings, fault=fault)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        raise AssertionError(f"steppe run did not finish in {timeout} s:\n{out[-3000:]}") from None
    return proc.returncode, out


DUCKDB_LOCK_ERRORS = ("Could not set lock", "Conflicting lock", "database is locked", "IO Error")


# --- services on this machine ---------------------------------------------------------------------

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_PORT = 6379


def _wait(check: Any, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001, S110  (not up yet)
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not come up within {timeout:.0f} s")
        time.sleep(0.5)


def _pg_up() -> bool:
    import psycopg2

    psycopg2.connect(dbname="postgres", connect_timeout=2, **PG).close()
    return True


def ensure_postgres() -> None:
    """The machine's PostgreSQL; started (as CI's machine starts it) when it is down."""
    with contextlib.suppress(Exception):
        if _pg_up():
            return
    versions = sorted(os.listdir("/etc/postgresql"))
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
                   check=False, capture_output=True)
    _wait(_pg_up, "PostgreSQL on 127.0.0.1:5432", 60)


def _redis_up() -> bool:
    import redis

    return bool(redis.Redis(host="127.0.0.1", port=REDIS_PORT, socket_timeout=2).ping())


def ensure_redis() -> None:
    """The machine's Redis; started (as CI's machine starts it) when it is down."""
    with contextlib.suppress(Exception):
        if _redis_up():
            return
    Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
    Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", str(REDIS_PORT),
                    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"],
                   check=False, capture_output=True)
    _wait(_redis_up, "Redis on 127.0.0.1:6379", 30)


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, uniquely named database on the local PostgreSQL, dropped afterwards."""
    import psycopg2

    ensure_postgres()
    name = f"steppe_it_{uuid.uuid4().hex[:12]}"
    con = psycopg2.connect(dbname="postgres", **PG)
    con.autocommit = True
    try:
        con.cursor().execute(f'create database "{name}"')
        yield name
    finally:
        con.cursor().execute(f'drop database if exists "{name}" with (force)')
        con.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- a real Airflow ---------------------------------------------------------------------------------

AIRFLOW = str(Path(sys.executable).with_name("airflow"))
DAG_ID = "steppe_pipeline"


@dataclass
class AirflowStack:
    home: Path
    base_url: str
    env: dict[str, str]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    token: str = ""

    def logs(self, lines: int = 40) -> str:
        out = []
        for name in self.procs:
            path = self.home / f"{name}.log"
            text = path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []
            out.append(f"--- {name} (exit {self.procs[name].poll()}) ---\n" + "\n".join(text))
        return "\n".join(out)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx

        response = httpx.request(method, self.base_url + path, timeout=30,
                                 headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text[:500]}"
        return response.json()

    def wait(self, check: Any, what: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise AssertionError(f"airflow {name} exited with {proc.returncode} while waiting for {what}:\n"
                                         + self.logs())
            with contextlib.suppress(Exception):
                value = check()
                if value:
                    return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}:\n" + self.logs())
            time.sleep(2)

    def dag_runs(self) -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = self.api("GET", f"/api/v2/dags/{DAG_ID}/dagRuns")["dag_runs"]
        return runs

    def task_instances(self, run_id: str) -> list[dict[str, Any]]:
        tis: list[dict[str, Any]] = self.api("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances")[
            "task_instances"]
        return tis


def processes_with_env(marker: str) -> list[int]:
    """Processes whose environment holds `marker` (e.g. this stack's AIRFLOW_HOME=...)."""
    found = []
    needle = marker.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _stop(procs: dict[str, subprocess.Popen[bytes]], marker: str) -> None:
    """SIGTERM to each process group, then SIGKILL whatever is left after a grace period,
    then any process still carrying this stack's environment (a task that left the group)."""
    for proc in procs.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    for proc in procs.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
    for proc in procs.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the group: workers and task processes too
        proc.wait()
    for pid in processes_with_env(marker):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    # A killed group member is gone only once it has died and been reaped (by init: its leader is dead),
    # which on a loaded machine comes some time after the signal: wait for that, not just for the leaders.
    deadline = time.monotonic() + 30
    while any(group_alive(proc.pid) for proc in procs.values()) and time.monotonic() < deadline:
        time.sleep(0.1)


def _forget_queue(redis_db: int, queue: str) -> None:
    """Remove what Celery left on Redis for this stack's queue (nothing else is touched)."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=redis_db, socket_timeout=5)
    ours = list(client.scan_iter(match=f"*{queue}*"))
    if ours:
        client.delete(*ours)
    # Kombu's own bookkeeping goes too, once nothing but it is left in this database.
    rest = list(client.scan_iter())
    if rest and all(key.startswith((b"_kombu.", b"unacked")) for key in rest):
        client.delete(*rest)


def empty_redis_db() -> int:
    """A Redis database (1-15) that holds no keys, or at worst only Kombu's bookkeeping: the
    stack's broker shares it with no other application."""
    import redis

    order = random.sample(range(1, 16), 15)
    clients = {index: redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=index, socket_timeout=5) for index in order}
    for index in order:
        if clients[index].dbsize() == 0:
            return index
    for index in order:
        if all(key.startswith((b"_kombu.", b"unacked")) for key in clients[index].scan_iter()):
            return index
    raise AssertionError("no free Redis database (1-15) on 127.0.0.1:6379 for the Celery broker")


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@contextlib.contextmanager
def airflow_stack(
    root: Path, settings: Settings, *, executor: str, schedule: bool = True, workers: int = 1,
    extra_env: dict[str, str] | None = None,
) -> Iterator[AirflowStack]:
    """api-server, scheduler and dag-processor (and Celery workers) on a fresh PostgreSQL database.

    workers > 1: Celery workers `celery-worker-<n>` as separate machines would be: each its own Celery
    hostname, log-server port, one task at a time, and the name `<host>/w<n>` on the task instances it
    runs (worker_hostname.py), so a test can tell which worker ran what.
    Everything started here is stopped (process groups, SIGTERM then SIGKILL) and the database
    dropped, whatever happens.
    """
    import httpx

    port = free_port()
    home = root / "airflow"
    home.mkdir(parents=True)
    with contextlib.ExitStack() as cleanup:
        database = cleanup.enter_context(postgres_database())
        env = steppe_env(settings, **(extra_env or {}))
        env.update({
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}",
            "AIRFLOW__CORE__EXECUTOR": executor,
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "2",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API__SECRET_KEY": uuid.uuid4().hex,
            "AIRFLOW__API_AUTH__JWT_SECRET": uuid.uuid4().hex,
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "SCARF_ANALYTICS": "false",
            # False: only runs triggered by hand (the API), none from the hourly schedule.
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": str(schedule),
        })
        commands: dict[str, list[str]] = {
            "api-server": ["api-server", "--port", str(port)],
            "scheduler": ["scheduler"],
            "dag-processor": ["dag-processor"],
        }
        own_env: dict[str, dict[str, str]] = {}  # a component's environment on top of the stack's
        if executor == "CeleryExecutor":
            ensure_redis()
            queue = f"steppe-{uuid.uuid4().hex[:8]}"  # nothing else on this Redis picks our tasks
            redis_db = empty_redis_db()
            env.update({
                "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/{redis_db}",
                "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql://postgres@127.0.0.1:5432/{database}",
                "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
                "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
            })
            if workers == 1:
                commands["celery-worker"] = ["celery", "worker", "--concurrency", "2", "--queues", queue]
            for n in range(1, workers + 1) if workers > 1 else ():
                commands[f"celery-worker-{n}"] = ["celery", "worker", "--concurrency", "1", "--queues", queue,
                                                  "--celery-hostname", f"w{n}@%h"]
                own_env[f"celery-worker-{n}"] = {
                    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),  # one host: two ports
                    "AIRFLOW__CORE__HOSTNAME_CALLABLE": "worker_hostname.worker_hostname",
                    "STEPPE_TEST_WORKER": f"w{n}",
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent), env.get("PYTHONPATH")])),
                }
            cleanup.callback(_forget_queue, redis_db, queue)
        migrate = subprocess.run([AIRFLOW, "db", "migrate"], env=env, capture_output=True, text=True, timeout=300)
        assert migrate.returncode == 0, migrate.stdout[-3000:] + migrate.stderr[-3000:]

        stack = AirflowStack(home=home, base_url=f"http://127.0.0.1:{port}", env=env)
        cleanup.callback(_stop, stack.procs, f"AIRFLOW_HOME={home}")
        for name, args in commands.items():
            log = cleanup.enter_context(open(home / f"{name}.log", "wb"))
            stack.procs[name] = subprocess.Popen([AIRFLOW, *args], env={**env, **own_env.get(name, {})}, cwd=root,
                                                 stdout=log,
                                                 stderr=subprocess.STDOUT, start_new_session=True)
        stack.wait(lambda: httpx.get(stack.base_url + "/api/v2/version", timeout=3).status_code == 200,
                   "the api-server", 180)
        # SimpleAuthManager with all_admins: a token without credentials.
        stack.token = httpx.get(stack.base_url + "/auth/token", timeout=10).json()["access_token"]
        yield stack


def read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def last_run(settings: Settings) -> dict[str, Any]:
    """The newest run's JSON record (last_run.json points at it)."""
    record = read_last_run(settings.reports_dir)
    assert record is not None, f"no last_run.json record in {settings.reports_dir}"
    return record
