#!/usr/bin/env bash
# Spike (issue 14), question 4: Airflow 3 with CeleryExecutor on this machine's Redis and PostgreSQL,
# two Celery workers, a DAG with a dynamically mapped task (celery_dags/spike_mapped.py) whose map
# indexes should run on both workers. Starts everything, runs the DAG once, prints which worker ran
# each task instance and each component's memory, and stops every process it started.
#
#   tools/spike/celery_spike.sh            (from the project folder, after `make install`)
#   SPIKE_DAG_ID=steppe_pipeline SPIKE_DAGS_FOLDER=dags STEPPE_RAW_DIR=... STEPPE_WAREHOUSE=... tools/spike/celery_spike.sh
#                                          (the project's own DAG, unchanged, on the same two workers)
#
# Needs: PostgreSQL on 127.0.0.1:5432 (trust), Redis on 127.0.0.1:6379. Creates the databases
# steppe_spike_airflow (metadata + Celery results) and steppe_spike_lake_celery (DuckLake catalog).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$ROOT/.venv/bin"
SPIKE="$ROOT/tools/spike"
HOME_DIR="${SPIKE_AIRFLOW_HOME:-/tmp/lake-spike/airflow}"
API_PORT="${SPIKE_API_PORT:-18080}"
META_DB=steppe_spike_airflow
LAKE_DB=steppe_spike_lake_celery
PG="postgres@127.0.0.1:5432"

export AIRFLOW_HOME="$HOME_DIR"
DAG_ID="${SPIKE_DAG_ID:-spike_mapped}"
export AIRFLOW__CORE__DAGS_FOLDER="$(cd "${SPIKE_DAGS_FOLDER:-$SPIKE/celery_dags}" && pwd)"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://$PG/$META_DB"
export AIRFLOW__CELERY__BROKER_URL="redis://127.0.0.1:6379/7"
export AIRFLOW__CELERY__RESULT_BACKEND="db+postgresql://$PG/$META_DB"
# Task processes report to the API server's execution API (Airflow 3), authenticated with JWTs
# that every component signs and checks with the same secret.
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$API_PORT/execution/"
export AIRFLOW__API__PORT="$API_PORT"
AIRFLOW__API_AUTH__JWT_SECRET="$("$BIN/python" -c 'import secrets; print(secrets.token_hex(32))')"
export AIRFLOW__API_AUTH__JWT_SECRET
export AIRFLOW__CORE__HOSTNAME_CALLABLE=spike_hostname.worker_hostname
export PYTHONPATH="$SPIKE${PYTHONPATH:+:$PYTHONPATH}"
export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=5
export AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC=2
export AIRFLOW__USAGE_DATA_COLLECTION__ENABLED=False
export AIRFLOW__LOGGING__LOGGING_LEVEL=INFO
export DO_NOT_TRACK=1 SCARF_ANALYTICS=false
export STEPPE_LAKE_DBNAME="$LAKE_DB" STEPPE_LAKE_DATA_PATH="$HOME_DIR/lake-data"

rm -rf "$HOME_DIR" && mkdir -p "$HOME_DIR/out" "$STEPPE_LAKE_DATA_PATH"
PIDS="$HOME_DIR/pids"
: > "$PIDS"

stop_all() {
    # Each component was started in its own session: its process group holds it and its children.
    while read -r name pid; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done < "$PIDS"
    sleep 3
    while read -r name pid; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done < "$PIDS"
}
trap stop_all EXIT

elapsed() { echo $(( $(date +%s%N) / 1000000 - T0 )); }

"$BIN/python" - "$META_DB" "$LAKE_DB" <<'EOF'
import sys
sys.path.insert(0, "tools/spike")
from lake_basics import recreate_database
for name in sys.argv[1:]:
    recreate_database(name)
EOF

T0=$(( $(date +%s%N) / 1000000 ))
"$BIN/airflow" db migrate > "$HOME_DIR/out/migrate.log" 2>&1
echo "db migrate: $(elapsed) ms"

