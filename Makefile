# Two commands do everything on a fresh machine:
#   make run    set up, simulate the default center, run the whole pipeline
#   make test   set up, run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := reports/node_modules/.installed

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export OBSERVABLE_TELEMETRY_DISABLE := true
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test setup setup-python setup-node setup-browser serve site lint clean

run: setup
	$(BIN)/ccwh run

test: setup setup-browser
	$(BIN)/python -m pytest -q

setup: setup-python setup-node

setup-python: $(STAMP)
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup-node: $(NODE_STAMP)
$(NODE_STAMP): reports/package.json reports/package-lock.json
	cd reports && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Headless Chromium for the browser tests (Debian package; as root in CI).
setup-browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

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
	rm -rf warehouse landing target reports/dist .dagster_home
