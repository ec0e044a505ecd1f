# The README's two commands: `make run` and `make test`. Both create .venv from the lock file
# when it is missing (plain pip with --require-hashes: only Python 3.11 is needed).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ldp-installed
CONFIG ?= configs/seed.toml

# Prefect runs in local ephemeral mode with its state inside the project, and no telemetry.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
# The ephemeral server can take longer than Prefect's default 20 s to start on a busy machine.
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
unexport PREFECT_API_URL
export PREFECT_LOGGING_LEVEL ?= WARNING
export PYTHONHASHSEED := 0

.PHONY: venv run check test test-fast bench lock clean-outputs

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

run: $(STAMP)
	$(BIN)/ldp run --config $(CONFIG)

# Lint, format and types (strict on pipeline/): seconds, so they run before the tests.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: check
	$(BIN)/python -m pytest

test-fast: check
	$(BIN)/python -m pytest -m "not slow"

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# Developers only (needs uv): re-resolve after editing pyproject.toml.
lock:
	SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt uv lock
	SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt uv export --format requirements-txt --all-groups --no-emit-project --frozen -o requirements.lock

clean-outputs:
	rm -rf data/processed/* reports/*
	@touch data/processed/.gitkeep reports/.gitkeep
