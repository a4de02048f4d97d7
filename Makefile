# RTW — the two commands: `make up` runs the whole system, `make test` runs the tests.
# Everything else here is a helper for those two.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PACKAGES := shared deploy/devstack $(wildcard services/*/pyproject.toml)
EDITABLE := $(foreach p,$(PACKAGES),-e $(patsubst %/pyproject.toml,%,$(p)))
PYTHON  ?= $(shell command -v python3.11 || command -v python3)

.PHONY: help up down status mail test lint format bench load chaos lock clean k8s-check

help:  ## list the commands
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

# `make up REPLICAS=2`: each API as 2 processes on its one port, 2 workers per consumer group (docs/operations.md).
REPLICAS ?= 1

up: $(STAMP)  ## start the whole system (idempotent), print URLs and demo logins (REPLICAS=N: N of each API and worker)
	@RTW_REPLICAS=$(REPLICAS) $(BIN)/rtw-stack up

down:  ## stop everything `make up` started (data is kept in .data/)
	@if [ -x $(BIN)/rtw-stack ]; then $(BIN)/rtw-stack down; else echo "nothing to stop (no $(VENV))"; fi

status: $(STAMP)  ## say what runs
	@$(BIN)/rtw-stack status

mail: $(STAMP)  ## list what the development SMTP sink received
	@$(BIN)/rtw-stack mail

# Test processes side by side (pytest-xdist; 0 = one process). Each test module runs whole in one
# process (--dist loadscope), so a module's private system starts once; the longest modules go first.
TEST_WORKERS ?= 2

test: $(STAMP)  ## run the whole suite against the real servers (reuses a running stack; TEST_WORKERS=2)
	@$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder $(PYTEST_ARGS)

# The Helm chart (deploy/helm/rtw), offline: helm and kubeconform from the Go module proxy, checkov and
# the Kubernetes schemas from PyPI (cached in ~/.cache/rtw/k8s); lint, render into .data/k8s, schemas,
# security checks, then the chart's invariants. `make test` runs the same (tests/k8s).
k8s-check: $(STAMP)  ## check the Helm chart offline: lint, render, validate (Kubernetes + CRD schemas), checkov, invariants
	@$(BIN)/python -m rtw_devstack.k8s.check
	@$(BIN)/pytest -q -p no:cacheprovider tests/k8s/test_chart.py

bench: $(STAMP)  ## measure every figure beside its baseline, one table + JSON in .data/bench (BENCH_ARGS=--quick, --only …)
	@$(BIN)/python bench/run.py $(BENCH_ARGS)

load: $(STAMP)  ## Locust, headless: the three roles' mix at 200 req/s for 10 min on a private system (LOAD_ARGS=…)
	@$(BIN)/python bench/load.py $(LOAD_ARGS)

.PHONY: screenshots
screenshots: $(STAMP)  ## regenerate docs/screenshots/*.png: the portal (desktop, 375 px) and the workspace (desktop, 768 px) in Chromium (needs chromium)
	@RTW_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q -p no:cacheprovider tests/browser/test_screenshots.py

chaos: $(STAMP)  ## journeys under >= 20 random faults on a private stack; prints faults, recovery, effects (CHAOS_ARGS=--seed N …; REPLICAS=2)
	@$(BIN)/python -m rtw_devstack.chaos --replicas $(REPLICAS) $(CHAOS_ARGS)

lint: $(STAMP)  ## ruff rules and formatter, mypy, import contracts (all must pass)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy
	@$(BIN)/lint-imports

format: $(STAMP)  ## apply the formatter (ruff format) and ruff's safe fixes
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

# The virtual environment, rebuilt when the pins or a package's metadata change.
$(STAMP): requirements.lock $(PACKAGES:%=%) $(wildcard shared/pyproject.toml deploy/devstack/pyproject.toml)
	@if [ -z "$(PYTHON)" ] || ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	  echo "Python 3.11+ is required (set PYTHON=/path/to/python3.11, or install python3.11)"; exit 1; fi
	@echo "[venv    ] installing pinned dependencies into $(VENV)…"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -r requirements.lock
	@$(BIN)/python -m pip install -q --no-deps $(EDITABLE) 2>&1 | grep -v -E "^\s*$$|editable|!!|\*\*\*|Please be careful|name as your package|with strategy" || true
	@touch $@
	@echo "[venv    ] ready"

lock:  ## re-pin requirements.lock from requirements.in (fresh environment)
	@rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	@.lock-venv/bin/pip install -q --upgrade pip && .lock-venv/bin/pip install -q -r requirements.in
	@{ echo "# Pinned from requirements.in by \`make lock\` (Python 3.11). Do not edit by hand."; \
	   .lock-venv/bin/pip freeze --exclude-editable; } > requirements.lock
	@rm -rf .lock-venv && echo "requirements.lock updated"

clean:  ## stop the stack and delete its data (downloads in ~/.cache/rtw and ~/.m2 are kept)
	@$(MAKE) -s down
	@rm -rf .data
