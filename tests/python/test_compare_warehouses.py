"""scripts/compare_warehouses.py: equal warehouses pass, any row, column or relation differing fails."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "compare_warehouses", REPO / "scripts" / "compare_warehouses.py"
)
compare_warehouses = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare_warehouses)


def make(path: Path, rows: list[tuple], extra_sql: str = "") -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema staging")
    con.execute("create table staging.t (id varchar, n bigint, x double)")
    con.executemany("insert into staging.t values (?, ?, ?)", rows)
    con.execute(f"create view staging.v as select id, x * 2 as x2 from {path.stem}.staging.t")
    if extra_sql:
        con.execute(extra_sql)
    con.close()
    return path


ROWS = [("a", 1, 0.1 + 0.2), ("b", 2, 1e6), ("b", 2, 1e6), ("c", None, None)]


def run(a: Path, b: Path, *extra: str) -> int:
    return compare_warehouses.main([str(a), str(b), *extra])


def test_equal_with_doubles_within_tolerance(tmp_path):
    a = make(tmp_path / "a.duckdb", ROWS)
    # summation order: 0.3 vs 0.30000000000000004, 1e6 vs 1e6 * (1 + 1e-12)
    b = make(
        tmp_path / "b.duckdb", [("a", 1, 0.3), ("b", 2, 1e6 * (1 + 1e-12)), ("b", 2, 1e6), ("c", None, None)]
    )
    assert run(a, b) == 0


@pytest.mark.parametrize(
    "rows",
    [
        [("a", 1, 0.3), ("b", 2, 1e6 * (1 + 1e-6)), ("b", 2, 1e6), ("c", None, None)],  # a double beyond 1e-9
        [("a", 1, 0.1 + 0.2), ("b", 3, 1e6), ("b", 2, 1e6), ("c", None, None)],  # an integer
        [("a", 1, 0.1 + 0.2), ("b", 2, 1e6), ("c", None, None), ("c", None, None)],  # a duplicate for another
        ROWS[:3],  # a row missing
    ],
)
def test_a_differing_row_fails(tmp_path, rows):
    assert run(make(tmp_path / "a.duckdb", ROWS), make(tmp_path / "b.duckdb", rows)) == 1


def test_relations_and_columns(tmp_path):
    a = make(tmp_path / "a.duckdb", ROWS)
    b = make(tmp_path / "b.duckdb", ROWS, "create table staging.extra (i int)")
    assert run(a, b) == 1  # a relation only in B
    assert run(a, b, "--skip-schemas", "staging") == 0
    c = make(tmp_path / "c.duckdb", ROWS, "alter table staging.t add column y int")
    assert run(a, c) == 1  # a column only in C
    assert run(a, c, "--new-columns-ok") == 0
    assert run(c, a, "--new-columns-ok") == 1  # a column lost is always a difference
