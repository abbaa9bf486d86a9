# cx_metrics: the two commands a new user needs are `make demo` and `make test`.
# Both create .venv on first use (Python 3.11) and install the pinned package.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false

# Test-only artefacts (warehouses, dbt target/logs per engine), apart from the demo's.
TEST_DIR := build/test
ENGINES := duckdb,postgres,spark
PY_SOURCES := cx_metrics tests benchmarks scripts

.PHONY: demo dashboard test install install-test install-bi lint engines pytest clean

define make_venv
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
endef

$(VENV)/.installed-demo: pyproject.toml
	$(make_venv)
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml
	$(make_venv)
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres,spark,bi,orchestration]"
	@touch $@ $(VENV)/.installed-demo $(VENV)/.installed-bi

$(VENV)/.installed-bi: pyproject.toml
	$(make_venv)
	$(BIN)/python -m pip install --quiet -e ".[bi]"
	@touch $@ $(VENV)/.installed-demo

install: $(VENV)/.installed-demo
install-test: $(VENV)/.installed-test
install-bi: $(VENV)/.installed-bi

## The main job: sample data -> raw -> guarded build (checks, staging, marts, publish) on DuckDB.
demo: $(VENV)/.installed-demo
	$(BIN)/cx-metrics demo

## The dashboard (Streamlit) on http://127.0.0.1:8501 over the demo warehouse, read-only.
dashboard: $(VENV)/.installed-bi
	$(BIN)/cx-metrics dashboard

## Every test: SQL and Python lint (sqlfluff, ruff); dbt build (unit + data tests) on the fixtures on DuckDB,
## Postgres and Spark; pytest (cross-engine equality included). One throwaway
## PostgreSQL server (installed from Debian's packages when missing) serves both.
test: install-test lint
	scripts/postgres.sh start
	eval "$$(scripts/postgres.sh env)" && $(MAKE) --no-print-directory engines pytest CX_ENGINES=$(ENGINES); \
	    status=$$?; scripts/postgres.sh stop; exit $$status

lint: install-test
	@echo "== sqlfluff lint models analyses (dialect duckdb)"
	@mkdir -p $(TEST_DIR)
	CX_DUCKDB_PATH=$(TEST_DIR)/lint.duckdb $(BIN)/sqlfluff lint models analyses
	@echo "== ruff check + ruff format --check (Python)"
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)

# The fixtures built on every engine in CX_ENGINES (default: DuckDB only; `make
# test` sets all three and provides the Postgres server). Spark needs Java 17.
CX_ENGINES ?= duckdb
engines: install-test
	@case ",$(CX_ENGINES)," in *,spark,*) command -v java >/dev/null || \
	    { apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless; } ;; esac
	@for engine in $$(echo $(CX_ENGINES) | tr ',' ' '); do \
	    scripts/engine_fixture_build.sh $$engine || exit 1; done

pytest: install-test
	@echo "== pytest (engines: $(CX_ENGINES))"
	CX_ENGINES=$(CX_ENGINES) CX_ENGINES_PREBUILT=1 $(BIN)/python -m pytest

clean:
	rm -rf build target logs warehouse data/sample reports
