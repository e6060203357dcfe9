# Two commands do everything on a fresh machine:
#   make run    set up, simulate the default center, run the whole pipeline
#   make test   set up, run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
NODE_STAMP := reports/node_modules/.installed

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export OBSERVABLE_TELEMETRY_DISABLE := true
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-spark setup setup-python setup-node setup-browser setup-postgres \
	setup-spark run-postgres run-spark postgres-stop serve serve-bi publish site lint clean bench

run: setup
	$(BIN)/ccwh run

test: setup setup-browser setup-postgres
	$(BIN)/python -m pytest -q -m "not spark"

# The cross-engine check on Spark (tests/test_engines.py -m spark): pyspark is large and a
# local Spark build takes minutes, so it has its own target (.ci/run calls both).
test-spark: setup setup-spark
	$(BIN)/python -m pytest -q -m spark tests/test_engines.py

setup: setup-python setup-node

setup-python: $(STAMP)
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,postgres,semantic]'
	touch $@

setup-spark: setup-python $(SPARK_STAMP)
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing Debian's Java 17 for Spark"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless; }
$(SPARK_STAMP): pyproject.toml
	$(BIN)/pip install -q -e '.[dev,postgres,semantic,spark]'
	touch $@

# The benchmark (bench/, not part of `make test`): a month of 40 agents and a year of 300
# agents through the whole pipeline; results in bench/RESULTS.md and bench/results.json.
# A subset: `.venv/bin/python -m bench --sizes month40`; with Spark: `make bench BENCH_ARGS=--spark`.
bench: setup
	nice $(BIN)/python -m bench $(BENCH_ARGS)

# PostgreSQL server binaries for the cross-engine check and `make run-postgres` (the
# project runs its own server under warehouse/postgres/, see orchestration/engines).
setup-postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  echo "installing Debian's PostgreSQL server binaries"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }

setup-node: $(NODE_STAMP)
$(NODE_STAMP): reports/package.json reports/package-lock.json
	cd reports && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Headless Chromium for the browser tests (Debian package; as root in CI).
setup-browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# The marts on another engine, from the DuckDB raw layer of `make run` (README, "Other engines").
run-postgres: setup setup-postgres
	$(BIN)/python -m orchestration.engines export postgres
	CCWH_DBT_TARGET=postgres CCWH_PG_PORT=$$(cat warehouse/postgres/port) \
	  $(BIN)/dbt build --profiles-dir . --target-path target/postgres
	@echo "marts in PostgreSQL: psql -h 127.0.0.1 -p $$(cat warehouse/postgres/port) -U postgres ccwh (make postgres-stop)"

postgres-stop:
	$(BIN)/python -m orchestration.engines postgres stop

# The marts for BI tools (README, "Connecting a BI tool"): `make run` publishes the DuckDB
# snapshot and the Parquet files; serve-bi also loads them into the project's PostgreSQL
# (database ccwh_bi, read-only role ccwh_bi_reader) and prints the connection string.
publish: setup
	$(BIN)/ccwh publish

serve-bi: setup setup-postgres
	$(BIN)/ccwh publish --postgres

run-spark: setup setup-spark
	$(BIN)/python -m orchestration.engines export spark
	CCWH_DBT_TARGET=spark CCWH_SPARK_DIR=$(CURDIR)/warehouse/spark SPARK_LOCAL_IP=127.0.0.1 \
	  $(BIN)/dbt build --profiles-dir . --target-path target/spark

serve: setup $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	printf 'telemetry:\n  enabled: false\n' > $@

site: setup
	$(BIN)/ccwh site serve

lint: setup
	$(BIN)/ruff check orchestration tests

clean:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m orchestration.engines postgres stop; fi
	rm -rf warehouse landing target reports/dist .dagster_home
