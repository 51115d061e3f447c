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
DEV_PORT ?= 3000
DOCS_PORT ?= 8080
DOCS_DIR ?= target/docs
REVOPS_WAREHOUSE_FILE = $(or $(REVOPS_WAREHOUSE),warehouse/revops.duckdb)
BENCH_SCALES ?= 0.1 1
# pytest processes (pytest-xdist): the end-to-end tests each run the whole pipeline in about one
# core, so two workers use a two-core machine; a test module stays on one worker (its module
# fixtures are built once). TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= 2

.PHONY: run test dev docs lint unit dbt-test manifest bench clean venv metrics page chromium

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

# Ask the semantic layer (MetricFlow, models/semantic/) a question, answered from the PUBLISHED
# warehouse opened read-only (profile target `published`): it never waits for or blocks a run.
#   make metrics Q="--metrics win_rate --group-by rep__region,metric_time__quarter"
#   make metrics MF=list Q=metrics        # every metric; MF=list Q="dimensions --metrics win_rate"
MF ?= query
Q ?= --metrics bookings_amount,win_rate,mrr,nrr --group-by metric_time__quarter --order metric_time__quarter
metrics: target/manifest.json
	@pub="$$($(BIN)/python -c 'from revops.config import published_dir; print(published_dir())')"; \
	test -f "$$pub/revops.duckdb" || { echo "no published warehouse at $$pub/revops.duckdb: run 'make run' first"; exit 1; }; \
	REVOPS_DBT_TARGET=published REVOPS_PUBLISHED="$$pub" $(BIN)/mf $(MF) $(Q)

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

# The Dagster UI: `dg dev` (dagster-dg-cli), which Dagster 1.13 recommends; `dagster dev` warns
# that it is superseded.
dev: target/manifest.json
	@$(BIN)/dg dev -m revops.definitions -h 127.0.0.1 -p $(DEV_PORT)

# dbt docs (lineage, owners, tags, exposures) into target/docs (static_index.html there opens from
# disk too), served on 127.0.0.1 only. Column types and row counts come from the working
# warehouse when it exists (`make run` first; `revops docs` holds the warehouse's locks, so a run
# and the catalog query wait for each other); without it the docs have no catalog.
docs: target/manifest.json
	@if [ -f "$(REVOPS_WAREHOUSE_FILE)" ]; then opts=""; else \
	  echo "==> no warehouse at $(REVOPS_WAREHOUSE_FILE): docs without its catalog (make run first)"; \
	  opts="--empty-catalog --no-compile"; fi; \
	  $(BIN)/revops docs -- --quiet --static --target-path $(DOCS_DIR) $$opts
	@echo "==> dbt docs on http://127.0.0.1:$(DOCS_PORT) (static copy: $(DOCS_DIR)/static_index.html; Ctrl-C stops)"
	@$(BIN)/dbt docs serve --target-path $(DOCS_DIR) --host 127.0.0.1 --port $(DOCS_PORT) --no-browser

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
	@REVOPS_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

test: lint unit

bench: target/manifest.json
	@$(BIN)/revops-demo bench --scales $(BENCH_SCALES)

clean:
	rm -rf target logs warehouse .dagster_home .venv-duckdb15
