# Steppe's Airflow image: Python 3.11 with the runtime lock (hashes required) and the steppe package.
# No test, lint or profiling tool: those are in requirements-dev.txt, which never enters the image.
# The base image is pinned by digest (python:3.11-slim, Python 3.11.15 on Debian trixie); docs/security.md
# says where the digest comes from and how to move it.
FROM python:3.11-slim@sha256:90744cff8f32887f075c47d747a173ff333e9e98801667af93c357fa9f5e28ff

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AIRFLOW_HOME=/opt/airflow \
    DO_NOT_TRACK=1 \
    GX_ANALYTICS_ENABLED=false

WORKDIR /opt/steppe
COPY requirements-uv.txt requirements.txt pyproject.toml ./
# uv from its hashed pin, then every runtime package from the hashed lock: a changed file fails the build.
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements-uv.txt \
 && uv pip install --system --no-cache --require-hashes -r requirements.txt
COPY src ./src
# --no-build-isolation: the package builds with the locked setuptools, not an unpinned download.
RUN uv pip install --system --no-cache --no-deps --no-build-isolation -e .
COPY dags ./dags
COPY dbt_project ./dbt_project
COPY expectations ./expectations

# The mount points exist and belong to airflow, so the named volumes start out writable by it.
RUN useradd --uid 50000 --gid 0 --home-dir /opt/airflow --create-home airflow \
 && mkdir -p /opt/steppe/data/raw /opt/steppe/data/warehouse /opt/steppe/data/reports /opt/steppe/data/lake \
             /opt/airflow/logs /opt/airflow/dbt \
 && chown -R airflow:0 /opt/steppe /opt/airflow
USER airflow
