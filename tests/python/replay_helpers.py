"""Helpers shared by the replay tests (test_replay, test_incremental_pitfalls,
test_orchestration's backfill): a sample split into daily folders by load day, two DuckDB
warehouses compared relation by relation, and the build options of each warehouse.

A warehouse built by appends (A) must equal one built at once with --full-refresh (B):
every relation of the compared schemas, EXCEPT ALL both ways, doubles to 1e-9 relative.
The loader's `_load_seq`, which the base models pass through, and `_staged_by_build`,
which the base models and staging views carry, are left out: they name the load and
the build, which differ by construction.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import duckdb

from cx_metrics.contract import LOAD_SEQ, STAGED_BY_BUILD, TABLES
from cx_metrics.pipeline import BuildOptions

# lineage that names a load or a build (macros/incremental/incremental.sql), not a fact
LEFT_OUT = (LOAD_SEQ, STAGED_BY_BUILD)
COMPARED_SCHEMAS = ("staging", "quarantine", "audit", "intermediate", "metric_inputs", "marts")
RELATIVE = 1e-9


def relations(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[tuple[str, str]]]:
    """Relation -> its (column, type) in order, LEFT_OUT left out, over the compared schemas."""
    rows = con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        f"where table_catalog = '{catalog}' and table_schema in ({', '.join(repr(s) for s in COMPARED_SCHEMAS)}) "
        "order by table_schema, table_name, ordinal_position"
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for schema, table, column, kind in rows:
        if column not in LEFT_OUT:
            out.setdefault(f"{schema}.{table}", []).append((column, kind))
    return out


def expression(column: str, kind: str) -> str:
    """Doubles rounded to 9 significant digits (checked exactly again when EXCEPT ALL finds rows)."""
    quoted = f'"{column}"'
    if kind in ("DOUBLE", "FLOAT", "REAL"):
        return (
            f"case when {quoted} is null or {quoted} = 0 or isnan({quoted}) then {quoted} else "
            f"round({quoted}, 9 - cast(floor(log10(abs({quoted}))) as integer)) end as {quoted}"
        )
    return quoted


def close(a: tuple, b: tuple) -> bool:
    """Two rows equal, doubles to RELATIVE (NaN equal to NaN)."""
    for x, y in zip(a, b, strict=True):
        if isinstance(x, float) and isinstance(y, float):
            if not (math.isclose(x, y, rel_tol=RELATIVE, abs_tol=1e-12) or (math.isnan(x) and math.isnan(y))):
                return False
        elif x != y:
            return False
    return True


def compare(a_path: Path, b_path: Path) -> list[str]:
    """The relations where A and B differ (empty: every relation equal)."""
    con = duckdb.connect(str(a_path), read_only=True)
    con.execute(f"attach '{b_path}' as b (read_only)")
    catalog = con.execute("select current_database()").fetchall()[0][0]
    a_rel, b_rel = relations(con, catalog), relations(con, "b")
    differences = []
    if sorted(a_rel) != sorted(b_rel):
        differences.append(f"relations differ: {sorted(set(a_rel) ^ set(b_rel))}")
    for relation in sorted(set(a_rel) & set(b_rel)):
        if a_rel[relation] != b_rel[relation]:
            differences.append(f"{relation}: columns differ")
            continue
        select = ", ".join(expression(c, k) for c, k in a_rel[relation])
        plain = ", ".join(f'"{c}"' for c, _ in a_rel[relation])
        left = f"select {select} from {catalog}.{relation}"
        right = f"select {select} from b.{relation}"
        only_a = con.execute(f"select count(*) from ({left} except all {right})").fetchall()[0][0]
        only_b = con.execute(f"select count(*) from ({right} except all {left})").fetchall()[0][0]
        if only_a or only_b:  # rounding can split two values 1e-12 apart: compare them sorted
            rows_a = con.execute(f"select {plain} from {catalog}.{relation} order by all").fetchall()
            rows_b = con.execute(f"select {plain} from b.{relation} order by all").fetchall()
            if len(rows_a) != len(rows_b) or not all(map(close, rows_a, rows_b)):
                differences.append(f"{relation}: {only_a} row(s) only in A, {only_b} only in B")
    con.close()
    return differences


def warehouse_options(tmp: Path, name: str, **extra) -> BuildOptions:
    """Guarded-build options for warehouse `name` (its own dbt target, logs and reports
    under `tmp`), quiet, at a dirt threshold (0.6) the fixtures' deliberate dirt stays under."""
    return BuildOptions(
        dirt_threshold=0.6,
        dbt_target_path=tmp / f"target_{name}",
        dbt_log_path=tmp / f"logs_{name}",
        reports_dir=tmp / f"reports_{name}",
        **{"progress": lambda m: None, **extra},
    )


def load_day(first_load: date, column: str = "_loaded_at") -> str:
    """A row's load day: its `_loaded_at` date (rows extracted before the first load: that day)."""
    return f"greatest(cast({column} as date), date '{first_load}')"


def split_by_load_day(source: Path, days_root: Path, first_load: date) -> list[date]:
    """One folder per load day (`days_root/YYYY-MM-DD/`), each holding the rows of every table
    loaded that day; the days, oldest first."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    days: set[date] = set()
    day_of = load_day(first_load)
    for name in TABLES:
        path = source / f"{name}.parquet"
        for (day,) in con.execute(f"select distinct {day_of} from '{path}'").fetchall():
            days.add(day)
            folder = days_root / day.isoformat()
            folder.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"copy (select * from '{path}' where {day_of} = date '{day}') "
                f"to '{folder / f'{name}.parquet'}' (format parquet)"
            )
    con.close()
    return sorted(days)


def full_folder(days_root: Path, upto: list[date], dest: Path) -> None:
    """Every row loaded up to a day, one file per table, days newest first (an order the export
    does not define)."""
    dest.mkdir(parents=True)
    con = duckdb.connect()
    for name in TABLES:
        files = [days_root / d.isoformat() / f"{name}.parquet" for d in reversed(upto)]
        files = [f"'{f}'" for f in files if f.exists()]
        if files:
            con.execute(
                f"copy (select * from read_parquet([{', '.join(files)}])) "
                f"to '{dest / f'{name}.parquet'}' (format parquet)"
            )
    con.close()
