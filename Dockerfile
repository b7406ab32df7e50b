# Steppe's Airflow image: Python 3.11 with the locked dependencies and the steppe package.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AIRFLOW_HOME=/opt/airflow \
    DO_NOT_TRACK=1 \
    GX_ANALYTICS_ENABLED=false

WORKDIR /opt/steppe
COPY requirements.txt pyproject.toml ./
RUN pip install --no-cache-dir uv==0.13.8 \
 && uv pip install --system --no-cache -r requirements.txt
COPY src ./src
RUN uv pip install --system --no-cache --no-deps -e .
COPY dags ./dags
COPY dbt_project ./dbt_project
COPY expectations ./expectations

RUN useradd --uid 50000 --gid 0 --home-dir /opt/airflow --create-home airflow \
 && chown -R airflow:0 /opt/steppe /opt/airflow
USER airflow
