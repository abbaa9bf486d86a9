"""Idempotent and crash-safe builds on DuckDB (issue 16 part 4).

One warehouse through a day of operation: a published build marks its loads built;
a build with nothing new changes nothing (same bytes, same mtime); reloading the same
files changes nothing; a build killed (SIGKILL, with its dbt) while dbt runs leaves the
published warehouse as it was, and the next build completes the new load.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cx_metrics import cli
from cx_metrics import load as load_mod
from cx_metrics.contract import LOAD_LEDGER
from cx_metrics.pipeline import build
from quality_helpers import build_options, fixture_folder, query

pytestmark = pytest.mark.filterwarnings("ignore")
REPO = Path(__file__).resolve().parents[2]


def _state(path: Path) -> tuple[int, str]:
    return path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()


def _ledger(database: Path) -> list[tuple]:
    return query(
        database, f"select load_seq, table_name, is_built, built_by from raw.{LOAD_LEDGER} order by 1"
    )


def _new_call(folder: Path) -> Path:
    """A folder with one call the fixtures lack (a new day's file)."""
    folder.mkdir()
    with (REPO / "tests" / "fixtures" / "raw" / "calls.csv").open() as handle:
        reader = csv.DictReader(handle)
        fields, first = reader.fieldnames, next(reader)
    row = {**first, "call_id": "L900", "parent_call_id": "", "_loaded_at": "2026-06-03 02:00:00"}
    with (folder / "calls.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerow(row)
    return folder


def _killed_build(tmp: Path, database: Path) -> str:
    """`cx-metrics build` in its own process group, SIGKILLed (dbt too) once dbt builds a model."""
    env = {
        **os.environ,
        "CX_DUCKDB_PATH": str(database),
        "CX_DIRT_THRESHOLD": "0.6",
        "CX_DBT_TARGET_PATH": str(tmp / "target_killed"),
        "CX_DBT_LOG_PATH": str(tmp / "logs_killed"),
        "CX_REPORTS_DIR": str(tmp / "reports_killed"),
        "PYTHONPATH": str(REPO),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "cx_metrics.cli", "build"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen = []
    try:
        for line in proc.stdout:
            seen.append(line)
            if "START sql table model" in line:  # dbt is writing into the build file
                os.killpg(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL, "".join(seen[-20:])
    return line


def test_rebuild_reload_and_killed_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    database = tmp_path / "wh.duckdb"
    monkeypatch.setenv("CX_DUCKDB_PATH", str(database))
    raw = fixture_folder(tmp_path / "raw", out_of_scale=1)
    load_mod.load(raw, progress=lambda m: None)
    first = build(build_options(tmp_path))
    assert first.nothing_new is None
    run_id = first.report_dir.name
    ledger = _ledger(database)
    assert len(ledger) == 11 and {(built, by) for _, _, built, by in ledger} == {(True, run_id)}

    # nothing new: the published file keeps its bytes and mtime, no report is written
    before = _state(database)
    again = build(build_options(tmp_path))
    assert again.nothing_new is not None and again.nothing_new.startswith(f"nothing new since build {run_id}")
    assert _state(database) == before
    assert sorted(p.name for p in (tmp_path / "reports").iterdir() if p.name != "latest") == [run_id]

    # reloading the same files (append) skips every one and changes nothing
    capsys.readouterr()
    assert cli.main(["load", str(raw), "--append"]) == 0
    assert capsys.readouterr().out.count("skipped ") == 11
    assert _state(database) == before
    assert build(build_options(tmp_path)).nothing_new is not None

    # --full-refresh rebuilds anyway; the ledger stays built (by the first build: nothing new was covered)
    forced = build(build_options(tmp_path, full_refresh=True))
    assert forced.nothing_new is None and _ledger(database) == ledger

    # a new day's file, then a build killed while dbt runs: the published warehouse is untouched
    load_mod.load(_new_call(tmp_path / "day2"), append=True)
    loaded = _state(database)
    calls = "select count(*) from staging.stg_telephony__calls where call_id = 'L900'"
    assert query(database, calls) == [(0,)]
    _killed_build(tmp_path, database)
    assert _state(database) == loaded
    assert query(database, calls) == [(0,)]
    assert _ledger(database)[-1][1:3] == ("calls", False)

    # the next build completes it
    done = build(build_options(tmp_path))
    assert done.nothing_new is None
    assert query(database, calls) == [(1,)]
    assert {(built, by) for _, _, built, by in _ledger(database)[11:]} == {(True, done.report_dir.name)}