start() {  # start NAME COMMAND...: in its own session, output in out/NAME.log
    local name="$1"; shift
    setsid "$@" > "$HOME_DIR/out/$name.log" 2>&1 &
    echo "$name $!" >> "$PIDS"
}

T0=$(( $(date +%s%N) / 1000000 ))
start api-server "$BIN/airflow" api-server --port "$API_PORT" --host 127.0.0.1
start scheduler "$BIN/airflow" scheduler
start dag-processor "$BIN/airflow" dag-processor
# Two workers as two machines would be: own Celery hostname, own log-server port, own name for
# the task instances they run (spike_hostname.worker_hostname); both consume the default queue.
STEPPE_SPIKE_WORKER=w1 AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=18793 \
    start worker-1 "$BIN/airflow" celery worker --celery-hostname "w1@%h" --concurrency 2
STEPPE_SPIKE_WORKER=w2 AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=18794 \
    start worker-2 "$BIN/airflow" celery worker --celery-hostname "w2@%h" --concurrency 2

wait_for() {  # wait_for WHAT SECONDS COMMAND...
    local what="$1" limit="$2"; shift 2
    for _ in $(seq 1 "$limit"); do
        if "$@" > /dev/null 2>&1; then echo "$what ready: $(elapsed) ms"; return 0; fi
        sleep 1
    done
    echo "$what NOT ready after ${limit}s"; tail -30 "$HOME_DIR"/out/*.log; exit 1
}
wait_for "api-server" 120 curl -sf "http://127.0.0.1:$API_PORT/api/v2/monitor/health"
wait_for "worker-1" 120 grep -q "ready" "$HOME_DIR/out/worker-1.log"
wait_for "worker-2" 120 grep -q "ready" "$HOME_DIR/out/worker-2.log"
sql() { psql -h 127.0.0.1 -U postgres -d "$META_DB" -Atc "$1"; }
wait_for "DAG parsed" 120 bash -c "[ -n \"\$(psql -h 127.0.0.1 -U postgres -d $META_DB -Atc \"select 1 from dag where dag_id = '$DAG_ID'\")\" ]"
"$BIN/airflow" dags unpause "$DAG_ID" > /dev/null 2>&1  # a DAG may start paused whatever the setting says

T0=$(( $(date +%s%N) / 1000000 ))
"$BIN/airflow" dags trigger "$DAG_ID" > "$HOME_DIR/out/trigger.log" 2>&1
# Unpausing a scheduled DAG may add a run of its own: wait until no run is unfinished.
state=""
for _ in $(seq 1 600); do
    unfinished="$(sql "select count(*) from dag_run where dag_id = '$DAG_ID' and state not in ('success', 'failed')")"
    if [[ "$unfinished" == 0 ]]; then
        state="$(sql "select string_agg(distinct state, ',') from dag_run where dag_id = '$DAG_ID'")"
        break
    fi
    sleep 1
done
echo "DAG runs: $(sql "select count(*) from dag_run where dag_id = '$DAG_ID'"), states: $state, in $(elapsed) ms"

echo "--- task instances (task_id, map_index, state, hostname, pid, seconds)"
echo "--- task instances per hostname"
sql "select hostname, count(*) from task_instance where dag_id = '$DAG_ID' group by 1 order by 1"
sql "select task_id, map_index, state, hostname, pid, round(extract(epoch from end_date - start_date)::numeric, 1)
     from task_instance where dag_id = '$DAG_ID' order by task_id, map_index"
echo "--- mapped task instances per hostname"
sql "select hostname, count(*) from task_instance where dag_id = '$DAG_ID' and map_index >= 0 group by 1 order by 1"
echo "--- merge task's log"
grep -rh "per worker" "$HOME_DIR/logs" | sed 's/.*"event": *//' | head -4 || true

echo "--- memory (RSS, MB) per component, its children included"
while read -r name pid; do
    ps -o rss= -s "$pid" | awk -v n="$name" '{s += $1; c += 1} END {printf "%-14s %6.0f MB in %d processes\n", n, s / 1024, c}'
done < "$PIDS"
[[ "$state" == success ]]
