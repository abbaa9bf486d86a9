"""The loader: all-or-nothing, with errors that name file, table and column."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from cx_metrics import cli
from cx_metrics.contract import LOAD_SEQ, TABLES
from cx_metrics.load import LoadError, load, spark_settings
from quality_helpers import FIXTURE_COUNTS


def _rows(database: Path, table: str) -> int:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(f"select count(*) from raw.{table}").fetchone()[0]
    finally:
        con.close()


def _rewrite_csv(path: Path, edit) -> None:
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    rows, fieldnames = edit(rows)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def test_loads_every_table_with_contract_types(raw_folder: Path, warehouse: Path) -> None:
    counts = load(raw_folder)
    assert counts == FIXTURE_COUNTS
    con = duckdb.connect(str(warehouse), read_only=True)
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'calls'"
        ).fetchall()
    )
    con.close()
    assert types["queued_at"] == "TIMESTAMP"
    assert types["talk_seconds"] == "BIGINT"
    assert types["transferred"] == "BOOLEAN"
    assert list(types) == [*TABLES["calls"].columns, LOAD_SEQ]  # the loader adds _load_seq last


def test_extra_columns_are_ignored(raw_folder: Path, warehouse: Path) -> None:
    _rewrite_csv(
        raw_folder / "agents.csv",
        lambda rows: ([{**r, "shoe_size": "42"} for r in rows], [*rows[0], "shoe_size"]),
    )
    load(raw_folder)
    con = duckdb.connect(str(warehouse), read_only=True)
    cols = [r[0] for r in con.execute("describe raw.agents").fetchall()]
    con.close()
    assert "shoe_size" not in cols


def test_missing_column_names_file_table_column_and_keeps_previous_tables(
    raw_folder: Path, warehouse: Path
) -> None:
    load(raw_folder)
    before = _rows(warehouse, "calls")
    # A second export: more calls, but the surveys file lost a column.
    _rewrite_csv(raw_folder / "calls.csv", lambda rows: (rows + rows[:1], list(rows[0])))
    _rewrite_csv(
        raw_folder / "survey_responses.csv",
        lambda rows: (
            [{k: v for k, v in r.items() if k != "score"} for r in rows],
            [k for k in rows[0] if k != "score"],
        ),
    )
    with pytest.raises(LoadError) as err:
        load(raw_folder)
    message = str(err.value)
    assert "survey_responses.csv" in message
    assert "table 'survey_responses'" in message
    assert "'score'" in message
    assert _rows(warehouse, "calls") == before  # nothing half-loaded


def test_wrong_type_names_the_column_and_a_sample(raw_folder: Path, warehouse: Path) -> None:
    def corrupt(rows):
        rows[0]["talk_seconds"] = "four minutes"
        return rows, list(rows[0])

    _rewrite_csv(raw_folder / "calls.csv", corrupt)
    with pytest.raises(LoadError, match=r"calls\.csv: table 'calls', column 'talk_seconds'.*'four minutes'"):
        load(raw_folder)
    assert not warehouse.exists() or "calls" not in _tables(warehouse)


def _tables(database: Path) -> set[str]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        }
    finally:
        con.close()


def test_unreadable_file_is_named(raw_folder: Path, warehouse: Path) -> None:
    (raw_folder / "orders.csv").unlink()
    (raw_folder / "orders.parquet").write_bytes(b"this is not parquet")
    with pytest.raises(LoadError, match=r"orders\.parquet: cannot read file for table 'orders'"):
        load(raw_folder)


def test_parquet_and_csv_of_one_table_is_ambiguous(raw_folder: Path, warehouse: Path) -> None:
    con = duckdb.connect()
    con.execute(
        f"copy (select * from read_csv('{raw_folder / 'agents.csv'}')) "
        f"to '{raw_folder / 'agents.parquet'}' (format parquet)"
    )
    con.close()
    with pytest.raises(LoadError, match="both a .parquet and a .csv"):
        load(raw_folder)


def test_parquet_is_loaded_like_csv(raw_folder: Path, warehouse: Path) -> None:
    con = duckdb.connect()
    src = raw_folder / "calls.csv"
    con.execute(
        f"copy (select * from read_csv('{src}')) to '{raw_folder / 'calls.parquet'}' (format parquet)"
    )
    con.close()
    src.unlink()
    assert load(raw_folder)["calls"] == 8


def test_empty_folder_is_an_error(tmp_path: Path, warehouse: Path) -> None:
    with pytest.raises(LoadError, match="no raw files found"):
        load(tmp_path)


def test_cli_exits_non_zero_with_the_message(raw_folder: Path, warehouse: Path, capsys) -> None:
    (raw_folder / "products.csv").write_text("product_id,_loaded_at\nP1,2026-06-01 00:00:00\n")
    assert cli.main(["load", str(raw_folder)]) == 1
    out = capsys.readouterr().out
    assert "error:" in out and "products.csv" in out and "'product_name'" in out


def _record(database: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return {
            r[0]: r[1:]
            for r in con.execute(
                "select table_name, source_name, row_count, is_present, file_name, loaded_at is not null "
                "from raw.cx_loaded_tables"
            ).fetchall()
        }
    finally:
        con.close()


def test_a_subset_is_recorded_and_absent_tables_exist_empty(raw_folder: Path, warehouse: Path) -> None:
    keep = {"tickets", "ticket_events", "customers", "agents"}
    for path in raw_folder.iterdir():
        if path.stem not in keep:
            path.unlink()
    (raw_folder / "products.csv").write_text(",".join(TABLES["products"].columns) + "\n")  # header only
    assert load(raw_folder)["products"] == 0
    record = _record(warehouse)
    assert list(record) == list(TABLES)
    assert record["tickets"] == ("helpdesk", 5, True, "tickets.csv", True)
    assert record["products"] == ("commerce", 0, False, "products.csv", True)  # header-only: absent
    assert record["calls"] == ("telephony", 0, False, None, False)  # never loaded
    assert _rows(warehouse, "calls") == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    columns = [r[0] for r in con.execute("describe raw.calls").fetchall()]
    con.close()
    assert columns == [*TABLES["calls"].columns, LOAD_SEQ]


def test_a_later_load_keeps_the_record_of_the_other_tables(
    raw_folder: Path, warehouse: Path, tmp_path
) -> None:
    load(raw_folder)
    first = _record(warehouse)
    only_calls = tmp_path / "only_calls"
    only_calls.mkdir()
    _rewrite_csv(raw_folder / "calls.csv", lambda rows: (rows[:3], list(rows[0])))
    (only_calls / "calls.csv").write_bytes((raw_folder / "calls.csv").read_bytes())
    load(only_calls)
    second = _record(warehouse)
    assert second["calls"] == ("telephony", 3, True, "calls.csv", True)
    assert {t: r for t, r in second.items() if t != "calls"} == {
        t: r for t, r in first.items() if t != "calls"
    }
    assert _rows(warehouse, "tickets") == 5  # the tickets of the first load stay


def test_spark_settings_come_from_the_profile_with_env_overrides(monkeypatch) -> None:
    # the loader's session and dbt's `spark` output read one definition (profiles/profiles.yml)
    for name in ("CX_SPARK_MASTER", "CX_SPARK_DRIVER_MEMORY", "CX_SPARK_SHUFFLE_PARTITIONS", "CX_SPARK_DIR"):
        monkeypatch.delenv(name, raising=False)
    defaults = spark_settings()
    assert defaults["spark.master"] == "local[2]"
    assert defaults["spark.driver.memory"] == "2g"
    assert defaults["spark.sql.shuffle.partitions"] == "2"
    assert defaults["spark.sql.warehouse.dir"] == "warehouse/spark/spark-warehouse"
    monkeypatch.setenv("CX_SPARK_MASTER", "local[4]")
    monkeypatch.setenv("CX_SPARK_DRIVER_MEMORY", "6g")
    monkeypatch.setenv("CX_SPARK_SHUFFLE_PARTITIONS", "64")
    monkeypatch.setenv("CX_SPARK_DIR", "/data/spark")
    settings = spark_settings()
    assert settings["spark.master"] == "local[4]"
    assert settings["spark.driver.memory"] == "6g"
    assert settings["spark.sql.shuffle.partitions"] == "64"
    assert settings["spark.driver.extraJavaOptions"] == "-Dderby.system.home=/data/spark -Duser.timezone=UTC"
