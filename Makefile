# Steppe — the two commands a newcomer types: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin

# Contract settings (relative paths are taken from the project folder).
STEPPE_RAW_DIR ?= data/raw
STEPPE_WAREHOUSE ?= data/warehouse.duckdb
export STEPPE_RAW_DIR := $(abspath $(STEPPE_RAW_DIR))
export STEPPE_WAREHOUSE := $(abspath $(STEPPE_WAREHOUSE))
# The report lives beside the warehouse it describes (reports/), unless STEPPE_REPORTS_DIR says otherwise.
ifdef STEPPE_REPORTS_DIR
export STEPPE_REPORTS_DIR := $(abspath $(STEPPE_REPORTS_DIR))
endif

# Airflow runs embedded: SQLite metadata under a git-ignored folder, the project's dags/, no network.
export AIRFLOW_HOME := $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__PARALLELISM := 2
export AIRFLOW__CORE__EXECUTOR := LocalExecutor
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN := sqlite:///$(AIRFLOW_HOME)/airflow.db
export AIRFLOW__USAGE_DATA_COLLECTION__ENABLED := False
export AIRFLOW__LOGGING__LOGGING_LEVEL := WARNING
export DO_NOT_TRACK := 1
export SCARF_ANALYTICS := false
export GX_ANALYTICS_ENABLED := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install run ui test test-fast lint lock secrets expectations bench eval clean dashboard dashboard-deps chromium

help:
	@echo "make run    install, then run the Airflow DAG once over STEPPE_RAW_DIR and print a summary"
	@echo "make test   install, then run the whole test suite"
	@echo "make bench  benchmark the pipeline (options: ARGS=\"--sizes 100 --no-nlp\"; see README)"
	@echo "make eval   build a warehouse from the corpus and seeds, score it against the hand labels"
	@echo "make ui     the Airflow UI on http://localhost:8080 (airflow standalone; Ctrl-C stops it)"
	@echo "make dashboard  the Evidence dashboard of STEPPE_WAREHOUSE on http://127.0.0.1:3000 (Ctrl-C stops it)"
	@echo "make lint   ruff (with security rules), mypy, secrets scan, ReDoS scan, sqlfluff on the dbt models"
	@echo "make lock   recompile the hashed locks (requirements.txt, requirements-dev.txt) from the .in files"
	@echo "make secrets  write a .env of random secrets for docker compose (never overwrites one)"
	@echo "make test-fast  tests not marked slow;  make expectations  rewrite the GX suites;  make clean"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Every package is installed from a hashed lock (runtime + dev), uv itself included; the stamp keeps a
# second `make install` to one stat() per lock.
$(VENV)/.installed: $(BIN)/activate requirements-uv.txt requirements.txt requirements-dev.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-uv.txt
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.txt requirements-dev.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $@

install: $(VENV)/.installed

$(AIRFLOW_HOME)/.migrated: $(VENV)/.installed
	mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/migrate.log 2>&1 || (cat $(AIRFLOW_HOME)/migrate.log; exit 1)
	touch $@

# Airflow's own output goes to a log file; the terminal gets the run's summary, or on failure the
# one line `steppe summary` gives for the failed run and the path of Airflow's log.
run: install $(AIRFLOW_HOME)/.migrated
	@started=$$(date +%s); log=$(AIRFLOW_HOME)/last_dags_test.log; \
	$(BIN)/airflow dags test steppe_pipeline > $$log 2>&1; status=$$?; \
	if $(BIN)/steppe summary --since $$started && [ $$status -eq 0 ]; then exit 0; fi; \
	echo "The run failed; Airflow's log: $$log"; exit 1

# The Airflow UI with this project's DAGs and settings. standalone starts its parts as `airflow ...`
# commands found on PATH, so .venv/bin goes first. The login is printed at start (and kept in
# $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated).
ui: install $(AIRFLOW_HOME)/.migrated
	PATH="$(BIN):$$PATH" $(BIN)/airflow standalone

# Two test processes (pytest-xdist), one per core, each running whole files (module fixtures are built
# once): the end-to-end tests spend much of their time waiting on Airflow, dbt and subprocesses.
TEST_WORKERS ?= 2
test: install $(AIRFLOW_HOME)/.migrated dashboard-deps chromium
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

test-fast: install
	$(BIN)/pytest -m "not slow"

lint: install
	$(BIN)/ruff check src bench dags tests expectations tools
	$(BIN)/mypy src bench
	@# Committed secrets: every tracked file but the page data, against the reviewed .secrets.baseline.
	git ls-files -z | grep -zv '^data/' | xargs -0 $(BIN)/detect-secrets-hook --baseline .secrets.baseline
	@# ReDoS, a first filter: regexploit on literal patterns, possessive and atomic forms understood.
	$(BIN)/python tools/scan_redos.py src bench dags expectations tools
	@# SQL style of the dbt models (.sqlfluff): dbt's templater compiles the project first (~25 s).
	$(BIN)/sqlfluff lint dbt_project

# Runtime lock (the image), then the dev lock constrained by it, then uv's own pin; all with hashes.
lock:
	$(BIN)/uv pip compile --quiet requirements.in --python-version 3.11 --generate-hashes -o requirements.txt
	$(BIN)/uv pip compile --quiet requirements-dev.in --override requirements-dev-overrides.in --python-version 3.11 --generate-hashes -o requirements-dev.txt
	$(BIN)/uv pip compile --quiet requirements-uv.in --python-version 3.11 --generate-hashes -o requirements-uv.txt

# A git-ignored .env of random secrets for docker compose; an existing .env is never overwritten.
secrets:
	@$(PYTHON) tools/make_secrets.py .env

expectations: install
	$(BIN)/python expectations/define_suites.py

# The benchmark lives outside the package (bench/steppe_bench); its options go in ARGS, e.g.
# make bench ARGS="--hostile-only" or ARGS="--sizes 100 --no-nlp".
bench: install
	PYTHONPATH=$(CURDIR)/bench $(BIN)/python -m steppe_bench $(ARGS)

# The dashboard (dashboard/, Evidence): npm packages from the lock, once per lock.
DASHBOARD_PORT ?= 3000
dashboard/node_modules/.steppe-installed-lock: dashboard/package-lock.json
	cd dashboard && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.steppe-installed-lock

dashboard-deps: dashboard/node_modules/.steppe-installed-lock

# Build the dashboard from the published warehouse (made first by `make run` if there is none), then
# serve it on this machine only. The site is static: any web server can serve dashboard/build.
dashboard: install dashboard-deps
	@[ -f "$(STEPPE_WAREHOUSE)" ] || $(MAKE) --no-print-directory run
	dashboard/scripts/build.sh "$(STEPPE_WAREHOUSE)"
	@echo "Dashboard on http://127.0.0.1:$(DASHBOARD_PORT)/ (Ctrl-C stops it)"
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory dashboard/build $(DASHBOARD_PORT)

# Headless Chromium for the dashboard's browser test: Debian's package (no browser download works here).
chromium:
	@[ -x /usr/bin/chromium ] || { [ "$$(id -u)" = 0 ] || { echo "Install Chromium first: sudo apt-get install chromium"; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; }

# Build a warehouse from every real page in the repository and score it against the hand labels.
eval: install
	$(BIN)/python tools/evaluate.py

clean:
	rm -rf $(AIRFLOW_HOME) data/warehouse.duckdb data/.warehouse.steppe data/reports expectations/gx/uncommitted
