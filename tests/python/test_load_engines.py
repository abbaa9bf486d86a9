"""`cx-metrics load --target postgres|spark`: same all-or-nothing behaviour as on DuckDB.

Run with CX_ENGINES=...,postgres,spark (Postgres from the CX_PG_* variables,
e.g. eval "$(scripts/postgres.sh env)"); skipped otherwise.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cx_metrics import load as load_mod
from cx_metrics.load import LoadError, load
from engines import fresh_postgres_database, postgres_connection, spark_session, wanted
from quality_helpers import FIXTURE_COUNTS as COUNTS

TEST_DATABASE = "cx_metrics_load_test"


def _drop_column(path: Path, column: str) -> None:
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    fields = [f for f in rows[0] if f != column]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _drop_last_row(path: Path) -> None:
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))


# ---------------------------------------------------------------- postgres


@pytest.fixture()
def pg(monkeypatch: pytest.MonkeyPatch):
    """A fresh database of its own on the CX_PG_* server, as the loader's target."""
    admin = fresh_postgres_database(TEST_DATABASE)
    monkeypatch.setenv("CX_PG_DATABASE", TEST_DATABASE)
    con = postgres_connection(TEST_DATABASE)
    con.autocommit = True
    yield con
    con.close()
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists {TEST_DATABASE}")
    admin.close()


def _pg_counts(con) -> dict[str, int]:
    with con.cursor() as cur:
        counts = {}
        for table in COUNTS:
            cur.execute(f"select count(*) from raw.{table}")
            counts[table] = cur.fetchone()[0]
        return counts


def test_postgres_load_uses_contract_types(raw_folder: Path, pg) -> None:
    assert load(raw_folder, target="postgres") == COUNTS
    assert _pg_counts(pg) == COUNTS
    with pg.cursor() as cur:
        cur.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'calls' order by ordinal_position"
        )
        types = dict(cur.fetchall())
        cur.execute("select count(*) from raw.calls where answered_at is null")
        unanswered = cur.fetchone()[0]
    assert list(types) == [*load_mod.TABLES["calls"].columns, "_load_seq"]
    assert types["queued_at"] == "timestamp without time zone"
    assert types["talk_seconds"] == "bigint"
    assert types["transferred"] == "boolean"
    assert unanswered == 2  # empty CSV fields arrive as nulls


def test_postgres_append_adds_rows_skips_a_file_loaded_before(raw_folder: Path, tmp_path: Path, pg) -> None:
    load(raw_folder, target="postgres")
    day2 = tmp_path / "day2"
    day2.mkdir()
    lines = (raw_folder / "calls.csv").read_text().splitlines(keepends=True)
    (day2 / "calls.csv").write_text(lines[0] + lines[1].replace("L1,", "L901,", 1))
    assert load(day2, target="postgres", append=True) == {"calls": 1}
    assert load(day2, target="postgres", append=True) == {}  # same sha256: skipped
    with pg.cursor() as cur:
        cur.execute("select _load_seq, count(*) from raw.calls group by 1 order by 1")
        per_load = cur.fetchall()
        cur.execute(
            "select load_seq, table_name, row_count, load_mode from raw.cx_load_ledger where table_name = 'calls'"
        )
        ledger = cur.fetchall()
        cur.execute("select row_count, is_present from raw.cx_loaded_tables where table_name = 'calls'")
        record = cur.fetchall()
    seq = ledger[0][0]
    assert per_load == [(seq, COUNTS["calls"]), (12, 1)]
    assert ledger == [(seq, "calls", COUNTS["calls"], "replace"), (12, "calls", 1, "append")]
    assert record == [(COUNTS["calls"] + 1, True)]


def test_postgres_missing_column_leaves_previous_tables(raw_folder: Path, pg) -> None:
    load(raw_folder, target="postgres")
    _drop_last_row(raw_folder / "customers.csv")
    _drop_column(raw_folder / "calls.csv", "hold_seconds")
    with pytest.raises(LoadError, match=r"calls\.csv.*'calls'.*'hold_seconds'"):
        load(raw_folder, target="postgres")
    assert _pg_counts(pg) == COUNTS


def test_postgres_failure_inside_the_load_rolls_everything_back(raw_folder: Path, pg) -> None:
    load(raw_folder, target="postgres")
    with pg.cursor() as cur:  # makes COPY into tickets fail after customers was replaced
        cur.execute("alter table raw.tickets add constraint no_t1 check (ticket_id <> 'T1') not valid")
    _drop_last_row(raw_folder / "customers.csv")
    with pytest.raises(LoadError, match=r"tickets\.csv: table 'tickets'.*nothing was changed"):
        load(raw_folder, target="postgres")
    assert _pg_counts(pg) == COUNTS


# ---------------------------------------------------------------- spark


@pytest.fixture(scope="module")
def spark():
    if reason := wanted("spark"):
        pytest.skip(reason)
    return spark_session()


def _spark_counts(spark) -> dict[str, int]:
    return {t: spark.table(f"raw.{t}").count() for t in COUNTS}


def _leftovers(spark) -> list[str]:
    return [
        r.tableName for r in spark.sql("show tables in raw").collect() if r.tableName.endswith("__cx_new")
    ]


def test_spark_load_then_failures_leave_previous_tables(raw_folder: Path, spark, monkeypatch) -> None:
    assert load(raw_folder, target="spark") == COUNTS
    assert _spark_counts(spark) == COUNTS
    types = dict(spark.table("raw.calls").dtypes)
    assert types["queued_at"] == "timestamp" and types["transferred"] == "boolean"
    assert types["talk_seconds"] == "bigint" and types["call_id"] == "string"

    # a missing column: refused before Spark is touched
    _drop_last_row(raw_folder / "customers.csv")
    broken = raw_folder / "calls.csv"
    original = broken.read_text()
    _drop_column(broken, "hold_seconds")
    with pytest.raises(LoadError, match=r"calls\.csv.*'calls'.*'hold_seconds'"):
        load(raw_folder, target="spark")
    assert _spark_counts(spark) == COUNTS

    # a failure while writing (calls comes after customers): staged tables dropped, old ones kept
    broken.write_text(original)
    monkeypatch.setitem(load_mod.SPARK_TYPES, "boolean", "no_such_type")
    with pytest.raises(LoadError, match=r"calls\.csv: table 'calls'.*nothing was changed"):
        load(raw_folder, target="spark")
    assert _spark_counts(spark) == COUNTS
    assert _leftovers(spark) == []
