"""Append loads (cx-metrics load --append): the ledger, _load_seq, skipping a file loaded before,
the presence record under appends, and a replace resetting the ledger of the tables it replaces."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from cx_metrics import cli
from cx_metrics.contract import LOAD_LEDGER, LOAD_RECORD, LOAD_SEQ
from cx_metrics.load import load
from quality_helpers import FIXTURE_COUNTS, query


def _split_calls(raw_folder: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two folders holding the fixture calls split in two: rows 1-5 and rows 6-8."""
    with (raw_folder / "calls.csv").open() as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    folders = []
    for name, part in (("day1", rows[:5]), ("day2", rows[5:])):
        folder = tmp_path / name
        folder.mkdir()
        with (folder / "calls.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(part)
        folders.append(folder)
    return folders[0], folders[1]


def test_append_adds_rows_with_their_load_seq_and_a_ledger_row_per_file(
    raw_folder: Path, tmp_path: Path, warehouse: Path
) -> None:
    day1, day2 = _split_calls(raw_folder, tmp_path)
    assert load(day1, append=True) == {"calls": 5}
    assert load(day2, append=True) == {"calls": 3}
    assert query(warehouse, f"select {LOAD_SEQ}, count(*) from raw.calls group by 1 order by 1") == [
        (1, 5),
        (2, 3),
    ]
    ledger = query(
        warehouse,
        f"select load_seq, file_name, table_name, row_count, event_time_min, event_time_max, "
        f"load_mode, is_built, built_by, length(file_sha256) from raw.{LOAD_LEDGER} order by 1",
    )
    # event time: the earliest and latest of queued_at, answered_at, ended_at of each file
    assert ledger[0][:4] == (1, "calls.csv", "calls", 5)
    assert ledger[1][:4] == (2, "calls.csv", "calls", 3)
    assert all(row[6:] == ("append", False, None, 64) for row in ledger)
    mins = query(
        warehouse,
        "select min(least(queued_at, answered_at, ended_at)), max(greatest(queued_at, answered_at, ended_at)) "
        "from raw.calls where _load_seq = 2",
    )[0]
    assert (ledger[1][4], ledger[1][5]) == mins
    assert isinstance(ledger[0][4], datetime)
    # the presence record counts every row the table holds after the appends
    record = query(
        warehouse, f"select row_count, is_present from raw.{LOAD_RECORD} where table_name = 'calls'"
    )
    assert record == [(8, True)]


def test_a_file_loaded_before_is_skipped_and_changes_nothing(
    raw_folder: Path, tmp_path: Path, warehouse: Path, capsys
) -> None:
    day1, _ = _split_calls(raw_folder, tmp_path)
    assert cli.main(["load", str(day1), "--append"]) == 0
    before = (
        query(warehouse, f"select * from raw.{LOAD_LEDGER}"),
        query(warehouse, "select * from raw.calls"),
    )
    # the same bytes under another folder: the hash, not the name, identifies the file
    copy = tmp_path / "again"
    copy.mkdir()
    (copy / "calls.csv").write_bytes((day1 / "calls.csv").read_bytes())
    capsys.readouterr()
    assert cli.main(["load", str(copy), "--append"]) == 0
    assert "skipped" in capsys.readouterr().out
    after = (
        query(warehouse, f"select * from raw.{LOAD_LEDGER}"),
        query(warehouse, "select * from raw.calls"),
    )
    assert after == before


def test_presence_holds_once_any_load_gave_rows(raw_folder: Path, tmp_path: Path, warehouse: Path) -> None:
    day1, _ = _split_calls(raw_folder, tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    header = (day1 / "calls.csv").read_text().splitlines()[0]
    (empty / "calls.csv").write_text(header + "\n")
    assert load(empty, append=True) == {"calls": 0}
    present = f"select row_count, is_present from raw.{LOAD_RECORD} where table_name = 'calls'"
    assert query(warehouse, present) == [(0, False)]
    load(day1, append=True)
    assert query(warehouse, present) == [(5, True)]
    (empty / "calls.csv").write_text(header + "\n\n")  # another header-only file (another hash)
    load(empty, append=True)
    assert query(warehouse, present) == [(5, True)]


def test_replace_resets_the_ledger_of_the_tables_it_replaces(
    raw_folder: Path, tmp_path: Path, warehouse: Path
) -> None:
    day1, day2 = _split_calls(raw_folder, tmp_path)
    load(raw_folder)  # every table, replace: one ledger row each
    assert query(warehouse, f"select count(*) from raw.{LOAD_LEDGER}") == [(11,)]
    load(day1, append=True)
    assert query(warehouse, "select count(*) from raw.calls") == [(FIXTURE_COUNTS["calls"] + 5,)]
    load(day2)  # replace calls only
    assert query(warehouse, f"select count(*) from raw.{LOAD_LEDGER} where table_name = 'calls'") == [(1,)]
    assert query(warehouse, f"select count(*) from raw.{LOAD_LEDGER}") == [(11,)]
    seq = query(warehouse, f"select load_seq, load_mode from raw.{LOAD_LEDGER} where table_name = 'calls'")
    # the next sequence follows the ledger's highest before the load: 1-11, 12 (the append), 13
    assert seq == [(13, "replace")]
    assert query(warehouse, f"select {LOAD_SEQ}, count(*) from raw.calls group by 1") == [(13, 3)]
    # the other tables' rows and ledger rows are untouched
    assert query(warehouse, f"select distinct {LOAD_SEQ} from raw.tickets") != []
