"""Replay (issue 16): daily appends equal one full load, relation by relation.

A generated sample (28 days, dirty rate 0.05, 400 customers) is split into daily
folders by load time (the `_loaded_at` day; rows extracted before the period go to
the first day). Late rows (ticket events loaded days after their ticket was solved,
surveys answered days later) and re-extractions (a key in two days' folders) occur,
and are asserted to. One more re-extraction is added by hand: a call extracted again
with the same `_loaded_at` and another queue, in a later day's folder, so the
dedupe's tie-break decides.

Warehouse A appends each day's folder (`load --append`) and runs the guarded build
on the checkpoint days. Warehouse B loads every row up to the checkpoint at once
(replace load; its files list the days newest first, an order the export does not
define) and builds with --full-refresh. At each checkpoint, every relation of the
schemas staging, quarantine, audit, intermediate, metric_inputs and marts of A
equals B's: EXCEPT ALL both ways, doubles to 1e-9 relative (the loader's `_load_seq`,
which the base models pass through, and `_staged_by_build` are left out: they name
the load and the build, which differ by construction).

A's first build is full (the first of its warehouse); the next two are incremental
(asserted from what they say): each covers the ten or so days appended since the
previous checkpoint, so the incremental models (README "Incremental builds") are
checked against B's full refresh after many late rows and re-extractions at once.
About 4-6 minutes on the loaded 2-core machine.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from cx_metrics.generate import generate
from cx_metrics.load import load
from cx_metrics.pipeline import build
from replay_helpers import compare, full_folder, split_by_load_day, warehouse_options

pytestmark = pytest.mark.filterwarnings("ignore")

START, DAYS, CUSTOMERS, SEED = date(2026, 6, 1), 28, 400, 7
FIRST_LOAD = START + timedelta(days=1)  # the first daily extract: 02:00 UTC the day after the start
CHECKPOINT_INDEXES = (9, 19, -1)  # days (0-based, in load order) after which A and B are compared
TIE_CALL_DAY = 5  # the hand-made same-_loaded_at re-extraction comes 2 days after its call's day


def _split(source: Path, days_root: Path) -> list[date]:
    """One folder per load day, plus the hand-made tie."""
    ordered = split_by_load_day(source, days_root, FIRST_LOAD)
    con = duckdb.connect()
    # the hand-made tie: a call of one day extracted again, same _loaded_at, another queue,
    # arriving two days later (appended after its first copy; in B's file, before it)
    day, later = ordered[TIE_CALL_DAY], ordered[TIE_CALL_DAY + 2]
    calls = days_root / day.isoformat() / "calls.parquet"
    tie = days_root / later.isoformat() / "calls_tie.parquet"
    con.execute(
        f"copy (select * replace ('zz_requeued' as queue) from '{calls}' "
        f"where answered_at is not null order by call_id limit 1) to '{tie}' (format parquet)"
    )
    target = days_root / later.isoformat() / "calls.parquet"
    parts = [f"'{tie}'"] + ([f"'{target}'"] if target.exists() else [])
    con.execute(
        f"copy (select * from read_parquet([{', '.join(parts)}], union_by_name = true)) to '{target}.new' (format parquet)"
    )
    Path(f"{target}.new").replace(target)
    tie.unlink()
    con.close()
    return ordered


def _assert_late_rows_and_reextractions(days_root: Path, days: list[date]) -> None:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    events = f"read_parquet('{days_root}/*/ticket_events.parquet', filename = true)"
    late = con.execute(
        f"select count(*) from {events} where cast(_loaded_at as date) > cast(event_at as date) + 2"
    ).fetchall()[0][0]
    assert late > 0, "late ticket events (loaded days after they happened) occur"
    calls = f"read_parquet('{days_root}/*/calls.parquet', filename = true)"
    tickets = f"read_parquet('{days_root}/*/tickets.parquet', filename = true)"
    for relation, key in ((calls, "call_id"), (tickets, "ticket_id")):
        across = con.execute(
            f"select count(*) from (select {key} from {relation} where {key} is not null "
            f"group by {key} having count(distinct filename) > 1)"
        ).fetchall()[0][0]
        assert across > 0, f"re-extractions across days occur ({relation})"
    con.close()
    assert len(days) >= DAYS


def test_daily_appends_equal_a_full_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "sample"
    generate(source, customers=CUSTOMERS, days=DAYS, start=START, seed=SEED, dirty_rate=0.05)
    days_root = tmp_path / "days"
    days = _split(source, days_root)
    _assert_late_rows_and_reextractions(days_root, days)
    checkpoints = {days[i] for i in CHECKPOINT_INDEXES}
    a_path = tmp_path / "a.duckdb"
    compared = []
    said: list[str] = []  # what A's builds said: incremental or full, and why
    for index, day in enumerate(days):
        monkeypatch.setenv("CX_DUCKDB_PATH", str(a_path))
        load(days_root / day.isoformat(), append=True)
        if day not in checkpoints:
            continue
        build(warehouse_options(tmp_path, "a", progress=said.append))
        b_path = tmp_path / f"b_{day}.duckdb"
        monkeypatch.setenv("CX_DUCKDB_PATH", str(b_path))
        full_folder(days_root, days[: index + 1], tmp_path / f"full_{day}")
        load(tmp_path / f"full_{day}")
        build(warehouse_options(tmp_path, "b", full_refresh=True))
        assert compare(a_path, b_path) == [], f"after {day}"
        b_path.unlink()
        compared.append(day)
    assert len(compared) == 3
    # each build says the present sources, then whether it is incremental; a later build is
    # full only when a source turned present (a table's first rows arrived: a fingerprint input)
    present = [m for m in said if m.startswith("sources present")]
    plans = [m for m in said if m.startswith(("incremental build", "full build"))]
    assert plans[0] == "full build: the first build of this warehouse"
    for before, now, plan in zip(present[:-1], present[1:], plans[1:], strict=True):
        assert plan.startswith("incremental build") or (
            before != now and plan.endswith("the present sources changed since the last build")
        ), (before, now, plan)
    assert plans[-1].startswith("incremental build"), plans
    # the hand-made tie was decided by the declared columns: the first copy's queue sorts first
    con = duckdb.connect(str(a_path), read_only=True)
    requeued = con.execute(
        "select _row_rank from staging.base_telephony__calls where queue = 'zz_requeued'"
    ).fetchall()
    con.close()
    assert requeued == [(2,)]
