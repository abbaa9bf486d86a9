# cx_metrics: the two commands a new user needs are `make demo` and `make test`.
# Both create .venv on first use (Python 3.11) and install the pinned package.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
EXTRAS ?= dev
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))
comma := ,

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false

# Test-only warehouse and dbt artefacts, apart from the demo's.
TEST_DIR := build/test
TEST_DB := $(TEST_DIR)/fixtures.duckdb
DBT_TEST_FLAGS := --project-dir . --profiles-dir profiles --target-path $(TEST_DIR)/target --log-path $(TEST_DIR)/logs

.PHONY: demo test install lint dbt-fixtures pytest clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	@touch $@

install: $(STAMP)

## The main job: sample data -> raw -> staging/quarantine -> marts, on embedded DuckDB.
demo: $(STAMP)
	$(BIN)/cx-metrics demo

## Every test: SQL lint, dbt build (unit + data tests) on the fixtures, pytest.
test: $(STAMP) lint dbt-fixtures pytest

lint: $(STAMP)
	@echo "== sqlfluff lint models (dialect duckdb)"
	@mkdir -p $(TEST_DIR)
	CX_DUCKDB_PATH=$(TEST_DIR)/lint.duckdb $(BIN)/sqlfluff lint models

dbt-fixtures: $(STAMP)
	@echo "== dbt build on the hand-built fixtures (DuckDB)"
	@mkdir -p $(TEST_DIR) && rm -f $(TEST_DB)
	CX_DUCKDB_PATH=$(TEST_DB) $(BIN)/cx-metrics load tests/fixtures/raw
	CX_DUCKDB_PATH=$(TEST_DB) $(BIN)/dbt build $(DBT_TEST_FLAGS)

pytest: $(STAMP)
	@echo "== pytest"
	$(BIN)/python -m pytest

clean:
	rm -rf build target logs warehouse data/sample
