# Two commands on a fresh machine: `make run` and `make test`. Both bootstrap .venv from the
# pinned lock file on first use and reuse it afterwards.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR ?= $(CURDIR)
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

SCALE ?= 0.2
BENCH_SCALES ?= 0.1 1

.PHONY: run test dev lint unit dbt-test manifest bench clean venv page chromium

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@echo "==> bootstrapping $(VENV) from requirements.lock"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# The dbt manifest that Dagster loads; rebuilt only when the dbt project changes.
target/manifest.json: $(STAMP) dbt_project.yml profiles.yml $(shell find models macros seeds tests/generic tests/singular -type f 2>/dev/null)
	@echo "==> dbt parse (manifest for Dagster)"
	@$(BIN)/dbt parse --quiet
	@touch $@

manifest: target/manifest.json

# The demo is asked for here, explicitly: `revops run` itself never writes landing files.
run: target/manifest.json
	@$(BIN)/revops-demo generate --if-empty --scale $(SCALE)
	@$(BIN)/revops run

# The weekly revenue page (written by every run that publishes) served on 127.0.0.1; it also
# opens from disk. Built here from the published warehouse when a run has not written it yet.
PAGE_PORT ?= 8765
page: $(STAMP)
	@dir=$$($(BIN)/python -c 'from revops.config import page_dir; print(page_dir())'); \
	test -f "$$dir/index.html" || $(BIN)/python -m revops.page.build || exit 2; \
	echo "==> serving $$dir on http://127.0.0.1:$(PAGE_PORT)/ (Ctrl-C stops)"; \
	exec $(BIN)/python -m http.server $(PAGE_PORT) --bind 127.0.0.1 --directory "$$dir"

# The browser test drives Debian's Chromium: installed when missing (root, or sudo).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@test -x $(CHROMIUM) || { \
	echo "==> installing chromium (the weekly page's browser test)"; \
	export DEBIAN_FRONTEND=noninteractive; \
	$(SUDO) apt-get install -y chromium \
	|| { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }; }

dev: target/manifest.json
	@$(BIN)/dagster dev -m revops.definitions

lint: $(STAMP)
	@echo "==> ruff"
	@$(BIN)/ruff check orchestration tests
	@$(BIN)/ruff format --check orchestration tests
	@echo "==> sqlfluff"
	@mkdir -p target && REVOPS_WAREHOUSE=$(CURDIR)/target/lint.duckdb $(BIN)/sqlfluff lint models tests/singular

# A DuckDB 1.5 client, to prove BI tools that embed 1.5 can open the published file.
DUCKDB15 := .venv-duckdb15/bin/python
$(DUCKDB15):
	@echo "==> bootstrapping .venv-duckdb15 (duckdb 1.5 reader for the compatibility test)"
	@$(PYTHON) -m venv .venv-duckdb15
	@.venv-duckdb15/bin/python -m pip install --quiet --disable-pip-version-check duckdb==1.5.2

unit: target/manifest.json $(DUCKDB15) chromium
	@echo "==> pytest"
	@$(BIN)/pytest

test: lint unit

bench: target/manifest.json
	@$(BIN)/revops-demo bench --scales $(BENCH_SCALES)

clean:
	rm -rf target logs warehouse .dagster_home .venv-duckdb15
