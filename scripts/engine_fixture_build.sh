#!/usr/bin/env bash
# Load the hand-built fixtures (tests/fixtures/raw) into one engine and run
# `dbt build` there: every model, unit test and data test; then the dbt
# analyses compile (DuckDB: and run on the fixtures; too few rows there for
# some to return any, `make demo` shows them on the sample).
# Exits non-zero on any failure and prints the build time.
#
#   scripts/engine_fixture_build.sh duckdb|postgres|spark
#
# Everything it writes goes under $CX_ENGINE_BUILD_DIR/<engine> (default
# build/engines/<engine>): dbt target and logs, the DuckDB file, Spark's
# metastore_db/, spark-warehouse/ and derby.log. Postgres: uses the server the
# CX_PG_* variables name; when CX_PG_PORT is unset it starts the throwaway
# local one (scripts/postgres.sh start) and leaves it running.
set -euo pipefail

engine=${1:-}
case "$engine" in duckdb|postgres|spark) ;; *) echo "usage: $0 duckdb|postgres|spark" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CX_BIN:-$root/.venv/bin}
work=$(mkdir -p "${CX_ENGINE_BUILD_DIR:-$root/build/engines}/$engine" && cd "${CX_ENGINE_BUILD_DIR:-$root/build/engines}/$engine" && pwd)
export DBT_SEND_ANONYMOUS_USAGE_STATS=false GX_ANALYTICS_ENABLED=false CX_TARGET=$engine

case "$engine" in
    duckdb) export CX_DUCKDB_PATH=$work/fixtures.duckdb; rm -f "$CX_DUCKDB_PATH" "$CX_DUCKDB_PATH.wal" ;;
    postgres)
        if [[ -z "${CX_PG_PORT:-}" ]]; then
            "$root/scripts/postgres.sh" start
            eval "$("$root/scripts/postgres.sh" env)"
        fi ;;
    spark) export CX_SPARK_DIR=$work/spark; rm -rf "$CX_SPARK_DIR" ;;
esac

cd "$work"  # anything an engine drops in the working folder stays here
start=$EPOCHREALTIME
echo "== $engine: load tests/fixtures/raw"
"$bin/cx-metrics" load "$root/tests/fixtures/raw" --target "$engine"
echo "== $engine: dbt build"
"$bin/dbt" build --target "$engine" --project-dir "$root" --profiles-dir "$root/profiles" \
    --target-path "$work/target" --log-path "$work/logs" ${CX_DBT_BUILD_ARGS:-}
case "$engine" in
    duckdb)  # the analyses compile and run (read-only) on the fixtures
        echo "== $engine: dbt analyses"
        "$bin/python" -m cx_metrics.analyses --database "$CX_DUCKDB_PATH" --target-path "$work/analyses_target" ;;
    postgres)  # ... and compile for Postgres
        echo "== $engine: dbt compile analyses"
        "$bin/dbt" compile --select "resource_type:analysis" --target "$engine" --project-dir "$root" \
            --profiles-dir "$root/profiles" --target-path "$work/analyses_target" --log-path "$work/logs" --quiet ;;
esac
echo "== $engine: fixture build passed in $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $start }")s"
