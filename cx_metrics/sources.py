"""Which raw tables are present: the loader's record, overridden by the using_<table> vars.

The same rule as dbt's macro `present_tables` (macros/sources/source_present.sql):
var `using_<table>` (true/false) when given, else the record `raw.cx_loaded_tables`
(present = loaded with at least one row), else the raw tables that exist. The
quality suites check the present tables and report the absent ones as skipped.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import yaml

from cx_metrics.contract import LOAD_RECORD, TABLES


def overrides(dbt_vars: str | None) -> dict[str, bool]:
    """table -> present, from the using_<table> entries of a dbt --vars YAML string."""
    if not dbt_vars:
        return {}
    parsed = yaml.safe_load(dbt_vars) or {}
    out = {}
    for name in TABLES:
        value = parsed.get(f"using_{name}") if isinstance(parsed, dict) else None
        if value is not None:
            out[name] = value is True or str(value).lower() == "true"
    return out


def recorded(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    """table -> present, from raw.cx_loaded_tables; else every raw table that exists counts."""
    existing = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    if LOAD_RECORD in existing:
        return {
            name: bool(present)
            for name, present in con.execute(
                f"select table_name, is_present from raw.{LOAD_RECORD}"
            ).fetchall()
        }
    return {name: name in existing for name in TABLES}


def present_tables(database: Path, dbt_vars: str | None = None) -> list[str]:
    """The present contract tables of a warehouse (a DuckDB file or a PostgresWarehouse), in contract order."""
    from cx_metrics.quality.runner import connect_read_only  # runner imports this module's callers

    con = connect_read_only(database)
    try:
        found = recorded(con)
    finally:
        con.close()
    found.update(overrides(dbt_vars))
    return [name for name in TABLES if found.get(name, False)]


def absent_note(table: str) -> str:
    """Why a check on an absent table was skipped (quality_report.json)."""
    return (
        f"source absent: raw table '{table}' was not loaded with rows (raw.{LOAD_RECORD}) "
        f"or var using_{table} is false; its checks are skipped and metrics that need it are null"
    )
